/* analysis/ dataset analyses (accuracy, noise, cost, budget correlation, op
 * importance, depth and width) on stores built from the fixtures and on a
 * tiny synthetic-flagged store written here.  Every expected number is
 * recomputed in the test straight from the store's runs (or worked out by
 * hand for the synthetic cells), never taken from the code under test. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_analysis.h"
#include "cs_dataset.h"
#include "cs_nb101_row.h"
#include "cs_params.h"
#include "cs_space.h"
#include "cs_store.h"
#include "cs_tfrecord.h"

TCase *cs_dataset_tcase(void);
/* analysis_stats_cases.c: the definitions computed directly, O(n^2) */

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

/* --- shared set-up (made once, before the tests fork) --------------------------- */

static cs_space *space;
static cs_store *mini;  /* nb101-mini-full: 151 cells, 4 budgets */
static cs_store *synth; /* written below: 5 cells, 108 epochs, synthetic */
static cs_store *real30; /* nb101-real30-only108: 30 real cells */
static char workdir[4096];

/* The synthetic cells, their mean validation accuracy and training time at
 * 108 epochs (three repeats at -0.01, 0, +0.01 around the mean). */
typedef struct synth_cell {
    const char *compact; /* in any vertex order: stored as the reference form */
    double validation, time, test;
} synth_cell;

/* A: the Inception-like cell (branches conv3x3, conv1x1, maxpool; chain
 * conv3x3 -> conv3x3); B, C: A with its conv3x3 branch made conv1x1 or
 * maxpool; D: the ResNet-like cell; E: D with its first conv made conv1x1;
 * F: unrelated to the others, as accurate as A but slower (off the time
 * Pareto front although tied with A's accuracy). */
static const synth_cell synth_cells[] = {
    {"I31M33O:111100000010001001101", 0.94, 1000.0, 0.93},
    {"I11M33O:111100000010001001101", 0.925, 900.0, 0.915},
    {"IM1M33O:111100000010001001101", 0.90, 800.0, 0.89},
    {"I33O:101101", 0.93, 2000.0, 0.92},
    {"I13O:101101", 0.91, 1500.0, 0.90},
    {"I1O:111", 0.94, 1100.0, 0.93},
};
#define NSYNTH (sizeof synth_cells / sizeof *synth_cells)

static void parse_compact(const char *text, cs_cell *c)
{
    cs_spec s;
    cs_error err;
    ck_assert_msg(cs_spec_parse_compact(&s, text, strlen(text), &err) == CS_OK, "%s: %s", text,
                  err.msg);
    *c = s.pruned;
}

static int write_synth_tfrecord(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    for (size_t k = 0; k < NSYNTH; k++) {
        cs_spec s;
        cs_error err;
        cs_cell c;
        const char *t = synth_cells[k].compact;
        if (cs_spec_parse_compact(&s, t, strlen(t), &err) ||
            cs_cell_reference_form(&s.pruned, &c, &err))
            return -1;
        static cs_nb101_row row;
        memset(&row, 0, sizeof row);
        int64_t params;
        char text[2048];
        if (cs_cell_hash(&c, row.hash, &err) || cs_cell_trainable_parameters(&c, &params, &err))
            return -1;
        cs_cell_format_row(&c, text, sizeof text);
        char *sp = strchr(text, ' ');
        *sp = '\0';
        if (strlen(text) > CS_NB101_ADJ_MAX || strlen(sp + 1) > CS_NB101_OPS_MAX)
            return -1;
        memcpy(row.adjacency, text, strlen(text) + 1);
        memcpy(row.ops, sp + 1, strlen(sp + 1) + 1);
        row.epochs = 108;
        row.trainable_parameters = (int32_t)params;
        row.n_eval = CS_NB101_N_EVAL;
        snprintf(row.checkpoint_path, sizeof row.checkpoint_path, "%s/test-fixture",
                 CS_SYNTHETIC_MARKER);
        for (int r = 0; r < 3; r++) {
            double off = (r - 1) * 0.01;
            row.total_time = synth_cells[k].time + 10.0;
            row.eval[0] = (cs_nb101_eval){0.0, 0.0, 0.1, 0.1, 0.1};
            row.eval[1] = (cs_nb101_eval){54.0, synth_cells[k].time / 2, 0.8, 0.8, 0.8};
            row.eval[2] = (cs_nb101_eval){108.0, synth_cells[k].time + off * 100.0, 1.0,
                                          synth_cells[k].validation + off,
                                          synth_cells[k].test + off};
            unsigned char *data;
            size_t len;
            if (cs_nb101_row_encode(&row, &data, &len, &err) ||
                cs_tfrecord_write(f, data, len, &err)) {
                fclose(f);
                return -1;
            }
            free(data);
        }
    }
    return fclose(f);
}

static void setup(void)
{
    cs_enum_options eo;
    cs_error err;
    cs_import_stats stats;
    cs_enum_options_init(&eo);
    if (cs_space_build(&space, &eo, &err)) {
        fprintf(stderr, "space: %s\n", err.msg);
        return;
    }
    snprintf(workdir, sizeof workdir, "%s/cs-dataset-test.XXXXXX", CS_TEST_TMPDIR);
    if (!mkdtemp(workdir)) {
        fprintf(stderr, "cannot create a directory in %s\n", CS_TEST_TMPDIR);
        return;
    }
    char src[4400], dst[4400];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-mini-full.tfrecord");
    snprintf(dst, sizeof dst, "%s/mini.nb101", workdir);
    if (cs_store_import(src, dst, NULL, &stats, &err) || cs_store_open(&mini, dst, &err)) {
        fprintf(stderr, "mini store: %s\n", err.msg);
        return;
    }
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    snprintf(dst, sizeof dst, "%s/real30.nb101", workdir);
    if (cs_store_import(src, dst, NULL, &stats, &err) || cs_store_open(&real30, dst, &err)) {
        fprintf(stderr, "real30 store: %s\n", err.msg);
        return;
    }
    snprintf(src, sizeof src, "%s/synth.tfrecord", workdir);
    snprintf(dst, sizeof dst, "%s/synth.nb101", workdir);
    if (write_synth_tfrecord(src) || cs_store_import(src, dst, NULL, &stats, &err) ||
        cs_store_open(&synth, dst, &err))
        fprintf(stderr, "synthetic store: %s\n", err.msg);
}

static void teardown(void)
{
    char cmd[4200];
    cs_store_close(mini);
    cs_store_close(synth);
    cs_store_close(real30);
    cs_space_destroy(space);
    mini = synth = real30 = NULL;
    space = NULL;
    if (workdir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", workdir);
    }
}

/* --- helpers ----------------------------------------------------------------------- */

typedef struct run_out {
    cs_analysis_ctx ctx;
    char dir[4200];
} run_out;

static void ctx_for(run_out *o, const cs_store *s, int threads)
{
    ck_assert_msg(space && s, "set-up failed (see stderr)");
    memset(&o->ctx, 0, sizeof o->ctx);
    o->ctx.data_name = s == synth ? "synthetic test store"
                       : s == mini ? "nb101-mini-full"
                                   : "nb101-real30-only108";
    o->ctx.threads = threads;
    cs_error err;
    ck_assert_msg(cs_analysis_ctx_init(&o->ctx, space, s, &err) == CS_OK, "%s", err.msg);
    static int serial;
    snprintf(o->dir, sizeof o->dir, "%s/out-%d-%d", workdir, (int)getpid(), serial++);
    ck_assert(mkdir(o->dir, 0755) == 0);
}

static void run(run_out *o, cs_analysis_fn fn)
{
    cs_error err;
    ck_assert_msg(fn(&o->ctx, o->dir, &err) == CS_OK, "%s", err.msg);
}

static json_t *load_out(const run_out *o, const char *file)
{
    char path[4400];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/%s", o->dir, file);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s (line %d)", path, jerr.text, jerr.line);
    return j;
}

static double jnum(json_t *o, const char *path)
{
    /* path: keys separated by '.' */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = o;
    for (char *k = strtok(buf, "."); k; k = strtok(NULL, "."))
        cur = json_object_get(cur, k);
    ck_assert_msg(cur && json_is_number(cur), "%s is not a number", path);
    return json_number_value(cur);
}

/* A TSV output: comment lines, then a header, then rows of fields. */
typedef struct tsv {
    char *text;
    char **comment;
    size_t ncomment;
    char **field; /* nrows x ncols */
    size_t nrows, ncols;
    char **colname;
} tsv;

static void tsv_load(const run_out *o, const char *file, tsv *t)
{
    char path[4400];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", o->dir, file);
    memset(t, 0, sizeof *t);
    t->text = cs_test_read_file(path, &len);
    ck_assert_msg(t->text != NULL, "cannot read %s", path);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += t->text[i] == '\n';
    t->comment = calloc(lines + 1, sizeof *t->comment);
    char **line = calloc(lines + 1, sizeof *line);
    size_t nl = 0;
    for (char *p = t->text, *e; *p; p = e + 1) {
        e = strchr(p, '\n');
        ck_assert_msg(e != NULL, "%s: last line unterminated", file);
        *e = '\0';
        if (*p == '#')
            t->comment[t->ncomment++] = p;
        else
            line[nl++] = p;
    }
    ck_assert_msg(nl >= 1, "%s: no header", file);
    t->ncols = 1;
    for (char *p = line[0]; *p; p++)
        t->ncols += *p == '\t';
    t->nrows = nl - 1;
    t->colname = calloc(t->ncols, sizeof *t->colname);
    t->field = calloc((t->nrows + 1) * t->ncols, sizeof *t->field);
    for (size_t r = 0; r < nl; r++) {
        size_t c = 0;
        char **dst = r == 0 ? t->colname : &t->field[(r - 1) * t->ncols];
        for (char *p = line[r];; c++) {
            ck_assert_msg(c < t->ncols, "%s: row %zu has too many fields", file, r);
            dst[c] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        ck_assert_msg(c + 1 == t->ncols, "%s: row %zu has %zu fields, header %zu", file, r,
                      c + 1, t->ncols);
    }
    free(line);
}

static void tsv_free(tsv *t)
{
    free(t->text);
    free(t->comment);
    free(t->field);
    free(t->colname);
}

static size_t tsv_col(const tsv *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->colname[c], name) == 0)
            return c;
    ck_abort_msg("no column %s", name);
    return 0;
}

static double tsv_num(const tsv *t, size_t row, const char *name)
{
    return strtod(t->field[row * t->ncols + tsv_col(t, name)], NULL);
}

/* --- independent computations from the store's runs ------------------------------ */

typedef enum { V_VALID, V_TEST, V_TRAIN, V_TIME } which_value;

static double run_value(const cs_run *r, which_value w)
{
    return w == V_VALID  ? r->final_validation_accuracy
           : w == V_TEST ? r->final_test_accuracy
           : w == V_TRAIN ? r->final_train_accuracy
                         : r->final_training_time;
}

/* Mean over the repeats of entry e at `epochs`. */
static double entry_mean(const cs_store *s, size_t e, int epochs, which_value w)
{
    int b = cs_store_budget_index(s, epochs);
    ck_assert(b >= 0);
    int r = cs_store_entry_at(s, e)->repeats[b];
    ck_assert(r > 0);
    const cs_run *runs = cs_store_runs(s, e, b);
    long double sum = 0;
    for (int k = 0; k < r; k++)
        sum += run_value(&runs[k], w);
    return (double)(sum / r);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of n values (sorts them). */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* --- 1. accuracy ------------------------------------------------------------------- */

START_TEST(test_accuracy_on_mini)
{
    run_out o;
    ctx_for(&o, mini, 0);
    run(&o, cs_analysis_accuracy);
    size_t n = cs_store_num_cells(mini);
    ck_assert_uint_eq(n, 151);
    double *v = malloc(n * sizeof *v), sum = 0, best = -1, tmax = -1;
    for (size_t e = 0; e < n; e++) {
        v[e] = entry_mean(mini, e, 108, V_VALID);
        sum += v[e];
        best = fmax(best, v[e]);
        tmax = fmax(tmax, entry_mean(mini, e, 108, V_TEST));
    }
    json_t *j = load_out(&o, "accuracy.json");
    ck_assert_int_eq((int)jnum(j, "cells"), 151);
    ck_assert_int_eq((int)jnum(j, "epochs"), 108);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "budgets_missing")), 0);
    ck_assert_double_eq_tol(jnum(j, "validation.mean"), sum / n, 1e-12);
    ck_assert_double_eq_tol(jnum(j, "validation.max"), best, 1e-15);
    ck_assert_double_eq_tol(jnum(j, "test.max"), tmax, 1e-15);
    ck_assert_double_eq_tol(jnum(j, "best_by_validation.validation"), best, 1e-15);
    ck_assert_double_eq_tol(jnum(j, "validation.q50"), median(v, n), 1e-15);
    /* the ECDF: 151 values fit, so every order statistic appears once */
    tsv t;
    tsv_load(&o, "accuracy_ecdf.tsv", &t);
    ck_assert_uint_eq(t.nrows, 151);
    for (size_t r = 0; r < t.nrows; r++) {
        ck_assert_double_eq_tol(tsv_num(&t, r, "fraction"), r / 150.0, 1e-15);
        ck_assert_double_eq_tol(tsv_num(&t, r, "validation"), v[r], 1e-15); /* v is sorted */
    }
    tsv_free(&t);
    tsv_load(&o, "accuracy_best.tsv", &t);
    ck_assert_uint_eq(t.nrows, 20);
    ck_assert_double_eq_tol(tsv_num(&t, 0, "validation"), best, 1e-15);
    for (size_t r = 1; r < t.nrows; r++)
        ck_assert(tsv_num(&t, r, "validation") <= tsv_num(&t, r - 1, "validation"));
    ck_assert_double_eq_tol(tsv_num(&t, 19, "validation"), v[n - 20], 1e-15);
    tsv_free(&t);
    json_decref(j);
    free(v);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

/* --- 2. noise ---------------------------------------------------------------------- */

START_TEST(test_noise_on_mini)
{
    run_out o;
    ctx_for(&o, mini, 0);
    run(&o, cs_analysis_noise);
    json_t *j = load_out(&o, "noise.json");
    json_t *per = json_object_get(j, "per_budget");
    ck_assert_uint_eq(json_array_size(per), 4);
    size_t n = cs_store_num_cells(mini);
    double *sd = malloc(n * sizeof *sd), *mv = malloc(n * sizeof *mv),
           *mt = malloc(n * sizeof *mt);
    for (size_t k = 0; k < 4; k++) {
        json_t *pb = json_array_get(per, k);
        int epochs = (int)jnum(pb, "epochs");
        int b = cs_store_budget_index(mini, epochs);
        ck_assert(b >= 0);
        for (size_t e = 0; e < n; e++) {
            const cs_run *r = cs_store_runs(mini, e, b);
            ck_assert_int_eq(cs_store_entry_at(mini, e)->repeats[b], 3);
            double m = (r[0].final_test_accuracy + r[1].final_test_accuracy +
                        r[2].final_test_accuracy) /
                       3;
            double ss = 0;
            for (int q = 0; q < 3; q++)
                ss += (r[q].final_test_accuracy - m) * (r[q].final_test_accuracy - m);
            sd[e] = sqrt(ss / 2); /* sample sd of 3 repeats */
            mv[e] = entry_mean(mini, e, epochs, V_VALID);
            mt[e] = entry_mean(mini, e, epochs, V_TEST);
        }
        ck_assert_double_eq_tol(jnum(pb, "pearson_validation_test_cells"),
                                cs_test_direct_pearson(mv, mt, n), 1e-12);
        ck_assert_double_eq_tol(jnum(pb, "test_stddev.q50"), median(sd, n), 1e-12);
        ck_assert_double_eq_tol(jnum(pb, "test_stddev.max"), sd[n - 1], 1e-12);
    }
    tsv t;
    tsv_load(&o, "noise_ecdf.tsv", &t);
    ck_assert_uint_eq(t.ncols, 5);
    ck_assert_str_eq(t.colname[4], "e108");
    tsv_free(&t);
    json_decref(j);
    free(sd);
    free(mv);
    free(mt);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

/* --- 3. cost ----------------------------------------------------------------------- */

START_TEST(test_named_cells_and_neighbours)
{
    ck_assert_msg(space, "set-up failed");
    cs_cell c, want;
    cs_dataset_resnet_like(&c);
    parse_compact("I33O:101101", &want);
    ck_assert(cs_cell_equal(&c, &want));
    cs_dataset_inception_like(&c);
    parse_compact("I31M33O:111100000010001001101", &want); /* facts sheet section 7 */
    ck_assert(cs_cell_equal(&c, &want));
    /* By hand: the three parallel branches (3, 1, M) and the chain 3 -> 3.
     * Op changes give 10 classes: branches {1,1,M} {M,1,M} {3,3,M} {3,M,M}
     * {3,1,3} {3,1,1} with the chain kept, and chains 1-3, M-3, 3-1, 3-M.
     * Removing an edge drops a branch (3 classes) or the chain (1 class);
     * adding one makes 10 edges.  14 in all. */
    static const char *const expect[] = {
        "I11M33O:111100000010001001101", "IM1M33O:111100000010001001101",
        "I33M33O:111100000010001001101", "I3MM33O:111100000010001001101",
        "I31333O:111100000010001001101", "I31133O:111100000010001001101",
        "I31M13O:111100000010001001101", "I31MM3O:111100000010001001101",
        "I31M31O:111100000010001001101", "I31M3MO:111100000010001001101",
        /* branch removed: input -> 2 branches and the chain */
        "I1M33O:111000001001101", "I3M33O:111000001001101",
        "I3133O:111000001001101",
        /* chain removed */
        "I31MO:1110001011"};
    size_t ne = sizeof expect / sizeof *expect;
    int64_t want_cls[16], got[64];
    for (size_t k = 0; k < ne; k++) {
        cs_cell e;
        parse_compact(expect[k], &e);
        want_cls[k] = cs_space_find_cell(space, &e);
        ck_assert_msg(want_cls[k] >= 0, "%s not in the space", expect[k]);
    }
    size_t count;
    cs_error err;
    ck_assert_int_eq(cs_dataset_neighbours(space, &c, got, sizeof got / sizeof *got, &count, &err),
                     CS_OK);
    ck_assert_uint_eq(count, ne);
    for (size_t k = 0; k < ne; k++) {
        bool found = false;
        for (size_t q = 0; q < count; q++)
            found |= got[q] == want_cls[k];
        ck_assert_msg(found, "%s missing from the neighbours", expect[k]);
    }
    for (size_t q = 1; q < count; q++)
        ck_assert(got[q - 1] < got[q]);
    /* too little room is an error, not a truncation */
    ck_assert_int_eq(cs_dataset_neighbours(space, &c, got, 3, &count, &err), CS_ERR_LIMIT);
    /* the ResNet-like cell: op changes 1-3, M-3, 3-1, 3-M; removing the skip
     * (a chain); removing a chain edge leaves input -> output; adding
     * 0->2 or 1->3 (a shortcut) */
    cs_dataset_resnet_like(&c);
    ck_assert_int_eq(cs_dataset_neighbours(space, &c, got, sizeof got / sizeof *got, &count, &err),
                     CS_OK);
    ck_assert_uint_eq(count, 4 + 1 + 1 + 2);
}
END_TEST

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

START_TEST(test_cost_on_mini)
{
    run_out o;
    ctx_for(&o, mini, 0);
    run(&o, cs_analysis_cost);
    size_t n = cs_store_num_cells(mini);
    double *p = malloc(n * sizeof *p), *v = malloc(n * sizeof *v);
    for (size_t e = 0; e < n; e++) {
        p[e] = cs_store_entry_at(mini, e)->trainable_parameters;
        v[e] = entry_mean(mini, e, 108, V_VALID);
    }
    /* the Pareto front by its definition, O(n^2): points (p, v) that no
     * other cell beats with p' <= p and v' > v, each distinct point once */
    size_t front = 0;
    tsv t;
    tsv_load(&o, "cost_pareto_params.tsv", &t);
    for (size_t i = 0; i < n; i++) {
        bool dominated = false, dup = false;
        for (size_t k = 0; k < n && !dominated; k++) {
            dominated = p[k] <= p[i] && v[k] > v[i];
            dup |= k < i && p[k] == p[i] && v[k] == v[i];
        }
        if (dominated || dup)
            continue;
        front++;
        bool listed = false;
        for (size_t r = 0; r < t.nrows; r++)
            listed |= tsv_num(&t, r, "trainable_parameters") == p[i] &&
                      fabs(tsv_num(&t, r, "validation") - v[i]) < 1e-12;
        ck_assert_msg(listed, "front point (%g, %g) not listed", p[i], v[i]);
    }
    ck_assert_uint_eq(t.nrows, front);
    tsv_free(&t);
    /* the grid holds every cell once */
    tsv_load(&o, "cost_params_time.tsv", &t);
    double cells = 0;
    for (size_t r = 0; r < t.nrows; r++)
        cells += tsv_num(&t, r, "cells");
    ck_assert_double_eq(cells, (double)n);
    tsv_free(&t);
    /* the time-validation grid starts at the 1st percentile of validation
     * accuracy (numpy's linear quantile, by hand): the cells below are left
     * out and counted */
    double *vs = malloc(n * sizeof *vs);
    memcpy(vs, v, n * sizeof *vs);
    qsort(vs, n, sizeof *vs, cmp_double);
    double pos = 0.01 * (double)(n - 1), q01 = vs[(size_t)pos];
    if ((size_t)pos + 1 < n)
        q01 += (pos - floor(pos)) * (vs[(size_t)pos + 1] - vs[(size_t)pos]);
    size_t below = 0;
    for (size_t e = 0; e < n; e++)
        below += v[e] < q01;
    free(vs);
    ck_assert_uint_gt(below, 0);
    tsv_load(&o, "cost_time_validation.tsv", &t);
    cells = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        cells += tsv_num(&t, r, "cells");
        ck_assert(tsv_num(&t, r, "validation") >= q01);
    }
    ck_assert_double_eq(cells, (double)(n - below));
    tsv_free(&t);
    json_t *j = load_out(&o, "cost.json");
    ck_assert_int_eq((int)jnum(json_object_get(j, "grid_time_validation"), "cells_below_y_range"),
                     (int)below);
    /* the Inception-like cell is in the fixture (with one real repeat) */
    json_t *marked = json_object_get(j, "marked");
    json_t *inc = json_array_get(marked, 1);
    ck_assert_str_eq(json_string_value(json_object_get(inc, "label")), "inception-like");
    ck_assert(json_is_true(json_object_get(inc, "in_dataset")));
    ck_assert_int_eq((int)jnum(inc, "trainable_parameters_computed"), 2694282);
    cs_cell c;
    cs_dataset_inception_like(&c);
    cs_query_result qr;
    cs_error err;
    char text[256];
    cs_cell_format_compact(&c, text, sizeof text);
    ck_assert_int_eq(cs_store_lookup(mini, text, strlen(text), &qr, &err), CS_OK);
    ck_assert(qr.index >= 0);
    ck_assert_double_eq_tol(jnum(inc, "validation"),
                            entry_mean(mini, (size_t)qr.index, 108, V_VALID), 1e-15);
    ck_assert_int_eq((int)jnum(j, "inception_neighbours_in_space"), 14);
    json_decref(j);
    free(p);
    free(v);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

/* --- 4. budget correlation --------------------------------------------------------- */

typedef struct vi {
    double v;
    size_t e;
} vi;

static int vi_desc(const void *a, const void *b)
{
    const vi *x = a, *y = b;
    return x->v != y->v ? (x->v > y->v ? -1 : 1) : 0;
}

START_TEST(test_budget_correlation_on_mini)
{
    run_out o;
    ctx_for(&o, mini, 2);
    run(&o, cs_analysis_budget_correlation);
    size_t n = cs_store_num_cells(mini);
    vi *rank = malloc(n * sizeof *rank);
    for (size_t e = 0; e < n; e++)
        rank[e] = (vi){entry_mean(mini, e, 108, V_VALID), e};
    qsort(rank, n, sizeof *rank, vi_desc);
    json_t *j = load_out(&o, "budget_correlation.json");
    json_t *subsets = json_object_get(j, "subsets");
    ck_assert_uint_eq(json_array_size(subsets), 4);
    static const int pct[] = {100, 50, 10, 1};
    static const size_t cells[] = {151, 76, 16, 2}; /* ceil(pct * 151 / 100) */
    for (size_t s = 0; s < 4; s++) {
        json_t *sub = json_array_get(subsets, s);
        ck_assert_int_eq((int)jnum(sub, "top_percent"), pct[s]);
        ck_assert_int_eq((int)jnum(sub, "cells"), (int)cells[s]);
        json_t *pairs = json_object_get(sub, "pairs");
        ck_assert_uint_eq(json_array_size(pairs), 6);
        for (size_t q = 0; q < 6; q++) {
            json_t *pair = json_array_get(pairs, q);
            int ea = (int)json_integer_value(json_array_get(json_object_get(pair, "epochs"), 0));
            int eb = (int)json_integer_value(json_array_get(json_object_get(pair, "epochs"), 1));
            size_t k = cells[s];
            double *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y);
            for (size_t i = 0; i < k; i++) {
                x[i] = entry_mean(mini, rank[i].e, ea, V_VALID);
                y[i] = entry_mean(mini, rank[i].e, eb, V_VALID);
            }
            ck_assert_double_eq_tol(jnum(pair, "spearman"), cs_test_direct_spearman(x, y, k),
                                    1e-12);
            ck_assert_double_eq_tol(jnum(pair, "kendall_tau_b"), cs_test_direct_tau_b(x, y, k),
                                    1e-12);
            free(x);
            free(y);
        }
    }
    tsv t;
    tsv_load(&o, "budget_correlation.tsv", &t);
    ck_assert_uint_eq(t.nrows, 4 * 16); /* full 4 x 4 grid per subset */
    for (size_t r = 0; r < t.nrows; r++)
        if (tsv_num(&t, r, "ix") == tsv_num(&t, r, "iy"))
            ck_assert_double_eq(tsv_num(&t, r, "spearman"), 1.0);
    tsv_free(&t);
    json_decref(j);
    free(rank);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

/* --- 5. op importance -------------------------------------------------------------- */

static json_t *find_pair(json_t *j, const char *from, const char *to)
{
    json_t *pairs = json_object_get(j, "pairs");
    for (size_t k = 0; k < json_array_size(pairs); k++) {
        json_t *p = json_array_get(pairs, k);
        if (!strcmp(json_string_value(json_object_get(p, "from")), from) &&
            !strcmp(json_string_value(json_object_get(p, "to")), to))
            return p;
    }
    ck_abort_msg("no pair %s -> %s", from, to);
    return NULL;
}

START_TEST(test_op_importance_by_hand)
{
    run_out o;
    ctx_for(&o, synth, 0);
    run(&o, cs_analysis_op_importance);
    json_t *j = load_out(&o, "op_importance.json");
    /* Worked out by hand on cells A..E (see synth_cells; accuracies are the
     * means of the three repeats):
     *   conv3x3 -> conv1x1:   A v1 -> B (-0.015), D v1 -> E (-0.02)
     *   conv3x3 -> maxpool:   A v1 -> C (-0.04)
     *   conv1x1 -> conv3x3:   B v1, B v2 -> A (+0.015 twice: B's two conv1x1
     *                         branches are symmetric), E v1 -> D (+0.02)
     *   conv1x1 -> maxpool:   B v1, B v2 -> C (-0.025 twice)
     *   maxpool -> conv3x3:   C v1, C v3 -> A (+0.04 twice)
     *   maxpool -> conv1x1:   C v1, C v3 -> B (+0.025 twice)
     * Every other replacement lands on a class the store lacks. */
    struct {
        const char *from, *to;
        int n;
        double mean_dv, mean_rt;
    } want[] = {
        {"conv3x3", "conv1x1", 2, (-0.015 - 0.02) / 2, (-0.1 - 0.25) / 2},
        {"conv3x3", "maxpool3x3", 1, -0.04, -0.2},
        {"conv1x1", "conv3x3", 3, (0.015 + 0.015 + 0.02) / 3,
         (100.0 / 900 + 100.0 / 900 + 500.0 / 1500) / 3},
        {"conv1x1", "maxpool3x3", 2, -0.025, -100.0 / 900},
        {"maxpool3x3", "conv3x3", 2, 0.04, 0.25},
        {"maxpool3x3", "conv1x1", 2, 0.025, 0.125},
    };
    int total = 0;
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        json_t *p = find_pair(j, want[k].from, want[k].to);
        ck_assert_int_eq((int)jnum(p, "delta_validation.n"), want[k].n);
        ck_assert_double_eq_tol(jnum(p, "delta_validation.mean"), want[k].mean_dv, 1e-9);
        ck_assert_double_eq_tol(jnum(p, "relative_time.mean"), want[k].mean_rt, 1e-9);
        ck_assert_double_eq_tol(jnum(p, "mean_delta_validation_percent"), 100 * want[k].mean_dv,
                                1e-7);
        total += want[k].n;
    }
    ck_assert_int_eq((int)jnum(j, "replacements_counted"), total);
    /* interior vertices x 2 other ops: A, B, C 5 each, D, E 2 each, F 1 */
    ck_assert_int_eq((int)jnum(j, "replacements_counted") + (int)jnum(j, "replacements_missing"),
                     (5 + 5 + 5 + 2 + 2 + 1) * 2);
    ck_assert(json_is_true(json_object_get(j, "synthetic")));
    tsv t;
    tsv_load(&o, "op_importance.tsv", &t);
    ck_assert_uint_eq(t.nrows, 6);
    ck_assert_str_eq(t.field[0], "conv3x3");
    ck_assert_str_eq(t.field[1], "conv1x1");
    ck_assert_double_eq_tol(tsv_num(&t, 0, "delta_validation_q50"), -0.0175, 1e-9);
    tsv_free(&t);
    json_decref(j);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

START_TEST(test_op_importance_threads_agree)
{
    char a[4400], b[4400];
    run_out o1, o2;
    ctx_for(&o1, mini, 1);
    ctx_for(&o2, mini, 2);
    run(&o1, cs_analysis_op_importance);
    run(&o2, cs_analysis_op_importance);
    snprintf(a, sizeof a, "%s/op_importance.json", o1.dir);
    snprintf(b, sizeof b, "%s/op_importance.json", o2.dir);
    size_t la, lb;
    char *ta = cs_test_read_file(a, &la), *tb = cs_test_read_file(b, &lb);
    ck_assert(ta && tb);
    ck_assert_uint_eq(la, lb);
    ck_assert_mem_eq(ta, tb, la);
    free(ta);
    free(tb);
    cs_analysis_ctx_destroy(&o1.ctx);
    cs_analysis_ctx_destroy(&o2.ctx);
}
END_TEST

/* --- 6. depth and width ------------------------------------------------------------ */

static int longest_path(const cs_cell *c)
{
    int d[CS_CELL_MAXV];
    for (int v = 0; v < c->n; v++)
        d[v] = v == 0 ? 0 : -1000;
    for (int v = 0; v < c->n; v++)
        for (int w = v + 1; w < c->n; w++)
            if (c->adj[v] >> w & 1 && d[v] + 1 > d[w])
                d[w] = d[v] + 1;
    return d[c->n - 1];
}

START_TEST(test_depth_on_mini)
{
    run_out o;
    ctx_for(&o, mini, 0);
    run(&o, cs_analysis_depth_width);
    size_t n = cs_store_num_cells(mini), count[8] = {0};
    double sum[8] = {0};
    for (size_t e = 0; e < n; e++) {
        cs_cell c;
        cs_key_cell(&cs_store_entry_at(mini, e)->cell, &c);
        int dep = longest_path(&c);
        ck_assert(dep >= 1 && dep <= 6);
        count[dep]++;
        sum[dep] += entry_mean(mini, e, 108, V_VALID);
    }
    tsv t;
    tsv_load(&o, "depth.tsv", &t);
    size_t rows = 0;
    for (int dep = 1; dep <= 6; dep++) {
        if (!count[dep])
            continue;
        ck_assert_double_eq(tsv_num(&t, rows, "depth"), dep);
        ck_assert_double_eq(tsv_num(&t, rows, "cells"), (double)count[dep]);
        ck_assert_double_eq_tol(tsv_num(&t, rows, "validation_mean"), sum[dep] / count[dep],
                                1e-12);
        rows++;
    }
    ck_assert_uint_eq(t.nrows, rows);
    tsv_free(&t);
    tsv_load(&o, "width.tsv", &t);
    double cells = 0;
    for (size_t r = 0; r < t.nrows; r++)
        cells += tsv_num(&t, r, "cells");
    ck_assert_double_eq(cells, (double)n);
    tsv_free(&t);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

/* --- labels, missing budgets, no store -------------------------------------------- */

static const struct {
    const char *json;
    const char *tsv;
    cs_analysis_fn fn;
} all[] = {
    {"accuracy.json", "accuracy_ecdf.tsv", cs_analysis_accuracy},
    {"noise.json", "noise_ecdf.tsv", cs_analysis_noise},
    {"cost.json", "cost_marked.tsv", cs_analysis_cost},
    {"budget_correlation.json", "budget_correlation.tsv", cs_analysis_budget_correlation},
    {"op_importance.json", "op_importance_ecdf.tsv", cs_analysis_op_importance},
    {"depth_width.json", "depth.tsv", cs_analysis_depth_width},
};

START_TEST(test_synthetic_store_is_labelled)
{
    run_out o;
    ctx_for(&o, synth, 0);
    ck_assert(cs_analysis_synthetic(&o.ctx));
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
        run(&o, all[k].fn);
        json_t *j = load_out(&o, all[k].json);
        ck_assert_msg(json_is_true(json_object_get(j, "synthetic")), "%s", all[k].json);
        /* only 108 epochs: the other budgets are reported missing */
        json_t *miss = json_object_get(j, "budgets_missing");
        ck_assert_uint_eq(json_array_size(miss), 3);
        ck_assert_int_eq(json_integer_value(json_array_get(miss, 0)), 4);
        json_decref(j);
        tsv t;
        tsv_load(&o, all[k].tsv, &t);
        bool labelled = false;
        for (size_t c = 0; c < t.ncomment; c++)
            labelled |= strstr(t.comment[c], "SYNTHETIC") != NULL;
        ck_assert_msg(labelled, "%s does not say SYNTHETIC", all[k].tsv);
        tsv_free(&t);
    }
    json_t *j = load_out(&o, "budget_correlation.json");
    ck_assert(json_object_get(j, "note") != NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(
                          json_array_get(json_object_get(j, "subsets"), 0), "pairs")),
                      0);
    json_decref(j);
    /* noise by hand: test accuracies m-0.01, m, m+0.01: sample sd 0.01 */
    j = load_out(&o, "noise.json");
    json_t *pb = json_array_get(json_object_get(j, "per_budget"), 0);
    ck_assert_double_eq_tol(jnum(pb, "test_stddev.q50"), 0.01, 1e-9);
    ck_assert_double_eq_tol(jnum(pb, "test_stddev.max"), 0.01, 1e-9);
    json_decref(j);
    /* the ResNet-like cell is D: its validation accuracy is 0.93 */
    j = load_out(&o, "cost.json");
    json_t *res = json_array_get(json_object_get(j, "marked"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(res, "label")), "resnet-like");
    ck_assert_double_eq_tol(jnum(res, "validation"), 0.93, 1e-9);
    /* A's neighbours in this store: B and C */
    ck_assert_int_eq((int)jnum(j, "inception_neighbours_in_dataset"), 2);
    json_decref(j);
    /* the time front by hand: C (800 s, 0.90), B (900 s, 0.925), A (1000 s,
     * 0.94); F ties A's accuracy in more time, D and E are beaten */
    tsv t;
    tsv_load(&o, "cost_pareto_time.tsv", &t);
    ck_assert_uint_eq(t.nrows, 3);
    ck_assert_double_eq_tol(tsv_num(&t, 0, "training_time"), 800.0, 1e-9);
    ck_assert_double_eq_tol(tsv_num(&t, 1, "training_time"), 900.0, 1e-9);
    ck_assert_double_eq_tol(tsv_num(&t, 2, "training_time"), 1000.0, 1e-9);
    ck_assert_double_eq_tol(tsv_num(&t, 2, "validation"), 0.94, 1e-9);
    tsv_free(&t);
    cs_analysis_ctx_destroy(&o.ctx);
}
END_TEST

START_TEST(test_real_labels_and_no_store)
{
    /* real data: every output says so, none says SYNTHETIC */
    run_out o;
    ctx_for(&o, real30, 0);
    ck_assert(!cs_analysis_synthetic(&o.ctx));
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
        run(&o, all[k].fn);
        json_t *j = load_out(&o, all[k].json);
        ck_assert_msg(json_is_false(json_object_get(j, "synthetic")), "%s", all[k].json);
        ck_assert_int_eq((int)jnum(j, "cells"), 30);
        json_decref(j);
        tsv t;
        tsv_load(&o, all[k].tsv, &t);
        bool real = false;
        for (size_t c = 0; c < t.ncomment; c++) {
            ck_assert(strstr(t.comment[c], "SYNTHETIC") == NULL);
            real |= strstr(t.comment[c], "NAS-Bench-101 results") != NULL;
        }
        ck_assert_msg(real, "%s does not name its data", all[k].tsv);
        tsv_free(&t);
    }
    /* the real cells' mean test accuracy, recomputed from the runs */
    json_t *j = load_out(&o, "accuracy.json");
    double sum = 0;
    for (size_t e = 0; e < 30; e++)
        sum += entry_mean(real30, e, 108, V_TEST);
    ck_assert_double_eq_tol(jnum(j, "test.mean"), sum / 30, 1e-12);
    json_decref(j);
    cs_analysis_ctx_destroy(&o.ctx);
    /* no store: every analysis refuses */
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    cs_error err;
    ck_assert_int_eq(cs_analysis_ctx_init(&ctx, space, NULL, &err), CS_OK);
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
        ck_assert_int_eq(all[k].fn(&ctx, o.dir, &err), CS_ERR_ARG);
        ck_assert(strstr(err.msg, "needs a dataset") != NULL);
    }
    cs_analysis_ctx_destroy(&ctx);
}
END_TEST

TCase *cs_dataset_tcase(void)
{
    TCase *tc = tcase_create("dataset");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_accuracy_on_mini);
    tcase_add_test(tc, test_noise_on_mini);
    tcase_add_test(tc, test_named_cells_and_neighbours);
    tcase_add_test(tc, test_cost_on_mini);
    tcase_add_test(tc, test_budget_correlation_on_mini);
    tcase_add_test(tc, test_op_importance_by_hand);
    tcase_add_test(tc, test_op_importance_threads_agree);
    tcase_add_test(tc, test_depth_on_mini);
    tcase_add_test(tc, test_synthetic_store_is_labelled);
    tcase_add_test(tc, test_real_labels_and_no_store);
    return tc;
}
