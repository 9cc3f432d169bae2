/* libFuzzer target: the TFRecord reader (data/cs_tfrecord.h).
 *
 * The input describes a file (fuzz_util.h: raw bytes, or records the
 * harness frames correctly and then damages), read from a path or, with
 * mode bit 1, from standard input through a pipe.  Every record read is
 * also given to the row decoder.  Beyond "no crash", it checks what the
 * reader promises: records come back in file order at the offsets their
 * framing puts them, an error is sticky, and after a clean end of file the
 * on_read callback has seen every byte once and the records re-frame into
 * the very file. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_nb101_row.h"
#include "cs_tfrecord.h"
#include "fuzz_util.h"

typedef struct seen {
    const unsigned char *file;
    size_t size, at;
} seen;

static void on_read(void *user, const unsigned char *bytes, size_t n)
{
    seen *s = user;
    if (s->at + n > s->size || memcmp(s->file + s->at, bytes, n) != 0)
        fuzz_fail("on_read saw bytes the file does not hold at offset %zu", s->at);
    s->at += n;
}

/* Standard input becomes a pipe holding the file; the old one comes back
 * in restore_stdin.  Only for files that fit the pipe's buffer, so that
 * writing never waits for the reader. */
static int swap_stdin(const unsigned char *file, size_t size)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    (void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
    int cap = fcntl(p[1], F_GETPIPE_SZ);
    int saved = -1;
    if (cap < 0 || size > (size_t)cap || (saved = dup(STDIN_FILENO)) < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    for (size_t off = 0; off < size;) {
        ssize_t w = write(p[1], file + off, size - off);
        if (w <= 0)
            fuzz_fail("write to the pipe failed");
        off += (size_t)w;
    }
    close(p[1]);
    if (dup2(p[0], STDIN_FILENO) < 0)
        fuzz_fail("dup2 failed");
    close(p[0]);
    return saved;
}

static void restore_stdin(int saved)
{
    if (dup2(saved, STDIN_FILENO) < 0)
        fuzz_fail("dup2 failed");
    close(saved);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t flen;
    unsigned char *file = fuzz_tfrecord_file(data, size, &flen);
    if (!file)
        return 0;
    int use_stdin = size > 0 && (data[0] & FUZZ_MODE_STDIN);
    int saved = -1;
    const char *path;
    if (use_stdin && (saved = swap_stdin(file, flen)) >= 0) {
        path = "-";
    } else {
        use_stdin = 0;
        path = fuzz_file(file, flen);
    }

    cs_tfrecord_reader *r;
    cs_error err;
    if (cs_tfrecord_reader_open(&r, path, &err) != CS_OK)
        fuzz_fail("cannot open the fuzz file: %s", err.msg);
    seen s = {file, flen, 0};
    cs_tfrecord_reader_on_read(r, on_read, &s);

    char *again = NULL;
    size_t again_len = 0;
    FILE *m = open_memstream(&again, &again_len);
    if (!m)
        fuzz_fail("open_memstream failed");
    cs_nb101_row *row = malloc(sizeof *row);
    uint64_t expect_offset = 0, index = 0;
    cs_status st;
    for (;;) {
        const unsigned char *rec;
        size_t len;
        int eof;
        st = cs_tfrecord_reader_next(r, &rec, &len, &eof, &err);
        if (st != CS_OK)
            break;
        if (eof) {
            if (cs_tfrecord_reader_record_offset(r) != flen ||
                cs_tfrecord_reader_record_index(r) != index)
                fuzz_fail("end of file at record %llu offset %llu, file has %llu records, %zu bytes",
                          (unsigned long long)cs_tfrecord_reader_record_index(r),
                          (unsigned long long)cs_tfrecord_reader_record_offset(r),
                          (unsigned long long)index, flen);
            break;
        }
        if (cs_tfrecord_reader_record_offset(r) != expect_offset ||
            cs_tfrecord_reader_record_index(r) != index)
            fuzz_fail("record %llu reported at index %llu offset %llu, expected offset %llu",
                      (unsigned long long)index,
                      (unsigned long long)cs_tfrecord_reader_record_index(r),
                      (unsigned long long)cs_tfrecord_reader_record_offset(r),
                      (unsigned long long)expect_offset);
        if (len > CS_TFRECORD_MAX_RECORD_LEN || expect_offset + 16 + len > flen ||
            memcmp(rec, file + expect_offset + 12, len) != 0)
            fuzz_fail("record %llu does not hold the file's bytes", (unsigned long long)index);
        if (row) {
            cs_error rerr;
            if (cs_nb101_row_decode(rec, len, row, &rerr) == CS_OK)
                fuzz_check_row(row);
            else
                cs_tfrecord_reader_error_prefix(r, &rerr);
        }
        if (cs_tfrecord_write(m, rec, len, NULL) != CS_OK)
            fuzz_fail("cs_tfrecord_write refused a record the reader returned");
        expect_offset += 16 + len;
        index++;
    }
    if (fclose(m) != 0)
        fuzz_fail("open_memstream failed");

    if (st == CS_OK) {
        /* A clean end: every byte seen once, and the file is its records. */
        if (s.at != flen)
            fuzz_fail("on_read saw %zu of %zu bytes", s.at, flen);
        if (again_len != flen || memcmp(again, file, flen) != 0)
            fuzz_fail("the records read do not re-frame into the file");
    } else {
        if (st != CS_ERR_FORMAT && st != CS_ERR_IO && st != CS_ERR_NOMEM)
            fuzz_fail("reader failed with status %d: %s", (int)st, err.msg);
        if (err.msg[0] == '\0')
            fuzz_fail("reader failed without a message");
        /* Sticky: the stream cannot resume inside damaged framing. */
        const unsigned char *rec;
        size_t len;
        int eof;
        cs_error err2;
        if (cs_tfrecord_reader_next(r, &rec, &len, &eof, &err2) != st)
            fuzz_fail("a failed reader did not stay failed");
    }
    (void)cs_tfrecord_reader_path(r);
    cs_tfrecord_reader_close(r);
    if (use_stdin)
        restore_stdin(saved);
    free(row);
    free(again);
    free(file);
    return 0;
}
