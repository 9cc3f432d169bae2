/* data/: exports to CSV, JSON lines and SQLite, checked against the
 * published values of the real fixture and against the store. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_export.h"
#include "cs_io.h"
#include "cs_nb101_row.h"
#include "cs_store.h"
#include "cs_tfrecord.h"
#include "testutil.h"

TCase *cs_export_tcase(void);

static const char *const fixtures[] = {"nb101-mini-full", "nb101-mini-only108",
                                       "nb101-real30-only108"};
enum { MINI_FULL = 0, MINI_108 = 1, REAL30 = 2 };
#define REAL30_JSON "realdata/nb101-real-30-repeats.json"

static const char *const metrics[8] = {
    "halfway_training_time",     "halfway_train_accuracy", "halfway_validation_accuracy",
    "halfway_test_accuracy",     "final_training_time",    "final_train_accuracy",
    "final_validation_accuracy", "final_test_accuracy"};

/* Mean and sample std of a cell's three runs at one budget, written out
 * here as the definition says: (a + b + c) / 3 and
 * sqrt(((a - m)^2 + (b - m)^2 + (c - m)^2) / 2). */
static void three_runs(const cs_run *runs, double mean[8], double sd[8])
{
    double v[3][8];
    for (int k = 0; k < 3; k++)
        cs_export_run_values(&runs[k], v[k]);
    for (int m = 0; m < 8; m++) {
        mean[m] = (v[0][m] + v[1][m] + v[2][m]) / 3;
        sd[m] = sqrt(((v[0][m] - mean[m]) * (v[0][m] - mean[m]) +
                      (v[1][m] - mean[m]) * (v[1][m] - mean[m]) +
                      (v[2][m] - mean[m]) * (v[2][m] - mean[m])) / 2);
    }
}

/* --- helpers ------------------------------------------------------------- */

static cs_store *open_tfrecord(const char *path)
{
    cs_store *s;
    cs_error err;
    ck_assert_msg(cs_store_open_any(&s, path, NULL, &err) == CS_OK, "%s", err.msg);
    return s;
}

static cs_store *open_fixture(int i)
{
    char path[4096], rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s.tfrecord", fixtures[i]);
    cs_test_shared_path(path, sizeof path, rel);
    return open_tfrecord(path);
}

static void make_tmpdir(char *buf, size_t size)
{
#ifdef CS_TEST_TMPDIR
    const char *base = CS_TEST_TMPDIR;
#else
    const char *base = "/tmp";
#endif
    snprintf(buf, size, "%s/cs-export-test-XXXXXX", base);
    ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp %s: %s", buf, strerror(errno));
}

/* A fresh directory and the path of `name` in it. */
static void tmp_file(char *dir, size_t dsize, char *path, size_t psize, const char *name)
{
    make_tmpdir(dir, dsize);
    snprintf(path, psize, "%s/%s", dir, name);
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void remove_tmpdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

typedef enum { CSV, JSONL } fmt;

/* The whole export in memory (NUL-terminated). */
static char *export_text(const cs_store *s, fmt f, cs_export_mode mode)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ck_assert(m != NULL);
    cs_error err;
    cs_status st = f == CSV ? cs_export_csv(s, m, mode, NULL, &err)
                            : cs_export_jsonl(s, m, mode, NULL, &err);
    ck_assert_msg(st == CS_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(m), 0);
    return buf;
}

/* RFC 4180 reader: rows of fields, each row ended by CRLF.  Returns a JSON
 * array of arrays of strings. */
static json_t *parse_csv(const char *p)
{
    json_t *rows = json_array(), *row = json_array();
    size_t cap = 256, n = 0;
    char *field = malloc(cap);
    for (;;) {
        n = 0;
        if (*p == '"') {
            p++;
            for (;;) {
                ck_assert_msg(*p, "unterminated quoted field");
                if (*p == '"' && p[1] == '"') {
                    p += 2;
                    field[n++] = '"';
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    field[n++] = *p++;
                }
                if (n + 2 > cap)
                    field = realloc(field, cap *= 2);
            }
        } else {
            while (*p && *p != ',' && *p != '\r' && *p != '\n') {
                ck_assert_msg(*p != '"', "quote inside an unquoted field");
                field[n++] = *p++;
                if (n + 2 > cap)
                    field = realloc(field, cap *= 2);
            }
        }
        field[n] = '\0';
        json_array_append_new(row, json_string(field));
        if (*p == ',') {
            p++;
            continue;
        }
        ck_assert_msg(p[0] == '\r' && p[1] == '\n', "row not ended by CRLF");
        p += 2;
        json_array_append_new(rows, row);
        if (!*p)
            break;
        row = json_array();
    }
    free(field);
    return rows;
}

/* CSV rows as objects keyed by the header, values strings. */
static json_t *csv_objects(const char *text, json_t **header)
{
    json_t *rows = parse_csv(text), *out = json_array();
    json_t *h = json_array_get(rows, 0);
    for (size_t r = 1; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r), *o = json_object();
        ck_assert_uint_eq(json_array_size(row), json_array_size(h));
        for (size_t c = 0; c < json_array_size(h); c++)
            json_object_set(o, json_string_value(json_array_get(h, c)), json_array_get(row, c));
        json_array_append_new(out, o);
    }
    if (header)
        *header = json_incref(h);
    json_decref(rows);
    return out;
}

static json_t *jsonl_objects(const char *text)
{
    json_t *out = json_array();
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        ck_assert_msg(nl != NULL, "JSON line not ended by LF");
        json_error_t jerr;
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, &jerr);
        ck_assert_msg(o && json_is_object(o), "bad JSON line: %s", jerr.text);
        json_array_append_new(out, o);
        p = nl + 1;
    }
    return out;
}

/* A value of a parsed row: CSV strings are read back with strtod. */
static double num(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    ck_assert_msg(v != NULL, "no column %s", key);
    if (json_is_string(v)) {
        const char *t = json_string_value(v);
        char *end;
        double d = strtod(t, &end);
        ck_assert_msg(*t && !*end, "%s: '%s' is not a number", key, t);
        return d;
    }
    ck_assert_msg(json_is_number(v), "%s is not a number", key);
    return json_number_value(v);
}

static long long inum(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    ck_assert_msg(v != NULL, "no column %s", key);
    if (json_is_string(v)) {
        char *end;
        long long x = strtoll(json_string_value(v), &end, 10);
        ck_assert_msg(!*end, "%s is not an integer", key);
        return x;
    }
    ck_assert_msg(json_is_integer(v), "%s is not an integer", key);
    return json_integer_value(v);
}

static const char *str(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    ck_assert_msg(json_is_string(v), "no text column %s", key);
    return json_string_value(v);
}

/* "true"/"false" in CSV, a boolean in JSON. */
static bool flag(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    ck_assert_msg(v != NULL, "no column %s", key);
    if (json_is_string(v)) {
        const char *t = json_string_value(v);
        ck_assert_msg(!strcmp(t, "true") || !strcmp(t, "false"), "%s: '%s'", key, t);
        return !strcmp(t, "true");
    }
    ck_assert(json_is_boolean(v));
    return json_is_true(v);
}

/* A missing std: an empty CSV field or a JSON null. */
static bool missing(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    ck_assert_msg(v != NULL, "no column %s", key);
    return json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
}

static json_t *export_rows(const cs_store *s, fmt f, cs_export_mode mode)
{
    char *text = export_text(s, f, mode);
    json_t *rows = f == CSV ? csv_objects(text, NULL) : jsonl_objects(text);
    free(text);
    return rows;
}

/* A copy of a fixture's records, optionally marked synthetic (as cellscape
 * synth marks them) and with one cell cut to its first repeat. */
static void write_variant(int fixture, const char *out, bool synthetic, const char *cut_hash)
{
    char src[4096], rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s.tfrecord", fixtures[fixture]);
    cs_test_shared_path(src, sizeof src, rel);
    cs_tfrecord_reader *r;
    cs_error err;
    ck_assert_msg(cs_tfrecord_reader_open(&r, src, &err) == CS_OK, "%s", err.msg);
    FILE *f = fopen(out, "wb");
    ck_assert(f != NULL);
    cs_nb101_row *row = malloc(sizeof *row);
    int seen_cut = 0;
    for (;;) {
        const unsigned char *data;
        size_t len;
        int eof;
        ck_assert_msg(cs_tfrecord_reader_next(r, &data, &len, &eof, &err) == CS_OK, "%s",
                      err.msg);
        if (eof)
            break;
        ck_assert_msg(cs_nb101_row_decode(data, len, row, &err) == CS_OK, "%s", err.msg);
        if (cut_hash && !strcmp(row->hash, cut_hash) && seen_cut++ > 0)
            continue;
        if (synthetic) {
            snprintf(row->checkpoint_path, sizeof row->checkpoint_path,
                     "cellscape-synthetic/v1/seed=0");
            row->layout &= ~CS_NB101_LAYOUT_EMPTY_CHECKPOINT;
        }
        unsigned char *enc;
        size_t enclen;
        ck_assert_msg(cs_nb101_row_encode(row, &enc, &enclen, &err) == CS_OK, "%s", err.msg);
        ck_assert(cs_tfrecord_write(f, enc, enclen, &err) == CS_OK);
        free(enc);
    }
    free(row);
    cs_tfrecord_reader_close(r);
    ck_assert_int_eq(fclose(f), 0);
}

static void hex_of(const unsigned char *raw, size_t n, char *hex)
{
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
}

/* --- row counts ------------------------------------------------------------ */

START_TEST(test_row_counts)
{
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s.expected.json", fixtures[_i]);
    json_t *exp = cs_test_load_json(rel);
    size_t cells = (size_t)json_integer_value(json_object_get(exp, "num_models"));
    size_t budgets = json_array_size(json_object_get(exp, "valid_epochs"));
    json_decref(exp);
    cs_store *s = open_fixture(_i);
    const size_t want[2] = {cells * budgets * CS_STORE_REPEATS, cells * budgets};
    const size_t ncols[2] = {12 + 2 + 8 + 1, 12 + 2 + 16 + 1};
    for (int mode = 0; mode < 2; mode++) {
        ck_assert_uint_eq(cs_export_num_rows(s, (cs_export_mode)mode), want[mode]);
        char *text = export_text(s, CSV, (cs_export_mode)mode);
        json_t *header, *rows = csv_objects(text, &header);
        ck_assert_uint_eq(json_array_size(rows), want[mode]);
        ck_assert_uint_eq(json_array_size(header), ncols[mode]);
        ck_assert_str_eq(json_string_value(json_array_get(header, 0)), "hash");
        ck_assert_str_eq(json_string_value(json_array_get(header, ncols[mode] - 1)),
                         "synthetic");
        json_decref(rows);
        json_decref(header);
        free(text);
        rows = export_rows(s, JSONL, (cs_export_mode)mode);
        ck_assert_uint_eq(json_array_size(rows), want[mode]);
        size_t i;
        json_t *o;
        json_array_foreach(rows, i, o) ck_assert_uint_eq(json_object_size(o), ncols[mode]);
        json_decref(rows);
    }
    cs_store_close(s);
}
END_TEST

/* --- the real fixture, value by value ---------------------------------------- */

static int ones(json_t *matrix)
{
    int n = 0;
    size_t i, j;
    json_t *row, *x;
    json_array_foreach(matrix, i, row) json_array_foreach(row, j, x) n += (int)json_integer_value(x);
    return n;
}

/* Vertices of a published cell with operation name. */
static int count_op(json_t *ops, const char *name)
{
    int n = 0;
    size_t i;
    json_t *x;
    json_array_foreach(ops, i, x) n += strcmp(json_string_value(x), name) == 0;
    return n;
}

/* The most edges on a path from v to the last vertex, trying every path
 * (-1 when there is none). */
static int longest_path_from(json_t *matrix, size_t v)
{
    size_t n = json_array_size(matrix);
    if (v == n - 1)
        return 0;
    int best = -1;
    for (size_t w = 0; w < n; w++)
        if (json_integer_value(json_array_get(json_array_get(matrix, v), w))) {
            int d = longest_path_from(matrix, w);
            if (d >= 0 && d + 1 > best)
                best = d + 1;
        }
    return best;
}

/* Every run row of the real fixture against the published values. */
static void check_real_rows(json_t *rows)
{
    json_t *ref = cs_test_load_json(REAL30_JSON);
    ck_assert_uint_eq(json_array_size(rows), json_object_size(ref) * 3);
    json_t *seen = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *hash = str(row, "hash");
        json_t *cell = json_object_get(ref, hash);
        ck_assert_msg(cell != NULL, "row %zu: hash %s not published", i, hash);
        ck_assert_int_eq(inum(row, "epochs"), 108);
        long long k = inum(row, "repeat");
        ck_assert(k >= 0 && k < 3);
        char key[64];
        snprintf(key, sizeof key, "%s/%lld", hash, k);
        ck_assert_msg(!json_object_get(seen, key), "%s twice", key);
        json_object_set_new(seen, key, json_true());
        json_t *run = json_array_get(
            json_object_get(json_object_get(cell, "computed_stats"), "108"), (size_t)k);
        for (int m = 0; m < 8; m++) {
            double want = json_real_value(json_object_get(run, metrics[m]));
            ck_assert_msg(num(row, metrics[m]) == want, "%s %s: %.17g, published %.17g", key,
                          metrics[m], num(row, metrics[m]), want);
        }
        /* The cell as published (module_adjacency / module_operations). */
        json_t *adj = json_object_get(cell, "module_adjacency");
        json_t *ops = json_object_get(cell, "module_operations");
        char want_adj[256] = "", want_ops[512] = "";
        size_t a, b;
        json_t *r, *x;
        json_array_foreach(adj, a, r) json_array_foreach(r, b, x)
            strcat(want_adj, json_integer_value(x) ? "1" : "0");
        json_array_foreach(ops, a, x)
        {
            if (a)
                strcat(want_ops, ",");
            strcat(want_ops, json_string_value(x));
        }
        ck_assert_str_eq(str(row, "adjacency"), want_adj);
        ck_assert_str_eq(str(row, "ops"), want_ops);
        ck_assert_int_eq(inum(row, "vertices"), (long long)json_array_size(adj));
        ck_assert_int_eq(inum(row, "edges"), ones(adj));
        ck_assert_int_eq(inum(row, "conv3x3"), count_op(ops, "conv3x3-bn-relu"));
        ck_assert_int_eq(inum(row, "conv1x1"), count_op(ops, "conv1x1-bn-relu"));
        ck_assert_int_eq(inum(row, "maxpool3x3"), count_op(ops, "maxpool3x3"));
        ck_assert_int_eq(inum(row, "depth"), longest_path_from(adj, 0));
        ck_assert_int_eq(inum(row, "trainable_parameters"),
                         json_integer_value(json_object_get(cell, "trainable_parameters")));
        ck_assert(!flag(row, "synthetic"));
        /* The compact cell is the published matrix and ops. */
        cs_spec spec;
        cs_error err;
        const char *compact = str(row, "cell");
        ck_assert_msg(cs_spec_parse_compact(&spec, compact, strlen(compact), &err) == CS_OK,
                      "%s", err.msg);
        ck_assert_int_eq(spec.original.n, (int)json_array_size(adj));
        json_array_foreach(adj, a, r) json_array_foreach(r, b, x)
            ck_assert_int_eq((int)(spec.original.adj[a] >> b & 1), (int)json_integer_value(x));
        json_array_foreach(ops, a, x)
            ck_assert_str_eq(cs_op_name(spec.original.op[a]), json_string_value(x));
        /* The canonical form is the same cell up to isomorphism: its module
         * hash is the published one, and it is its own canonical form. */
        const char *canonical = str(row, "canonical");
        ck_assert(cs_spec_parse_compact(&spec, canonical, strlen(canonical), &err) == CS_OK);
        char hex[33];
        ck_assert(cs_cell_hash(&spec.original, hex, &err) == CS_OK);
        ck_assert_str_eq(hex, hash);
        cs_canon cn;
        ck_assert(cs_cell_canon(&spec.original, &cn, &err) == CS_OK);
        ck_assert(cs_cell_equal(&cn.cell, &spec.original));
    }
    ck_assert_uint_eq(json_object_size(seen), json_array_size(rows));
    json_decref(seen);
    json_decref(ref);
}

START_TEST(test_real30_csv_published_values)
{
    cs_store *s = open_fixture(REAL30);
    json_t *rows = export_rows(s, CSV, CS_EXPORT_RUNS);
    check_real_rows(rows);
    json_decref(rows);
    cs_store_close(s);
}
END_TEST

START_TEST(test_real30_jsonl_published_values)
{
    cs_store *s = open_fixture(REAL30);
    json_t *rows = export_rows(s, JSONL, CS_EXPORT_RUNS);
    check_real_rows(rows);
    json_decref(rows);
    cs_store_close(s);
}
END_TEST

/* --- means and standard deviations ------------------------------------------- */

static json_t *find_row(json_t *rows, const char *hash, long long epochs)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) if (!strcmp(str(row, "hash"), hash) &&
                                         inum(row, "epochs") == epochs) return row;
    ck_abort_msg("no row for %s at %lld epochs", hash, epochs);
    return NULL;
}

/* Two hand-picked cells of the real fixture: mean and sample std of the
 * published repeats, computed here, equal the export bit for bit. */
START_TEST(test_mean_std_two_cells)
{
    static const char *const picked[2] = {"ff92c322c5d9d3d587d9c146a63d0807",
                                          "ff97db031fa41552d437b079b2befd80"};
    json_t *ref = cs_test_load_json(REAL30_JSON);
    cs_store *s = open_fixture(REAL30);
    for (int f = 0; f < 2; f++) {
        json_t *rows = export_rows(s, (fmt)f, CS_EXPORT_MEAN);
        ck_assert_uint_eq(json_array_size(rows), 30);
        for (int c = 0; c < 2; c++) {
            json_t *runs = json_object_get(
                json_object_get(json_object_get(ref, picked[c]), "computed_stats"), "108");
            ck_assert_uint_eq(json_array_size(runs), 3);
            json_t *row = find_row(rows, picked[c], 108);
            ck_assert_int_eq(inum(row, "repeats"), 3);
            for (int m = 0; m < 8; m++) {
                double x0 = json_real_value(json_object_get(json_array_get(runs, 0), metrics[m]));
                double x1 = json_real_value(json_object_get(json_array_get(runs, 1), metrics[m]));
                double x2 = json_real_value(json_object_get(json_array_get(runs, 2), metrics[m]));
                double mean = (x0 + x1 + x2) / 3;
                double sd = sqrt(((x0 - mean) * (x0 - mean) + (x1 - mean) * (x1 - mean) +
                                  (x2 - mean) * (x2 - mean)) / 2);
                char k[64];
                snprintf(k, sizeof k, "%s_mean", metrics[m]);
                ck_assert_msg(num(row, k) == mean, "%s %s: %.17g != %.17g", picked[c], k,
                              num(row, k), mean);
                snprintf(k, sizeof k, "%s_std", metrics[m]);
                ck_assert_msg(num(row, k) == sd, "%s %s: %.17g != %.17g", picked[c], k,
                              num(row, k), sd);
            }
            /* The mean is the reference API's (cs_store_query --mean). */
            cs_query_result *q = malloc(sizeof *q);
            cs_error err;
            unsigned char raw[16];
            ck_assert(cs_hash_from_hex(picked[c], 32, raw));
            q->index = cs_store_find_hash(s, raw);
            ck_assert(q->index >= 0);
            snprintf(q->hash, sizeof q->hash, "%s", picked[c]);
            for (int half = 0; half < 2; half++) {
                ck_assert(cs_store_query(s, q, 108, half, CS_REPEAT_MEAN, 0, NULL, &err) ==
                          CS_OK);
                int o = half ? 0 : 4;
                char k[64];
                snprintf(k, sizeof k, "%s_mean", metrics[o + 3]);
                ck_assert(num(row, k) == q->test_accuracy);
                snprintf(k, sizeof k, "%s_mean", metrics[o]);
                ck_assert(num(row, k) == q->training_time);
            }
            free(q);
        }
        json_decref(rows);
    }
    cs_store_close(s);
    json_decref(ref);
}
END_TEST

/* Every budget of the full fixture: means of the store's runs. */
START_TEST(test_mean_all_budgets)
{
    cs_store *s = open_fixture(MINI_FULL);
    json_t *rows = export_rows(s, CSV, CS_EXPORT_MEAN);
    ck_assert_uint_eq(json_array_size(rows), cs_store_num_cells(s) * 4);
    size_t r = 0;
    for (size_t i = 0; i < cs_store_num_cells(s); i++)
        for (int b = 0; b < cs_store_num_budgets(s); b++, r++) {
            json_t *row = json_array_get(rows, r);
            char hex[33];
            cs_hash_to_hex(cs_store_entry_at(s, i)->hash, hex);
            ck_assert_str_eq(str(row, "hash"), hex);
            ck_assert_int_eq(inum(row, "epochs"), cs_store_budget(s, b));
            double mean[8], sd[8];
            three_runs(cs_store_runs(s, i, b), mean, sd);
            for (int m = 0; m < 8; m++) {
                char k[64];
                snprintf(k, sizeof k, "%s_mean", metrics[m]);
                ck_assert(num(row, k) == mean[m]);
                snprintf(k, sizeof k, "%s_std", metrics[m]);
                ck_assert(num(row, k) == sd[m]);
            }
        }
    json_decref(rows);
    cs_store_close(s);
}
END_TEST

/* A cell with a single repeat: repeats 1, std empty (CSV) / null (JSON). */
START_TEST(test_single_repeat_has_no_std)
{
    char dir[4096], path[4200];
    tmp_file(dir, sizeof dir, path, sizeof path, "cut.tfrecord");
    const char *cut = "ff92d98b0ef588152b657bd10d624946";
    write_variant(REAL30, path, false, cut);
    cs_store *s = open_tfrecord(path);
    ck_assert_uint_eq(cs_export_num_rows(s, CS_EXPORT_RUNS), 88);
    ck_assert_uint_eq(cs_export_num_rows(s, CS_EXPORT_MEAN), 30);
    for (int f = 0; f < 2; f++) {
        json_t *rows = export_rows(s, (fmt)f, CS_EXPORT_MEAN);
        json_t *row = find_row(rows, cut, 108);
        ck_assert_int_eq(inum(row, "repeats"), 1);
        ck_assert(missing(row, "final_test_accuracy_std"));
        ck_assert(!missing(row, "final_test_accuracy_mean"));
        ck_assert(!missing(find_row(rows, "ff92c322c5d9d3d587d9c146a63d0807", 108),
                           "final_test_accuracy_std"));
        json_decref(rows);
    }
    cs_store_close(s);
    remove_tmpdir(dir);
}
END_TEST

/* --- SQLite ------------------------------------------------------------------ */

static sqlite3_int64 sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    sqlite3_int64 v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static char *sql_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(q, 0);
    char *v = t ? strdup((const char *)t) : NULL;
    sqlite3_finalize(q);
    return v;
}

static sqlite3 *export_db(const cs_store *s, const char *path)
{
    cs_error err;
    ck_assert_msg(cs_export_sqlite(s, path, NULL, &err) == CS_OK, "%s", err.msg);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

START_TEST(test_sqlite_matches_store)
{
    static const int which[2] = {MINI_FULL, REAL30};
    char dir[4096], path[4200];
    tmp_file(dir, sizeof dir, path, sizeof path, "out.db");
    cs_store *s = open_fixture(which[_i]);
    sqlite3 *db = export_db(s, path);
    const size_t cells = cs_store_num_cells(s);
    const int nb = cs_store_num_budgets(s);
    const size_t runs = cs_export_num_rows(s, CS_EXPORT_RUNS);
    ck_assert_int_eq(sql_int(db, "PRAGMA user_version"), CS_EXPORT_SQLITE_SCHEMA_VERSION);
    ck_assert_int_eq(sql_int(db, "PRAGMA application_id"), CS_EXPORT_SQLITE_APPLICATION_ID);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM cell"), (sqlite3_int64)cells);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM trial_config"),
                     (sqlite3_int64)cells * nb);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM trial_stats"), (sqlite3_int64)runs);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM intermediate_stats"),
                     2 * (sqlite3_int64)runs);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM runs"), (sqlite3_int64)runs);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM means"), (sqlite3_int64)cells * nb);

    /* meta */
    char *v = sql_text(db, "SELECT value FROM meta WHERE key = 'synthetic'");
    ck_assert_str_eq(v, "false");
    free(v);
    char hex[65];
    hex_of(cs_store_source_sha256(s), 32, hex);
    v = sql_text(db, "SELECT value FROM meta WHERE key = 'source_sha256'");
    ck_assert_str_eq(v, hex);
    free(v);
    v = sql_text(db, "SELECT value FROM meta WHERE key = 'budgets'");
    ck_assert_str_eq(v, nb == 4 ? "4,12,36,108" : "108");
    free(v);
    v = sql_text(db, "SELECT value FROM meta WHERE key = 'official_name'");
    ck_assert(v == NULL); /* the fixtures are not the official files */
    v = sql_text(db, "SELECT value FROM meta WHERE key = 'cellscape_version'");
    ck_assert_str_eq(v, cs_export_version());
    free(v);

    /* A join over the base tables: every run, bit-exact with the store. */
    sqlite3_stmt *q;
    const char *join =
        "SELECT c.hash, tc.num_epochs, t.repeat, c.parameters, t.parameters,"
        " h.current_epoch, h.training_time, h.train_accuracy, h.validation_accuracy,"
        " h.test_accuracy, t.training_time, t.train_accuracy, t.validation_accuracy,"
        " t.test_accuracy, f.training_time, f.test_accuracy"
        " FROM trial_stats t JOIN trial_config tc ON tc.id = t.config_id"
        " JOIN cell c ON c.id = tc.cell_id"
        " JOIN intermediate_stats h ON h.trial_id = t.id AND h.current_epoch < tc.num_epochs"
        " JOIN intermediate_stats f ON f.trial_id = t.id AND f.current_epoch = tc.num_epochs"
        " ORDER BY t.id";
    ck_assert_int_eq(sqlite3_prepare_v2(db, join, -1, &q, NULL), SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        unsigned char raw[16];
        ck_assert(cs_hash_from_hex((const char *)sqlite3_column_text(q, 0), 32, raw));
        int64_t i = cs_store_find_hash(s, raw);
        ck_assert(i >= 0);
        int epochs = sqlite3_column_int(q, 1), k = sqlite3_column_int(q, 2);
        int b = cs_store_budget_index(s, epochs);
        ck_assert(b >= 0);
        const cs_store_entry *e = cs_store_entry_at(s, (size_t)i);
        ck_assert(k >= 0 && k < e->repeats[b]);
        ck_assert_int_eq(sqlite3_column_int(q, 3), e->trainable_parameters);
        ck_assert_int_eq(sqlite3_column_int(q, 4), e->trainable_parameters);
        ck_assert_int_eq(sqlite3_column_int(q, 5), epochs / 2);
        double want[8];
        cs_export_run_values(&cs_store_runs(s, (size_t)i, b)[k], want);
        for (int m = 0; m < 8; m++)
            ck_assert_msg(sqlite3_column_double(q, 6 + m) == want[m], "run %zu %s", n,
                          metrics[m]);
        ck_assert(sqlite3_column_double(q, 14) == want[4]);
        ck_assert(sqlite3_column_double(q, 15) == want[7]);
        n++;
    }
    sqlite3_finalize(q);
    ck_assert_uint_eq(n, runs);

    /* The runs view is the CSV export, row for row. */
    char *text = export_text(s, CSV, CS_EXPORT_RUNS);
    json_t *header, *rows = csv_objects(text, &header);
    free(text);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM runs", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_column_count(q), (int)json_array_size(header));
    n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        json_t *row = json_array_get(rows, n++);
        for (int c = 0; c < sqlite3_column_count(q); c++) {
            const char *name = sqlite3_column_name(q, c);
            ck_assert_str_eq(name, json_string_value(json_array_get(header, (size_t)c)));
            if (!strcmp(name, "synthetic"))
                ck_assert_int_eq(sqlite3_column_int(q, c), flag(row, name));
            else if (sqlite3_column_type(q, c) == SQLITE_FLOAT)
                ck_assert(sqlite3_column_double(q, c) == num(row, name));
            else
                ck_assert_str_eq((const char *)sqlite3_column_text(q, c), str(row, name));
        }
    }
    sqlite3_finalize(q);
    ck_assert_uint_eq(n, runs);
    json_decref(rows);
    json_decref(header);

    /* The means view against means computed here from the store, bit for
     * bit (trial_mean holds what the text exports' --mean write). */
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM means", -1, &q, NULL), SQLITE_OK);
    n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        unsigned char raw[16];
        ck_assert(cs_hash_from_hex((const char *)sqlite3_column_text(q, 0), 32, raw));
        int64_t i = cs_store_find_hash(s, raw);
        ck_assert_str_eq(sqlite3_column_name(q, 12), "epochs");
        int b = cs_store_budget_index(s, sqlite3_column_int(q, 12));
        ck_assert(i >= 0 && b >= 0);
        ck_assert_str_eq(sqlite3_column_name(q, 13), "repeats");
        ck_assert_int_eq(sqlite3_column_int(q, 13), 3);
        double mean[8], sd[8];
        three_runs(cs_store_runs(s, (size_t)i, b), mean, sd);
        for (int m = 0; m < 8; m++) {
            char name[64];
            snprintf(name, sizeof name, "%s_mean", metrics[m]);
            ck_assert_str_eq(sqlite3_column_name(q, 14 + 2 * m), name);
            ck_assert_msg(sqlite3_column_double(q, 14 + 2 * m) == mean[m], "%s", name);
            ck_assert(sqlite3_column_double(q, 15 + 2 * m) == sd[m]);
        }
        n++;
    }
    sqlite3_finalize(q);
    ck_assert_uint_eq(n, cells * (size_t)nb);
    sqlite3_close(db);
    cs_store_close(s);
    remove_tmpdir(dir);
}
END_TEST

/* nni's views: nni's units (percent, millions) and arch format, the time in
 * seconds as published (nni's own generator multiplies it by 60). */
START_TEST(test_sqlite_nni_views)
{
    char dir[4096], path[4200];
    tmp_file(dir, sizeof dir, path, sizeof path, "out.db");
    cs_store *s = open_fixture(REAL30);
    sqlite3 *db = export_db(s, path);
    json_t *ref = cs_test_load_json(REAL30_JSON);
    sqlite3_stmt *q;
    ck_assert_int_eq(
        sqlite3_prepare_v2(db,
                           "SELECT c.hash, c.arch, c.num_vertices, c.num_epochs, s.train_acc,"
                           " s.valid_acc, s.test_acc, s.parameters, s.training_time"
                           " FROM nb101trialstats s JOIN nb101trialconfig c"
                           " ON c.id = s.config_id ORDER BY s.id",
                           -1, &q, NULL),
        SQLITE_OK);
    int n = 0, k = 0;
    char lasthash[33] = "";
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *hash = (const char *)sqlite3_column_text(q, 0);
        k = strcmp(hash, lasthash) ? 0 : k + 1;
        snprintf(lasthash, sizeof lasthash, "%s", hash);
        json_t *cell = json_object_get(ref, hash);
        ck_assert(cell != NULL);
        json_t *run = json_array_get(
            json_object_get(json_object_get(cell, "computed_stats"), "108"), (size_t)k);
        /* nni's arch: {"input1": [...], ..., "op1": ...}, json.dumps with
         * sorted keys (jansson writes the same spacing). */
        json_t *adj = json_object_get(cell, "module_adjacency");
        json_t *ops = json_object_get(cell, "module_operations");
        size_t nv = json_array_size(adj);
        json_t *arch = json_object();
        for (size_t v = 1; v < nv; v++) {
            json_t *in = json_array();
            for (size_t u = 0; u < v; u++)
                if (json_integer_value(json_array_get(json_array_get(adj, u), v)))
                    json_array_append_new(in, json_integer((json_int_t)u));
            char key[32];
            snprintf(key, sizeof key, "input%zu", v);
            json_object_set_new(arch, key, in);
            if (v < nv - 1) {
                snprintf(key, sizeof key, "op%zu", v);
                json_object_set(arch, key, json_array_get(ops, v));
            }
        }
        char *want = json_dumps(arch, JSON_SORT_KEYS);
        ck_assert_str_eq((const char *)sqlite3_column_text(q, 1), want);
        free(want);
        json_decref(arch);
        ck_assert_int_eq(sqlite3_column_int(q, 2), (int)nv);
        ck_assert_int_eq(sqlite3_column_int(q, 3), 108);
        ck_assert(sqlite3_column_double(q, 4) ==
                  json_real_value(json_object_get(run, "final_train_accuracy")) * 100);
        ck_assert(sqlite3_column_double(q, 5) ==
                  json_real_value(json_object_get(run, "final_validation_accuracy")) * 100);
        ck_assert(sqlite3_column_double(q, 6) ==
                  json_real_value(json_object_get(run, "final_test_accuracy")) * 100);
        ck_assert(sqlite3_column_double(q, 7) ==
                  (double)json_integer_value(json_object_get(cell, "trainable_parameters")) /
                      1e6);
        ck_assert(sqlite3_column_double(q, 8) ==
                  json_real_value(json_object_get(run, "final_training_time")));
        n++;
    }
    sqlite3_finalize(q);
    ck_assert_int_eq(n, 90);
    /* Halfway rows at half the epochs, in percent. */
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM nb101intermediatestats i"
                                 " JOIN intermediate_stats h ON h.id = i.id"
                                 " WHERE i.current_epoch = 54"
                                 " AND i.test_acc = h.test_accuracy * 100"),
                     90);
    json_decref(ref);
    sqlite3_close(db);
    cs_store_close(s);
    remove_tmpdir(dir);
}
END_TEST

/* --- synthetic data says so everywhere ----------------------------------------- */

START_TEST(test_synthetic_marked)
{
    char dir[4096], path[4200], dbpath[4200];
    tmp_file(dir, sizeof dir, path, sizeof path, "synthetic.tfrecord");
    snprintf(dbpath, sizeof dbpath, "%s/synthetic.db", dir);
    write_variant(REAL30, path, true, NULL);
    cs_store *s = open_tfrecord(path);
    ck_assert(cs_store_synthetic(s));
    for (int f = 0; f < 2; f++)
        for (int mode = 0; mode < 2; mode++) {
            json_t *rows = export_rows(s, (fmt)f, (cs_export_mode)mode);
            ck_assert_uint_gt(json_array_size(rows), 0);
            size_t i;
            json_t *row;
            json_array_foreach(rows, i, row) ck_assert(flag(row, "synthetic"));
            json_decref(rows);
        }
    sqlite3 *db = export_db(s, dbpath);
    char *v = sql_text(db, "SELECT value FROM meta WHERE key = 'synthetic'");
    ck_assert_str_eq(v, "true");
    free(v);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM runs WHERE synthetic = 1"), 90);
    ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM means WHERE synthetic = 1"), 30);
    sqlite3_close(db);
    cs_store_close(s);

    /* The same records unmarked: false everywhere. */
    s = open_fixture(REAL30);
    ck_assert(!cs_store_synthetic(s));
    json_t *rows = export_rows(s, JSONL, CS_EXPORT_MEAN);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) ck_assert(!flag(row, "synthetic"));
    json_decref(rows);
    cs_store_close(s);
    remove_tmpdir(dir);
}
END_TEST

/* --- failures leave nothing behind ---------------------------------------------- */

static bool cancel_at(void *user)
{
    int *left = user;
    return --*left < 0;
}

START_TEST(test_failed_exports_leave_nothing)
{
    char dir[4096], path[4200];
    cs_error err;
    make_tmpdir(dir, sizeof dir);
    cs_store *s = open_fixture(REAL30);

    /* A directory that does not exist. */
    snprintf(path, sizeof path, "%s/no/such/dir/out.db", dir);
    ck_assert_int_eq(cs_export_sqlite(s, path, NULL, &err), CS_ERR_IO);
    ck_assert_msg(strstr(err.msg, path) != NULL, "%s", err.msg);
    ck_assert_int_eq(dir_entries(dir), 0);
    cs_outfile out;
    ck_assert_int_eq(cs_outfile_open(&out, path, &err), CS_ERR_IO);
    ck_assert_int_eq(dir_entries(dir), 0);
    ck_assert_int_eq(cs_export_sqlite(s, "-", NULL, &err), CS_ERR_ARG);
    /* Never a rename over a directory or a device. */
    ck_assert_int_eq(cs_export_sqlite(s, dir, NULL, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_export_sqlite(s, "/dev/null", NULL, &err), CS_ERR_ARG);
    ck_assert_int_eq(dir_entries(dir), 0);

    /* Interrupted SQLite exports: at the start, and with every row in but
     * before the commit.  An existing file under the name stays as it was. */
    snprintf(path, sizeof path, "%s/out.db", dir);
    FILE *f = fopen(path, "w");
    fputs("keep", f);
    fclose(f);
    for (int when = 0; when < 2; when++) {
        int left = when;
        cs_export_options opt;
        cs_export_options_init(&opt);
        opt.monitor.cancelled = cancel_at;
        opt.monitor.cancel_user = &left;
        ck_assert_int_eq(cs_export_sqlite(s, path, &opt, &err), CS_ERR_CANCELLED);
        ck_assert_str_eq(err.msg, "cancelled");
        ck_assert_int_eq(dir_entries(dir), 1);
        size_t len;
        char *text = cs_test_read_file(path, &len);
        ck_assert_str_eq(text, "keep");
        free(text);
    }
    /* A successful export replaces it. */
    cs_export_options opt;
    cs_export_options_init(&opt);
    ck_assert_int_eq(cs_export_sqlite(s, path, &opt, &err), CS_OK);
    ck_assert_int_eq(dir_entries(dir), 1);
    unlink(path);

    /* Interrupted text exports through cs_outfile leave nothing. */
    snprintf(path, sizeof path, "%s/out.csv", dir);
    for (int f2 = 0; f2 < 2; f2++) {
        int left = 0;
        opt.monitor.cancelled = cancel_at;
        opt.monitor.cancel_user = &left;
        ck_assert_int_eq(cs_outfile_open(&out, path, &err), CS_OK);
        cs_status st = f2 ? cs_export_jsonl(s, out.f, CS_EXPORT_RUNS, &opt, &err)
                          : cs_export_csv(s, out.f, CS_EXPORT_RUNS, &opt, &err);
        ck_assert_int_eq(st, CS_ERR_CANCELLED);
        cs_outfile_abort(&out);
        ck_assert_int_eq(dir_entries(dir), 0);
    }
    /* A full device: the write error is reported, not swallowed.  (Only
     * while /dev/full is the device: opening anything else for writing
     * would clobber it.) */
    struct stat sb;
    f = stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode) ? fopen("/dev/full", "w") : NULL;
    if (f) {
        ck_assert_int_eq(cs_export_csv(s, f, CS_EXPORT_RUNS, NULL, &err), CS_ERR_IO);
        ck_assert_int_eq(cs_export_jsonl(s, f, CS_EXPORT_MEAN, NULL, &err), CS_ERR_IO);
        fclose(f);
    }
    /* An unknown mode is refused. */
    ck_assert_int_eq(cs_export_csv(s, stdout, (cs_export_mode)7, NULL, &err), CS_ERR_ARG);
    cs_store_close(s);
    remove_tmpdir(dir);
}
END_TEST

/* --- the number format ---------------------------------------------------------- */

/* The definition: the fewest %g digits that read back, ".0" on whole numbers. */
/* The fewest significant digits that read back, laid out as Python's repr:
 * %.{p}e's digits, positional (with ".0" on whole numbers) unless the
 * exponent is below -4 or above 15. */
static void shortest_by_definition(char *buf, size_t size, double d)
{
    char e[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, d);
        if (strtod(e, NULL) == d)
            break;
    }
    char *mark = strchr(e, 'e');
    int exp = atoi(mark + 1);
    *mark = '\0';
    char digits[32];
    size_t n = 0;
    for (const char *c = e; *c; c++)
        if (*c >= '0' && *c <= '9')
            digits[n++] = *c;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    const char *sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 16) {
        snprintf(buf, size, "%s%c%s%se%c%02d", sign, digits[0], n > 1 ? "." : "", digits + 1,
                 exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp < 0) {
        snprintf(buf, size, "%s0.%.*s%s", sign, -exp - 1, "000", digits);
    } else {
        char whole[32];
        for (int i = 0; i <= exp; i++)
            whole[i] = (size_t)i < n ? digits[i] : '0';
        whole[exp + 1] = '\0';
        const char *frac = (size_t)exp + 1 < n ? digits + exp + 1 : "0";
        snprintf(buf, size, "%s%s.%s", sign, whole, frac);
    }
}

START_TEST(test_format_double)
{
    for (int m = 0; m < 8; m++)
        ck_assert_str_eq(cs_export_metric_name(m), metrics[m]);
    ck_assert(cs_export_metric_name(8) == NULL);
    static const struct {
        double d;
        const char *text;
    } cases[] = {{1.0, "1.0"},
                 {0.1, "0.1"},
                 {-2.5, "-2.5"},
                 {0.0, "0.0"},
                 {1e-05, "1e-05"},
                 {1e16, "1e+16"},
                 {1.5e16, "1.5e+16"},
                 {123456.0, "123456.0"},
                 {100.0, "100.0"},
                 {1e7, "10000000.0"},
                 {-1e15, "-1000000000000000.0"},
                 {0.0001, "0.0001"},
                 {0.00012, "0.00012"},
                 {1396.137939453125, "1396.137939453125"},
                 {0.9231770634651184, "0.9231770634651184"},
                 {0.75390625, "0.75390625"},
                 {5e-324, "5e-324"},
                 {1.7976931348623157e308, "1.7976931348623157e+308"},
                 {0.30000000000000004, "0.30000000000000004"}};
    char buf[64], want[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = cs_export_format_double(buf, sizeof buf, cases[i].d);
        ck_assert_str_eq(buf, cases[i].text);
        ck_assert_int_eq(n, (int)strlen(cases[i].text));
    }
    cs_export_format_double(buf, sizeof buf, -0.0);
    ck_assert_str_eq(buf, "-0.0");
    cs_export_format_double(buf, sizeof buf, NAN);
    ck_assert_str_eq(buf, "nan");
    cs_export_format_double(buf, sizeof buf, -INFINITY);
    ck_assert_str_eq(buf, "-inf");
    /* Truncation as snprintf. */
    ck_assert_int_eq(cs_export_format_double(buf, 4, 0.125), 5);
    ck_assert_str_eq(buf, "0.1");
    /* Random doubles of every kind: bit patterns, float32 values (as the
     * dataset's), small fractions. */
    unsigned long long state = 42;
    for (int i = 0; i < 60000; i++) {
        unsigned long long r = cs_test_rand(&state);
        double d;
        switch (i % 4) {
        case 0: memcpy(&d, &r, sizeof d); break;
        case 1: d = (double)(float)((double)(r >> 11) * 0x1.0p-53); break;
        case 2: d = (double)(float)((double)(r >> 11) * 0x1.0p-53 * 4000); break;
        default: d = (double)(r % 100000) / (double)(1 + r % 9984); break;
        }
        if (isnan(d))
            continue;
        shortest_by_definition(want, sizeof want, d);
        cs_export_format_double(buf, sizeof buf, d);
        ck_assert_msg(!strcmp(buf, want), "%.17g: %s, want %s", d, buf, want);
    }
}
END_TEST

TCase *cs_export_tcase(void)
{
    TCase *tc = tcase_create("export");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_row_counts, 0, 3);
    tcase_add_test(tc, test_real30_csv_published_values);
    tcase_add_test(tc, test_real30_jsonl_published_values);
    tcase_add_test(tc, test_mean_std_two_cells);
    tcase_add_test(tc, test_mean_all_budgets);
    tcase_add_test(tc, test_single_repeat_has_no_std);
    tcase_add_loop_test(tc, test_sqlite_matches_store, 0, 2);
    tcase_add_test(tc, test_sqlite_nni_views);
    tcase_add_test(tc, test_synthetic_marked);
    tcase_add_test(tc, test_failed_exports_leave_nothing);
    tcase_add_test(tc, test_format_double);
    return tc;
}
