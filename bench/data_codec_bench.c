/* cellscape: throughput of the data/ lowest layer.
 *
 *   data_codec_bench [FIXTURE.tfrecord [MIB]]
 *
 * Builds a synthetic TFRecord file of about MIB MiB (default 1024) in /tmp by
 * concatenating copies of the fixture (default: the largest shared fixture),
 * then times, on the page-cached file, the streaming reader alone and the
 * reader plus full row decode; then times, on the fixture's rows held in
 * memory, row decode alone, its parts, and the JSON libraries we considered
 * (jansson, cJSON, json-c), each parsing a row and checking its 5 items. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <jansson.h>
/* jansson and json-c declare the same global names (json_object, json_type,
 * ...); renaming json-c's copies lets one program time both libraries. */
#define json_object cs_jc_object
#define json_type cs_jc_type
#define json_object_iter cs_jc_object_iter
#define json_object_get cs_jc_object_get
#define json_object_iter_next cs_jc_object_iter_next
#include <json-c/json.h>
#include <nettle/base64.h>

#include "cs_error.h"
#include "cs_nb101_row.h"
#include "cs_tfrecord.h"
#include "nasbench.pb-c.h"

#ifndef CS_BENCH_SHARED_DIR
#define CS_BENCH_SHARED_DIR "../shared"
#endif

static double cs_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void cs_die(const char *what, const cs_error *err)
{
    fprintf(stderr, "data_codec_bench: %s: %s\n", what, err ? err->msg : "failed");
    exit(EXIT_FAILURE);
}

typedef struct cs_bench_rows {
    size_t n;
    unsigned char **data;
    size_t *len;
    size_t bytes;
} cs_bench_rows;

static void cs_bench_rows_destroy(cs_bench_rows *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->data[i]);
    free(rs->data);
    free(rs->len);
}

static void cs_bench_load_rows(const char *path, cs_bench_rows *rs)
{
    cs_error err;
    cs_tfrecord_reader *r;
    memset(rs, 0, sizeof *rs);
    if (cs_tfrecord_reader_open(&r, path, &err) != CS_OK)
        cs_die("open", &err);
    size_t cap = 0;
    for (;;) {
        const unsigned char *d;
        size_t len;
        int eof;
        if (cs_tfrecord_reader_next(r, &d, &len, &eof, &err) != CS_OK)
            cs_die("read", &err);
        if (eof)
            break;
        if (rs->n == cap) {
            cap = cap ? 2 * cap : 1024;
            rs->data = realloc(rs->data, cap * sizeof *rs->data);
            rs->len = realloc(rs->len, cap * sizeof *rs->len);
            if (!rs->data || !rs->len)
                cs_die("out of memory", NULL);
        }
        rs->data[rs->n] = malloc(len);
        if (!rs->data[rs->n])
            cs_die("out of memory", NULL);
        memcpy(rs->data[rs->n], d, len);
        rs->len[rs->n] = len;
        rs->bytes += len + 16;
        rs->n++;
    }
    cs_tfrecord_reader_close(r);
}

/* Concatenated TFRecord files are a valid TFRecord file. */
static size_t cs_bench_make_file(const char *src, char *tmp, size_t mib, size_t *copies)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        cs_die("cannot open fixture", NULL);
    size_t cap = 1 << 20, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, in)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(in);
    if (!buf || n == 0)
        cs_die("cannot read fixture", NULL);
    int fd = mkstemp(tmp);
    if (fd < 0)
        cs_die("mkstemp", NULL);
    FILE *out = fdopen(fd, "wb");
    *copies = (mib << 20) / n + 1;
    for (size_t i = 0; i < *copies; i++)
        if (fwrite(buf, 1, n, out) != n)
            cs_die("write synthetic file", NULL);
    if (fclose(out) != 0)
        cs_die("write synthetic file", NULL);
    free(buf);
    return *copies * n;
}

/* One pass over path; returns seconds, counts records. */
static double cs_bench_pass(const char *path, int decode, size_t *records)
{
    cs_error err;
    cs_tfrecord_reader *r;
    cs_nb101_row row;
    double t0 = cs_now();
    if (cs_tfrecord_reader_open(&r, path, &err) != CS_OK)
        cs_die("open", &err);
    size_t n = 0;
    for (;;) {
        const unsigned char *d;
        size_t len;
        int eof;
        if (cs_tfrecord_reader_next(r, &d, &len, &eof, &err) != CS_OK)
            cs_die("read", &err);
        if (eof)
            break;
        if (decode && cs_nb101_row_decode(d, len, &row, &err) != CS_OK) {
            cs_tfrecord_reader_error_prefix(r, &err);
            cs_die("decode", &err);
        }
        n++;
    }
    cs_tfrecord_reader_close(r);
    *records = n;
    return cs_now() - t0;
}

static void cs_bench_file(const char *what, const char *path, size_t bytes, int decode)
{
    double best = 1e30;
    size_t n = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t = cs_bench_pass(path, decode, &n);
        if (t < best)
            best = t;
    }
    printf("%-34s %9.0f records/s  %7.0f MB/s  %6.3f us/record  (%zu records, best of 3: %.3f s)\n",
           what, (double)n / best, (double)bytes / best / 1e6, best / (double)n * 1e6, n, best);
}

/* Each JSON candidate parses one row and checks the 5 items' types, the part
 * of cs_nb101_row_decode that depends on the library. Returns a checksum so
 * the work cannot be optimised away, or -1 on a rejected row. */
static long cs_json_jansson(const unsigned char *d, size_t len)
{
    json_error_t e;
    json_t *j = json_loadb((const char *)d, len, 0, &e);
    if (!j || !json_is_array(j) || json_array_size(j) != 5) {
        json_decref(j);
        return -1;
    }
    long sum = 0;
    for (size_t i = 0; i < 5; i++) {
        json_t *v = json_array_get(j, i);
        if (i == 1 ? !json_is_integer(v) : !json_is_string(v)) {
            json_decref(j);
            return -1;
        }
        sum += i == 1 ? (long)json_integer_value(v) : (long)json_string_length(v);
    }
    json_decref(j);
    return sum;
}

static long cs_json_cjson(const unsigned char *d, size_t len)
{
    const char *end;
    cJSON *j = cJSON_ParseWithLengthOpts((const char *)d, len, &end, 0);
    if (!j || !cJSON_IsArray(j)) {
        cJSON_Delete(j);
        return -1;
    }
    long sum = 0;
    int i = 0;
    for (const cJSON *v = j->child; v; v = v->next, i++) {
        if (i >= 5 || (i == 1 ? !cJSON_IsNumber(v) : !cJSON_IsString(v))) {
            cJSON_Delete(j);
            return -1;
        }
        sum += i == 1 ? (long)v->valuedouble : (long)strlen(v->valuestring);
    }
    cJSON_Delete(j);
    return i == 5 ? sum : -1;
}

static long cs_json_jsonc(const unsigned char *d, size_t len)
{
    /* A fresh tokener per row, as a stateless decode function would need. */
    struct json_tokener *tok = json_tokener_new_ex(8);
    if (!tok)
        return -1;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    cs_jc_object *j = json_tokener_parse_ex(tok, (const char *)d, (int)len);
    long sum = -1;
    if (j && json_tokener_get_parse_end(tok) == len && json_object_is_type(j, json_type_array)
        && json_object_array_length(j) == 5) {
        sum = 0;
        for (size_t i = 0; i < 5; i++) {
            cs_jc_object *v = json_object_array_get_idx(j, i);
            if (!json_object_is_type(v, i == 1 ? json_type_int : json_type_string)) {
                sum = -1;
                break;
            }
            sum += i == 1 ? (long)json_object_get_int64(v) : (long)json_object_get_string_len(v);
        }
    }
    json_object_put(j);
    json_tokener_free(tok);
    return sum;
}

typedef long (*cs_row_fn)(const unsigned char *d, size_t len);

/* Best of 3 timed rounds, each over enough copies of the rows to last about
 * a quarter of a second. */
static double cs_bench_rows_us(const cs_bench_rows *rs, cs_row_fn fn, const char *name)
{
    size_t rounds = 1;
    double best = 1e30;
    long check = 0;
    int reps = 0;
    for (;;) {
        double t0 = cs_now();
        for (size_t k = 0; k < rounds; k++)
            for (size_t i = 0; i < rs->n; i++) {
                long v = fn(rs->data[i], rs->len[i]);
                if (v < 0) {
                    fprintf(stderr, "data_codec_bench: %s rejected row %zu\n", name, i);
                    exit(EXIT_FAILURE);
                }
                check += v;
            }
        double t = cs_now() - t0;
        if (t < 0.05) {
            rounds *= 4;
            continue;
        }
        if (t < best)
            best = t;
        if (++reps == 3)
            break;
    }
    volatile long sink = check; /* keeps the work observable */
    (void)sink;
    return best / (double)(rounds * rs->n) * 1e6;
}

static long cs_full_decode(const unsigned char *d, size_t len)
{
    cs_nb101_row row;
    cs_error err;
    if (cs_nb101_row_decode(d, len, &row, &err) != CS_OK)
        return -1;
    return row.epochs;
}

/* The parts of a decode after JSON, timed on the metrics strings alone. */
static long cs_part_base64(const unsigned char *d, size_t len)
{
    unsigned char out[4096];
    struct base64_decode_ctx ctx;
    size_t n = 0;
    if (BASE64_DECODE_LENGTH(len) > sizeof out)
        return -1;
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &n, out, len, (const char *)d) || !base64_decode_final(&ctx))
        return -1;
    return (long)n;
}

static long cs_part_protobuf_malloc(const unsigned char *d, size_t len)
{
    Nasbench__ModelMetrics *m = nasbench__model_metrics__unpack(NULL, len, d);
    if (!m)
        return -1;
    long n = (long)m->n_evaluation_data;
    nasbench__model_metrics__free_unpacked(m, NULL);
    return n;
}

static long cs_part_encode(const unsigned char *d, size_t len)
{
    cs_nb101_row row;
    cs_error err;
    unsigned char *out;
    size_t outlen;
    if (cs_nb101_row_decode(d, len, &row, &err) != CS_OK
        || cs_nb101_row_encode(&row, &out, &outlen, &err) != CS_OK)
        return -1;
    free(out);
    return (long)outlen;
}

/* Metrics strings (base64) and their decoded protobufs, for the parts. */
static void cs_bench_metrics_rows(const cs_bench_rows *rs, cs_bench_rows *b64, cs_bench_rows *pb)
{
    memset(b64, 0, sizeof *b64);
    memset(pb, 0, sizeof *pb);
    b64->data = calloc(rs->n, sizeof *b64->data);
    b64->len = calloc(rs->n, sizeof *b64->len);
    pb->data = calloc(rs->n, sizeof *pb->data);
    pb->len = calloc(rs->n, sizeof *pb->len);
    if (!b64->data || !b64->len || !pb->data || !pb->len)
        cs_die("out of memory", NULL);
    for (size_t i = 0; i < rs->n; i++) {
        cJSON *j = cJSON_ParseWithLengthOpts((const char *)rs->data[i], rs->len[i], NULL, 0);
        const cJSON *m = cJSON_GetArrayItem(j, 4);
        if (!cJSON_IsString(m))
            cs_die("fixture row without metrics", NULL);
        size_t n = strlen(m->valuestring);
        b64->data[i] = malloc(n);
        pb->data[i] = malloc(BASE64_DECODE_LENGTH(n) + 1);
        if (!b64->data[i] || !pb->data[i])
            cs_die("out of memory", NULL);
        memcpy(b64->data[i], m->valuestring, n);
        b64->len[i] = n;
        struct base64_decode_ctx ctx;
        base64_decode_init(&ctx);
        if (!base64_decode_update(&ctx, &pb->len[i], pb->data[i], n, m->valuestring))
            cs_die("fixture metrics not base64", NULL);
        cJSON_Delete(j);
    }
    b64->n = pb->n = rs->n;
}

int main(int argc, char **argv)
{
    const char *fixture = argc > 1 ? argv[1]
                                   : CS_BENCH_SHARED_DIR "/fixtures/nb101-mini-full.tfrecord";
    size_t mib = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 1024;

    cs_bench_rows rows;
    cs_bench_load_rows(fixture, &rows);
    printf("fixture %s: %zu records, %zu bytes\n", fixture, rows.n, rows.bytes);

    char tmp[] = "/tmp/cs_data_codec_bench_XXXXXX";
    size_t copies;
    size_t bytes = cs_bench_make_file(fixture, tmp, mib, &copies);
    size_t warm;
    cs_bench_pass(tmp, 0, &warm); /* into the page cache */
    printf("synthetic file: %zu copies, %zu bytes, %zu records (page-cached)\n", copies, bytes,
           warm);
    cs_bench_file("framing only (reader + CRCs)", tmp, bytes, 0);
    cs_bench_file("framing + full row decode", tmp, bytes, 1);
    unlink(tmp);

    printf("\nin memory, per row (best of 3):\n");
    printf("  full row decode              %6.3f us\n", cs_bench_rows_us(&rows, cs_full_decode, "decode"));
    printf("  decode + encode              %6.3f us\n", cs_bench_rows_us(&rows, cs_part_encode, "encode"));
    cs_bench_rows b64, pb;
    cs_bench_metrics_rows(&rows, &b64, &pb);
    printf("  part: base64 (nettle)        %6.3f us\n",
           cs_bench_rows_us(&b64, cs_part_base64, "base64"));
    printf("  part: protobuf-c, malloc     %6.3f us (the codec uses a stack arena)\n",
           cs_bench_rows_us(&pb, cs_part_protobuf_malloc, "protobuf"));
    printf("\nJSON parse + 5 type checks, per row (best of 3):\n");
    printf("  jansson 2.14                 %6.3f us\n", cs_bench_rows_us(&rows, cs_json_jansson, "jansson"));
    printf("  cJSON 1.7.15                 %6.3f us\n", cs_bench_rows_us(&rows, cs_json_cjson, "cJSON"));
    printf("  json-c 0.16                  %6.3f us\n", cs_bench_rows_us(&rows, cs_json_jsonc, "json-c"));
    cs_bench_rows_destroy(&pb);
    cs_bench_rows_destroy(&b64);
    cs_bench_rows_destroy(&rows);
    return 0;
}
