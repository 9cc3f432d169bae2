/* cellscape: Check cases for data/ framing (cs_tfrecord) and the row codec
 * (cs_nb101_row), run against the shared fixtures written by an independent
 * writer and checked by the reference Python API. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkstemp, dup, strnlen */
#endif

#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <nettle/base64.h>

#include "cs_error.h"
#include "cs_nb101_row.h"
#include "cs_tfrecord.h"

#ifndef CS_TEST_SHARED_DIR
#define CS_TEST_SHARED_DIR "../shared"
#endif

TCase *cs_tfrecord_tcase(void);
TCase *cs_nb101_row_tcase(void);

typedef struct cs_test_fixture {
    const char *stem;
} cs_test_fixture;

static const cs_test_fixture cs_fixtures[] = {
    {"nb101-mini-full"},
    {"nb101-mini-only108"},
    {"nb101-real30-only108"},
};
#define CS_N_FIXTURES (sizeof cs_fixtures / sizeof cs_fixtures[0])

/* ---------------------------------------------------------------- helpers */

static void cs_test_fixture_path(char *buf, size_t cap, const char *stem, const char *ext)
{
    int n = snprintf(buf, cap, "%s/fixtures/%s%s", CS_TEST_SHARED_DIR, stem, ext);
    ck_assert_msg(n > 0 && (size_t)n < cap, "path too long");
}

static unsigned char *cs_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap + 1);
    ck_assert_ptr_nonnull(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
    }
    ck_assert_msg(!ferror(f), "read error on %s", path);
    fclose(f);
    buf[n] = '\0'; /* lets JSON files go straight to cJSON_Parse */
    *len = n;
    return buf;
}

/* Writes bytes to a fresh file under /tmp; the caller unlinks path. */
static void cs_test_tmpfile(char path[64], const void *data, size_t len)
{
    strcpy(path, "/tmp/cs_data_codec_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_msg(fd >= 0, "mkstemp failed");
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        ck_assert_msg(w > 0, "write to %s failed", path);
        p += w;
        len -= (size_t)w;
    }
    close(fd);
}

static cJSON *cs_test_load_json(const char *path)
{
    size_t len;
    unsigned char *text = cs_test_slurp(path, &len);
    cJSON *j = cJSON_Parse((const char *)text);
    free(text);
    ck_assert_msg(j != NULL, "cannot parse %s", path);
    return j;
}

/* num_models x budgets x 3 repeats, from the reference API's answer file. */
static long cs_test_expected_records(const char *stem)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, stem, ".expected.json");
    cJSON *j = cs_test_load_json(path);
    cJSON *models = cJSON_GetObjectItemCaseSensitive(j, "num_models");
    cJSON *epochs = cJSON_GetObjectItemCaseSensitive(j, "valid_epochs");
    ck_assert(cJSON_IsNumber(models) && cJSON_IsArray(epochs));
    long n = (long)models->valuedouble * cJSON_GetArraySize(epochs) * 3;
    cJSON_Delete(j);
    return n;
}

typedef struct cs_test_records {
    size_t n;
    unsigned char **data;
    size_t *len;
    uint64_t *offset;
} cs_test_records;

static void cs_test_records_init(cs_test_records *rs)
{
    memset(rs, 0, sizeof *rs);
}

static void cs_test_records_destroy(cs_test_records *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->data[i]);
    free(rs->data);
    free(rs->len);
    free(rs->offset);
    memset(rs, 0, sizeof *rs);
}

/* Reads every record of path with the streaming reader; fails the test on
 * any error. */
static void cs_test_read_all(const char *path, cs_test_records *rs)
{
    cs_tfrecord_reader *r;
    cs_error err;
    cs_error_clear(&err);
    ck_assert_msg(cs_tfrecord_reader_open(&r, path, &err) == CS_OK, "%s", err.msg);
    size_t cap = 0;
    for (;;) {
        const unsigned char *d;
        size_t len;
        int eof;
        cs_status st = cs_tfrecord_reader_next(r, &d, &len, &eof, &err);
        ck_assert_msg(st == CS_OK, "%s", err.msg);
        if (eof)
            break;
        if (rs->n == cap) {
            cap = cap ? 2 * cap : 1024;
            rs->data = realloc(rs->data, cap * sizeof *rs->data);
            rs->len = realloc(rs->len, cap * sizeof *rs->len);
            rs->offset = realloc(rs->offset, cap * sizeof *rs->offset);
            ck_assert(rs->data && rs->len && rs->offset);
        }
        ck_assert_uint_eq(cs_tfrecord_reader_record_index(r), rs->n);
        rs->data[rs->n] = malloc(len ? len : 1);
        memcpy(rs->data[rs->n], d, len);
        rs->len[rs->n] = len;
        rs->offset[rs->n] = cs_tfrecord_reader_record_offset(r);
        rs->n++;
    }
    ck_assert_uint_eq(cs_tfrecord_reader_record_index(r), rs->n);
    cs_tfrecord_reader_close(r);
}

static void cs_test_read_fixture(const char *stem, cs_test_records *rs)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, stem, ".tfrecord");
    cs_test_read_all(path, rs);
}

/* ------------------------------------------------------------ tfrecord */

/* Bitwise CRC-32C, independent of ISA-L, to check how we call it. */
static uint32_t cs_test_crc32c_slow(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

START_TEST(test_crc32c_values)
{
    ck_assert_uint_eq(cs_crc32c("123456789", 9), 0xE3069283u);
    ck_assert_uint_eq(cs_crc32c("", 0), 0u);
    uint32_t c = 0xE3069283u;
    ck_assert_uint_eq(cs_crc32c_masked("123456789", 9), ((c >> 15) | (c << 17)) + 0xa282ead8u);
    unsigned char buf[4099];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    for (size_t n = 0; n < sizeof buf; n += 97)
        ck_assert_uint_eq(cs_crc32c(buf + 1, n - (n ? 1 : 0)),
                          cs_test_crc32c_slow(buf + 1, n - (n ? 1 : 0)));
}
END_TEST

START_TEST(test_fixture_record_counts)
{
    for (size_t i = 0; i < CS_N_FIXTURES; i++) {
        char path[512];
        cs_test_fixture_path(path, sizeof path, cs_fixtures[i].stem, ".tfrecord");
        cs_test_records rs;
        cs_test_records_init(&rs);
        cs_test_read_all(path, &rs);
        long want = cs_test_expected_records(cs_fixtures[i].stem);
        ck_assert_msg((long)rs.n == want, "%s: %zu records, expected %ld", path, rs.n, want);
        /* Offsets chain through the 16 framing bytes of each record. */
        uint64_t off = 0;
        for (size_t k = 0; k < rs.n; k++) {
            ck_assert_uint_eq(rs.offset[k], off);
            off += 16 + rs.len[k];
        }
        size_t flen;
        free(cs_test_slurp(path, &flen));
        ck_assert_uint_eq(off, flen);
        cs_test_records_destroy(&rs);
    }
}
END_TEST

START_TEST(test_eof_accessors_and_repeat)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, "nb101-real30-only108", ".tfrecord");
    size_t flen;
    free(cs_test_slurp(path, &flen));
    cs_tfrecord_reader *r;
    cs_error err;
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, path, &err), CS_OK);
    ck_assert_uint_eq(cs_tfrecord_reader_record_index(r), 0);
    ck_assert_uint_eq(cs_tfrecord_reader_record_offset(r), 0);
    ck_assert_str_eq(cs_tfrecord_reader_path(r), path);
    const unsigned char *d;
    size_t len;
    int eof = 0, n = 0;
    while (cs_tfrecord_reader_next(r, &d, &len, &eof, &err) == CS_OK && !eof)
        n++;
    ck_assert_int_eq(eof, 1);
    ck_assert_int_eq(n, 90);
    ck_assert_uint_eq(cs_tfrecord_reader_record_index(r), 90);
    ck_assert_uint_eq(cs_tfrecord_reader_record_offset(r), flen);
    /* End of file is stable, not an error. */
    ck_assert_int_eq(cs_tfrecord_reader_next(r, &d, &len, &eof, &err), CS_OK);
    ck_assert_int_eq(eof, 1);
    ck_assert_ptr_null(d);
    cs_tfrecord_reader_close(r);
}
END_TEST

START_TEST(test_writer_reproduces_fixture)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, "nb101-mini-full", ".tfrecord");
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_all(path, &rs);

    char tmp[64];
    cs_test_tmpfile(tmp, "", 0);
    FILE *f = fopen(tmp, "wb");
    ck_assert_ptr_nonnull(f);
    cs_error err;
    for (size_t k = 0; k < rs.n; k++)
        ck_assert_msg(cs_tfrecord_write(f, rs.data[k], rs.len[k], &err) == CS_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(f), 0);

    size_t a_len, b_len;
    unsigned char *a = cs_test_slurp(path, &a_len);
    unsigned char *b = cs_test_slurp(tmp, &b_len);
    ck_assert_uint_eq(a_len, b_len);
    ck_assert_msg(memcmp(a, b, a_len) == 0, "rewritten file differs from %s", path);
    free(a);
    free(b);
    unlink(tmp);
    cs_test_records_destroy(&rs);
}
END_TEST

/* A file several read chunks long, with a record larger than a chunk and an
 * empty one, so refills and buffer growth happen mid-record. */
START_TEST(test_multi_chunk_and_large_record)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, "nb101-mini-full", ".tfrecord");
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_all(path, &rs);

    char tmp[64];
    cs_test_tmpfile(tmp, "", 0);
    FILE *f = fopen(tmp, "wb");
    ck_assert_ptr_nonnull(f);
    cs_error err;
    size_t big_len = (3u << 20) + 12345;
    unsigned char *big = malloc(big_len);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (unsigned char)(i * 31 + 7);
    for (int copy = 0; copy < 3; copy++)
        for (size_t k = 0; k < rs.n; k++)
            ck_assert_int_eq(cs_tfrecord_write(f, rs.data[k], rs.len[k], &err), CS_OK);
    ck_assert_int_eq(cs_tfrecord_write(f, big, big_len, &err), CS_OK);
    ck_assert_int_eq(cs_tfrecord_write(f, "", 0, &err), CS_OK);
    for (size_t k = 0; k < rs.n; k++)
        ck_assert_int_eq(cs_tfrecord_write(f, rs.data[k], rs.len[k], &err), CS_OK);
    ck_assert_int_eq(fclose(f), 0);

    cs_tfrecord_reader *r;
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, tmp, &err), CS_OK);
    size_t n = 0;
    uint64_t off = 0;
    for (;;) {
        const unsigned char *d;
        size_t len;
        int eof;
        cs_status st = cs_tfrecord_reader_next(r, &d, &len, &eof, &err);
        ck_assert_msg(st == CS_OK, "%s", err.msg);
        ck_assert_uint_eq(cs_tfrecord_reader_record_offset(r), off);
        if (eof)
            break;
        off += 16 + len;
        size_t k;
        if (n < 3 * rs.n) {
            k = n % rs.n;
            ck_assert_uint_eq(len, rs.len[k]);
            ck_assert(memcmp(d, rs.data[k], len) == 0);
        } else if (n == 3 * rs.n) {
            ck_assert_uint_eq(len, big_len);
            ck_assert(memcmp(d, big, len) == 0);
        } else if (n == 3 * rs.n + 1) {
            ck_assert_uint_eq(len, 0);
        } else {
            k = n - 3 * rs.n - 2;
            ck_assert_uint_eq(len, rs.len[k]);
            ck_assert(memcmp(d, rs.data[k], len) == 0);
        }
        n++;
    }
    ck_assert_uint_eq(n, 4 * rs.n + 2);
    cs_tfrecord_reader_close(r);
    free(big);
    unlink(tmp);
    cs_test_records_destroy(&rs);
}
END_TEST

START_TEST(test_read_stdin)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, "nb101-real30-only108", ".tfrecord");
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    int saved = dup(STDIN_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(f), STDIN_FILENO), 0);
    fclose(f);

    cs_tfrecord_reader *r;
    cs_error err;
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, "-", &err), CS_OK);
    ck_assert_str_eq(cs_tfrecord_reader_path(r), "<stdin>");
    const unsigned char *d;
    size_t len;
    int eof = 0, n = 0;
    while (cs_tfrecord_reader_next(r, &d, &len, &eof, &err) == CS_OK && !eof)
        n++;
    ck_assert_int_eq(eof, 1);
    ck_assert_int_eq(n, 90);
    cs_tfrecord_reader_close(r);
    /* close() must have left standard input open. */
    ck_assert_int_ge(dup2(saved, STDIN_FILENO), 0);
    close(saved);
}
END_TEST

START_TEST(test_empty_and_missing_file)
{
    char tmp[64];
    cs_test_tmpfile(tmp, "", 0);
    cs_tfrecord_reader *r;
    cs_error err;
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, tmp, &err), CS_OK);
    const unsigned char *d;
    size_t len;
    int eof = 0;
    ck_assert_int_eq(cs_tfrecord_reader_next(r, &d, &len, &eof, &err), CS_OK);
    ck_assert_int_eq(eof, 1);
    cs_tfrecord_reader_close(r);
    unlink(tmp);

    cs_error_clear(&err);
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, tmp, &err), CS_ERR_IO);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err.code, CS_ERR_IO);
    ck_assert_msg(strstr(err.msg, tmp) != NULL, "message does not name the file: %s", err.msg);
}
END_TEST

START_TEST(test_writer_limit)
{
    static const unsigned char one = 0;
    FILE *f = fopen("/dev/null", "wb");
    ck_assert_ptr_nonnull(f);
    cs_error err;
    /* The length is checked before the data is touched. */
    ck_assert_int_eq(cs_tfrecord_write(f, &one, CS_TFRECORD_MAX_RECORD_LEN + 1, &err),
                     CS_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(err.msg, "exceeds"));
    fclose(f);
}
END_TEST

/* The real30 fixture with record 2 damaged by edit(); reading must return
 * records 0 and 1, then CS_ERR_FORMAT naming file, record 2, its offset and
 * the phrase, and stay failed. */
typedef void (*cs_test_damage)(unsigned char *buf, size_t *len, size_t rec_off, size_t rec_len);

static void cs_test_expect_framing_error(cs_test_damage edit, const char *phrase)
{
    char path[512];
    cs_test_fixture_path(path, sizeof path, "nb101-real30-only108", ".tfrecord");
    size_t len;
    unsigned char *src = cs_test_slurp(path, &len);
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_all(path, &rs);
    unsigned char *buf = malloc(len + 64);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, src, len);
    edit(buf, &len, (size_t)rs.offset[2], rs.len[2]);

    char tmp[64];
    cs_test_tmpfile(tmp, buf, len);
    cs_tfrecord_reader *r;
    cs_error err;
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, tmp, &err), CS_OK);
    const unsigned char *d;
    size_t dlen;
    int eof;
    for (int k = 0; k < 2; k++)
        ck_assert_msg(cs_tfrecord_reader_next(r, &d, &dlen, &eof, &err) == CS_OK && !eof, "%s",
                      err.msg);
    cs_error_clear(&err);
    cs_status st = cs_tfrecord_reader_next(r, &d, &dlen, &eof, &err);
    ck_assert_int_eq(st, CS_ERR_FORMAT);
    ck_assert_int_eq(err.code, CS_ERR_FORMAT);
    ck_assert_ptr_null(d);
    char where[128];
    snprintf(where, sizeof where, ": record 2 at byte offset %" PRIu64 ": ", rs.offset[2]);
    ck_assert_msg(strncmp(err.msg, tmp, strlen(tmp)) == 0, "no file name in: %s", err.msg);
    ck_assert_msg(strstr(err.msg, where) != NULL, "no '%s' in: %s", where, err.msg);
    ck_assert_msg(strstr(err.msg, phrase) != NULL, "no '%s' in: %s", phrase, err.msg);
    ck_assert_uint_eq(cs_tfrecord_reader_record_index(r), 2);
    ck_assert_uint_eq(cs_tfrecord_reader_record_offset(r), rs.offset[2]);
    ck_assert_int_eq(cs_tfrecord_reader_next(r, &d, &dlen, &eof, &err), CS_ERR_FORMAT);
    cs_tfrecord_reader_close(r);
    unlink(tmp);
    free(buf);
    free(src);
    cs_test_records_destroy(&rs);
}

static void cs_cut_header(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)b, (void)rl;
    *len = off + 7;
}
static void cs_cut_data(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)b, (void)rl;
    *len = off + 12 + 10;
}
static void cs_cut_footer(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)b;
    *len = off + 12 + rl + 2;
}
static void cs_flip_length(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)len, (void)rl;
    b[off] ^= 0x01;
}
static void cs_flip_length_crc(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)len, (void)rl;
    b[off + 9] ^= 0x80;
}
static void cs_flip_data(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)len;
    b[off + 12 + rl / 2] ^= 0x04;
}
static void cs_flip_data_crc(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)len;
    b[off + 12 + rl + 3] ^= 0x10;
}
/* A length with a valid CRC, as a buggy writer could produce. */
static void cs_huge_length(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)rl;
    uint64_t huge = (uint64_t)1 << 40;
    for (int i = 0; i < 8; i++)
        b[off + i] = (unsigned char)(huge >> (8 * i));
    uint32_t c = cs_crc32c_masked(b + off, 8);
    for (int i = 0; i < 4; i++)
        b[off + 8 + i] = (unsigned char)(c >> (8 * i));
    *len = off + 40;
}
static void cs_just_over_limit(unsigned char *b, size_t *len, size_t off, size_t rl)
{
    (void)rl;
    uint64_t n = CS_TFRECORD_MAX_RECORD_LEN + 1;
    for (int i = 0; i < 8; i++)
        b[off + i] = (unsigned char)(n >> (8 * i));
    uint32_t c = cs_crc32c_masked(b + off, 8);
    for (int i = 0; i < 4; i++)
        b[off + 8 + i] = (unsigned char)(c >> (8 * i));
    (void)len;
}

START_TEST(test_truncated_header)
{
    cs_test_expect_framing_error(cs_cut_header, "truncated header");
}
END_TEST

START_TEST(test_truncated_data)
{
    cs_test_expect_framing_error(cs_cut_data, "truncated data");
}
END_TEST

START_TEST(test_truncated_footer)
{
    cs_test_expect_framing_error(cs_cut_footer, "truncated footer");
}
END_TEST

START_TEST(test_bad_length_crc)
{
    cs_test_expect_framing_error(cs_flip_length, "bad length CRC");
    cs_test_expect_framing_error(cs_flip_length_crc, "bad length CRC");
}
END_TEST

START_TEST(test_bad_data_crc)
{
    cs_test_expect_framing_error(cs_flip_data, "bad data CRC");
    cs_test_expect_framing_error(cs_flip_data_crc, "bad data CRC");
}
END_TEST

START_TEST(test_huge_length)
{
    cs_test_expect_framing_error(cs_huge_length, "record length 1099511627776 exceeds the limit");
    cs_test_expect_framing_error(cs_just_over_limit, "exceeds the limit of 16777216 bytes");
}
END_TEST

TCase *cs_tfrecord_tcase(void)
{
    TCase *tc = tcase_create("tfrecord");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_crc32c_values);
    tcase_add_test(tc, test_fixture_record_counts);
    tcase_add_test(tc, test_eof_accessors_and_repeat);
    tcase_add_test(tc, test_writer_reproduces_fixture);
    tcase_add_test(tc, test_multi_chunk_and_large_record);
    tcase_add_test(tc, test_read_stdin);
    tcase_add_test(tc, test_empty_and_missing_file);
    tcase_add_test(tc, test_writer_limit);
    tcase_add_test(tc, test_truncated_header);
    tcase_add_test(tc, test_truncated_data);
    tcase_add_test(tc, test_truncated_footer);
    tcase_add_test(tc, test_bad_length_crc);
    tcase_add_test(tc, test_bad_data_crc);
    tcase_add_test(tc, test_huge_length);
    return tc;
}

/* ------------------------------------------------------------ row codec */

static void cs_test_decode_ok(const unsigned char *d, size_t len, cs_nb101_row *row)
{
    cs_error err;
    cs_error_clear(&err);
    cs_status st = cs_nb101_row_decode(d, len, row, &err);
    ck_assert_msg(st == CS_OK, "decode failed: %s: %.*s", err.msg, (int)len, (const char *)d);
}

static int cs_test_epochs_valid(const cJSON *valid, int epochs)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, valid)
    {
        if ((int)e->valuedouble == epochs)
            return 1;
    }
    return 0;
}

START_TEST(test_decode_every_row)
{
    for (size_t i = 0; i < CS_N_FIXTURES; i++) {
        char path[512];
        cs_test_fixture_path(path, sizeof path, cs_fixtures[i].stem, ".expected.json");
        cJSON *expected = cs_test_load_json(path);
        const cJSON *valid = cJSON_GetObjectItemCaseSensitive(expected, "valid_epochs");
        cs_test_records rs;
        cs_test_records_init(&rs);
        cs_test_read_fixture(cs_fixtures[i].stem, &rs);
        for (size_t k = 0; k < rs.n; k++) {
            cs_nb101_row row;
            cs_test_decode_ok(rs.data[k], rs.len[k], &row);
            ck_assert_uint_eq(strlen(row.hash), 32);
            ck_assert_msg(cs_test_epochs_valid(valid, row.epochs), "epochs %d", row.epochs);
            ck_assert_int_eq(row.n_eval, 3);
            /* A test-side sanity check only: V ops, V*V matrix entries. */
            size_t v = 1;
            for (const char *p = row.ops; *p; p++)
                v += *p == ',';
            ck_assert_uint_eq(strlen(row.adjacency), v * v);
            ck_assert_uint_eq(row.layout, 0);
            ck_assert_double_eq(row.eval[2].current_epoch, row.epochs);
        }
        cs_test_records_destroy(&rs);
        cJSON_Delete(expected);
    }
}
END_TEST

static double cs_test_num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ck_assert_msg(cJSON_IsNumber(v), "no number %s", key);
    return v->valuedouble;
}

/* Bit-exact: the rows and the reference's answers must be the same doubles. */
#define CS_ASSERT_SAME_DOUBLE(a, b, what)                                                          \
    ck_assert_msg(memcmp(&(double){(a)}, &(double){(b)}, sizeof(double)) == 0,                    \
                  "%s: %.17g != %.17g", (what), (double)(a), (double)(b))

static void cs_test_check_repeat(const cs_nb101_row *row, const cJSON *rep)
{
    CS_ASSERT_SAME_DOUBLE(row->eval[1].training_time, cs_test_num(rep, "halfway_training_time"),
                          row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[1].train_accuracy, cs_test_num(rep, "halfway_train_accuracy"),
                          row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[1].validation_accuracy,
                          cs_test_num(rep, "halfway_validation_accuracy"), row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[1].test_accuracy, cs_test_num(rep, "halfway_test_accuracy"),
                          row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[2].training_time, cs_test_num(rep, "final_training_time"),
                          row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[2].train_accuracy, cs_test_num(rep, "final_train_accuracy"),
                          row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[2].validation_accuracy,
                          cs_test_num(rep, "final_validation_accuracy"), row->hash);
    CS_ASSERT_SAME_DOUBLE(row->eval[2].test_accuracy, cs_test_num(rep, "final_test_accuracy"),
                          row->hash);
}

/* Every stored probe the reference API answered: its rows, in file order per
 * budget (the API's repeat order), give exactly the reference's numbers. */
START_TEST(test_rows_match_reference_answers)
{
    for (size_t i = 0; i < CS_N_FIXTURES; i++) {
        char path[512];
        cs_test_fixture_path(path, sizeof path, cs_fixtures[i].stem, ".expected.json");
        cJSON *expected = cs_test_load_json(path);
        cs_test_records rs;
        cs_test_records_init(&rs);
        cs_test_read_fixture(cs_fixtures[i].stem, &rs);
        cs_nb101_row *rows = malloc(rs.n * sizeof *rows);
        ck_assert_ptr_nonnull(rows);
        for (size_t k = 0; k < rs.n; k++)
            cs_test_decode_ok(rs.data[k], rs.len[k], &rows[k]);

        int checked = 0;
        const cJSON *probe;
        cJSON_ArrayForEach(probe, cJSON_GetObjectItemCaseSensitive(expected, "probes"))
        {
            const cJSON *kind = cJSON_GetObjectItemCaseSensitive(probe, "kind");
            const cJSON *in = cJSON_GetObjectItemCaseSensitive(probe, "in_dataset");
            if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "stored") != 0
                || !cJSON_IsTrue(in))
                continue;
            const char *hash = cJSON_GetObjectItemCaseSensitive(probe, "hash")->valuestring;
            const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(probe, "fixed");
            const cJSON *computed = cJSON_GetObjectItemCaseSensitive(probe, "computed");

            char adj[CS_NB101_ADJ_MAX + 1] = "", ops[CS_NB101_OPS_MAX + 1] = "";
            const cJSON *line, *cell;
            cJSON_ArrayForEach(line, cJSON_GetObjectItemCaseSensitive(fixed, "module_adjacency"))
                cJSON_ArrayForEach(cell, line)
                    strcat(adj, cell->valuedouble != 0 ? "1" : "0");
            cJSON_ArrayForEach(cell, cJSON_GetObjectItemCaseSensitive(fixed, "module_operations"))
            {
                if (ops[0])
                    strcat(ops, ",");
                strcat(ops, cell->valuestring);
            }
            double params = cs_test_num(fixed, "trainable_parameters");

            const cJSON *budget;
            cJSON_ArrayForEach(budget, computed)
            {
                int epochs = atoi(budget->string);
                int rep = 0;
                for (size_t k = 0; k < rs.n; k++) {
                    const cs_nb101_row *row = &rows[k];
                    if (strcmp(row->hash, hash) != 0 || row->epochs != epochs)
                        continue;
                    const cJSON *want = cJSON_GetArrayItem(budget, rep);
                    ck_assert_ptr_nonnull(want);
                    cs_test_check_repeat(row, want);
                    ck_assert_str_eq(row->adjacency, adj);
                    ck_assert_str_eq(row->ops, ops);
                    ck_assert_int_eq(row->trainable_parameters, (int32_t)params);
                    rep++;
                    checked++;
                }
                ck_assert_int_eq(rep, cJSON_GetArraySize(budget));
            }
        }
        ck_assert_msg(checked > 0, "%s: no stored probe checked", cs_fixtures[i].stem);
        free(rows);
        cs_test_records_destroy(&rs);
        cJSON_Delete(expected);
    }
}
END_TEST

/* The real30 fixture against the independent excerpt of the real dataset. */
START_TEST(test_real30_matches_realdata)
{
    cJSON *real = cs_test_load_json(CS_TEST_SHARED_DIR "/realdata/nb101-real-30-repeats.json");
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_fixture("nb101-real30-only108", &rs);
    int cells = 0;
    const cJSON *cell;
    cJSON_ArrayForEach(cell, real)
    {
        const cJSON *reps = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cell, "computed_stats"), "108");
        int rep = 0;
        for (size_t k = 0; k < rs.n; k++) {
            cs_nb101_row row;
            cs_test_decode_ok(rs.data[k], rs.len[k], &row);
            if (strcmp(row.hash, cell->string) != 0 || row.epochs != 108)
                continue;
            const cJSON *want = cJSON_GetArrayItem(reps, rep);
            ck_assert_ptr_nonnull(want);
            CS_ASSERT_SAME_DOUBLE(row.eval[2].validation_accuracy,
                                  cs_test_num(want, "final_validation_accuracy"), row.hash);
            cs_test_check_repeat(&row, want);
            ck_assert_int_eq(row.trainable_parameters,
                             (int32_t)cs_test_num(cell, "trainable_parameters"));
            ck_assert_str_eq(row.checkpoint_path, "");
            rep++;
        }
        ck_assert_int_eq(rep, 3);
        cells++;
    }
    ck_assert_int_eq(cells, 30);
    cs_test_records_destroy(&rs);
    cJSON_Delete(real);
}
END_TEST

/* The one real repeat in the mini files (facts sheet, section 7). */
START_TEST(test_inception_data_point)
{
    int found = 0;
    for (size_t i = 0; i < 2; i++) {
        cs_test_records rs;
        cs_test_records_init(&rs);
        cs_test_read_fixture(cs_fixtures[i].stem, &rs);
        for (size_t k = 0; k < rs.n; k++) {
            cs_nb101_row row;
            cs_test_decode_ok(rs.data[k], rs.len[k], &row);
            if (row.epochs != 108 || row.eval[2].validation_accuracy != 0.9376001358032227)
                continue;
            ck_assert_int_eq(row.trainable_parameters, 2694282);
            ck_assert(row.eval[2].training_time == 1155.85302734375);
            ck_assert(row.eval[2].train_accuracy == 1.0);
            ck_assert(row.eval[2].test_accuracy == 0.9311898946762085);
            ck_assert_str_eq(row.ops, "input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,"
                                      "conv3x3-bn-relu,conv3x3-bn-relu,output");
            ck_assert_str_eq(row.adjacency, "0111100000000100000010000001000001000000010000000");
            found++;
        }
        cs_test_records_destroy(&rs);
    }
    ck_assert_int_eq(found, 2);
}
END_TEST

static void cs_test_roundtrip(const unsigned char *d, size_t len)
{
    cs_nb101_row row;
    cs_test_decode_ok(d, len, &row);
    unsigned char *out;
    size_t outlen;
    cs_error err;
    ck_assert_msg(cs_nb101_row_encode(&row, &out, &outlen, &err) == CS_OK, "%s", err.msg);
    ck_assert_msg(outlen == len && memcmp(out, d, len) == 0, "round trip differs:\n%.*s\n%.*s",
                  (int)len, (const char *)d, (int)outlen, (const char *)out);
    free(out);
}

START_TEST(test_roundtrip_every_record)
{
    for (size_t i = 0; i < CS_N_FIXTURES; i++) {
        cs_test_records rs;
        cs_test_records_init(&rs);
        cs_test_read_fixture(cs_fixtures[i].stem, &rs);
        for (size_t k = 0; k < rs.n; k++)
            cs_test_roundtrip(rs.data[k], rs.len[k]);
        cs_test_records_destroy(&rs);
    }
}
END_TEST

static void cs_test_first_row(cs_nb101_row *row)
{
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_fixture("nb101-mini-full", &rs);
    cs_test_decode_ok(rs.data[0], rs.len[0], row);
    cs_test_records_destroy(&rs);
}

/* Rows encoded from a struct, then decoded, keep values and layout. */
static void cs_test_encode_decode(const cs_nb101_row *row, cs_nb101_row *back)
{
    unsigned char *out;
    size_t outlen;
    cs_error err;
    ck_assert_msg(cs_nb101_row_encode(row, &out, &outlen, &err) == CS_OK, "%s", err.msg);
    cs_test_decode_ok(out, outlen, back);
    cs_test_roundtrip(out, outlen);
    free(out);
}

START_TEST(test_layout_roundtrip)
{
    static const uint32_t layouts[] = {
        CS_NB101_LAYOUT_NO_TOTAL_TIME,
        CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 0) | CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 4),
        CS_NB101_LAYOUT_NO_EVAL_FIELD(1, 0) | CS_NB101_LAYOUT_NO_EVAL_FIELD(2, 0),
        CS_NB101_LAYOUT_EMPTY_CHECKPOINT,
    };
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        cs_nb101_row row, back;
        cs_test_first_row(&row);
        row.layout = layouts[i];
        if (layouts[i] & CS_NB101_LAYOUT_EMPTY_CHECKPOINT)
            row.checkpoint_path[0] = '\0';
        if (layouts[i] & CS_NB101_LAYOUT_NO_TOTAL_TIME)
            row.total_time = 0;
        for (int e = 0; e < 3; e++)
            for (int f = 0; f < 5; f++)
                if (layouts[i] & CS_NB101_LAYOUT_NO_EVAL_FIELD(e, f)) {
                    double *fields[5] = {&row.eval[e].current_epoch, &row.eval[e].training_time,
                                         &row.eval[e].train_accuracy,
                                         &row.eval[e].validation_accuracy,
                                         &row.eval[e].test_accuracy};
                    *fields[f] = 0;
                }
        cs_test_encode_decode(&row, &back);
        ck_assert_uint_eq(back.layout, layouts[i]);
        ck_assert(memcmp(back.eval, row.eval, sizeof row.eval) == 0);
        ck_assert(back.total_time == row.total_time);
        ck_assert_str_eq(back.checkpoint_path, row.checkpoint_path);
    }
}
END_TEST

static int cs_test_contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

START_TEST(test_encode_escapes_like_python)
{
    cs_nb101_row row, back;
    cs_test_first_row(&row);
    strcpy(row.ops, "in,a\"b\\c\n\t\x01\x7f/\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e,out");
    unsigned char *out;
    size_t outlen;
    cs_error err;
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_OK);
    /* Python: json.dumps("in,a\"b\\c\n\t\x01\x7f/\u00e9\u20ac\U0001D11E,out") */
    static const char want[] =
        "\"in,a\\\"b\\\\c\\n\\t\\u0001\\u007f/\\u00e9\\u20ac\\ud834\\udd1e,out\", \"";
    ck_assert_msg(cs_test_contains(out, outlen, want), "%.*s", (int)outlen,
                  (const char *)out);
    cs_test_decode_ok(out, outlen, &back);
    ck_assert_str_eq(back.ops, row.ops);
    free(out);
}
END_TEST

START_TEST(test_encode_rejects_bad_rows)
{
    cs_nb101_row good, row;
    cs_test_first_row(&good);
    unsigned char *out;
    size_t outlen;
    cs_error err;

    row = good;
    row.hash[5] = 'A';
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_ERR_ARG);
    ck_assert_ptr_null(out);
    row = good;
    row.epochs = 0;
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_ERR_ARG);
    row = good;
    row.n_eval = 2;
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_ERR_ARG);
    row = good;
    row.layout = CS_NB101_LAYOUT_NO_EVAL_FIELD(2, 3);
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_ERR_ARG);
    row = good;
    strcpy(row.ops, "in,\xff,out");
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_ERR_ARG);
    row = good;
    memset(row.adjacency, '1', sizeof row.adjacency);
    ck_assert_int_eq(cs_nb101_row_encode(&row, &out, &outlen, &err), CS_ERR_ARG);
}
END_TEST

/* --- corrupted rows: built from the first fixture row's items. */

static void cs_test_expect_row_error(const char *text, size_t len, const char *phrase)
{
    cs_nb101_row row;
    cs_error err;
    cs_error_clear(&err);
    cs_status st = cs_nb101_row_decode((const unsigned char *)text, len, &row, &err);
    ck_assert_msg(st == CS_ERR_FORMAT, "status %d for: %.*s", (int)st, (int)len, text);
    ck_assert_int_eq(err.code, CS_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, phrase) != NULL, "no '%s' in '%s' for: %.200s", phrase,
                  err.msg, text);
}

static void cs_test_expect_row_error_s(const char *text, const char *phrase)
{
    cs_test_expect_row_error(text, strlen(text), phrase);
}

#define CS_GOOD_HASH "28cfc7874f6d200472e1a9dcd8650aa0"
#define CS_GOOD_ADJ "0111100000000100000010000001000001000000010000000"
#define CS_GOOD_OPS                                                                                \
    "input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,conv3x3-bn-relu,conv3x3-bn-relu,output"

/* A row with the given base64 metrics in the official layout. */
static char *cs_test_row_with_metrics(const char *b64)
{
    size_t cap = strlen(b64) + 512;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    snprintf(s, cap, "[\"%s\", 108, \"%s\", \"%s\", \"%s\"]", CS_GOOD_HASH, CS_GOOD_ADJ,
             CS_GOOD_OPS, b64);
    return s;
}

/* A tiny protobuf writer, so damaged metrics need no generated code here. */
typedef struct cs_test_pb {
    unsigned char b[4096];
    size_t n;
} cs_test_pb;

static void cs_pb_varint(cs_test_pb *p, uint64_t v)
{
    do {
        unsigned char c = v & 0x7F;
        v >>= 7;
        p->b[p->n++] = c | (v ? 0x80 : 0);
    } while (v);
}

static void cs_pb_double(cs_test_pb *p, int field, double v)
{
    cs_pb_varint(p, (uint64_t)field << 3 | 1);
    memcpy(p->b + p->n, &v, 8); /* x86-64 and friends: little endian like the wire */
    p->n += 8;
}

static void cs_pb_bytes(cs_test_pb *p, int field, const void *d, size_t n)
{
    cs_pb_varint(p, (uint64_t)field << 3 | 2);
    cs_pb_varint(p, n);
    memcpy(p->b + p->n, d, n);
    p->n += n;
}

/* An EvaluationData with the fields whose bit is set in mask (bit f for
 * field f+1), plus a checkpoint path if cp is not NULL. */
static void cs_pb_eval(cs_test_pb *out, unsigned mask, const char *cp)
{
    cs_test_pb e = {.n = 0};
    for (int f = 0; f < 5; f++)
        if (mask & (1u << f))
            cs_pb_double(&e, f + 1, 0.5 + f);
    if (cp)
        cs_pb_bytes(&e, 6, cp, strlen(cp));
    cs_pb_bytes(out, 1, e.b, e.n);
}

static char *cs_test_b64(const cs_test_pb *p)
{
    char *s = malloc(BASE64_ENCODE_RAW_LENGTH(p->n) + 1);
    ck_assert_ptr_nonnull(s);
    base64_encode_raw(s, p->n, p->b);
    s[BASE64_ENCODE_RAW_LENGTH(p->n)] = '\0';
    return s;
}

static void cs_test_expect_metrics_error(const cs_test_pb *p, const char *phrase)
{
    char *b64 = cs_test_b64(p);
    char *row = cs_test_row_with_metrics(b64);
    cs_test_expect_row_error_s(row, phrase);
    free(row);
    free(b64);
}

START_TEST(test_hand_built_metrics_decode)
{
    cs_test_pb p = {.n = 0};
    for (int i = 0; i < 3; i++)
        cs_pb_eval(&p, 0x1F, i == 2 ? "gs://x/model.ckpt-1" : NULL);
    cs_pb_varint(&p, 2 << 3);
    cs_pb_varint(&p, 1234);
    cs_pb_double(&p, 3, 99.5);
    char *b64 = cs_test_b64(&p);
    char *text = cs_test_row_with_metrics(b64);
    cs_nb101_row row;
    cs_test_decode_ok((const unsigned char *)text, strlen(text), &row);
    ck_assert_int_eq(row.trainable_parameters, 1234);
    ck_assert(row.total_time == 99.5);
    ck_assert(row.eval[2].validation_accuracy == 3.5);
    ck_assert_str_eq(row.checkpoint_path, "gs://x/model.ckpt-1");
    ck_assert_uint_eq(row.layout, 0);
    cs_test_roundtrip((const unsigned char *)text, strlen(text));
    free(text);
    free(b64);
}
END_TEST

/* A record spelt otherwise (other spacing, escapes, "4.0", whitespace
 * around) goes through the JSON parser instead of the plain-form reader:
 * the row must come out the same, field for field. */
static void cs_test_respell(const char *from, const char *to_fmt, char *out, size_t cap)
{
    /* from: ["H", E, "A", "O", "B"]; to_fmt gets H, E, A, O, B as %s */
    char h[64], a[2048], o[2048], b[2048];
    int e;
    ck_assert(sscanf(from, "[\"%63[^\"]\", %d, \"%2047[^\"]\", \"%2047[^\"]\", \"%2047[^\"]\"]", h,
                     &e, a, o, b) == 5);
    char es[16];
    snprintf(es, sizeof es, "%d", e);
    snprintf(out, cap, to_fmt, h, es, a, o, b);
}

START_TEST(test_plain_and_parsed_rows_agree)
{
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_fixture(cs_fixtures[0].stem, &rs);
    ck_assert_uint_gt(rs.n, 0);
    static const char *const spellings[] = {
        "[\"%s\",%s,\"%s\",\"%s\",\"%s\"]",
        " [ \"%s\" , %s.0 , \"%s\" ,\n\"%s\", \"%s\" ] \n",
        "[\"%s\", %se0, \"%s\", \"%s\", \"%s\"]",
        "[\"%s\", %s, \"%s\", \"%s\", \"%s\"]\t",
    };
    for (size_t k = 0; k < rs.n && k < 40; k++) {
        char text[8192], other[8192];
        ck_assert_uint_lt(rs.len[k], sizeof text);
        memcpy(text, rs.data[k], rs.len[k]);
        text[rs.len[k]] = '\0';
        cs_nb101_row plain, parsed;
        memset(&plain, 0, sizeof plain);
        cs_test_decode_ok(rs.data[k], rs.len[k], &plain);
        for (size_t v = 0; v < sizeof spellings / sizeof spellings[0]; v++) {
            cs_test_respell(text, spellings[v], other, sizeof other);
            memset(&parsed, 0, sizeof parsed);
            cs_test_decode_ok((const unsigned char *)other, strlen(other), &parsed);
            ck_assert_str_eq(parsed.hash, plain.hash);
            ck_assert_int_eq(parsed.epochs, plain.epochs);
            ck_assert_str_eq(parsed.adjacency, plain.adjacency);
            ck_assert_str_eq(parsed.ops, plain.ops);
            ck_assert_str_eq(parsed.checkpoint_path, plain.checkpoint_path);
            ck_assert(memcmp(parsed.eval, plain.eval, sizeof plain.eval) == 0);
            ck_assert_int_eq(parsed.trainable_parameters, plain.trainable_parameters);
            ck_assert_uint_eq(parsed.layout, plain.layout);
        }
        /* an escaped character: the parser unescapes it */
        char *comma = strstr(text, "input,");
        ck_assert(comma);
        size_t at = (size_t)(comma - text) + 5;
        snprintf(other, sizeof other, "%.*s\\u002c%s", (int)at, text, text + at + 1);
        memset(&parsed, 0, sizeof parsed);
        cs_test_decode_ok((const unsigned char *)other, strlen(other), &parsed);
        ck_assert_str_eq(parsed.ops, plain.ops);
    }
    cs_test_records_destroy(&rs);
}
END_TEST

START_TEST(test_invalid_json)
{
    char *good = cs_test_row_with_metrics("AAAA");
    cs_test_expect_row_error(good, 100, "invalid JSON");
    cs_test_expect_row_error("", 0, "invalid JSON");
    cs_test_expect_row_error_s("[\"a\", 1,, \"b\"]", "invalid JSON");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", \"input\", \"AAAA\"] x",
                               "trailing data");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", \"input\", \"AAAA\"][]",
                               "trailing data");
    free(good);
}
END_TEST

START_TEST(test_wrong_json_shape_and_types)
{
    cs_test_expect_row_error_s("{\"a\": 1}", "row is an object, expected an array of 5");
    cs_test_expect_row_error_s("108", "row is a number");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", \"input\"]",
                               "array of 4 items, expected 5");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", \"input\", \"\", 1]",
                               "array of 6 items");
    cs_test_expect_row_error_s("[12, 108, \"0\", \"input\", \"\"]",
                               "item 0 (module hash) is a number, expected a string");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", \"108\", \"0\", \"input\", \"\"]",
                               "item 1 (epochs) is a string, expected a number");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, [0, 1], \"input\", \"\"]",
                               "item 2 (adjacency) is an array, expected a string");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", null, \"\"]",
                               "item 3 (operations) is null, expected a string");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", \"input\", {}]",
                               "item 4 (metrics) is an object, expected a string");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", true, \"0\", \"input\", \"\"]",
                               "item 1 (epochs) is a boolean");
}
END_TEST

START_TEST(test_bad_item_values)
{
    cs_test_expect_row_error_s("[\"28CFC7874F6D200472E1A9DCD8650AA0\", 108, \"0\", \"i\", \"\"]",
                               "not 32 lowercase hex digits");
    cs_test_expect_row_error_s("[\"28cfc7874f6d200472e1a9dcd8650aa\", 108, \"0\", \"i\", \"\"]",
                               "not 32 lowercase hex digits");
    cs_test_expect_row_error_s("[\"28cfc7874f6d200472e1a9dcd8650aag\", 108, \"0\", \"i\", \"\"]",
                               "not 32 lowercase hex digits");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108.5, \"0\", \"i\", \"\"]",
                               "item 1 (epochs) is 108.5, expected a positive integer");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", -4, \"0\", \"i\", \"\"]",
                               "expected a positive integer");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 1e300, \"0\", \"i\", \"\"]",
                               "expected a positive integer");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"\", \"i\", \"\"]",
                               "item 2 (adjacency) is empty");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\\u0000\", \"i\", \"\"]",
                               "\\u0000 (NUL) escape");
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\", \"i\xff\", \"\"]",
                               "item 3 (operations) is not valid UTF-8");

    /* An escaped backslash before u0000 is plain text, not a NUL: the
     * decode gets as far as the (empty, hence countless) metrics. */
    cs_test_expect_row_error_s("[\"" CS_GOOD_HASH "\", 108, \"0\\\\u0000\", \"i\", \"\"]",
                               "evaluation_data count is 0");

    char big[CS_NB101_ADJ_MAX + 200];
    int n = snprintf(big, sizeof big, "[\"%s\", 108, \"", CS_GOOD_HASH);
    memset(big + n, '1', CS_NB101_ADJ_MAX + 1);
    strcpy(big + n + CS_NB101_ADJ_MAX + 1, "\", \"i\", \"\"]");
    cs_test_expect_row_error_s(big, "item 2 (adjacency) is 1025 characters long, limit 1024");
}
END_TEST

START_TEST(test_bad_base64)
{
    char *row = cs_test_row_with_metrics("Ci0J!AAA");
    cs_test_expect_row_error_s(row, "item 4 (metrics) is not valid base64");
    free(row);
    row = cs_test_row_with_metrics("QQ"); /* padding missing */
    cs_test_expect_row_error_s(row, "not valid base64");
    free(row);
    row = cs_test_row_with_metrics("QQ=");
    cs_test_expect_row_error_s(row, "not valid base64");
    free(row);
}
END_TEST

START_TEST(test_malformed_protobuf)
{
    /* Field 1, length 0x7f, but only 2 bytes follow. */
    cs_test_pb p = {.b = {0x0a, 0x7f, 0x09, 0x00}, .n = 4};
    cs_test_expect_metrics_error(&p, "malformed protobuf");
    /* Wire type 7 does not exist. */
    cs_test_pb q = {.b = {0x0f, 0x00}, .n = 2};
    cs_test_expect_metrics_error(&q, "malformed protobuf");
    /* trainable_parameters sent as a double. */
    cs_test_pb r = {.n = 0};
    for (int i = 0; i < 3; i++)
        cs_pb_eval(&r, 0x1F, NULL);
    cs_pb_double(&r, 2, 1.0);
    cs_test_expect_metrics_error(&r, "malformed protobuf");
}
END_TEST

START_TEST(test_evaluation_count_and_required_fields)
{
    cs_test_pb p = {.n = 0};
    for (int i = 0; i < 2; i++)
        cs_pb_eval(&p, 0x1F, NULL);
    cs_pb_varint(&p, 2 << 3);
    cs_pb_varint(&p, 1234);
    cs_test_expect_metrics_error(&p, "evaluation_data count is 2, expected 3");

    cs_test_pb empty = {.n = 0};
    cs_test_expect_metrics_error(&empty, "evaluation_data count is 0");

    cs_test_pb q = {.n = 0};
    for (int i = 0; i < 3; i++)
        cs_pb_eval(&q, 0x1F, NULL);
    cs_test_expect_metrics_error(&q, "missing required field trainable_parameters");

    cs_test_pb r = {.n = 0};
    cs_pb_eval(&r, 0x1F, NULL);
    cs_pb_eval(&r, 0x1F, NULL);
    cs_pb_eval(&r, 0x1F & ~(1u << 3), NULL);
    cs_pb_varint(&r, 2 << 3);
    cs_pb_varint(&r, 1234);
    cs_test_expect_metrics_error(&r, "evaluation_data[2] misses required field validation_accuracy");

    cs_test_pb s = {.n = 0};
    cs_pb_eval(&s, 0x1F, NULL);
    cs_pb_eval(&s, 0x1F & ~(1u << 1), NULL);
    cs_pb_eval(&s, 0x1F, NULL);
    cs_pb_varint(&s, 2 << 3);
    cs_pb_varint(&s, 1234);
    cs_test_expect_metrics_error(&s, "evaluation_data[1] misses required field training_time");

    char longpath[301];
    memset(longpath, 'p', 300);
    longpath[300] = '\0';
    cs_test_pb t = {.n = 0};
    cs_pb_eval(&t, 0x1F, NULL);
    cs_pb_eval(&t, 0x1F, NULL);
    cs_pb_eval(&t, 0x1F, longpath);
    cs_pb_varint(&t, 2 << 3);
    cs_pb_varint(&t, 1234);
    cs_test_expect_metrics_error(&t, "checkpoint_path is 300 bytes long, limit 255");
}
END_TEST

/* Fields the row does not keep are flagged, so nobody trusts a re-encode. */
START_TEST(test_dropped_content_is_flagged)
{
    cs_test_pb p = {.n = 0};
    cs_pb_eval(&p, 0x1F, "gs://x/model.ckpt-0");
    cs_pb_eval(&p, 0x1F, NULL);
    cs_pb_eval(&p, 0x1F, NULL);
    cs_pb_varint(&p, 2 << 3);
    cs_pb_varint(&p, 1234);
    char *b64 = cs_test_b64(&p);
    char *text = cs_test_row_with_metrics(b64);
    cs_nb101_row row;
    cs_test_decode_ok((const unsigned char *)text, strlen(text), &row);
    ck_assert_uint_eq(row.layout, CS_NB101_LAYOUT_NO_TOTAL_TIME | CS_NB101_LAYOUT_DROPPED);
    free(text);
    free(b64);

    cs_test_pb q = {.n = 0};
    for (int i = 0; i < 3; i++)
        cs_pb_eval(&q, 0x1F, NULL);
    cs_pb_varint(&q, 2 << 3);
    cs_pb_varint(&q, 1234);
    cs_pb_varint(&q, 9 << 3); /* an unknown field 9 */
    cs_pb_varint(&q, 7);
    b64 = cs_test_b64(&q);
    text = cs_test_row_with_metrics(b64);
    cs_test_decode_ok((const unsigned char *)text, strlen(text), &row);
    ck_assert_uint_eq(row.layout & CS_NB101_LAYOUT_DROPPED, CS_NB101_LAYOUT_DROPPED);
    free(text);
    free(b64);
}
END_TEST

/* The caller's view: a well-framed record with a bad row names file, record
 * and offset through cs_tfrecord_reader_error_prefix. */
START_TEST(test_row_error_names_record)
{
    cs_test_records rs;
    cs_test_records_init(&rs);
    cs_test_read_fixture("nb101-real30-only108", &rs);
    char tmp[64];
    cs_test_tmpfile(tmp, "", 0);
    FILE *f = fopen(tmp, "wb");
    ck_assert_ptr_nonnull(f);
    cs_error err;
    for (size_t k = 0; k < 3; k++)
        ck_assert_int_eq(cs_tfrecord_write(f, rs.data[k], rs.len[k], &err), CS_OK);
    static const char bad[] = "[\"" CS_GOOD_HASH "\", 108, \"0\", \"input\", \"%%%%\"]";
    ck_assert_int_eq(cs_tfrecord_write(f, bad, strlen(bad), &err), CS_OK);
    ck_assert_int_eq(fclose(f), 0);

    cs_tfrecord_reader *r;
    ck_assert_int_eq(cs_tfrecord_reader_open(&r, tmp, &err), CS_OK);
    const unsigned char *d;
    size_t len;
    int eof;
    cs_status st = CS_OK;
    while (st == CS_OK && cs_tfrecord_reader_next(r, &d, &len, &eof, &err) == CS_OK && !eof) {
        cs_nb101_row row;
        st = cs_nb101_row_decode(d, len, &row, &err);
        if (st != CS_OK)
            cs_tfrecord_reader_error_prefix(r, &err);
    }
    ck_assert_int_eq(st, CS_ERR_FORMAT);
    char want[256];
    uint64_t off = rs.offset[3];
    snprintf(want, sizeof want, "%s: record 3 at byte offset %" PRIu64 ": item 4 (metrics)", tmp,
             off);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got '%s', want prefix '%s'",
                  err.msg, want);
    cs_tfrecord_reader_close(r);
    unlink(tmp);
    cs_test_records_destroy(&rs);
}
END_TEST

TCase *cs_nb101_row_tcase(void)
{
    TCase *tc = tcase_create("nb101_row");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_decode_every_row);
    tcase_add_test(tc, test_rows_match_reference_answers);
    tcase_add_test(tc, test_real30_matches_realdata);
    tcase_add_test(tc, test_inception_data_point);
    tcase_add_test(tc, test_roundtrip_every_record);
    tcase_add_test(tc, test_layout_roundtrip);
    tcase_add_test(tc, test_encode_escapes_like_python);
    tcase_add_test(tc, test_encode_rejects_bad_rows);
    tcase_add_test(tc, test_hand_built_metrics_decode);
    tcase_add_test(tc, test_plain_and_parsed_rows_agree);
    tcase_add_test(tc, test_invalid_json);
    tcase_add_test(tc, test_wrong_json_shape_and_types);
    tcase_add_test(tc, test_bad_item_values);
    tcase_add_test(tc, test_bad_base64);
    tcase_add_test(tc, test_malformed_protobuf);
    tcase_add_test(tc, test_evaluation_count_and_required_fields);
    tcase_add_test(tc, test_dropped_content_is_flagged);
    tcase_add_test(tc, test_row_error_names_record);
    return tc;
}
