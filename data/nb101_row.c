/* cellscape: NAS-Bench-101 row codec (JSON array + base64 + protobuf).
 *
 * JSON is cJSON: on these ~450-byte rows it measured 0.66-0.71 us per parse
 * against 1.05-1.1 us for json-c and 5.2-5.7 us for jansson
 * (bench/data_codec_bench.c), and the 5.08 M-record import has a budget of
 * about 2 us per record. Its gaps are covered here: numbers carry no
 * integer/real distinction (we check integrality), strings carry no length
 * (we reject the \u0000 escape, the only way to embed a NUL), and raw bytes
 * are not UTF-8 checked (we check the free-text items).
 * cJSON resets a process-wide error record on every parse, so parses are
 * serialised by a mutex: decoding stays safe from several threads.  Rows in
 * the official files' own spelling (cs_row_plain) skip cJSON: reading them
 * directly took the only108 import from 3.0-3.3 s to 2.6-2.9 s here, and
 * any other spelling still goes through cJSON.  (json-c
 * has no such record but cannot share a process with jansson, which the
 * command and the tests use: both define json_object_get and friends.) */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strnlen */
#endif

#include "cs_nb101_row.h"

#include <limits.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "nasbench.pb-c.h"

/* Decoded metrics are ~260 bytes and unpack into ~500 bytes of structs;
 * stack buffers of this size make the common record allocation free. */
#define CS_NB101_STACK_BUF 2048

static const char *const cs_item_name[5] = {"module hash", "epochs", "adjacency", "operations",
                                            "metrics"};
static const char *const cs_eval_field_name[5] = {"current_epoch", "training_time",
                                                  "train_accuracy", "validation_accuracy",
                                                  "test_accuracy"};

static const char *cs_json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "an invalid value";
}

static int cs_is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

/* Length of the UTF-8 sequence starting at s[0] and its code point, or 0 if
 * malformed (overlong, surrogate, beyond U+10FFFF, cut short). */
static size_t cs_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static int cs_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = cs_utf8_decode(p + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Whether the raw JSON text holds a \u0000 escape (an odd run of backslashes
 * before "u0000"); cJSON would cut the string there without telling us. */
static int cs_has_nul_escape(const unsigned char *data, size_t len)
{
    const unsigned char *p = data, *end = data + len;
    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        const unsigned char *q = p;
        while (q < end && *q == '\\')
            q++;
        if ((q - p) % 2 == 1 && end - q >= 5 && memcmp(q, "u0000", 5) == 0)
            return 1;
        p = q;
    }
    return 0;
}

/* Copy a string item into a bounded field; error if it does not fit. */
static cs_status cs_copy_text(char *dst, size_t cap, const char *text, size_t n, int idx,
                              cs_error *err)
{
    if (n >= cap)
        return cs_error_set(err, CS_ERR_FORMAT, "item %d (%s) is %zu characters long, limit %zu",
                            idx, cs_item_name[idx], n, cap - 1);
    if (n == 0)
        return cs_error_set(err, CS_ERR_FORMAT, "item %d (%s) is empty", idx, cs_item_name[idx]);
    if (!cs_utf8_valid(text, n))
        return cs_error_set(err, CS_ERR_FORMAT, "item %d (%s) is not valid UTF-8", idx,
                            cs_item_name[idx]);
    memcpy(dst, text, n);
    dst[n] = '\0';
    return CS_OK;
}

/* A bump allocator over a stack buffer for protobuf-c: one record's message
 * is freed all at once, so per-object malloc/free would be pure overhead.
 * Requests that do not fit fall back to malloc, up to heap_max bytes in
 * all: protobuf-c takes repeated and unknown field counts on trust, and a
 * few bytes per field on the wire become tens of bytes of structs (a 2 MB
 * message of empty evaluation_data entries took 170 MB). */
typedef struct cs_pb_arena {
    unsigned char *base;
    size_t cap;
    size_t used;
    int spilled;
    size_t heap, heap_max;
    int over;
} cs_pb_arena;

static void *cs_pb_arena_alloc(void *data, size_t size)
{
    cs_pb_arena *a = data;
    size_t at = (a->used + (alignof(max_align_t) - 1)) & ~(alignof(max_align_t) - 1);
    if (size == 0)
        size = 1; /* a distinct pointer that cs_pb_arena_free recognises */
    if (at < a->cap && size <= a->cap - at) {
        a->used = at + size;
        return a->base + at;
    }
    if (size > a->heap_max - a->heap) {
        a->over = 1;
        return NULL; /* protobuf-c fails the unpack and frees what it took */
    }
    a->heap += size;
    a->spilled = 1;
    return malloc(size);
}

static void cs_pb_arena_free(void *data, void *p)
{
    cs_pb_arena *a = data;
    uintptr_t q = (uintptr_t)p, b = (uintptr_t)a->base;
    if (q < b || q >= b + a->cap)
        free(p);
}

/* b64 (whole 4-character groups) into pb, at least b64len / 4 * 3 bytes:
 * *pblen bytes.  OpenSSL's block decoder: 7x nettle's on these
 * ~260-character fields (110 against 750 ns, measured here).  It counts
 * padding as zero bytes, which are taken off again. */
static cs_status base64_decode(const char *b64, size_t b64len, unsigned char *pb,
                               size_t *pblen, cs_error *err)
{
    int got = b64len % 4 == 0 && b64len <= INT_MAX
                  ? EVP_DecodeBlock(pb, (const unsigned char *)b64, (int)b64len)
                  : -1;
    size_t pad = 0;
    while (pad < 2 && pad < b64len && b64[b64len - 1 - pad] == '=')
        pad++;
    if (got < 0 || (size_t)got < pad || memchr(b64, '=', b64len - pad))
        return cs_error_set(err, CS_ERR_FORMAT, "item 4 (metrics) is not valid base64");
    *pblen = (size_t)got - pad;
    return CS_OK;
}

/* The decoded message's fields into row, with what was missing or dropped
 * in row->layout; a record without what the reference API reads is
 * damaged, not merely sparse. */
static cs_status metrics_into_row(const Nasbench__ModelMetrics *m, cs_nb101_row *row,
                                  cs_error *err)
{
    uint32_t layout = 0;
    if (m->n_evaluation_data != CS_NB101_N_EVAL)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "metrics: evaluation_data count is %zu, expected %d",
                            m->n_evaluation_data, CS_NB101_N_EVAL);
    if (!m->has_trainable_parameters)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "metrics: missing required field trainable_parameters");
    row->trainable_parameters = m->trainable_parameters;
    row->total_time = m->total_time;
    if (!m->has_total_time)
        layout |= CS_NB101_LAYOUT_NO_TOTAL_TIME;
    if (m->base.n_unknown_fields)
        layout |= CS_NB101_LAYOUT_DROPPED;

    for (int i = 0; i < CS_NB101_N_EVAL; i++) {
        const Nasbench__EvaluationData *e = m->evaluation_data[i];
        const protobuf_c_boolean has[5] = {e->has_current_epoch, e->has_training_time,
                                           e->has_train_accuracy, e->has_validation_accuracy,
                                           e->has_test_accuracy};
        for (int f = 0; f < 5; f++) {
            if (has[f])
                continue;
            if (i > 0 && f > 0)
                return cs_error_set(err, CS_ERR_FORMAT,
                                    "metrics: evaluation_data[%d] misses required field %s", i,
                                    cs_eval_field_name[f]);
            layout |= CS_NB101_LAYOUT_NO_EVAL_FIELD(i, f);
        }
        row->eval[i].current_epoch = e->current_epoch;
        row->eval[i].training_time = e->training_time;
        row->eval[i].train_accuracy = e->train_accuracy;
        row->eval[i].validation_accuracy = e->validation_accuracy;
        row->eval[i].test_accuracy = e->test_accuracy;
        if (e->base.n_unknown_fields || (i < CS_NB101_N_EVAL - 1 && e->checkpoint_path))
            layout |= CS_NB101_LAYOUT_DROPPED;
    }
    row->n_eval = CS_NB101_N_EVAL;

    const char *cp = m->evaluation_data[CS_NB101_N_EVAL - 1]->checkpoint_path;
    row->checkpoint_path[0] = '\0';
    if (cp) {
        size_t n = strlen(cp);
        if (n > CS_NB101_CHECKPOINT_MAX)
            return cs_error_set(err, CS_ERR_FORMAT,
                                "metrics: checkpoint_path is %zu bytes long, limit %d", n,
                                CS_NB101_CHECKPOINT_MAX);
        memcpy(row->checkpoint_path, cp, n + 1);
        if (n == 0)
            layout |= CS_NB101_LAYOUT_EMPTY_CHECKPOINT;
    }
    row->layout = layout;
    return CS_OK;
}

static cs_status cs_decode_metrics(const char *b64, size_t b64len, cs_nb101_row *row,
                                   cs_error *err)
{
    alignas(max_align_t) unsigned char pb_stack[CS_NB101_STACK_BUF];
    alignas(max_align_t) unsigned char arena_stack[CS_NB101_STACK_BUF];
    size_t cap = b64len / 4 * 3 + 3;
    unsigned char *pb = cap <= sizeof pb_stack ? pb_stack : malloc(cap);
    if (!pb)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory decoding %zu base64 characters",
                            b64len);
    size_t pblen = 0;
    cs_status st = base64_decode(b64, b64len, pb, &pblen, err);
    if (st)
        goto out;

    /* A sound message decodes into its stack buffer; the heap allowance
     * leaves room for large strings and unknown fields, whose bytes are
     * copied, but not for millions of fields. */
    cs_pb_arena arena = {arena_stack, sizeof arena_stack, 0, 0, 0, 2 * pblen + 65536, 0};
    ProtobufCAllocator alloc = {cs_pb_arena_alloc, cs_pb_arena_free, &arena};
    Nasbench__ModelMetrics *m = nasbench__model_metrics__unpack(&alloc, pblen, pb);
    if (!m) {
        st = arena.over ? cs_error_set(err, CS_ERR_FORMAT,
                                       "item 4 (metrics): protobuf ModelMetrics of %zu bytes "
                                       "holds too many fields (decoding would take over %zu "
                                       "bytes)",
                                       pblen, arena.heap_max)
                        : cs_error_set(err, CS_ERR_FORMAT,
                                       "item 4 (metrics): malformed protobuf ModelMetrics "
                                       "(%zu bytes)",
                                       pblen);
        goto out;
    }
    st = metrics_into_row(m, row, err);
    if (arena.spilled)
        nasbench__model_metrics__free_unpacked(m, &alloc);
out:
    if (pb != pb_stack)
        free(pb);
    return st;
}

static pthread_mutex_t cs_cjson_parse = PTHREAD_MUTEX_INITIALIZER;

/* The five items of a row, strings as (pointer, length). */
typedef struct row_items {
    const char *s[5];
    size_t len[5];
    double epochs;
} row_items;

/* The row from its items, however they were parsed. */
static cs_status cs_row_fill(const row_items *it, cs_nb101_row *row, cs_error *err)
{
    if (it->len[0] != 32 || !cs_is_lower_hex(it->s[0], 32))
        return cs_error_set(err, CS_ERR_FORMAT,
                            "item 0 (module hash) is not 32 lowercase hex digits");
    memcpy(row->hash, it->s[0], 32);
    row->hash[32] = '\0';
    double e = it->epochs;
    if (!(e >= 1 && e <= INT_MAX) || (double)(int)e != e)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "item 1 (epochs) is %.17g, expected a positive integer", e);
    row->epochs = (int)e;
    cs_status st = cs_copy_text(row->adjacency, sizeof row->adjacency, it->s[2], it->len[2], 2,
                                err);
    if (st == CS_OK)
        st = cs_copy_text(row->ops, sizeof row->ops, it->s[3], it->len[3], 3, err);
    if (st == CS_OK)
        st = cs_decode_metrics(it->s[4], it->len[4], row, err);
    return st;
}

/* The rows as the official files (Python's json.dumps) write them:
 *     ["<hash>", <epochs>, "<adjacency>", "<ops>", "<metrics>"]
 * with ", " between items and plain printable ASCII strings.  These read
 * the same in any JSON parser, so they are read here, without building a
 * tree; anything else (other spacing, escapes, non-ASCII, a number that is
 * not plain digits) goes to cJSON, which also words any error. */
static bool cs_row_plain(const unsigned char *d, size_t len, row_items *it)
{
    const unsigned char *p = d, *end = d + len;
    if (p == end || *p++ != '[')
        return false;
    for (int i = 0; i < 5; i++) {
        if (i) {
            if (end - p < 2 || p[0] != ',' || p[1] != ' ')
                return false;
            p += 2;
        }
        if (i == 1) {
            const unsigned char *q = p;
            double v = 0;
            while (q < end && *q >= '0' && *q <= '9' && q - p < 9)
                v = v * 10 + (*q++ - '0');
            if (q == p || (*p == '0' && q - p > 1) || (q < end && *q >= '0' && *q <= '9'))
                return false;
            it->epochs = v;
            p = q;
            continue;
        }
        if (p == end || *p++ != '"')
            return false;
        const unsigned char *q = p;
        while (q < end && *q != '"') {
            if (*q == '\\' || *q < 0x20 || *q >= 0x7f)
                return false;
            q++;
        }
        if (q == end)
            return false;
        it->s[i] = (const char *)p;
        it->len[i] = (size_t)(q - p);
        p = q + 1;
    }
    return end - p == 1 && *p == ']';
}

/* The row from its parsed JSON (root may be NULL: the parse failed at end). */
static cs_status cs_row_from_json(const unsigned char *data, size_t len, cJSON *root,
                                  const char *end, cs_nb101_row *row, cs_error *err)
{
    const char *text = (const char *)data;
    if (!root) {
        size_t at = end ? (size_t)(end - text) : 0;
        return cs_error_set(err, CS_ERR_FORMAT, "invalid JSON (parse failed near byte %zu of %zu)",
                            at, len);
    }
    cs_status st = CS_OK;
    size_t at = (size_t)(end - text);
    while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
        at++;
    if (at < len) {
        st = cs_error_set(err, CS_ERR_FORMAT, "invalid JSON: trailing data at byte %zu of %zu", at,
                          len);
        goto out;
    }
    if (!cJSON_IsArray(root)) {
        st = cs_error_set(err, CS_ERR_FORMAT, "row is %s, expected an array of 5 items",
                          cs_json_type_name(root));
        goto out;
    }
    const cJSON *item[5];
    int n = 0;
    for (const cJSON *c = root->child; c; c = c->next) {
        if (n < 5)
            item[n] = c;
        n++;
    }
    if (n != 5) {
        st = cs_error_set(err, CS_ERR_FORMAT, "row is an array of %d items, expected 5", n);
        goto out;
    }
    for (int i = 0; i < 5; i++) {
        int want_number = i == 1;
        if (want_number ? !cJSON_IsNumber(item[i]) : !cJSON_IsString(item[i])) {
            st = cs_error_set(err, CS_ERR_FORMAT, "item %d (%s) is %s, expected %s", i,
                              cs_item_name[i], cs_json_type_name(item[i]),
                              want_number ? "a number" : "a string");
            goto out;
        }
    }
    if (cs_has_nul_escape(data, len)) {
        st = cs_error_set(err, CS_ERR_FORMAT, "a string holds a \\u0000 (NUL) escape");
        goto out;
    }

    row_items it;
    for (int i = 0; i < 5; i++)
        if (i != 1) {
            it.s[i] = item[i]->valuestring;
            it.len[i] = strlen(item[i]->valuestring);
        }
    it.epochs = item[1]->valuedouble;
    st = cs_row_fill(&it, row, err);
out:
    cJSON_Delete(root);
    return st;
}

cs_status cs_nb101_row_decode(const unsigned char *data, size_t len, cs_nb101_row *row,
                              cs_error *err)
{
    cs_status st;
    cs_nb101_row_decode_many(1, &data, &len, row, &st, err);
    return st;
}

void cs_nb101_row_decode_many(size_t n, const unsigned char *const *data, const size_t *len,
                              cs_nb101_row *rows, cs_status *st, cs_error *errs)
{
    cJSON *root[CS_NB101_DECODE_MANY_MAX];
    const char *end[CS_NB101_DECODE_MANY_MAX];
    for (size_t at = 0; at < n; at += CS_NB101_DECODE_MANY_MAX) {
        size_t m = n - at < CS_NB101_DECODE_MANY_MAX ? n - at : CS_NB101_DECODE_MANY_MAX;
        bool plain[CS_NB101_DECODE_MANY_MAX], any_json = false;
        row_items it[CS_NB101_DECODE_MANY_MAX];
        for (size_t k = 0; k < m; k++) {
            plain[k] = cs_row_plain(data[at + k], len[at + k], &it[k]);
            any_json |= !plain[k];
        }
        /* One lock for the lot: taken per record, the lock's hand-overs
         * cost the decoding threads more than the parses themselves. */
        if (any_json) {
            pthread_mutex_lock(&cs_cjson_parse);
            for (size_t k = 0; k < m; k++) {
                end[k] = NULL;
                root[k] = !plain[k] && len[at + k]
                              ? cJSON_ParseWithLengthOpts((const char *)data[at + k],
                                                          len[at + k], &end[k], 0)
                              : NULL;
            }
            pthread_mutex_unlock(&cs_cjson_parse);
        }
        for (size_t k = 0; k < m; k++)
            st[at + k] = plain[k] ? cs_row_fill(&it[k], &rows[at + k], &errs[at + k])
                                  : cs_row_from_json(data[at + k], len[at + k], root[k],
                                                     end[k], &rows[at + k], &errs[at + k]);
    }
}

/* Writes s as a JSON string the way Python's json.dumps (ensure_ascii) does,
 * so encoded rows match the official files byte for byte. dst has room for
 * 2 + 6 * n bytes. Returns bytes written, or 0 for invalid UTF-8. */
static size_t cs_put_json_string(char *dst, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    char *o = dst;
    *o++ = '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: break;
        }
        if (esc) {
            *o++ = esc[0];
            *o++ = esc[1];
            i++;
            continue;
        }
        if (c >= 0x20 && c < 0x7F) {
            *o++ = (char)c;
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = cs_utf8_decode(p + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
        uint32_t units[2];
        int nu = 0;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[nu++] = 0xD800 | (cp >> 10);
            units[nu++] = 0xDC00 | (cp & 0x3FF);
        } else {
            units[nu++] = cp;
        }
        for (int u = 0; u < nu; u++) {
            *o++ = '\\';
            *o++ = 'u';
            for (int sh = 12; sh >= 0; sh -= 4)
                *o++ = hex[(units[u] >> sh) & 0xF];
        }
    }
    *o++ = '"';
    return (size_t)(o - dst);
}

/* Layout bits the encoder honours: dropping a required field would produce
 * a record our own decoder rejects. */
#define CS_NB101_LAYOUT_ENCODABLE                                                                 \
    (CS_NB101_LAYOUT_NO_TOTAL_TIME | CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 0)                          \
     | CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 1) | CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 2)                  \
     | CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 3) | CS_NB101_LAYOUT_NO_EVAL_FIELD(0, 4)                  \
     | CS_NB101_LAYOUT_NO_EVAL_FIELD(1, 0) | CS_NB101_LAYOUT_NO_EVAL_FIELD(2, 0)                  \
     | CS_NB101_LAYOUT_EMPTY_CHECKPOINT | CS_NB101_LAYOUT_DROPPED)

/* The row's text fields' lengths, or why the row cannot be encoded: a
 * field without its NUL, or a record our own decoder would reject. */
static cs_status row_encode_check(const cs_nb101_row *row, size_t *al, size_t *ol, size_t *cl,
                                  cs_error *err)
{
    size_t hl = strnlen(row->hash, sizeof row->hash);
    if (hl != 32 || !cs_is_lower_hex(row->hash, 32))
        return cs_error_set(err, CS_ERR_ARG, "row hash is not 32 lowercase hex digits");
    if (row->epochs < 1)
        return cs_error_set(err, CS_ERR_ARG, "row epochs is %d, expected a positive integer",
                            row->epochs);
    *al = strnlen(row->adjacency, sizeof row->adjacency);
    *ol = strnlen(row->ops, sizeof row->ops);
    *cl = strnlen(row->checkpoint_path, sizeof row->checkpoint_path);
    if (*al == sizeof row->adjacency || *ol == sizeof row->ops
        || *cl == sizeof row->checkpoint_path)
        return cs_error_set(err, CS_ERR_ARG, "row text field is not NUL-terminated within its bound");
    if (row->n_eval != CS_NB101_N_EVAL)
        return cs_error_set(err, CS_ERR_ARG, "row has %d evaluations, expected %d", row->n_eval,
                            CS_NB101_N_EVAL);
    if (row->layout & ~(uint32_t)CS_NB101_LAYOUT_ENCODABLE)
        return cs_error_set(err, CS_ERR_ARG,
                            "row layout 0x%x would leave out a required protobuf field",
                            (unsigned)row->layout);
    return CS_OK;
}

/* A row's ModelMetrics message with everything it points to, so that one
 * stack object holds the lot and nothing needs freeing. */
typedef struct metrics_msg {
    Nasbench__ModelMetrics m;
    Nasbench__EvaluationData ev[CS_NB101_N_EVAL];
    Nasbench__EvaluationData *evp[CS_NB101_N_EVAL];
    char cp[CS_NB101_CHECKPOINT_MAX + 1]; /* protobuf-c's fields are not const */
} metrics_msg;

/* metrics_into_row's inverse; cl is the checkpoint path's length. */
static void metrics_from_row(const cs_nb101_row *row, size_t cl, metrics_msg *msg)
{
    for (int i = 0; i < CS_NB101_N_EVAL; i++) {
        const cs_nb101_eval *s = &row->eval[i];
        Nasbench__EvaluationData *ev = &msg->ev[i];
        nasbench__evaluation_data__init(ev);
        ev->current_epoch = s->current_epoch;
        ev->training_time = s->training_time;
        ev->train_accuracy = s->train_accuracy;
        ev->validation_accuracy = s->validation_accuracy;
        ev->test_accuracy = s->test_accuracy;
        ev->has_current_epoch = !(row->layout & CS_NB101_LAYOUT_NO_EVAL_FIELD(i, 0));
        ev->has_training_time = !(row->layout & CS_NB101_LAYOUT_NO_EVAL_FIELD(i, 1));
        ev->has_train_accuracy = !(row->layout & CS_NB101_LAYOUT_NO_EVAL_FIELD(i, 2));
        ev->has_validation_accuracy = !(row->layout & CS_NB101_LAYOUT_NO_EVAL_FIELD(i, 3));
        ev->has_test_accuracy = !(row->layout & CS_NB101_LAYOUT_NO_EVAL_FIELD(i, 4));
        msg->evp[i] = ev;
    }
    /* protobuf-c writes a string field iff its pointer is non-NULL. */
    memcpy(msg->cp, row->checkpoint_path, cl + 1);
    if (cl > 0 || (row->layout & CS_NB101_LAYOUT_EMPTY_CHECKPOINT))
        msg->ev[CS_NB101_N_EVAL - 1].checkpoint_path = msg->cp;

    Nasbench__ModelMetrics *m = &msg->m;
    nasbench__model_metrics__init(m);
    m->n_evaluation_data = CS_NB101_N_EVAL;
    m->evaluation_data = msg->evp;
    m->has_trainable_parameters = 1;
    m->trainable_parameters = row->trainable_parameters;
    m->has_total_time = !(row->layout & CS_NB101_LAYOUT_NO_TOTAL_TIME);
    m->total_time = row->total_time;
}

/* EVP_EncodeBlock's output length for n bytes, padding included. */
static size_t base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

/* Room for row_json_put.  Bound: 6 output bytes per input byte covers
 * \u00XX and surrogate pairs. */
static size_t row_json_cap(size_t al, size_t ol, size_t pblen)
{
    return 64 + 2 + 32 + (2 + 6 * al) + (2 + 6 * ol) + (2 + base64_len(pblen));
}

/* The row in the official files' spelling (the one cs_row_plain reads),
 * with pb as its metrics: the bytes written, or 0 if the adjacency or the
 * operations are not UTF-8. */
static size_t row_json_put(char *buf, const cs_nb101_row *row, size_t al, size_t ol,
                           const unsigned char *pb, size_t pblen)
{
    char *o = buf;
    o += sprintf(o, "[\"%s\", %d, ", row->hash, row->epochs);
    size_t k = cs_put_json_string(o, row->adjacency, al);
    if (k == 0)
        return 0;
    o += k;
    *o++ = ',';
    *o++ = ' ';
    k = cs_put_json_string(o, row->ops, ol);
    if (k == 0)
        return 0;
    o += k;
    *o++ = ',';
    *o++ = ' ';
    *o++ = '"';
    EVP_EncodeBlock((unsigned char *)o, pb, (int)pblen);
    o += base64_len(pblen);
    *o++ = '"';
    *o++ = ']';
    return (size_t)(o - buf);
}

cs_status cs_nb101_row_encode(const cs_nb101_row *row, unsigned char **out, size_t *outlen,
                              cs_error *err)
{
    *out = NULL;
    *outlen = 0;
    size_t al = 0, ol = 0, cl = 0;
    cs_status st = row_encode_check(row, &al, &ol, &cl, err);
    if (st)
        return st;
    metrics_msg msg;
    metrics_from_row(row, cl, &msg);

    alignas(max_align_t) unsigned char pb_stack[CS_NB101_STACK_BUF];
    size_t pblen = nasbench__model_metrics__get_packed_size(&msg.m);
    unsigned char *pb = pblen <= sizeof pb_stack ? pb_stack : malloc(pblen);
    if (!pb)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory encoding a row");
    nasbench__model_metrics__pack(&msg.m, pb);

    char *buf = malloc(row_json_cap(al, ol, pblen));
    size_t len = buf ? row_json_put(buf, row, al, ol, pb, pblen) : 0;
    if (pb != pb_stack)
        free(pb);
    if (!buf)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory encoding a row");
    if (len == 0) {
        free(buf);
        return cs_error_set(err, CS_ERR_ARG,
                            "row adjacency or operations text is not valid UTF-8");
    }
    *out = (unsigned char *)buf;
    *outlen = len;
    return CS_OK;
}
