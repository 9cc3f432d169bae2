/* data/ synthetic dataset: the file's format and bookkeeping (read back
 * with our own reader and codec, hashes recomputed, parameters recounted),
 * determinism, and the model's shape checked against thresholds taken from
 * the real data (../shared/realdata) and the paper, never from the code. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_enum.h"
#include "cs_nb101_row.h"
#include "cs_store.h"
#include "store_format.h"
#include "cs_params.h"
#include "cs_synth.h"
#include "cs_tfrecord.h"

TCase *cs_synth_tcase(void);

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

/* The NAS-Bench-101 enumeration, made once before the tests fork. */
static cs_enum_result space;
static bool have_space;

static void space_setup(void)
{
    cs_enum_options eo;
    cs_error err;
    cs_enum_options_init(&eo);
    have_space = cs_enum_run(&eo, &space, &err) == CS_OK;
    if (!have_space)
        fprintf(stderr, "enumeration failed: %s\n", err.msg);
}

static void space_teardown(void)
{
    if (have_space)
        cs_enum_result_destroy(&space);
    have_space = false;
}

static void class_hex(const cs_enum_class *c, char hex[33])
{
    for (int k = 0; k < 16; k++)
        sprintf(hex + 2 * k, "%02x", c->hash[k]);
}

/* --- writing and reading files ------------------------------------------- */

typedef struct synth_file {
    char path[4096];
    unsigned char *bytes;
    size_t len;
    uint64_t records; /* as cs_synth_write reported */
} synth_file;

static void write_synth(synth_file *out, uint64_t seed, bool only108, int threads,
                        size_t max_cells)
{
    ck_assert(have_space);
    snprintf(out->path, sizeof out->path, "%s/synth-test.XXXXXX", CS_TEST_TMPDIR);
    int fd = mkstemp(out->path);
    ck_assert_msg(fd >= 0, "cannot create a file in %s", CS_TEST_TMPDIR);
    FILE *f = fdopen(fd, "wb");
    ck_assert(f != NULL);
    cs_synth_options opt;
    cs_synth_options_init(&opt);
    opt.seed = seed;
    opt.only108 = only108;
    opt.threads = threads;
    opt.space = &space;
    opt.max_cells = max_cells;
    cs_error err;
    cs_status st = cs_synth_write(f, &opt, &out->records, &err);
    ck_assert_msg(st == CS_OK, "cs_synth_write: %s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
    out->bytes = (unsigned char *)cs_test_read_file(out->path, &out->len);
    ck_assert(out->bytes != NULL);
}

static void drop_synth(synth_file *s)
{
    unlink(s->path);
    free(s->bytes);
    s->bytes = NULL;
}

/* Every record of a file, decoded; the caller frees rows and data. */
typedef struct record_list {
    size_t n;
    cs_nb101_row *rows;
    unsigned char **data; /* each record's bytes */
    size_t *len;
} record_list;

static void read_records(const char *path, record_list *r)
{
    cs_tfrecord_reader *rd;
    cs_error err;
    ck_assert_msg(cs_tfrecord_reader_open(&rd, path, &err) == CS_OK, "%s", err.msg);
    size_t cap = 1024;
    r->n = 0;
    r->rows = malloc(cap * sizeof *r->rows);
    r->data = malloc(cap * sizeof *r->data);
    r->len = malloc(cap * sizeof *r->len);
    for (;;) {
        const unsigned char *d;
        size_t len;
        int eof;
        cs_status st = cs_tfrecord_reader_next(rd, &d, &len, &eof, &err);
        ck_assert_msg(st == CS_OK, "%s", err.msg);
        if (eof)
            break;
        if (r->n == cap) {
            cap *= 2;
            r->rows = realloc(r->rows, cap * sizeof *r->rows);
            r->data = realloc(r->data, cap * sizeof *r->data);
            r->len = realloc(r->len, cap * sizeof *r->len);
        }
        st = cs_nb101_row_decode(d, len, &r->rows[r->n], &err);
        if (st)
            cs_tfrecord_reader_error_prefix(rd, &err);
        ck_assert_msg(st == CS_OK, "%s", err.msg);
        r->data[r->n] = malloc(len);
        memcpy(r->data[r->n], d, len);
        r->len[r->n] = len;
        r->n++;
    }
    cs_tfrecord_reader_close(rd);
}

static void free_records(record_list *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->data[i]);
    free(r->rows);
    free(r->data);
    free(r->len);
}

/* x is k/images for a whole k, rounded to float32 as the official files
 * store it (float32 keeps 24 bits: x * images is within 0.01 of k). */
static bool quantised(double x, int images)
{
    double k = floor(x * images + 0.5);
    return fabs(x * images - k) < 0.01 && (double)(float)(k / images) == x;
}

static const int budgets[4] = {4, 12, 36, 108};

/* --- the store, made without the file ------------------------------------ */

/* cs_synth_store makes the store that import makes of cs_synth_write's
 * file: byte for byte, but for the header's source fields. */
START_TEST(test_synth_store_is_the_imported_file)
{
    for (int only108 = 0; only108 < 2; only108++) {
        synth_file f;
        /* more cells than one check job of the import (8192) */
        write_synth(&f, 7, only108, 2, 9000);
        char imported[4200], direct[4200];
        snprintf(imported, sizeof imported, "%s.imported.nb101", f.path);
        snprintf(direct, sizeof direct, "%s.direct.nb101", f.path);
        cs_import_stats is, ds;
        cs_error err;
        ck_assert_msg(cs_store_import(f.path, imported, NULL, &is, &err) == CS_OK, "%s",
                      err.msg);
        cs_synth_options opt;
        cs_synth_options_init(&opt);
        opt.seed = 7;
        opt.only108 = only108;
        opt.space = &space;
        opt.max_cells = 9000;
        ck_assert_msg(cs_synth_store(direct, &opt, &ds, &err) == CS_OK, "%s", err.msg);
        ck_assert_uint_eq(ds.records, f.records);
        ck_assert_uint_eq(ds.cells, 9000);
        ck_assert(ds.synthetic);
        size_t la, lb;
        unsigned char *a = (unsigned char *)cs_test_read_file(imported, &la);
        unsigned char *b = (unsigned char *)cs_test_read_file(direct, &lb);
        ck_assert(a && b);
        ck_assert_uint_eq(la, lb);
        size_t hs = CS_STORE_HEADER_SIZE;
        ck_assert(memcmp(a + hs, b + hs, la - hs) == 0);
        /* The headers differ in the source's size and digest (and so in the
         * header's CRC) only. */
        cs_store_header ha, hb;
        memcpy(&ha, a, sizeof ha);
        memcpy(&hb, b, sizeof hb);
        ck_assert_uint_eq(ha.source_bytes, f.len);
        ck_assert_uint_eq(hb.source_bytes, 0);
        ha.source_bytes = hb.source_bytes;
        memcpy(ha.source_sha256, hb.source_sha256, 32);
        ha.crc_header = hb.crc_header;
        ck_assert(memcmp(&ha, &hb, sizeof ha) == 0);
        cs_store *s;
        ck_assert_msg(cs_store_open(&s, direct, &err) == CS_OK, "%s", err.msg);
        ck_assert(cs_store_synthetic(s));
        cs_store_close(s);
        free(a);
        free(b);
        unlink(imported);
        unlink(direct);
        drop_synth(&f);
    }
}
END_TEST

/* Wrong module hashes in two late cells (past the import's first check
 * job): the error names the first of them in file order. */
START_TEST(test_import_names_first_wrong_hash)
{
    ck_assert(have_space);
    char path[4096], store[4200];
    snprintf(path, sizeof path, "%s/synth-badhash.XXXXXX", CS_TEST_TMPDIR);
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    cs_nb101_row *row = malloc(sizeof *row);
    cs_error err;
    for (size_t i = 0; i < 9000; i++) {
        cs_cell cell;
        char hex[33];
        class_hex(&space.classes[i], hex);
        cs_enum_class_cell(&space, &space.classes[i], &cell);
        for (int r = 0; r < 3; r++) {
            ck_assert_int_eq(cs_synth_row(&cell, hex, 108, r, 5, row, &err), CS_OK);
            if ((i == 8700 || i == 8600) && r == 1)
                row->hash[31] = row->hash[31] == '0' ? '1' : '0';
            unsigned char *data;
            size_t len;
            ck_assert_int_eq(cs_nb101_row_encode(row, &data, &len, &err), CS_OK);
            ck_assert_int_eq(cs_tfrecord_write(f, data, len, &err), CS_OK);
            free(data);
        }
    }
    free(row);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(store, sizeof store, "%s.nb101", path);
    cs_import_stats stats;
    ck_assert_int_eq(cs_store_import(path, store, NULL, &stats, &err), CS_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "record 25801 ") && strstr(err.msg, "does not match its cell"),
                  "%s", err.msg);
    ck_assert(access(store, F_OK) != 0);
    unlink(path);
}
END_TEST

/* --- the file ---------------------------------------------------------- */

START_TEST(test_synth_file_reads_back)
{
    const size_t ncells = 1500;
    synth_file sf;
    write_synth(&sf, 7, false, 2, ncells);
    record_list r;
    read_records(sf.path, &r);
    ck_assert_uint_eq(r.n, ncells * 4 * 3);
    ck_assert_uint_eq(sf.records, r.n);

    char marker[64];
    ck_assert_int_eq(cs_synth_marker(7, marker, sizeof marker), 29);
    ck_assert_str_eq(marker, "cellscape-synthetic/v1/seed=7");
    for (size_t i = 0; i < r.n; i++) {
        const cs_nb101_row *row = &r.rows[i];
        size_t cell = i / 12;
        int b = (int)(i / 3 % 4), rep = (int)(i % 3);
        (void)rep;
        /* Order: cells as enumerated, budgets ascending, 3 repeats. */
        char hex[33];
        class_hex(&space.classes[cell], hex);
        ck_assert_str_eq(row->hash, hex);
        ck_assert_int_eq(row->epochs, budgets[b]);

        /* The stored cell is a pruned cell whose reference hash is the key. */
        cs_spec s;
        cs_error err;
        ck_assert_msg(cs_spec_parse_row(&s, row->adjacency, strlen(row->adjacency), row->ops,
                                        strlen(row->ops), &err) == CS_OK,
                      "record %zu: %s", i, err.msg);
        ck_assert(cs_spec_check(&s, &CS_NB101_LIMITS, &err) == CS_OK);
        ck_assert(cs_cell_equal(&s.original, &s.pruned));
        char h[33];
        ck_assert(cs_cell_hash(&s.pruned, h, &err) == CS_OK);
        ck_assert_str_eq(h, row->hash);
        /* ... and is the enumeration's representative, vertex order too. */
        cs_cell rep_cell;
        cs_enum_class_cell(&space, &space.classes[cell], &rep_cell);
        ck_assert(cs_cell_equal(&rep_cell, &s.pruned));
        int64_t params;
        ck_assert(cs_cell_trainable_parameters(&s.pruned, &params, &err) == CS_OK);
        ck_assert_int_eq(row->trainable_parameters, params);

        /* The official layout: every field present, nothing dropped, and
         * our encoder writes the same bytes. */
        ck_assert_uint_eq(row->layout, 0);
        ck_assert_int_eq(row->n_eval, 3);
        unsigned char *enc;
        size_t enclen;
        ck_assert(cs_nb101_row_encode(row, &enc, &enclen, &err) == CS_OK);
        ck_assert_uint_eq(enclen, r.len[i]);
        ck_assert(memcmp(enc, r.data[i], enclen) == 0);
        free(enc);

        ck_assert_str_eq(row->checkpoint_path, marker);
        ck_assert(cs_synth_is_marker(row->checkpoint_path));

        const cs_nb101_eval *e = row->eval;
        ck_assert(e[0].current_epoch == 0.0);
        ck_assert(e[1].current_epoch == budgets[b] / 2.0);
        ck_assert(e[2].current_epoch == budgets[b]);
        ck_assert(e[0].training_time == 0.0);
        ck_assert(e[1].training_time > 0.45 * e[2].training_time);
        ck_assert(e[1].training_time < 0.55 * e[2].training_time);
        ck_assert((double)(float)e[2].training_time == e[2].training_time);
        ck_assert(row->total_time > e[2].training_time);
        for (int k = 0; k < 3; k++) {
            double acc[3] = {e[k].train_accuracy, e[k].validation_accuracy, e[k].test_accuracy};
            for (int a = 0; a < 3; a++)
                ck_assert_msg(acc[a] >= 0.0 && acc[a] <= 1.0, "record %zu eval %d: %g", i, k,
                              acc[a]);
            ck_assert_msg(quantised(e[k].validation_accuracy, 9984), "record %zu val %.17g", i,
                          e[k].validation_accuracy);
            ck_assert_msg(quantised(e[k].test_accuracy, 9984), "record %zu test %.17g", i,
                          e[k].test_accuracy);
            ck_assert_msg(quantised(e[k].train_accuracy, 39936), "record %zu train %.17g", i,
                          e[k].train_accuracy);
        }
    }
    free_records(&r);
    drop_synth(&sf);
}
END_TEST

/* cs_synth_row gives the records of the file. */
START_TEST(test_synth_row_is_the_record)
{
    synth_file sf;
    write_synth(&sf, 99, false, 2, 300);
    record_list r;
    read_records(sf.path, &r);
    for (size_t i = 0; i < r.n; i += 7) {
        cs_cell cell;
        char hex[33];
        cs_enum_class_cell(&space, &space.classes[i / 12], &cell);
        class_hex(&space.classes[i / 12], hex);
        cs_nb101_row row;
        cs_error err;
        ck_assert(cs_synth_row(&cell, hex, budgets[i / 3 % 4], (int)(i % 3), 99, &row, &err)
                  == CS_OK);
        unsigned char *enc;
        size_t len;
        ck_assert(cs_nb101_row_encode(&row, &enc, &len, &err) == CS_OK);
        ck_assert_uint_eq(len, r.len[i]);
        ck_assert(memcmp(enc, r.data[i], len) == 0);
        free(enc);
    }
    free_records(&r);
    drop_synth(&sf);
}
END_TEST

START_TEST(test_synth_deterministic)
{
    synth_file a, b, c, d;
    write_synth(&a, 12345, false, 1, 1200);
    write_synth(&b, 12345, false, 2, 1200);
    write_synth(&c, 12345, false, 3, 1200);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_uint_eq(a.len, c.len);
    ck_assert(memcmp(a.bytes, b.bytes, a.len) == 0);
    ck_assert(memcmp(a.bytes, c.bytes, a.len) == 0);

    /* Another seed: the same cells, other values. */
    write_synth(&d, 12346, false, 2, 1200);
    record_list ra, rd;
    read_records(a.path, &ra);
    read_records(d.path, &rd);
    ck_assert_uint_eq(ra.n, rd.n);
    size_t differ = 0;
    for (size_t i = 0; i < ra.n; i++) {
        const cs_nb101_row *x = &ra.rows[i], *y = &rd.rows[i];
        ck_assert_str_eq(x->hash, y->hash);
        ck_assert_str_eq(x->adjacency, y->adjacency);
        ck_assert_str_eq(x->ops, y->ops);
        ck_assert_int_eq(x->epochs, y->epochs);
        ck_assert_int_eq(x->trainable_parameters, y->trainable_parameters);
        ck_assert_str_eq(y->checkpoint_path, "cellscape-synthetic/v1/seed=12346");
        differ += x->eval[2].validation_accuracy != y->eval[2].validation_accuracy
                  && x->eval[2].training_time != y->eval[2].training_time;
    }
    ck_assert_msg(differ > ra.n * 9 / 10, "only %zu of %zu records differ", differ, ra.n);
    free_records(&ra);
    free_records(&rd);
    drop_synth(&a);
    drop_synth(&b);
    drop_synth(&c);
    drop_synth(&d);
}
END_TEST

/* The only108 file is the 108-epoch part of the full file. */
START_TEST(test_synth_only108_subset)
{
    synth_file full, o108;
    write_synth(&full, 3, false, 2, 800);
    write_synth(&o108, 3, true, 2, 800);
    record_list rf, ro;
    read_records(full.path, &rf);
    read_records(o108.path, &ro);
    ck_assert_uint_eq(ro.n, 800 * 3);
    ck_assert_uint_eq(o108.records, ro.n);
    for (size_t i = 0; i < ro.n; i++) {
        size_t j = i / 3 * 12 + 9 + i % 3;
        ck_assert_int_eq(ro.rows[i].epochs, 108);
        ck_assert_uint_eq(ro.len[i], rf.len[j]);
        ck_assert(memcmp(ro.data[i], rf.data[j], ro.len[i]) == 0);
    }
    free_records(&rf);
    free_records(&ro);
    drop_synth(&full);
    drop_synth(&o108);
}
END_TEST

/* --- against real data ---------------------------------------------------- */

typedef struct hash_index {
    char hex[33];
    size_t cls;
} hash_index;

static int cmp_hash_index(const void *a, const void *b)
{
    return strcmp(((const hash_index *)a)->hex, ((const hash_index *)b)->hex);
}

static hash_index *make_index(void)
{
    hash_index *ix = malloc(space.nclasses * sizeof *ix);
    for (size_t i = 0; i < space.nclasses; i++) {
        class_hex(&space.classes[i], ix[i].hex);
        ix[i].cls = i;
    }
    qsort(ix, space.nclasses, sizeof *ix, cmp_hash_index);
    return ix;
}

static size_t find_class(const hash_index *ix, const char *hex)
{
    hash_index key;
    snprintf(key.hex, sizeof key.hex, "%s", hex);
    const hash_index *h = bsearch(&key, ix, space.nclasses, sizeof *ix, cmp_hash_index);
    ck_assert_msg(h != NULL, "real hash %s is not in the enumeration", hex);
    return h->cls;
}

/* The synthetic record of a real cell stores what the real dataset stores:
 * module_adjacency, module_operations and trainable_parameters. */
START_TEST(test_synth_real_cells)
{
    ck_assert(have_space);
    hash_index *ix = make_index();
    size_t checked = 0;

    json_t *r30 = cs_test_load_json("realdata/nb101-real-30-repeats.json");
    const char *key;
    json_t *v;
    json_object_foreach(r30, key, v) {
        size_t cls = find_class(ix, key);
        cs_cell cell;
        cs_enum_class_cell(&space, &space.classes[cls], &cell);
        cs_nb101_row row;
        cs_error err;
        ck_assert(cs_synth_row(&cell, key, 108, 0, 0, &row, &err) == CS_OK);
        json_t *adj = json_object_get(v, "module_adjacency");
        json_t *ops = json_object_get(v, "module_operations");
        char want_adj[64] = "", want_ops[256] = "";
        size_t n = json_array_size(adj);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                strcat(want_adj,
                       json_integer_value(json_array_get(json_array_get(adj, i), j)) ? "1" : "0");
        for (size_t i = 0; i < json_array_size(ops); i++) {
            if (i)
                strcat(want_ops, ",");
            strcat(want_ops, json_string_value(json_array_get(ops, i)));
        }
        ck_assert_str_eq(row.adjacency, want_adj);
        ck_assert_str_eq(row.ops, want_ops);
        ck_assert_int_eq(row.trainable_parameters,
                         json_integer_value(json_object_get(v, "trainable_parameters")));
        checked++;
    }
    json_decref(r30);

    json_t *k1 = cs_test_load_json("realdata/nb101-real-1k.json");
    json_t *keys = json_object_get(k1, "key"), *adjs = json_object_get(k1, "adjacency"),
           *opss = json_object_get(k1, "operations"),
           *params = json_object_get(k1, "trainable_parameters");
    for (size_t i = 0; i < json_array_size(keys); i++) {
        const char *hex = json_string_value(json_array_get(keys, i));
        size_t cls = find_class(ix, hex);
        cs_cell cell, real;
        cs_enum_class_cell(&space, &space.classes[cls], &cell);
        cs_test_cell_from_labels(&real, json_array_get(adjs, i), json_array_get(opss, i));
        cs_nb101_row row;
        cs_error err;
        ck_assert(cs_synth_row(&cell, hex, 4, 2, 0, &row, &err) == CS_OK);
        char want[512];
        cs_cell_format_row(&real, want, sizeof want);
        char got[sizeof row.adjacency + sizeof row.ops + 1];
        snprintf(got, sizeof got, "%s %s", row.adjacency, row.ops);
        ck_assert_str_eq(got, want);
        ck_assert_int_eq(row.trainable_parameters,
                         json_integer_value(json_array_get(params, i)));
        checked++;
    }
    json_decref(k1);
    ck_assert_uint_eq(checked, 1030);
    free(ix);
}
END_TEST

/* --- the model's shape ------------------------------------------------------
 * Thresholds from the real data: 1,000 real cells (one repeat per budget,
 * medians of validation accuracy 0.2345, 0.5677, 0.8683, 0.9168 at 4, 12,
 * 36, 108 epochs; Spearman with 108 epochs 0.45, 0.61, 0.88; 108-epoch
 * training time 527..5294 s, median 1571), 30 real cells with 3 repeats
 * (repeat sd of validation accuracy ~0.005, test ~0.0055 below validation,
 * train accuracy ~1.0, halfway time half the final), and the paper (best
 * mean test accuracy 0.9432; conv3x3 -> conv1x1 or maxpool mostly hurts). */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(const double *v, size_t n, double q)
{
    double *s = malloc(n * sizeof *s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double x = s[(size_t)(q * (double)(n - 1))];
    free(s);
    return x;
}

static const double *rank_key;
static int cmp_rank(const void *a, const void *b)
{
    double x = rank_key[*(const size_t *)a], y = rank_key[*(const size_t *)b];
    return x < y ? -1 : x > y;
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

static double spearman(const double *x, const double *y, size_t n)
{
    size_t *o = malloc(n * sizeof *o);
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++)
            o[i] = i;
        rank_key = pass ? y : x;
        qsort(o, n, sizeof *o, cmp_rank);
        for (size_t i = 0; i < n; i++)
            (pass ? ry : rx)[o[i]] = (double)i;
    }
    double r = pearson(rx, ry, n);
    free(o);
    free(rx);
    free(ry);
    return r;
}

/* Mean over the 3 repeats of a cell at one budget. */
typedef struct run_means {
    double val, test, train, half_val, time;
    double val_sd;
    int half_below;
    double val_minus_test;
} run_means;

static void cell_runs(const cs_cell *cell, const char *hex, int epochs, uint64_t seed,
                      run_means *m, double *vals, double *tests)
{
    memset(m, 0, sizeof *m);
    double v[3];
    for (int r = 0; r < 3; r++) {
        cs_nb101_row row;
        cs_error err;
        ck_assert_msg(cs_synth_row(cell, hex, epochs, r, seed, &row, &err) == CS_OK, "%s",
                      err.msg);
        const cs_nb101_eval *e = &row.eval[2];
        v[r] = e->validation_accuracy;
        m->val += e->validation_accuracy / 3;
        m->test += e->test_accuracy / 3;
        m->train += e->train_accuracy / 3;
        m->half_val += row.eval[1].validation_accuracy / 3;
        m->time += e->training_time / 3;
        m->half_below += row.eval[1].validation_accuracy < e->validation_accuracy;
        m->val_minus_test += (e->validation_accuracy - e->test_accuracy) / 3;
        if (vals) {
            vals[r] = e->validation_accuracy;
            tests[r] = e->test_accuracy;
        }
    }
    double ss = 0;
    for (int r = 0; r < 3; r++)
        ss += (v[r] - m->val) * (v[r] - m->val);
    m->val_sd = sqrt(ss / 2);
}

START_TEST(test_synth_model_shape)
{
    ck_assert(have_space);
    const size_t stride = 16;
    size_t n = (space.nclasses + stride - 1) / stride;
    double *val[4], *test108 = malloc(n * sizeof(double)), *time108 = malloc(n * sizeof(double));
    double *train108 = malloc(n * sizeof(double)), *sd108 = malloc(n * sizeof(double));
    double *rv = malloc(3 * n * sizeof(double)), *rt = malloc(3 * n * sizeof(double));
    for (int b = 0; b < 4; b++)
        val[b] = malloc(n * sizeof(double));
    size_t half_below = 0, k = 0;
    double gap = 0;
    for (size_t i = 0; i < space.nclasses; i += stride, k++) {
        cs_cell cell;
        char hex[33];
        cs_enum_class_cell(&space, &space.classes[i], &cell);
        class_hex(&space.classes[i], hex);
        for (int b = 0; b < 4; b++) {
            run_means m;
            cell_runs(&cell, hex, budgets[b], 2019, &m, b == 3 ? rv + 3 * k : NULL,
                      b == 3 ? rt + 3 * k : NULL);
            val[b][k] = m.val;
            if (b == 3) {
                test108[k] = m.test;
                time108[k] = m.time;
                train108[k] = m.train;
                sd108[k] = m.val_sd;
                half_below += (size_t)m.half_below;
                gap += m.val_minus_test;
            }
        }
    }
    ck_assert_uint_eq(k, n);

    /* Distributions at each budget: saturating in epochs, like the real medians. */
    double med[4];
    for (int b = 0; b < 4; b++)
        med[b] = quantile(val[b], n, 0.5);
    ck_assert_msg(med[0] > 0.15 && med[0] < 0.35, "median val at 4 epochs %g", med[0]);
    ck_assert_msg(med[1] > 0.45 && med[1] < 0.65, "median val at 12 epochs %g", med[1]);
    ck_assert_msg(med[2] > 0.83 && med[2] < 0.90, "median val at 36 epochs %g", med[2]);
    ck_assert_msg(med[3] > 0.90 && med[3] < 0.93, "median val at 108 epochs %g", med[3]);

    /* 108-epoch mean test accuracy: mostly 0.86 .. 0.945, best ~0.943, a
     * long tail (a few cells near chance). */
    double q10 = quantile(test108, n, 0.10), q90 = quantile(test108, n, 0.90);
    double best = quantile(test108, n, 1.0), worst = quantile(test108, n, 0.0);
    ck_assert_msg(q10 > 0.85 && q10 < 0.90, "10th percentile %g", q10);
    ck_assert_msg(q90 > 0.92 && q90 < 0.945, "90th percentile %g", q90);
    ck_assert_msg(best > 0.935 && best < 0.952, "best mean test %g", best);
    ck_assert_msg(worst < 0.3, "no long tail: worst mean test %g", worst);
    size_t below80 = 0;
    for (size_t i = 0; i < n; i++)
        below80 += test108[i] < 0.80;
    ck_assert_msg(below80 > n / 2000 && below80 < n / 20, "%zu of %zu below 0.80", below80, n);

    /* Noise: repeats differ by ~0.005; validation and test agree. */
    double sd = 0;
    for (size_t i = 0; i < n; i++)
        sd += sd108[i] / (double)n;
    ck_assert_msg(sd > 0.003 && sd < 0.008, "mean repeat sd %g", sd);
    gap /= (double)n;
    ck_assert_msg(gap > 0.003 && gap < 0.008, "validation - test %g", gap);
    double vt = pearson(rv, rt, 3 * n);
    ck_assert_msg(vt > 0.98, "validation/test correlation %g", vt);
    double tr = quantile(train108, n, 0.5);
    ck_assert_msg(tr > 0.999, "median train accuracy at 108 epochs %g", tr);
    ck_assert_msg(half_below > 3 * n * 95 / 100, "halfway below final in %zu of %zu runs",
                  half_below, 3 * n);

    /* Rank correlation with 108 epochs grows with the budget. */
    double s4 = spearman(val[0], val[3], n), s12 = spearman(val[1], val[3], n),
           s36 = spearman(val[2], val[3], n);
    ck_assert_msg(s4 > 0.3 && s4 < 0.7, "spearman 4 vs 108: %g", s4);
    ck_assert_msg(s12 > 0.45 && s12 < 0.8, "spearman 12 vs 108: %g", s12);
    ck_assert_msg(s36 > 0.75 && s36 < 0.95, "spearman 36 vs 108: %g", s36);
    ck_assert(s4 < s12 && s12 < s36);

    /* Training time: real 108-epoch times are ~400 .. 5,500 s. */
    double t01 = quantile(time108, n, 0.01), t50 = quantile(time108, n, 0.5),
           t99 = quantile(time108, n, 0.99);
    ck_assert_msg(t01 > 300 && t50 > 1200 && t50 < 2200 && t99 < 6000,
                  "time percentiles %g %g %g", t01, t50, t99);

    for (int b = 0; b < 4; b++)
        free(val[b]);
    free(test108);
    free(time108);
    free(train108);
    free(sd108);
    free(rv);
    free(rt);
}
END_TEST

/* Operation importance: replacing a conv3x3 by a conv1x1 or a maxpool
 * lowers the mean 108-epoch accuracy in most cells (paper, section 5.2). */
START_TEST(test_synth_op_importance)
{
    ck_assert(have_space);
    for (int to = CS_OP_CONV1X1; to <= CS_OP_MAXPOOL3X3; to++) {
        size_t pairs = 0, lower = 0;
        double change = 0;
        for (size_t i = 0; i < space.nclasses; i += 61) {
            cs_cell cell;
            char hex[33];
            cs_enum_class_cell(&space, &space.classes[i], &cell);
            class_hex(&space.classes[i], hex);
            for (int v = 1; v < cell.n - 1; v++) {
                if (cell.op[v] != CS_OP_CONV3X3)
                    continue;
                cs_cell other = cell;
                other.op[v] = (int8_t)to;
                char ohex[33];
                cs_error err;
                ck_assert(cs_cell_hash(&other, ohex, &err) == CS_OK);
                run_means a, b;
                cell_runs(&cell, hex, 108, 5, &a, NULL, NULL);
                cell_runs(&other, ohex, 108, 5, &b, NULL, NULL);
                if (a.test < 0.5 || b.test < 0.5) /* a diverged cell says nothing */
                    continue;
                pairs++;
                lower += b.test < a.test;
                change += b.test - a.test;
            }
        }
        ck_assert(pairs > 1000);
        ck_assert_msg(change / (double)pairs < -0.003, "conv3x3 -> op %d: mean change %g", to,
                      change / (double)pairs);
        ck_assert_msg(lower > pairs * 6 / 10, "conv3x3 -> op %d: lower in %zu of %zu", to,
                      lower, pairs);
    }
}
END_TEST

/* --- the marker and errors ------------------------------------------------ */

START_TEST(test_synth_marker)
{
    char buf[64];
    cs_synth_marker(0, buf, sizeof buf);
    ck_assert_str_eq(buf, "cellscape-synthetic/v1/seed=0");
    cs_synth_marker(UINT64_MAX, buf, sizeof buf);
    ck_assert_str_eq(buf, "cellscape-synthetic/v1/seed=18446744073709551615");
    int version;
    uint64_t seed;
    ck_assert(cs_synth_parse_marker(buf, &version, &seed));
    ck_assert_int_eq(version, 1);
    ck_assert(seed == UINT64_MAX);
    ck_assert(cs_synth_parse_marker("cellscape-synthetic/v2/seed=42", &version, &seed));
    ck_assert_int_eq(version, 2);
    ck_assert(seed == 42);

    ck_assert(cs_synth_is_marker("cellscape-synthetic/v1/seed=3"));
    ck_assert(cs_synth_is_marker("cellscape-synthetic/v9/anything"));
    ck_assert(!cs_synth_is_marker(NULL));
    ck_assert(!cs_synth_is_marker(""));
    ck_assert(!cs_synth_is_marker("gs://fixture/28cfc7874f6d200472e1a9dcd8650aa0/4/0/model.ckpt-1"));
    ck_assert(!cs_synth_is_marker("cellscape-synthetic"));
    static const char *const bad[] = {
        "cellscape-synthetic/v1/seed=", "cellscape-synthetic/v1/seed=01",
        "cellscape-synthetic/v1/seed=18446744073709551616", "cellscape-synthetic/v/seed=1",
        "cellscape-synthetic/v1/seed=1x", "cellscape-synthetic/v1/seed=-1",
        "cellscape-synthetic/v1/sed=1", "cellscape-synthetic/1/seed=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!cs_synth_parse_marker(bad[i], NULL, NULL), "accepted %s", bad[i]);
}
END_TEST

static int cancel_after;
static bool cancel_cb(void *user)
{
    (void)user;
    return --cancel_after < 0;
}

START_TEST(test_synth_errors)
{
    ck_assert(have_space);
    cs_cell cell;
    char hex[33];
    cs_enum_class_cell(&space, &space.classes[100], &cell);
    class_hex(&space.classes[100], hex);
    cs_nb101_row row;
    cs_error err;
    ck_assert_int_eq(cs_synth_row(&cell, hex, 5, 0, 0, &row, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_synth_row(&cell, hex, 108, 3, 0, &row, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_synth_row(&cell, hex, 108, -1, 0, &row, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_synth_row(&cell, "ABCDEF0123456789abcdef0123456789", 108, 0, 0, &row, &err),
                     CS_ERR_ARG);
    ck_assert_int_eq(cs_synth_row(&cell, "abc", 108, 0, 0, &row, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_synth_row(NULL, hex, 108, 0, 0, &row, &err), CS_ERR_ARG);
    cs_cell bad = cell;
    bad.adj[0] = 0; /* input without an out-edge: not a pruned cell */
    ck_assert_int_eq(cs_synth_row(&bad, hex, 108, 0, 0, &row, &err), CS_ERR_VALUE);

    cs_synth_options opt;
    cs_synth_options_init(&opt);
    opt.space = &space;
    ck_assert_int_eq(cs_synth_write(NULL, &opt, NULL, &err), CS_ERR_ARG);
    FILE *devnull = fopen("/dev/null", "wb");
    ck_assert(devnull != NULL);
    ck_assert_int_eq(cs_synth_write(devnull, NULL, NULL, &err), CS_ERR_ARG);
    opt.threads = -1;
    ck_assert_int_eq(cs_synth_write(devnull, &opt, NULL, &err), CS_ERR_ARG);
    opt.threads = 65;
    ck_assert_int_eq(cs_synth_write(devnull, &opt, NULL, &err), CS_ERR_ARG);
    opt.threads = 2;

    /* Another space: the model is NAS-Bench-101's only. */
    cs_enum_options eo;
    cs_enum_options_init(&eo);
    eo.limits.max_vertices = 4;
    cs_enum_result small;
    ck_assert(cs_enum_run(&eo, &small, &err) == CS_OK);
    opt.space = &small;
    ck_assert_int_eq(cs_synth_write(devnull, &opt, NULL, &err), CS_ERR_ARG);
    ck_assert(strstr(err.msg, "NAS-Bench-101") != NULL);
    cs_enum_result_destroy(&small);
    opt.space = &space;

    /* Cancellation: before any work, and after a few blocks. */
    uint64_t records = 1;
    opt.monitor.cancelled = cancel_cb;
    cancel_after = 0;
    ck_assert_int_eq(cs_synth_write(devnull, &opt, &records, &err), CS_ERR_CANCELLED);
    ck_assert_str_eq(err.msg, "cancelled");
    ck_assert(records == 0);
    cancel_after = 3;
    ck_assert_int_eq(cs_synth_write(devnull, &opt, &records, &err), CS_ERR_CANCELLED);
    ck_assert_str_eq(err.msg, "cancelled");
    fclose(devnull);
    opt.monitor.cancelled = NULL;

    /* A full disk: only while /dev/full is the device (a stray rename by
     * another program can leave a plain file there, which accepts writes). */
    struct stat sb;
    FILE *full = stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode) ? fopen("/dev/full", "wb")
                                                                     : NULL;
    if (full) {
        opt.max_cells = 2000;
        ck_assert_int_eq(cs_synth_write(full, &opt, &records, &err), CS_ERR_IO);
        ck_assert(strstr(err.msg, "cannot write") != NULL);
        fclose(full);
    }
}
END_TEST

TCase *cs_synth_tcase(void)
{
    TCase *tc = tcase_create("synth");
    tcase_add_unchecked_fixture(tc, space_setup, space_teardown);
    /* The enumeration and the model sample take seconds, more under ASan. */
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_synth_file_reads_back);
    tcase_add_test(tc, test_synth_store_is_the_imported_file);
    tcase_add_test(tc, test_import_names_first_wrong_hash);
    tcase_add_test(tc, test_synth_row_is_the_record);
    tcase_add_test(tc, test_synth_deterministic);
    tcase_add_test(tc, test_synth_only108_subset);
    tcase_add_test(tc, test_synth_real_cells);
    tcase_add_test(tc, test_synth_model_shape);
    tcase_add_test(tc, test_synth_op_importance);
    tcase_add_test(tc, test_synth_marker);
    tcase_add_test(tc, test_synth_errors);
    return tc;
}
