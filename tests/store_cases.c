/* data/: import, the store, the reference query semantics, corruption. */
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_io.h"
#include "cs_iso.h"
#include "cs_nb101_row.h"
#include "cs_store.h"
#include "cs_tfrecord.h"
#include "store_format.h"
#include "testutil.h"

TCase *cs_store_tcase(void);

static const char *const names[] = {"nb101-mini-full", "nb101-mini-only108",
                                    "nb101-real30-only108"};

static void temp_path(char *buf, size_t size, const char *tag)
{
    snprintf(buf, size, "/tmp/cs-store-test-%s-%ld-XXXXXX", tag, (long)getpid());
    int fd = mkstemp(buf);
    ck_assert(fd >= 0);
    close(fd);
}

static cs_store *import_fixture(int i, char *store, size_t size, cs_import_stats *stats)
{
    char src[4096], rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s.tfrecord", names[i]);
    cs_test_shared_path(src, sizeof src, rel);
    temp_path(store, size, "fx");
    cs_error err;
    ck_assert_msg(cs_store_import(src, store, NULL, stats, &err) == CS_OK, "%s", err.msg);
    cs_store *s;
    ck_assert_msg(cs_store_open(&s, store, &err) == CS_OK, "%s", err.msg);
    return s;
}

static bool matrix_equal(const cs_cell *c, json_t *m)
{
    if ((int)json_array_size(m) != c->n)
        return false;
    for (int a = 0; a < c->n; a++)
        for (int b = 0; b < c->n; b++)
            if (json_integer_value(json_array_get(json_array_get(m, (size_t)a), (size_t)b)) !=
                (json_int_t)(c->adj[a] >> b & 1))
                return false;
    return true;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    ck_assert_msg(json_is_number(v), "missing %s", k);
    return json_number_value(v);
}

/* The store keeps the SHA-256 of the whole source file: digests from
 * coreutils' sha256sum of the fixtures. */
START_TEST(test_source_sha256_is_the_files)
{
    static const char *const want[] = {
        "bb6f4fbbc6dc85342fb1181fecc8285b6da297f03733ab7d2ec18ba29be700c9",
        "4839f911389a31c73b4ff36183430dbdbdc159c68abb7e38e950684bda5a4b3d",
        "c23799fc3b44380712e9f76451ed60fa8bb47ec4c82c228b0ce75f4cd7c8879d"};
    char store[4096], hex[65];
    cs_import_stats stats;
    cs_store *s = import_fixture(_i, store, sizeof store, &stats);
    const unsigned char *d = cs_store_source_sha256(s);
    for (int k = 0; k < 32; k++)
        snprintf(hex + 2 * k, 3, "%02x", d[k]);
    ck_assert_str_eq(hex, want[_i]);
    ck_assert(memcmp(stats.sha256, d, 32) == 0);
    cs_store_close(s);
    unlink(store);
}
END_TEST

/* The store's fingerprint is the SHA-256 of its header: the digest from
 * coreutils' sha256sum of the file's first sizeof(cs_store_header) bytes. */
START_TEST(test_fingerprint_is_the_headers_sha256)
{
    char store[4096], cmd[8192], want[65] = "", hex[65];
    cs_import_stats stats;
    cs_store *s = import_fixture(_i, store, sizeof store, &stats);
    unsigned char fp[32];
    cs_store_fingerprint(s, fp);
    for (int k = 0; k < 32; k++)
        snprintf(hex + 2 * k, 3, "%02x", fp[k]);
    snprintf(cmd, sizeof cmd, "head -c %zu '%s' | sha256sum", sizeof(cs_store_header), store);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    ck_assert(fscanf(p, "%64s", want) == 1);
    pclose(p);
    ck_assert_str_eq(hex, want);
    cs_store_close(s);
    unlink(store);
}
END_TEST

/* Every probe: the same answer as the reference, values bit-exact. */
START_TEST(test_probes_answered_as_reference)
{
    char store[4096], rel[256];
    cs_import_stats stats;
    cs_store *s = import_fixture(_i, store, sizeof store, &stats);
    snprintf(rel, sizeof rel, "fixtures/%s.expected.json", names[_i]);
    json_t *root = cs_test_load_json(rel);
    ck_assert_uint_eq(cs_store_num_cells(s), (size_t)json_integer_value(json_object_get(root, "num_models")));
    json_t *ve = json_object_get(root, "valid_epochs");
    ck_assert_int_eq(cs_store_num_budgets(s), (int)json_array_size(ve));
    for (int b = 0; b < cs_store_num_budgets(s); b++)
        ck_assert_int_eq(cs_store_budget(s, b), (int)json_integer_value(json_array_get(ve, (size_t)b)));
    ck_assert(!cs_store_synthetic(s)); /* independent writer: no cellscape marker */
    size_t i;
    json_t *p;
    int found = 0;
    json_array_foreach(json_object_get(root, "probes"), i, p)
    {
        json_t *o = json_pack("{sOsO}", "matrix", json_object_get(p, "matrix"), "ops",
                              json_object_get(p, "ops"));
        char *text = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        cs_query_result *r = malloc(sizeof *r);
        cs_error err;
        cs_status st = cs_store_lookup(s, text, strlen(text), r, &err);
        free(text);
        const char *want_err = json_string_value(json_object_get(p, "error"));
        if (want_err) {
            ck_assert_msg(st != CS_OK, "probe %zu should fail", i);
            ck_assert_str_eq(cs_status_name(st), want_err);
            ck_assert_str_eq(err.msg, json_string_value(json_object_get(p, "message")));
            free(r);
            continue;
        }
        ck_assert_msg(st == CS_OK, "probe %zu: %s", i, err.msg);
        ck_assert_str_eq(r->hash, json_string_value(json_object_get(p, "hash")));
        bool in = json_is_true(json_object_get(p, "in_dataset"));
        ck_assert_msg((r->index >= 0) == in, "probe %zu in_dataset", i);
        if (in) {
            found++;
            const cs_store_entry *e = cs_store_entry_at(s, (size_t)r->index);
            json_t *fixed = json_object_get(p, "fixed");
            cs_cell stored;
            cs_key_cell(&e->cell, &stored);
            ck_assert(matrix_equal(&stored, json_object_get(fixed, "module_adjacency")));
            json_t *mo = json_object_get(fixed, "module_operations");
            for (int v = 0; v < stored.n; v++)
                ck_assert_str_eq(cs_op_name(stored.op[v]),
                                 json_string_value(json_array_get(mo, (size_t)v)));
            ck_assert_int_eq(e->trainable_parameters,
                             (int)json_integer_value(json_object_get(fixed, "trainable_parameters")));
            json_t *computed = json_object_get(p, "computed");
            for (int b = 0; b < cs_store_num_budgets(s); b++) {
                char key[16];
                snprintf(key, sizeof key, "%d", cs_store_budget(s, b));
                json_t *list = json_object_get(computed, key);
                ck_assert_int_eq(e->repeats[b], (int)json_array_size(list));
                const cs_run *runs = cs_store_runs(s, (size_t)r->index, b);
                for (int k = 0; k < e->repeats[b]; k++) {
                    json_t *x = json_array_get(list, (size_t)k);
                    const cs_run *y = &runs[k];
                    ck_assert(num(x, "halfway_training_time") == y->halfway_training_time);
                    ck_assert(num(x, "halfway_train_accuracy") == y->halfway_train_accuracy);
                    ck_assert(num(x, "halfway_validation_accuracy") == y->halfway_validation_accuracy);
                    ck_assert(num(x, "halfway_test_accuracy") == y->halfway_test_accuracy);
                    ck_assert(num(x, "final_training_time") == y->final_training_time);
                    ck_assert(num(x, "final_train_accuracy") == y->final_train_accuracy);
                    ck_assert(num(x, "final_validation_accuracy") == y->final_validation_accuracy);
                    ck_assert(num(x, "final_test_accuracy") == y->final_test_accuracy);
                    /* and the one-repeat query returns that run */
                    cs_budget_counter cnt = {0, 0};
                    ck_assert_int_eq(cs_store_query(s, r, cs_store_budget(s, b), false,
                                                    CS_REPEAT_ONE, k, &cnt, &err), CS_OK);
                    ck_assert(r->validation_accuracy == y->final_validation_accuracy);
                    ck_assert(cnt.total_time == y->final_training_time);
                    ck_assert(cnt.total_epochs == cs_store_budget(s, b));
                    ck_assert_int_eq(cs_store_query(s, r, cs_store_budget(s, b), true,
                                                    CS_REPEAT_ONE, k, &cnt, &err), CS_OK);
                    ck_assert(r->test_accuracy == y->halfway_test_accuracy);
                    ck_assert(cnt.total_epochs == cs_store_budget(s, b) + cs_store_budget(s, b) / 2);
                }
            }
        }
        free(r);
    }
    ck_assert_int_gt(found, 50);
    json_decref(root);
    cs_store_close(s);
    unlink(store);
}
END_TEST

/* The real 30 cells: every stored value equals the published excerpt. */
START_TEST(test_real30_matches_realdata)
{
    char store[4096];
    cs_import_stats stats;
    cs_store *s = import_fixture(2, store, sizeof store, &stats);
    json_t *root = cs_test_load_json("realdata/nb101-real-30-repeats.json");
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach(root, key, v)
    {
        unsigned char raw[16];
        for (int i = 0; i < 16; i++)
            sscanf(key + 2 * i, "%2hhx", &raw[i]);
        int64_t idx = cs_store_find_hash(s, raw);
        ck_assert_int_ge(idx, 0);
        const cs_store_entry *e = cs_store_entry_at(s, (size_t)idx);
        ck_assert_int_eq(e->trainable_parameters,
                         (int)json_integer_value(json_object_get(v, "trainable_parameters")));
        json_t *list = json_object_get(json_object_get(v, "computed_stats"), "108");
        const cs_run *runs = cs_store_runs(s, (size_t)idx, 0);
        ck_assert_int_eq(e->repeats[0], 3);
        for (int k = 0; k < 3; k++) {
            json_t *x = json_array_get(list, (size_t)k);
            ck_assert(num(x, "final_test_accuracy") == runs[k].final_test_accuracy);
            ck_assert(num(x, "final_validation_accuracy") == runs[k].final_validation_accuracy);
            ck_assert(num(x, "halfway_training_time") == runs[k].halfway_training_time);
        }
        n++;
    }
    ck_assert_int_eq(n, 30);
    json_decref(root);
    cs_store_close(s);
    unlink(store);
}
END_TEST

START_TEST(test_query_semantics)
{
    char store[4096];
    cs_import_stats stats;
    cs_store *s = import_fixture(1, store, sizeof store, &stats);
    cs_query_result *r = malloc(sizeof *r);
    cs_error err;
    /* the facts sheet's Inception-like data point, queried in another order */
    const char *q = "{\"matrix\": [[0,1,1,1,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],"
                    "[0,0,0,0,1,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],"
                    "\"ops\": [\"input\",\"conv1x1-bn-relu\",\"conv3x3-bn-relu\","
                    "\"conv3x3-bn-relu\",\"conv3x3-bn-relu\",\"maxpool3x3\",\"output\"]}";
    ck_assert_int_eq(cs_store_lookup(s, q, strlen(q), r, &err), CS_OK);
    ck_assert_int_ge(r->index, 0);
    ck_assert_int_eq(r->trainable_parameters, 2694282);
    bool seen = false;
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(cs_store_query(s, r, 108, false, CS_REPEAT_ONE, k, NULL, &err), CS_OK);
        if (r->validation_accuracy == 0.9376001358032227 && r->test_accuracy == 0.9311898946762085 &&
            r->training_time == 1155.85302734375)
            seen = true;
    }
    ck_assert(seen);
    /* mean of the three repeats */
    double sum = 0;
    for (int k = 0; k < 3; k++) {
        cs_store_query(s, r, 108, false, CS_REPEAT_ONE, k, NULL, &err);
        sum += r->test_accuracy;
    }
    ck_assert_int_eq(cs_store_query(s, r, 108, false, CS_REPEAT_MEAN, 0, NULL, &err), CS_OK);
    ck_assert(r->test_accuracy == sum / 3);
    /* a budget the file lacks: the reference's message */
    ck_assert_int_eq(cs_store_query(s, r, 12, false, CS_REPEAT_ONE, 0, NULL, &err), CS_ERR_DOMAIN);
    ck_assert_str_eq(err.msg, "invalid number of epochs, must be one of {108}");
    free(r);
    cs_store_close(s);
    unlink(store);
}
END_TEST

/* --- corruption --------------------------------------------------------- */

/* A one-record TFRecord built from the first record of a fixture, with the
 * row changed by `edit`. */
static void write_edited(const char *out, void (*edit)(cs_nb101_row *))
{
    char src[4096];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    cs_tfrecord_reader *rd;
    ck_assert_int_eq(cs_tfrecord_reader_open(&rd, src, NULL), CS_OK);
    FILE *f = fopen(out, "wb");
    const unsigned char *data;
    size_t len;
    int eof, k = 0;
    cs_nb101_row *row = malloc(sizeof *row);
    while (cs_tfrecord_reader_next(rd, &data, &len, &eof, NULL) == CS_OK && !eof) {
        ck_assert_int_eq(cs_nb101_row_decode(data, len, row, NULL), CS_OK);
        if (k++ == 5)
            edit(row);
        unsigned char *enc;
        size_t elen;
        ck_assert_int_eq(cs_nb101_row_encode(row, &enc, &elen, NULL), CS_OK);
        ck_assert_int_eq(cs_tfrecord_write(f, enc, elen, NULL), CS_OK);
        free(enc);
    }
    free(row);
    fclose(f);
    cs_tfrecord_reader_close(rd);
}

static void edit_unknown_op(cs_nb101_row *r)
{
    char *p = strstr(r->ops, "conv3x3-bn-relu");
    if (!p)
        p = strstr(r->ops, "conv1x1-bn-relu");
    memcpy(p, "conv5x5-bn-relu", 15);
}

static void edit_hash(cs_nb101_row *r)
{
    r->hash[0] = r->hash[0] == '0' ? '1' : '0';
}

static void edit_adjacency(cs_nb101_row *r)
{
    /* drop the input -> output edge or add it: another cell, same hash */
    size_t n = 0;
    while (n * n < strlen(r->adjacency))
        n++;
    r->adjacency[n - 1] = r->adjacency[n - 1] == '0' ? '1' : '0';
}

START_TEST(test_bad_records)
{
    struct {
        void (*edit)(cs_nb101_row *);
        const char *needle;
    } cases[] = {
        {edit_unknown_op, "unsupported op conv5x5-bn-relu"},
        {edit_hash, "does not match its cell"},
        {edit_adjacency, "record 5"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char in[4096], out[4096];
        temp_path(in, sizeof in, "bad");
        temp_path(out, sizeof out, "out");
        unlink(out);
        write_edited(in, cases[c].edit);
        cs_import_stats stats;
        cs_error err;
        cs_status st = cs_store_import(in, out, NULL, &stats, &err);
        ck_assert_msg(st == CS_ERR_FORMAT || st == CS_ERR_DOMAIN, "case %zu: %d", c, st);
        ck_assert_msg(strstr(err.msg, cases[c].needle), "case %zu: %s", c, err.msg);
        ck_assert_msg(strstr(err.msg, in), "case %zu names no file: %s", c, err.msg);
        ck_assert(access(out, F_OK) != 0); /* no partial store */
        /* --keep-going: skipped and counted (a wrong hash is found late) */
        cs_import_options opt;
        cs_import_options_init(&opt);
        opt.keep_going = true;
        st = cs_store_import(in, out, &opt, &stats, &err);
        if (cases[c].edit != edit_hash) {
            ck_assert_msg(st == CS_OK, "case %zu keep going: %s", c, err.msg);
            ck_assert_uint_eq(stats.skipped, 1);
            ck_assert_uint_eq(stats.records, 90);
            ck_assert(strstr(stats.first_skipped.msg, "record 5"));
        }
        unlink(out);
        unlink(in);
    }
}
END_TEST

/* --- stores whose checksums hold but whose contents lie (fuzz_store) ---- */

static void lie_bad_hash_slot(unsigned char *f, size_t *len)
{
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    (void)len;
    uint32_t v = (uint32_t)h.ncells + 5;
    memcpy(f + h.hash_index_offset, &v, 4);
}

static void lie_full_canon_index(unsigned char *f, size_t *len)
{
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    (void)len;
    for (uint64_t k = 0; k < h.index_slots; k++) {
        cs_canon_slot *c = (cs_canon_slot *)(f + h.canon_index_offset) + k;
        c->entry = 1;
    }
}

static void lie_repeats(unsigned char *f, size_t *len)
{
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    (void)len;
    ((cs_store_entry *)(f + h.entries_offset))->repeats[0] = 200;
}

/* 2^62 slots: slots * 4 and slots * 24 wrap around to a file that ends
 * where the hash index would begin. */
static void lie_wrapping_slots(unsigned char *f, size_t *len)
{
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    h.index_slots = UINT64_C(1) << 62;
    h.canon_index_offset = h.hash_index_offset + h.index_slots * 4;
    h.file_size = h.canon_index_offset + h.index_slots * sizeof(cs_canon_slot);
    ck_assert_uint_eq(h.file_size, h.hash_index_offset);
    memcpy(f, &h, sizeof h);
    *len = h.file_size;
}

/* Write from's store to `to` changed by edit, with every checksum made
 * right again. */
static void lying_copy(const char *from, const char *to, void (*edit)(unsigned char *, size_t *))
{
    size_t len;
    unsigned char *f = (unsigned char *)cs_test_read_file(from, &len);
    ck_assert_ptr_nonnull(f);
    edit(f, &len);
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    if (h.entries_offset + h.ncells * h.entry_size <= len)
        h.crc_entries = cs_crc32c(f + h.entries_offset, h.ncells * h.entry_size);
    if (h.file_size == len) {
        h.crc_hash_index = cs_crc32c(f + h.hash_index_offset, h.index_slots * 4);
        h.crc_canon_index = cs_crc32c(f + h.canon_index_offset,
                                      h.index_slots * sizeof(cs_canon_slot));
    }
    h.crc_header = 0;
    h.crc_header = cs_crc32c(&h, sizeof h);
    memcpy(f, &h, sizeof h);
    FILE *o = fopen(to, "wb");
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(fwrite(f, 1, len, o), len);
    fclose(o);
    free(f);
}

static void corrupt_copy(const char *from, const char *to, long at, int delta)
{
    size_t len;
    char *buf = cs_test_read_file(from, &len);
    ck_assert_ptr_nonnull(buf);
    if (at >= 0)
        buf[at] = (char)(buf[at] + delta);
    FILE *f = fopen(to, "wb");
    fwrite(buf, 1, at == -2 ? len / 2 : len, f);
    fclose(f);
    free(buf);
}

START_TEST(test_damaged_store)
{
    char store[4096], bad[4096];
    cs_import_stats stats;
    cs_store *s = import_fixture(2, store, sizeof store, &stats);
    cs_store_close(s);
    temp_path(bad, sizeof bad, "dmg");
    struct {
        long at;
        int delta;
        const char *needle;
    } cases[] = {
        {16, 1, "store version 2"},                 /* version field */
        {1000, 1, "entries checksum"},              /* a byte in an entry */
        {40, 1, "header checksum"},                 /* ncells */
        {-2, 0, "file size"},                       /* truncated */
        {0, 1, "not a cellscape store"},            /* magic */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        corrupt_copy(store, bad, cases[c].at, cases[c].delta);
        cs_error err;
        ck_assert_int_eq(cs_store_open(&s, bad, &err), CS_ERR_FORMAT);
        ck_assert_msg(strstr(err.msg, cases[c].needle), "case %zu: %s", c, err.msg);
        ck_assert_msg(strstr(err.msg, bad), "case %zu names no file: %s", c, err.msg);
    }
    /* Checksums made right again: the contents themselves must be checked. */
    struct {
        void (*edit)(unsigned char *, size_t *);
        const char *needle;
    } lies[] = {
        {lie_bad_hash_slot, "names a cell the store lacks"},
        {lie_full_canon_index, "no empty slot"},
        {lie_repeats, "more runs than its entry holds"},
        {lie_wrapping_slots, "inconsistent header"},
    };
    for (size_t c = 0; c < sizeof lies / sizeof lies[0]; c++) {
        lying_copy(store, bad, lies[c].edit);
        cs_error err;
        ck_assert_int_eq(cs_store_open(&s, bad, &err), CS_ERR_FORMAT);
        ck_assert_msg(strstr(err.msg, lies[c].needle), "lie %zu: %s", c, err.msg);
        ck_assert_msg(strstr(err.msg, bad), "lie %zu names no file: %s", c, err.msg);
    }
    unlink(bad);
    unlink(store);
}
END_TEST

/* An empty first record: its batch had no buffer yet, and decoding took
 * an offset of a null pointer (UBSan; found by fuzz_import). */
START_TEST(test_empty_first_record)
{
    char src[4096], in[4096], out[4096];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    temp_path(in, sizeof in, "empty");
    temp_path(out, sizeof out, "out");
    unlink(out);
    cs_tfrecord_reader *rd;
    ck_assert_int_eq(cs_tfrecord_reader_open(&rd, src, NULL), CS_OK);
    const unsigned char *data;
    size_t len;
    int eof;
    ck_assert_int_eq(cs_tfrecord_reader_next(rd, &data, &len, &eof, NULL), CS_OK);
    FILE *f = fopen(in, "wb");
    ck_assert_int_eq(cs_tfrecord_write(f, "", 0, NULL), CS_OK);
    ck_assert_int_eq(cs_tfrecord_write(f, data, len, NULL), CS_OK);
    fclose(f);
    cs_tfrecord_reader_close(rd);
    cs_import_stats stats;
    cs_error err;
    ck_assert_int_eq(cs_store_import(in, out, NULL, &stats, &err), CS_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "record 0 at byte offset 0"), "%s", err.msg);
    ck_assert(access(out, F_OK) != 0);
    cs_import_options opt;
    cs_import_options_init(&opt);
    opt.keep_going = true;
    ck_assert_msg(cs_store_import(in, out, &opt, &stats, &err) == CS_OK, "%s", err.msg);
    ck_assert_uint_eq(stats.skipped, 1);
    ck_assert_uint_eq(stats.cells, 1);
    unlink(out);
    unlink(in);
}
END_TEST

/* Opening a .tfrecord directly imports it on the fly. */
START_TEST(test_open_any_tfrecord)
{
    char src[4096];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-mini-only108.tfrecord");
    cs_store *s;
    cs_error err;
    ck_assert_msg(cs_store_open_any(&s, src, NULL, &err) == CS_OK, "%s", err.msg);
    ck_assert_uint_eq(cs_store_num_cells(s), 301);
    cs_store_close(s);
}
END_TEST

static void lie_no_ranks(unsigned char *f, size_t *len)
{
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    (void)len;
    for (uint64_t i = 0; i < h.ncells; i++)
        ((cs_store_entry *)(f + h.entries_offset + i * h.entry_size))->source_rank = 0;
}

static void lie_twice_ranked(unsigned char *f, size_t *len)
{
    cs_store_header h;
    memcpy(&h, f, sizeof h);
    (void)len;
    cs_store_entry *e0 = (cs_store_entry *)(f + h.entries_offset);
    cs_store_entry *e1 = (cs_store_entry *)(f + h.entries_offset + h.entry_size);
    e1->source_rank = e0->source_rank;
}

/* The fixture's module hashes in the order of their first records, read
 * with a plain walk of the framing (facts section 5) and jansson, not with
 * the code under test. */
static size_t file_hash_order(const char *path, char (*out)[33], size_t cap)
{
    size_t len, n = 0;
    char *data = cs_test_read_file(path, &len);
    ck_assert(data != NULL);
    for (size_t off = 0; off + 12 <= len;) {
        uint64_t rl = 0;
        memcpy(&rl, data + off, 8);
        json_error_t je;
        json_t *row = json_loadb(data + off + 12, (size_t)rl, 0, &je);
        ck_assert_msg(row && json_is_array(row), "%s at %zu: %s", path, off, je.text);
        const char *h = json_string_value(json_array_get(row, 0));
        ck_assert(h && strlen(h) == 32);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], h) == 0;
        if (!seen) {
            ck_assert(n < cap);
            memcpy(out[n++], h, 33);
        }
        json_decref(row);
        off += 12 + (size_t)rl + 4;
    }
    free(data);
    return n;
}

START_TEST(test_source_order_is_the_files)
{
    char src[4096], rel[256], store[4096];
    snprintf(rel, sizeof rel, "fixtures/%s.tfrecord", names[_i]);
    cs_test_shared_path(src, sizeof src, rel);
    static char want[1024][33];
    size_t n = file_hash_order(src, want, 1024);
    cs_import_stats stats;
    cs_store *s = import_fixture(_i, store, sizeof store, &stats);
    ck_assert_uint_eq(cs_store_num_cells(s), n);
    size_t *order = malloc(n * sizeof *order);
    ck_assert(cs_store_source_order(s, order));
    for (size_t r = 0; r < n; r++) {
        char hex[33];
        cs_hash_to_hex(cs_store_entry_at(s, order[r])->hash, hex);
        ck_assert_msg(strcmp(hex, want[r]) == 0, "%s: cell %zu is %s, the file's %s",
                      names[_i], r, hex, want[r]);
    }
    /* A store that does not know the order (ranks zero, as an older
     * cellscape wrote them; or not a permutation) gives its own order and
     * says so. */
    void (*lies[])(unsigned char *, size_t *) = {lie_no_ranks, lie_twice_ranked};
    for (int k = 0; k < 2; k++) {
        char lying[4096];
        temp_path(lying, sizeof lying, "rank");
        lying_copy(store, lying, lies[k]);
        cs_store *ls;
        cs_error err;
        ck_assert_msg(cs_store_open(&ls, lying, &err) == CS_OK, "%s", err.msg);
        ck_assert(!cs_store_source_order(ls, order));
        for (size_t r = 0; r < n; r++)
            ck_assert_uint_eq(order[r], r);
        cs_store_close(ls);
        unlink(lying);
    }
    free(order);
    cs_store_close(s);
    unlink(store);
}
END_TEST

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = cs_test_read_file(from, &len);
    ck_assert(data != NULL);
    FILE *f = fopen(to, "wb");
    ck_assert(f && fwrite(data, 1, len, f) == len && fclose(f) == 0);
    free(data);
}

static cs_cache_result open_cached(const char *path, const char *dir, size_t want_cells)
{
    cs_store *s;
    cs_error err;
    cs_cache_result res;
    ck_assert_msg(cs_store_open_cached(&s, path, dir, NULL, &res, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(cs_store_num_cells(s), want_cells);
    cs_store_close(s);
    return res;
}

START_TEST(test_open_cached)
{
    char work[] = "/tmp/cs-cache-test-XXXXXX", dir[4200], data[4200], src[4096];
    ck_assert(mkdtemp(work) != NULL);
    snprintf(dir, sizeof dir, "%s/cache/nested", work);
    snprintf(data, sizeof data, "%s/nasbench.tfrecord", work);
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-mini-only108.tfrecord");
    copy_file(src, data);

    cs_cache_result first = open_cached(data, dir, 301);
    ck_assert_int_eq(first.outcome, CS_CACHE_STORED);
    ck_assert(access(first.path, R_OK) == 0);
    cs_cache_result again = open_cached(data, dir, 301);
    ck_assert_int_eq(again.outcome, CS_CACHE_HIT);
    ck_assert_str_eq(again.path, first.path);

    /* New content under the old modification time (cp -p, rsync -t): not
     * served from the cache, and the stale import is gone. */
    struct stat st;
    ck_assert(stat(data, &st) == 0);
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    copy_file(src, data);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    ck_assert(utimensat(AT_FDCWD, data, times, 0) == 0);
    cs_cache_result changed = open_cached(data, dir, 30);
    ck_assert_int_eq(changed.outcome, CS_CACHE_STORED);
    ck_assert_str_ne(changed.path, first.path);
    ck_assert(access(first.path, F_OK) != 0);

    /* A store is opened as it is. */
    cs_cache_result store = open_cached(changed.path, dir, 30);
    ck_assert_int_eq(store.outcome, CS_CACHE_NOT_USED);

    /* A cache that cannot be made (under a regular file): a temporary
     * import, and the reason. */
    char blocked[4300];
    snprintf(blocked, sizeof blocked, "%s/nasbench.tfrecord/cache", work);
    cs_cache_result unusable = open_cached(data, blocked, 30);
    ck_assert_int_eq(unusable.outcome, CS_CACHE_UNUSABLE);
    ck_assert_str_eq(unusable.path, "");
    ck_assert_msg(strstr(unusable.cache_error.msg, "nasbench.tfrecord") != NULL, "%s",
                  unusable.cache_error.msg);

    /* Neither a store nor a TFRecord: the import's error, nothing cached. */
    FILE *f = fopen(data, "wb");
    ck_assert(f && fputs("not a dataset\n", f) >= 0 && fclose(f) == 0);
    cs_store *s = NULL;
    cs_error err;
    cs_cache_result res;
    ck_assert_int_ne(cs_store_open_cached(&s, data, dir, NULL, &res, &err), CS_OK);
    ck_assert(s == NULL);
    ck_assert_msg(strstr(err.msg, data) != NULL, "%s", err.msg);
    ck_assert(access(res.path, F_OK) != 0);
    ck_assert(cs_remove_tree(work, &err) == CS_OK);
}
END_TEST

TCase *cs_store_tcase(void)
{
    TCase *tc = tcase_create("store");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_probes_answered_as_reference, 0, 3);
    tcase_add_loop_test(tc, test_source_sha256_is_the_files, 0, 3);
    tcase_add_loop_test(tc, test_fingerprint_is_the_headers_sha256, 0, 3);
    tcase_add_test(tc, test_real30_matches_realdata);
    tcase_add_test(tc, test_query_semantics);
    tcase_add_test(tc, test_bad_records);
    tcase_add_test(tc, test_damaged_store);
    tcase_add_test(tc, test_empty_first_record);
    tcase_add_test(tc, test_open_any_tfrecord);
    tcase_add_loop_test(tc, test_source_order_is_the_files, 0, 3);
    tcase_add_test(tc, test_open_cached);
    return tc;
}
