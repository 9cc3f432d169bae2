/* cellscape: streaming TFRecord reader and writer. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "cs_tfrecord.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/crc.h>

/* Bytes asked of each read(). Large enough that syscall cost vanishes next to
 * the CRC pass (records are ~450 bytes, so one chunk holds ~2000 of them),
 * small enough to stay cache friendly. Overridable so tests can force a
 * refill inside nearly every record. */
#ifndef CS_TFRECORD_CHUNK
#define CS_TFRECORD_CHUNK ((size_t)1 << 20)
#endif

#define CS_TFRECORD_HEADER 12 /* length (8) + length CRC (4) */
#define CS_TFRECORD_FOOTER 4

uint32_t cs_crc32c(const void *buf, size_t len)
{
    return cs_crc32c_extend(0, buf, len);
}

uint32_t cs_crc32c_extend(uint32_t crc, const void *buf, size_t len)
{
    /* ISA-L takes an int length, so long buffers are fed in slices; its
     * return value is the un-inverted state, which chains as the next init. */
    unsigned char *p = (unsigned char *)(uintptr_t)buf;
    uint32_t state = crc ^ 0xFFFFFFFFu;
    while (len > 0) {
        size_t n = len > (size_t)INT_MAX / 2 ? (size_t)INT_MAX / 2 : len;
        state = crc32_iscsi(p, (int)n, state);
        p += n;
        len -= n;
    }
    return state ^ 0xFFFFFFFFu;
}

static uint32_t cs_crc32c_mask(uint32_t c)
{
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

uint32_t cs_crc32c_masked(const void *buf, size_t len)
{
    return cs_crc32c_mask(cs_crc32c(buf, len));
}

/* The format is little endian whatever the host is. */
static uint64_t cs_load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t cs_load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void cs_store_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void cs_store_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* strerror() is not thread safe, and strerror_r has two incompatible
 * signatures depending on feature macros the build may set. */
static const char *cs_errno_text(int e, char *buf, size_t n)
{
#if defined(_GNU_SOURCE)
    return strerror_r(e, buf, n);
#else
    if (strerror_r(e, buf, n) != 0)
        snprintf(buf, n, "error %d", e);
    return buf;
#endif
}

struct cs_tfrecord_reader {
    int fd;
    int own_fd;
    char *path;
    unsigned char *buf;
    size_t cap;
    size_t pos;          /* start of unconsumed bytes in buf */
    size_t end;          /* end of valid bytes in buf */
    uint64_t buf_offset; /* file offset of buf[0] */
    int at_eof;          /* read() returned 0 */
    cs_status failed;    /* sticky: a damaged stream has no next record */
    bool cut;            /* it failed because the file ends inside a record */
    uint64_t cut_bytes;  /* the bytes of that partial record */
    uint64_t next_index;
    uint64_t cur_index;
    uint64_t cur_offset;
    cs_tfrecord_bytes_fn on_read;
    void *on_read_user;
};

cs_status cs_tfrecord_reader_open(cs_tfrecord_reader **out, const char *path, cs_error *err)
{
    *out = NULL;
    if (!path)
        return cs_error_set(err, CS_ERR_ARG, "TFRecord reader: no path given");
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;

    cs_tfrecord_reader *r = calloc(1, sizeof *r);
    if (!r)
        return cs_error_set(err, CS_ERR_NOMEM, "%s: out of memory opening TFRecord reader", name);
    r->fd = -1;
    r->path = malloc(strlen(name) + 1);
    r->cap = CS_TFRECORD_CHUNK;
    r->buf = malloc(r->cap);
    if (!r->path || !r->buf) {
        cs_tfrecord_reader_close(r);
        return cs_error_set(err, CS_ERR_NOMEM, "%s: out of memory opening TFRecord reader", name);
    }
    strcpy(r->path, name);

    if (is_stdin) {
        r->fd = STDIN_FILENO;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            char eb[128];
            int e = errno;
            cs_tfrecord_reader_close(r);
            return cs_error_set(err, CS_ERR_IO, "cannot open %s: %s", name, cs_errno_text(e, eb, sizeof eb));
        }
        r->own_fd = 1;
        /* Only a hint; pipes and odd files may refuse it, which is fine. */
        (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    *out = r;
    return CS_OK;
}

void cs_tfrecord_reader_on_read(cs_tfrecord_reader *r, cs_tfrecord_bytes_fn fn, void *user)
{
    r->on_read = fn;
    r->on_read_user = user;
}

void cs_tfrecord_reader_close(cs_tfrecord_reader *r)
{
    if (!r)
        return;
    if (r->own_fd && r->fd >= 0)
        close(r->fd);
    free(r->buf);
    free(r->path);
    free(r);
}

bool cs_tfrecord_reader_cut(const cs_tfrecord_reader *r, uint64_t *lost)
{
    if (lost)
        *lost = r->cut ? r->cut_bytes : 0;
    return r->cut;
}

uint64_t cs_tfrecord_reader_record_index(const cs_tfrecord_reader *r)
{
    return r->cur_index;
}

uint64_t cs_tfrecord_reader_record_offset(const cs_tfrecord_reader *r)
{
    return r->cur_offset;
}

const char *cs_tfrecord_reader_path(const cs_tfrecord_reader *r)
{
    return r->path;
}

cs_status cs_tfrecord_reader_error_prefix(const cs_tfrecord_reader *r, cs_error *err)
{
    return cs_error_prefix(err, "%s: record %" PRIu64 " at byte offset %" PRIu64 ": ", r->path,
                           r->cur_index, r->cur_offset);
}

/* Make at least need bytes available at buf + pos, unless the file ends
 * first (then fewer are, and at_eof is set). */
static cs_status cs_reader_fill(cs_tfrecord_reader *r, size_t need, cs_error *err)
{
    if (r->end - r->pos >= need)
        return CS_OK;
    if (r->cap - r->pos < need) {
        /* Slide the partial record to the front instead of growing, so the
         * buffer stays one chunk unless a single record is larger. */
        size_t keep = r->end - r->pos;
        memmove(r->buf, r->buf + r->pos, keep);
        r->buf_offset += r->pos;
        r->pos = 0;
        r->end = keep;
        if (r->cap < need) {
            unsigned char *nb = realloc(r->buf, need);
            if (!nb)
                return cs_error_set(err, CS_ERR_NOMEM,
                                    "%s: record %" PRIu64 " at byte offset %" PRIu64
                                    ": out of memory for a %zu-byte record",
                                    r->path, r->next_index, r->buf_offset, need);
            r->buf = nb;
            r->cap = need;
        }
    }
    while (!r->at_eof && r->end - r->pos < need) {
        ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            char eb[128];
            int e = errno;
            return cs_error_set(err, CS_ERR_IO, "%s: read error at byte offset %" PRIu64 ": %s",
                                r->path, r->buf_offset + r->end, cs_errno_text(e, eb, sizeof eb));
        }
        if (got == 0)
            r->at_eof = 1;
        else if (r->on_read)
            r->on_read(r->on_read_user, r->buf + r->end, (size_t)got);
        r->end += (size_t)got;
    }
    return CS_OK;
}

/* Record the failure so later calls cannot resume inside damaged framing. */
static cs_status cs_reader_fail(cs_tfrecord_reader *r, cs_error *err, cs_status code,
                                const char *what, ...) __attribute__((format(printf, 4, 5)));

static cs_status cs_reader_fail(cs_tfrecord_reader *r, cs_error *err, cs_status code,
                                const char *what, ...)
{
    r->failed = code;
    if (err) {
        va_list ap;
        va_start(ap, what);
        cs_error_setv(err, code, what, ap);
        va_end(ap);
        cs_tfrecord_reader_error_prefix(r, err);
    }
    return code;
}

cs_status cs_tfrecord_reader_next(cs_tfrecord_reader *r, const unsigned char **data, size_t *len,
                                  int *eof, cs_error *err)
{
    *data = NULL;
    *len = 0;
    *eof = 0;
    if (r->failed)
        return cs_error_set(err, r->failed,
                            "%s: record %" PRIu64 " at byte offset %" PRIu64
                            ": reader stopped by an earlier error",
                            r->path, r->cur_index, r->cur_offset);

    /* Consumed bytes before pos are the previous record, now released. */
    r->cur_index = r->next_index;
    r->cur_offset = r->buf_offset + r->pos;

    cs_status st = cs_reader_fill(r, CS_TFRECORD_HEADER, err);
    if (st != CS_OK) {
        r->failed = st;
        return st;
    }
    size_t avail = r->end - r->pos;
    if (avail == 0) {
        *eof = 1;
        return CS_OK;
    }
    if (avail < CS_TFRECORD_HEADER) {
        r->cut = true;
        r->cut_bytes = avail;
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "truncated header: file ends after %zu of %d header bytes", avail,
                              CS_TFRECORD_HEADER);
    }

    const unsigned char *h = r->buf + r->pos;
    uint64_t dlen = cs_load_le64(h);
    uint32_t want = cs_load_le32(h + 8);
    uint32_t got = cs_crc32c_masked(h, 8);
    /* At the very start a header that does not check out means the file
     * is something else altogether (a store has its own magic and never
     * gets here), not a damaged record. */
    if (want != got && r->buf_offset + r->pos == 0)
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "not a TFRecord file nor a cellscape store: its first %d bytes "
                              "are no record header (length CRC stored 0x%08" PRIx32
                              ", computed 0x%08" PRIx32 ")",
                              CS_TFRECORD_HEADER, want, got);
    if (want != got)
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "bad length CRC: stored 0x%08" PRIx32 ", computed 0x%08" PRIx32
                              " over length field %" PRIu64,
                              want, got, dlen);
    if (dlen > CS_TFRECORD_MAX_RECORD_LEN)
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "record length %" PRIu64 " exceeds the limit of %zu bytes", dlen,
                              CS_TFRECORD_MAX_RECORD_LEN);

    size_t total = CS_TFRECORD_HEADER + (size_t)dlen + CS_TFRECORD_FOOTER;
    st = cs_reader_fill(r, total, err);
    if (st != CS_OK) {
        r->failed = st;
        return st;
    }
    avail = r->end - r->pos;
    if (avail < CS_TFRECORD_HEADER + (size_t)dlen) {
        r->cut = true;
        r->cut_bytes = avail;
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "truncated data: file ends after %zu of %" PRIu64 " data bytes",
                              avail - CS_TFRECORD_HEADER, dlen);
    }
    if (avail < total) {
        r->cut = true;
        r->cut_bytes = avail;
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "truncated footer: file ends after %zu of %d data CRC bytes",
                              avail - CS_TFRECORD_HEADER - (size_t)dlen, CS_TFRECORD_FOOTER);
    }

    const unsigned char *d = r->buf + r->pos + CS_TFRECORD_HEADER;
    want = cs_load_le32(d + dlen);
    got = cs_crc32c_masked(d, (size_t)dlen);
    if (want != got)
        return cs_reader_fail(r, err, CS_ERR_FORMAT,
                              "bad data CRC: stored 0x%08" PRIx32 ", computed 0x%08" PRIx32
                              " over %" PRIu64 " data bytes",
                              want, got, dlen);

    r->pos += total;
    r->next_index++;
    *data = d;
    *len = (size_t)dlen;
    return CS_OK;
}

cs_status cs_tfrecord_write(FILE *f, const void *data, size_t len, cs_error *err)
{
    if (len > CS_TFRECORD_MAX_RECORD_LEN)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "TFRecord record of %zu bytes exceeds the limit of %zu bytes", len,
                            CS_TFRECORD_MAX_RECORD_LEN);
    unsigned char head[CS_TFRECORD_HEADER], foot[CS_TFRECORD_FOOTER];
    cs_store_le64(head, (uint64_t)len);
    cs_store_le32(head + 8, cs_crc32c_masked(head, 8));
    cs_store_le32(foot, cs_crc32c_masked(data, len));
    if (fwrite(head, 1, sizeof head, f) != sizeof head
        || (len > 0 && fwrite(data, 1, len, f) != len)
        || fwrite(foot, 1, sizeof foot, f) != sizeof foot) {
        char eb[128];
        int e = errno;
        return cs_error_set(err, CS_ERR_IO, "cannot write a %zu-byte TFRecord record: %s", len,
                            cs_errno_text(e, eb, sizeof eb));
    }
    return CS_OK;
}
