/* cellscape fuzzing: helpers shared by the libFuzzer targets (header only,
 * each target is one translation unit).
 *
 * The library reads files by path, so fuzz bytes go to a memfd that is
 * reopened through /proc/self/fd: no disk traffic, nothing left behind when
 * a target crashes.  Checks of the library's own promises (round trips,
 * agreement of two code paths) abort through fuzz_fail, which libFuzzer
 * reports like any other crash. */
#ifndef CS_FUZZ_UTIL_H
#define CS_FUZZ_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cs_error.h"
#include "cs_nb101_row.h"
#include "cs_tfrecord.h"

static void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz check failed: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* Put bytes in this process's memfd and return a path that opens them
 * afresh (a new file offset each open).  One memfd per process: creating one
 * per input would cost a syscall pair for nothing. */
static inline const char *fuzz_file(const void *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("cellscape-fuzz", MFD_CLOEXEC);
        if (fd < 0)
            fuzz_fail("memfd_create failed");
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        fuzz_fail("ftruncate failed");
    const unsigned char *p = data;
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(fd, p + off, size - off, (off_t)off);
        if (w <= 0)
            fuzz_fail("pwrite failed");
        off += (size_t)w;
    }
    return path;
}

/* --- TFRecord files from fuzz bytes -------------------------------------
 * The CRCs stop almost every mutation of a raw file at the first header, so
 * most inputs are "framed": the harness writes correct framing around the
 * fuzzer's records and the mutations reach what is inside.
 *
 * Input: one mode byte, then the payload.
 *   mode bit 0 = 1: the payload is the file, byte for byte (framing damage).
 *   mode bit 0 = 0: the payload is records separated by '\n', each written
 *                   with correct framing; then mode bits 2-3 damage it:
 *                   0 none; 1 cut the last k bytes; 2 flip bits of the byte
 *                   k from the end; 3 append a header with correct length
 *                   CRC claiming 2^(4k) bytes (k = mode >> 4; 1 + that for
 *                   the cut).  Records never hold '\n': the official rows
 *                   do not either.
 * Bit 1 is left to the targets (standard input or a file for the reader). */
#define FUZZ_MODE_RAW 0x1u
#define FUZZ_MODE_STDIN 0x2u

/* The file the input describes (malloc'd, *len bytes; NULL only if out of
 * memory). */
static inline unsigned char *fuzz_tfrecord_file(const uint8_t *data, size_t size, size_t *len)
{
    *len = 0;
    if (size == 0)
        return calloc(1, 1);
    unsigned mode = data[0];
    data++;
    size--;
    if (mode & FUZZ_MODE_RAW) {
        unsigned char *f = malloc(size ? size : 1);
        if (f && size)
            memcpy(f, data, size);
        *len = size;
        return f;
    }
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m)
        return NULL;
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *stop = nl ? nl : end;
        if (cs_tfrecord_write(m, p, (size_t)(stop - p), NULL) != CS_OK)
            fuzz_fail("cs_tfrecord_write failed on %zu bytes", (size_t)(stop - p));
        p = nl ? nl + 1 : end;
    }
    unsigned k = mode >> 4;
    if (((mode >> 2) & 3) == 3) {
        /* A header whose length CRC is right: only the length lies. */
        unsigned char head[12];
        uint64_t claim = k ? UINT64_C(1) << (4 * k - 1) : 0;
        for (int i = 0; i < 8; i++)
            head[i] = (unsigned char)(claim >> (8 * i));
        uint32_t crc = cs_crc32c_masked(head, 8);
        for (int i = 0; i < 4; i++)
            head[8 + i] = (unsigned char)(crc >> (8 * i));
        fwrite(head, 1, sizeof head, m);
    }
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    switch ((mode >> 2) & 3) {
    case 1:
        n = n > k + 1 ? n - (k + 1) : 0;
        break;
    case 2:
        if (n > k)
            buf[n - 1 - k] ^= (char)(0x80 >> (k & 7));
        break;
    default:
        break;
    }
    *len = n;
    return (unsigned char *)buf;
}

/* --- row checks ----------------------------------------------------------- */

/* What a decoded row promises: text fields terminated within their bounds,
 * the hash 32 lowercase hex digits, 3 evaluations. */
static inline void fuzz_check_row(const cs_nb101_row *row)
{
    if (strnlen(row->hash, sizeof row->hash) != 32)
        fuzz_fail("decoded hash is not 32 characters");
    for (int i = 0; i < 32; i++)
        if (!((row->hash[i] >= '0' && row->hash[i] <= '9') || (row->hash[i] >= 'a' && row->hash[i] <= 'f')))
            fuzz_fail("decoded hash has a character that is not lowercase hex");
    if (strnlen(row->adjacency, sizeof row->adjacency) == sizeof row->adjacency ||
        strnlen(row->ops, sizeof row->ops) == sizeof row->ops ||
        strnlen(row->checkpoint_path, sizeof row->checkpoint_path) == sizeof row->checkpoint_path)
        fuzz_fail("decoded text field not terminated within its bound");
    if (row->n_eval != CS_NB101_N_EVAL || row->epochs < 1)
        fuzz_fail("decoded row has n_eval %d, epochs %d", row->n_eval, row->epochs);
}

/* A decoded row encodes, and the encoding decodes to the same row: the
 * codec's promise that encode(decode(x)) keeps everything the row holds.
 * Only CS_NB101_LAYOUT_DROPPED may go (it says content was dropped, and
 * the re-encoded record has none to drop). */
static inline void fuzz_check_row_roundtrip(const cs_nb101_row *row)
{
    unsigned char *out = NULL;
    size_t outlen = 0;
    cs_error err;
    cs_status st = cs_nb101_row_encode(row, &out, &outlen, &err);
    if (st == CS_ERR_NOMEM)
        return;
    if (st != CS_OK)
        fuzz_fail("a decoded row does not encode: %s", err.msg);
    cs_nb101_row *again = calloc(1, sizeof *again);
    if (!again) {
        free(out);
        return;
    }
    st = cs_nb101_row_decode(out, outlen, again, &err);
    if (st != CS_OK)
        fuzz_fail("an encoded row does not decode: %s: %.*s", err.msg, (int)outlen, out);
    cs_nb101_row want;
    memcpy(&want, row, sizeof want);
    want.layout &= ~(uint32_t)CS_NB101_LAYOUT_DROPPED;
    /* Compare field by field: the text fields' bytes past the NUL are not
     * part of the value. */
    if (strcmp(want.hash, again->hash) || want.epochs != again->epochs ||
        strcmp(want.adjacency, again->adjacency) || strcmp(want.ops, again->ops) ||
        want.trainable_parameters != again->trainable_parameters ||
        memcmp(&want.total_time, &again->total_time, sizeof want.total_time) ||
        want.n_eval != again->n_eval ||
        memcmp(want.eval, again->eval, sizeof want.eval) ||
        strcmp(want.checkpoint_path, again->checkpoint_path) || want.layout != again->layout)
        fuzz_fail("decode(encode(row)) differs from row (layout 0x%x -> 0x%x): %.*s",
                  (unsigned)row->layout, (unsigned)again->layout, (int)outlen, out);
    free(again);
    free(out);
}

#endif
