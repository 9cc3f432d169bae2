/* The paper's dataset analyses (cs_dataset.h): accuracy distributions,
 * noise, cost, rank correlation across budgets, operation importance,
 * depth and width.  Definitions are in the header; every JSON repeats the
 * ones it relies on, so a reader of the numbers need not read C. */
#include "cs_dataset.h"
#include "cs_parallel.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis_writers.h"
#include "cs_params.h"
#include "cs_stats.h"
#include "cs_structure.h"

/* The budget the paper's figures use. */
#define PAPER_EPOCHS 108
/* Rows of accuracy_best.tsv. */
#define BEST_ROWS 20
/* Bins per axis of the cost grids. */
#define COST_BINS 120

static const char *const op_short[CS_NUM_OPS] = {"conv3x3", "conv1x1", "maxpool3x3"};

static const char ACCURACY_DEF[] =
    "mean over a cell's repeats of its final accuracy at the budget; cells the dataset "
    "lacks are left out";

/* --- small helpers ---------------------------------------------------------------- */

static void progress(const cs_analysis_ctx *ctx, const char *phase, double done)
{
    cs_monitor_progress(&ctx->monitor, phase, done);
}

static cs_status need_store(const cs_analysis_ctx *ctx, const char *name, cs_error *err)
{
    if (!ctx->store || !ctx->class_entry)
        return cs_error_set(err, CS_ERR_ARG,
                            "analysis %s needs a dataset (a store or a .tfrecord)", name);
    return CS_OK;
}

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* --- the dataset's cells -------------------------------------------------------------- */

enum { F_TRAIN, F_VALID, F_TEST, F_TIME };

static double run_field(const cs_run *r, int f)
{
    switch (f) {
    case F_TRAIN:
        return r->final_train_accuracy;
    case F_VALID:
        return r->final_validation_accuracy;
    case F_TEST:
        return r->final_test_accuracy;
    default:
        return r->final_training_time;
    }
}

/* The cells of the dataset, in class order, and its budgets. */
typedef struct ds_cells {
    const cs_store *store;
    size_t n;
    int64_t *cls;    /* class of the space */
    size_t *entry;   /* store entry */
    int nb;
    int epochs[CS_STORE_MAX_BUDGETS];
    int main_b;      /* 108 epochs, or the largest budget */
} ds_cells;

static void ds_destroy(ds_cells *d)
{
    free(d->cls);
    free(d->entry);
    d->cls = NULL;
    d->entry = NULL;
}

static cs_status ds_init(ds_cells *d, const cs_analysis_ctx *ctx, const char *name,
                         cs_error *err)
{
    memset(d, 0, sizeof *d);
    cs_status st = need_store(ctx, name, err);
    if (st)
        return st;
    d->store = ctx->store;
    d->nb = cs_store_num_budgets(ctx->store);
    if (d->nb < 1)
        return cs_error_set(err, CS_ERR_FORMAT, "the dataset has no budgets");
    d->main_b = 0;
    for (int b = 0; b < d->nb; b++) {
        d->epochs[b] = cs_store_budget(ctx->store, b);
        if (d->epochs[b] == PAPER_EPOCHS ||
            (d->epochs[d->main_b] != PAPER_EPOCHS && d->epochs[b] > d->epochs[d->main_b]))
            d->main_b = b;
    }
    size_t nc = cs_space_num_classes(ctx->space), ne = cs_store_num_cells(ctx->store);
    d->cls = xcalloc(ne, sizeof *d->cls);
    d->entry = xcalloc(ne, sizeof *d->entry);
    if (!d->cls || !d->entry) {
        ds_destroy(d);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    for (size_t c = 0; c < nc; c++)
        if (ctx->class_entry[c] >= 0) {
            d->cls[d->n] = (int64_t)c;
            d->entry[d->n++] = (size_t)ctx->class_entry[c];
        }
    return CS_OK;
}

static int ds_repeats(const ds_cells *d, size_t i, int b)
{
    return cs_store_entry_at(d->store, d->entry[i])->repeats[b];
}

/* Columns per dataset cell of the fields in mask (bit f for field f) at
 * budget b, NaN where the budget is missing; one pass over the store, whose
 * entries are far apart (the runs of a budget share cache lines, so four
 * fields cost what one does). */
#define ALL_FIELDS 0xf

static cs_status ds_columns(const ds_cells *d, int b, unsigned mask, double *out[4],
                            cs_error *err)
{
    for (int f = 0; f < 4; f++)
        out[f] = NULL;
    for (int f = 0; f < 4; f++)
        if (mask >> f & 1 && !(out[f] = xcalloc(d->n, sizeof *out[f]))) {
            for (int g = 0; g < f; g++) {
                free(out[g]);
                out[g] = NULL;
            }
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        }
    for (size_t i = 0; i < d->n; i++) {
        int r = ds_repeats(d, i, b);
        const cs_run *runs = r ? cs_store_runs(d->store, d->entry[i], b) : NULL;
        for (int f = 0; f < 4; f++) {
            if (!out[f])
                continue;
            double sum = 0.0;
            for (int k = 0; k < r; k++)
                sum += run_field(&runs[k], f);
            out[f][i] = r ? sum / r : NAN;
        }
    }
    return CS_OK;
}

static void free_columns(double *col[4])
{
    for (int f = 0; f < 4; f++) {
        free(col[f]);
        col[f] = NULL;
    }
}

/* Budgets of 4, 12, 36, 108 the dataset lacks. */
static void cs_jb_budgets(cs_jb *b, const ds_cells *d)
{
    static const int official[] = {4, 12, 36, 108};
    cs_jb_key(b, "budgets");
    cs_jb_open(b, '[');
    for (int i = 0; i < d->nb; i++)
        cs_jb_int(b, d->epochs[i]);
    cs_jb_close(b, ']');
    cs_jb_key(b, "budgets_missing");
    cs_jb_open(b, '[');
    for (size_t k = 0; k < sizeof official / sizeof *official; k++) {
        bool have = false;
        for (int i = 0; i < d->nb; i++)
            have |= d->epochs[i] == official[k];
        if (!have)
            cs_jb_int(b, official[k]);
    }
    cs_jb_close(b, ']');
    cs_jb_ki(b, "epochs", d->epochs[d->main_b]);
    if (d->epochs[d->main_b] != PAPER_EPOCHS)
        cs_jb_ks(b, "epochs_note",
              "the dataset has no 108-epoch runs: its largest budget stands in for 108");
    cs_jb_ki(b, "cells", (long long)d->n);
}

/* Hash and compact form of dataset cell i, as stored. */
static void ds_names(const ds_cells *d, size_t i, char hex[33], char *compact, size_t size)
{
    const cs_store_entry *e = cs_store_entry_at(d->store, d->entry[i]);
    cs_hash_to_hex(e->hash, hex);
    cs_cell c;
    cs_key_cell(&e->cell, &c);
    cs_cell_format_compact(&c, compact, size);
}

/* Sort helpers: indices ordered by a value (descending or ascending),
 * ties by index, which is class order. */
typedef struct keyed {
    double v;
    size_t i;
} keyed;

static int keyed_desc(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Gather the values of col where keep (NaN-free) and sort them. */
static cs_status sorted_finite(const double *col, size_t n, double **out, size_t *count,
                               cs_error *err)
{
    double *v = xcalloc(n, sizeof *v);
    if (!v)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(col[i]))
            v[k++] = col[i];
    cs_sorted_copy(v, k, v);
    *out = v;
    *count = k;
    return CS_OK;
}

/* ===================================================================================
 * 1. accuracy (Fig. 2 left)
 * =================================================================================== */

/* accuracy_best.tsv: the BEST_ROWS cells first in order (by validation
 * accuracy, descending) of the have that have one. */
static cs_status best_cells_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                const ds_cells *d, double *const col[4], const keyed *order,
                                size_t have, cs_error *err)
{
    char what[256];
    snprintf(what, sizeof what,
             "the %d cells with the highest validation accuracy at %d epochs (%s)", BEST_ROWS,
             d->epochs[d->main_b], ACCURACY_DEF);
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "accuracy_best.tsv", what,
                                        "rank\tclass\thash\tcell\ttrainable_parameters\t"
                                        "training_time\ttrain\tvalidation\ttest",
                                        &out, err);
    if (st)
        return st;
    for (size_t r = 0; r < have && r < BEST_ROWS; r++) {
        size_t i = order[r].i;
        char hex[33], compact[128];
        ds_names(d, i, hex, compact, sizeof compact);
        fprintf(out.f, "%zu\t%lld\t%s\t%s\t%d", r + 1, (long long)d->cls[i], hex, compact,
                (int)cs_store_entry_at(d->store, d->entry[i])->trainable_parameters);
        cs_analysis_tsv_num(out.f, col[F_TIME][i], false);
        cs_analysis_tsv_num(out.f, col[F_TRAIN][i], false);
        cs_analysis_tsv_num(out.f, col[F_VALID][i], false);
        cs_analysis_tsv_num(out.f, col[F_TEST][i], false);
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

/* Cell i's accuracies, parameters and time as an object; null for SIZE_MAX
 * (no cell). */
static void put_best_cell(cs_jb *j, const ds_cells *d, double *const col[4], size_t i)
{
    if (i == SIZE_MAX) {
        cs_jb_null(j);
        return;
    }
    char hex[33], compact[128];
    ds_names(d, i, hex, compact, sizeof compact);
    cs_jb_open(j, '{');
    cs_jb_ks(j, "hash", hex);
    cs_jb_ks(j, "cell", compact);
    cs_jb_ki(j, "class", d->cls[i]);
    cs_jb_kn(j, "train", col[F_TRAIN][i]);
    cs_jb_kn(j, "validation", col[F_VALID][i]);
    cs_jb_kn(j, "test", col[F_TEST][i]);
    cs_jb_ki(j, "trainable_parameters",
             cs_store_entry_at(d->store, d->entry[i])->trainable_parameters);
    cs_jb_kn(j, "training_time", col[F_TIME][i]);
    cs_jb_close(j, '}');
}

cs_status cs_analysis_accuracy(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    ds_cells d;
    cs_status st = ds_init(&d, ctx, "accuracy", err);
    if (st)
        return st;
    progress(ctx, "accuracy", 0.0);
    int b = d.main_b;
    double *col[4] = {NULL, NULL, NULL, NULL}, *sorted[3] = {NULL, NULL, NULL};
    size_t count[3] = {0, 0, 0};
    keyed *order = NULL;
    cs_jb j = {0};
    st = ds_columns(&d, b, ALL_FIELDS, col, err);
    for (int f = 0; f < 3 && !st; f++)
        st = sorted_finite(col[f], d.n, &sorted[f], &count[f], err);
    if (st)
        goto done;

    /* ECDFs */
    static const char *const names[] = {"train", "validation", "test"};
    char what[256];
    snprintf(what, sizeof what,
             "ECDF of train, validation and test accuracy at %d epochs (%s); "
             "fraction: cumulative fraction of cells",
             d.epochs[b], ACCURACY_DEF);
    const double *const sp[3] = {sorted[0], sorted[1], sorted[2]};
    if ((st = cs_analysis_ecdf_write(ctx, outdir, "accuracy_ecdf.tsv", what, 3, names, sp, count, err)))
        goto done;

    /* the best cells by validation accuracy (what a search would pick) */
    size_t have = 0;
    order = xcalloc(d.n, sizeof *order);
    if (!order) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d.n; i++)
        if (!isnan(col[F_VALID][i]))
            order[have++] = (keyed){col[F_VALID][i], i};
    qsort(order, have, sizeof *order, keyed_desc);
    if ((st = best_cells_tsv(ctx, outdir, &d, col, order, have, err)))
        goto done;

    /* JSON */
    if ((st = cs_jb_init(&j, err)))
        goto done;
    cs_jb_ks(&j, "accuracy_definition", ACCURACY_DEF);
    cs_jb_budgets(&j, &d);
    cs_jb_ks(&j, "ecdf_format",
          "fraction k/(m-1), each column the order statistic of rank round(fraction*(n-1))");
    for (int f = 0; f < 3; f++)
        cs_jb_summary(&j, names[f], sorted[f], count[f]);
    size_t best_test = SIZE_MAX;
    for (size_t i = 0; i < d.n; i++)
        if (!isnan(col[F_TEST][i]) &&
            (best_test == SIZE_MAX || col[F_TEST][i] > col[F_TEST][best_test]))
            best_test = i;
    cs_jb_key(&j, "best_by_validation");
    put_best_cell(&j, &d, col, have ? order[0].i : SIZE_MAX);
    cs_jb_key(&j, "best_by_test");
    put_best_cell(&j, &d, col, best_test);
    st = cs_jb_commit(ctx, outdir, "accuracy.json", "accuracy", &j, err);
    progress(ctx, "accuracy", 1.0);
done:
    cs_jb_free(&j);
    free_columns(col);
    for (int f = 0; f < 3; f++)
        free(sorted[f]);
    free(order);
    ds_destroy(&d);
    return st;
}

/* ===================================================================================
 * 2. noise (Fig. 2 right)
 * =================================================================================== */

/* At budget b: sd (sorted, *nsd of them) the per-cell sample standard
 * deviations of final test accuracy (cells with 2 repeats or more); xv and
 * yt the cells' mean validation and test accuracy (*nm cells); rv and rt
 * every run's (*nr runs). */
static void noise_at(const ds_cells *d, int b, double *sd, size_t *nsd, double *xv, double *yt,
                     size_t *nm, double *rv, double *rt, size_t *nr)
{
    *nsd = *nm = *nr = 0;
    for (size_t i = 0; i < d->n; i++) {
        int r = ds_repeats(d, i, b);
        if (r == 0)
            continue;
        /* the store holds at most CS_STORE_REPEATS runs per budget */
        if (r > CS_STORE_REPEATS)
            r = CS_STORE_REPEATS;
        const cs_run *runs = cs_store_runs(d->store, d->entry[i], b);
        double t[CS_STORE_REPEATS], sv = 0.0, stt = 0.0;
        for (int k = 0; k < r; k++) {
            t[k] = runs[k].final_test_accuracy;
            rv[*nr] = runs[k].final_validation_accuracy;
            rt[(*nr)++] = t[k];
            sv += runs[k].final_validation_accuracy;
            stt += t[k];
        }
        if (r >= 2)
            sd[(*nsd)++] = cs_stddev(t, (size_t)r);
        xv[*nm] = sv / r;
        yt[(*nm)++] = stt / r;
    }
    cs_sorted_copy(sd, *nsd, sd);
}

/* Per budget b: sd[b] as noise_at leaves it, and the validation-test Pearson
 * r over cells (r_means, over n_means cells) and over runs (r_runs, n_runs). */
typedef struct {
    double *sd[CS_STORE_MAX_BUDGETS];
    size_t nsd[CS_STORE_MAX_BUDGETS];
    double r_means[CS_STORE_MAX_BUDGETS], r_runs[CS_STORE_MAX_BUDGETS];
    size_t n_means[CS_STORE_MAX_BUDGETS], n_runs[CS_STORE_MAX_BUDGETS];
} noise_stats;

/* Fills ns for every budget of d.  ns->sd is the caller's to free, also on
 * error; the per-budget scratch is reused across budgets and freed here. */
static cs_status noise_compute(const ds_cells *d, noise_stats *ns, cs_error *err)
{
    cs_status st = CS_OK;
    double *xv = xcalloc(d->n, sizeof *xv);
    double *yt = xcalloc(d->n, sizeof *yt);
    double *rv = xcalloc(d->n * CS_STORE_REPEATS, sizeof *rv);
    double *rt = xcalloc(d->n * CS_STORE_REPEATS, sizeof *rt);
    if (!xv || !yt || !rv || !rt) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int b = 0; b < d->nb; b++) {
        if (!(ns->sd[b] = xcalloc(d->n, sizeof *ns->sd[b]))) {
            st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
            goto done;
        }
        noise_at(d, b, ns->sd[b], &ns->nsd[b], xv, yt, &ns->n_means[b], rv, rt,
                 &ns->n_runs[b]);
        ns->r_means[b] = cs_pearson(xv, yt, ns->n_means[b]);
        ns->r_runs[b] = cs_pearson(rv, rt, ns->n_runs[b]);
    }
done:
    free(xv);
    free(yt);
    free(rv);
    free(rt);
    return st;
}

static cs_status noise_ecdf_write(const cs_analysis_ctx *ctx, const char *outdir,
                                  const ds_cells *d, const noise_stats *ns, cs_error *err)
{
    char names_buf[CS_STORE_MAX_BUDGETS][16];
    const char *names[CS_STORE_MAX_BUDGETS];
    const double *sp[CS_STORE_MAX_BUDGETS];
    for (int b = 0; b < d->nb; b++) {
        snprintf(names_buf[b], sizeof names_buf[b], "e%d", d->epochs[b]);
        names[b] = names_buf[b];
        sp[b] = ns->sd[b];
    }
    return cs_analysis_ecdf_write(ctx, outdir, "noise_ecdf.tsv",
                         "ECDF of the per-cell sample standard deviation (n-1) of final test "
                         "accuracy over the repeats, one column per budget (eEPOCHS)",
                         (size_t)d->nb, names, sp, ns->nsd, err);
}

static void noise_json_put(cs_jb *j, const ds_cells *d, const noise_stats *ns)
{
    cs_jb_ks(j, "noise_definition",
          "per cell and budget: sample standard deviation (n-1 denominator) of the final test "
          "accuracy over the cell's repeats (cells with at least 2 repeats); multiply by "
          "sqrt(2/3) for numpy's default ddof=0 over 3 repeats");
    cs_jb_ks(j, "pearson_definition",
          "Pearson r between validation and test accuracy: over cells (means over repeats, the "
          "accuracy definition of every analysis) and over single runs");
    cs_jb_ks(j, "accuracy_definition", ACCURACY_DEF);
    cs_jb_budgets(j, d);
    cs_jb_key(j, "per_budget");
    cs_jb_open(j, '[');
    for (int b = 0; b < d->nb; b++) {
        cs_jb_open(j, '{');
        cs_jb_ki(j, "epochs", d->epochs[b]);
        cs_jb_summary(j, "test_stddev", ns->sd[b], ns->nsd[b]);
        cs_jb_kn(j, "pearson_validation_test_cells", ns->r_means[b]);
        cs_jb_ki(j, "cells", (long long)ns->n_means[b]);
        cs_jb_kn(j, "pearson_validation_test_runs", ns->r_runs[b]);
        cs_jb_ki(j, "runs", (long long)ns->n_runs[b]);
        cs_jb_close(j, '}');
    }
    cs_jb_close(j, ']');
    cs_jb_kn(j, "pearson_validation_test", ns->r_means[d->main_b]);
    cs_jb_key(j, "paper");
    cs_jb_open(j, '{');
    cs_jb_kn(j, "pearson_validation_test", 0.999);
    cs_jb_ks(j, "source", "Ying et al. 2019, section 5.1 (Fig. 2)");
    cs_jb_close(j, '}');
}

cs_status cs_analysis_noise(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    ds_cells d;
    cs_status st = ds_init(&d, ctx, "noise", err);
    if (st)
        return st;
    progress(ctx, "noise", 0.0);
    noise_stats ns = {0};
    cs_jb j = {0};
    if ((st = noise_compute(&d, &ns, err)) || (st = noise_ecdf_write(ctx, outdir, &d, &ns, err)) ||
        (st = cs_jb_init(&j, err)))
        goto done;
    noise_json_put(&j, &d, &ns);
    st = cs_jb_commit(ctx, outdir, "noise.json", "noise", &j, err);
    progress(ctx, "noise", 1.0);
done:
    cs_jb_free(&j);
    for (int b = 0; b < CS_STORE_MAX_BUDGETS; b++)
        free(ns.sd[b]);
    ds_destroy(&d);
    return st;
}

/* ===================================================================================
 * 3. cost (Fig. 3)
 * =================================================================================== */

void cs_dataset_inception_like(cs_cell *c)
{
    /* facts sheet section 7, the vertex order the dataset stores */
    static const char *const rows[7] = {"0111100", "0000001", "0000001", "0000001",
                                        "0000010", "0000001", "0000000"};
    static const int8_t ops[7] = {CS_OP_INPUT,      CS_OP_CONV3X3, CS_OP_CONV1X1,
                                  CS_OP_MAXPOOL3X3, CS_OP_CONV3X3, CS_OP_CONV3X3,
                                  CS_OP_OUTPUT};
    memset(c, 0, sizeof *c);
    c->n = 7;
    for (int i = 0; i < 7; i++) {
        c->op[i] = ops[i];
        for (int k = 0; k < 7; k++)
            if (rows[i][k] == '1')
                c->adj[i] |= UINT32_C(1) << k;
    }
}

void cs_dataset_resnet_like(cs_cell *c)
{
    memset(c, 0, sizeof *c);
    c->n = 4;
    c->op[0] = CS_OP_INPUT;
    c->op[1] = CS_OP_CONV3X3;
    c->op[2] = CS_OP_CONV3X3;
    c->op[3] = CS_OP_OUTPUT;
    c->adj[0] = (1u << 1) | (1u << 3); /* conv and the skip */
    c->adj[1] = 1u << 2;
    c->adj[2] = 1u << 3;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

cs_status cs_dataset_neighbours(const cs_space *sp, const cs_cell *c, int64_t *out,
                                size_t cap, size_t *count, cs_error *err)
{
    *count = 0;
    int64_t self = cs_space_find_cell(sp, c);
    if (self < 0)
        return cs_error_set(err, CS_ERR_ARG, "the cell is not in the space");
    int num_ops = cs_space_limits(sp)->num_ops;
    int64_t found[CS_CELL_MAXV * 8 + CS_CELL_MAXV * CS_CELL_MAXV / 2];
    size_t nf = 0;
    cs_cell e = *c;
    for (int v = 1; v < c->n - 1; v++)
        for (int y = 0; y < num_ops && nf < sizeof found / sizeof *found; y++) {
            if (y == c->op[v])
                continue;
            e.op[v] = (int8_t)y;
            found[nf++] = cs_space_find_cell(sp, &e);
            e.op[v] = c->op[v];
        }
    for (int x = 0; x < c->n; x++)
        for (int y = x + 1; y < c->n && nf < sizeof found / sizeof *found; y++) {
            e.adj[x] ^= UINT32_C(1) << y;
            found[nf++] = cs_space_find_cell(sp, &e); /* prunes; -1 outside */
            e.adj[x] ^= UINT32_C(1) << y;
        }
    qsort(found, nf, sizeof *found, cmp_i64);
    for (size_t i = 0; i < nf; i++) {
        if (found[i] < 0 || found[i] == self || (i > 0 && found[i] == found[i - 1]))
            continue;
        if (*count >= cap)
            return cs_error_set(err, CS_ERR_LIMIT, "more than %zu neighbours", cap);
        out[(*count)++] = found[i];
    }
    return CS_OK;
}

/* Pareto front of (x minimised, validation maximised) over the cells with
 * both, in ascending x: a cell is on it when no other cell has x as small or
 * smaller and a higher validation accuracy (of cells with equal x and equal
 * validation, the first in class order).  front gets dataset cell indices;
 * tmp has room for n. */
typedef struct xvi {
    double x, v;
    size_t i;
} xvi;

static int xvi_cmp(const void *pa, const void *pb)
{
    const xvi *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static size_t pareto_front(const double *x, const double *val, size_t n, xvi *tmp,
                           size_t *front)
{
    size_t m = 0, nf = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(val[i]))
            tmp[m++] = (xvi){x[i], val[i], i};
    qsort(tmp, m, sizeof *tmp, xvi_cmp);
    for (size_t k = 0; k < m; k++)
        if (nf == 0 || tmp[k].v > val[front[nf - 1]])
            front[nf++] = tmp[k].i;
    return nf;
}

typedef struct grid_bin {
    size_t cells;
    double sum, max;
} grid_bin;

/* y_floor: bin y from its 1st percentile up, leaving the cells below out
 * (counted in the JSON): validation accuracy has a tail of cells that did
 * not train, down to 10 %, which would leave the bins that matter coarse. */
static cs_status write_grid(const cs_analysis_ctx *ctx, const char *outdir, const char *file,
                            const char *what, const char *columns, const double *x,
                            const double *y, const double *val, size_t n, bool with_val,
                            bool y_floor, cs_jb *j, const char *key, cs_error *err)
{
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    size_t below = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]) || isnan(val[i]))
            continue;
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
        ymin = fmin(ymin, y[i]);
        ymax = fmax(ymax, y[i]);
    }
    if (y_floor) {
        double *ys = malloc((n ? n : 1) * sizeof *ys);
        size_t m = 0;
        if (!ys)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]) && !isnan(y[i]) && !isnan(val[i]))
                ys[m++] = y[i];
        if (m)
            ymin = cs_quantile(ys, m, 0.01);
        free(ys);
    }
    double wx = xmax > xmin ? (xmax - xmin) / COST_BINS : 1.0;
    double wy = ymax > ymin ? (ymax - ymin) / COST_BINS : 1.0;
    grid_bin *g = calloc((size_t)COST_BINS * COST_BINS, sizeof *g);
    if (!g)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]) || isnan(val[i]))
            continue;
        if (y[i] < ymin) {
            below++;
            continue;
        }
        long bx = (long)((x[i] - xmin) / wx), by = (long)((y[i] - ymin) / wy);
        bx = bx < 0 ? 0 : (bx >= COST_BINS ? COST_BINS - 1 : bx);
        by = by < 0 ? 0 : (by >= COST_BINS ? COST_BINS - 1 : by);
        grid_bin *c = &g[bx * COST_BINS + by];
        c->max = c->cells ? fmax(c->max, val[i]) : val[i];
        c->cells++;
        c->sum += val[i];
    }
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, file, what, columns, &out, err);
    if (!st) {
        for (long bx = 0; bx < COST_BINS; bx++)
            for (long by = 0; by < COST_BINS; by++) {
                const grid_bin *c = &g[bx * COST_BINS + by];
                if (!c->cells)
                    continue;
                cs_analysis_tsv_num(out.f, xmin + (bx + 0.5) * wx, true);
                cs_analysis_tsv_num(out.f, ymin + (by + 0.5) * wy, false);
                fprintf(out.f, "\t%zu", c->cells);
                if (with_val) {
                    cs_analysis_tsv_num(out.f, c->sum / (double)c->cells, false);
                    cs_analysis_tsv_num(out.f, c->max, false);
                }
                fputc('\n', out.f);
            }
        st = cs_analysis_close(&out, err);
    }
    free(g);
    cs_jb_key(j, key);
    cs_jb_open(j, '{');
    cs_jb_ki(j, "bins_per_axis", COST_BINS);
    cs_jb_kn(j, "x_min", xmin);
    cs_jb_kn(j, "x_bin_width", wx);
    cs_jb_kn(j, "y_min", ymin);
    cs_jb_kn(j, "y_bin_width", wy);
    if (y_floor) {
        cs_jb_ks(j, "y_range", "from the 1st percentile of y; cells below it are left out");
        cs_jb_ki(j, "cells_below_y_range", (long long)below);
    }
    cs_jb_close(j, '}');
    return st;
}

static cs_status write_front(const cs_analysis_ctx *ctx, const char *outdir, const char *file,
                             const char *what, const char *xname, const ds_cells *d,
                             const double *x, const double *val, const double *test,
                             const size_t *front, size_t nf, cs_jb *j, const char *key,
                             cs_error *err)
{
    char columns[256];
    snprintf(columns, sizeof columns, "%s\tvalidation\ttest\tclass\thash\tcell", xname);
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, file, what, columns, &out, err);
    if (st)
        return st;
    for (size_t k = 0; k < nf; k++) {
        size_t i = front[k];
        char hex[33], compact[128];
        ds_names(d, i, hex, compact, sizeof compact);
        cs_analysis_tsv_num(out.f, x[i], true);
        cs_analysis_tsv_num(out.f, val[i], false);
        cs_analysis_tsv_num(out.f, test[i], false);
        fprintf(out.f, "\t%lld\t%s\t%s\n", (long long)d->cls[i], hex, compact);
    }
    st = cs_analysis_close(&out, err);
    cs_jb_key(j, key);
    cs_jb_open(j, '{');
    cs_jb_ki(j, "cells", (long long)nf);
    if (nf) {
        cs_jb_kn(j, "cheapest_x", x[front[0]]);
        cs_jb_kn(j, "cheapest_validation", val[front[0]]);
        cs_jb_kn(j, "best_x", x[front[nf - 1]]);
        cs_jb_kn(j, "best_validation", val[front[nf - 1]]);
    }
    cs_jb_close(j, '}');
    return st;
}

/* Position of class c among the dataset's cells (ds.cls ascending), or
 * SIZE_MAX. */
static size_t ds_find_class(const ds_cells *d, int64_t c)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->cls[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->cls[lo] == c ? lo : SIZE_MAX;
}

typedef struct marked {
    const char *label;
    int64_t cls;
} marked;

/* Correlations of cost and accuracy over the cells with both. */
static cs_status cost_correlations(cs_jb *j, const double *params, const double *time,
                                   const double *val, size_t n, cs_error *err)
{
    size_t m = 0;
    double *xs = xcalloc(n, sizeof *xs), *ys = xcalloc(n, sizeof *ys), *zs = xcalloc(n, sizeof *zs);
    if (!xs || !ys || !zs) {
        free(xs);
        free(ys);
        free(zs);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (!isnan(val[i]) && !isnan(time[i])) {
            xs[m] = params[i];
            ys[m] = time[i];
            zs[m++] = val[i];
        }
    double r1, r2;
    cs_status st;
    cs_jb_key(j, "correlation");
    cs_jb_open(j, '{');
    cs_jb_kn(j, "pearson_params_validation", cs_pearson(xs, zs, m));
    cs_jb_kn(j, "pearson_time_validation", cs_pearson(ys, zs, m));
    cs_jb_kn(j, "pearson_params_time", cs_pearson(xs, ys, m));
    if (!(st = cs_spearman(xs, zs, m, &r1, err)) && !(st = cs_spearman(ys, zs, m, &r2, err))) {
        cs_jb_kn(j, "spearman_params_validation", r1);
        cs_jb_kn(j, "spearman_time_validation", r2);
    }
    cs_jb_close(j, '}');
    free(xs);
    free(ys);
    free(zs);
    return st;
}

/* Room for the ResNet-like and Inception-like cells and the latter's
 * neighbours. */
#define MAX_MARKED (2 + 64)

/* The ResNet-like cell, the Inception-like cell and, when the space holds
 * the latter, its neighbours (*nnb of them), into mk. */
static cs_status marked_cells(const cs_analysis_ctx *ctx, marked *mk, size_t *nmk, size_t *nnb,
                              cs_error *err)
{
    cs_status st = CS_OK;
    cs_cell inc, res;
    cs_dataset_inception_like(&inc);
    cs_dataset_resnet_like(&res);
    size_t n = 0;
    mk[n++] = (marked){"resnet-like", cs_space_find_cell(ctx->space, &res)};
    mk[n++] = (marked){"inception-like", cs_space_find_cell(ctx->space, &inc)};
    int64_t nb[MAX_MARKED - 2];
    *nnb = 0;
    if (mk[1].cls >= 0 &&
        (st = cs_dataset_neighbours(ctx->space, &inc, nb, sizeof nb / sizeof *nb, nnb, err)))
        return st;
    for (size_t k = 0; k < *nnb; k++)
        mk[n++] = (marked){"inception-neighbour", nb[k]};
    *nmk = n;
    return CS_OK;
}

/* cost_marked.tsv: the marked cells the dataset has a result for; *in_data
 * of the neighbours among them. */
static cs_status cost_marked_tsv(const cs_analysis_ctx *ctx, const char *outdir, const ds_cells *d,
                                 const marked *mk, size_t nmk, const double *params,
                                 const double *time, const double *val, const double *test,
                                 size_t *in_data, cs_error *err)
{
    cs_outfile out;
    cs_status st;
    if ((st = cs_analysis_tsv_open(ctx, outdir, "cost_marked.tsv",
                                   "the ResNet-like and Inception-like cells and the "
                                   "Inception-like cell's neighbours (one edit away) that the "
                                   "dataset holds",
                                   "label\tclass\thash\tcell\ttrainable_parameters\t"
                                   "training_time\tvalidation\ttest",
                                   &out, err)))
        return st;
    *in_data = 0;
    for (size_t k = 0; k < nmk; k++) {
        size_t i = mk[k].cls >= 0 ? ds_find_class(d, mk[k].cls) : SIZE_MAX;
        if (i == SIZE_MAX || isnan(val[i]))
            continue;
        char hex[33], compact[128];
        ds_names(d, i, hex, compact, sizeof compact);
        fprintf(out.f, "%s\t%lld\t%s\t%s\t%.0f", mk[k].label, (long long)mk[k].cls, hex,
                compact, params[i]);
        cs_analysis_tsv_num(out.f, time[i], false);
        cs_analysis_tsv_num(out.f, val[i], false);
        cs_analysis_tsv_num(out.f, test[i], false);
        fputc('\n', out.f);
        *in_data += k >= 2;
    }
    return cs_analysis_close(&out, err);
}

/* One marked cell in the JSON: its class's cell whether or not the
 * dataset has it, and the dataset's values when it does. */
static void marked_json(cs_jb *j, const cs_enum_result *er, const ds_cells *d, const marked *m,
                        const double *params, const double *time, const double *val,
                        const double *test)
{
    cs_jb_open(j, '{');
    cs_jb_ks(j, "label", m->label);
    cs_jb_ki(j, "class", m->cls);
    size_t i = m->cls >= 0 ? ds_find_class(d, m->cls) : SIZE_MAX;
    if (m->cls >= 0) {
        cs_cell rep;
        char compact[128];
        int64_t p = -1;
        cs_enum_class_cell(er, &er->classes[m->cls], &rep);
        cs_cell_format_compact(&rep, compact, sizeof compact);
        char hex[33];
        cs_hash_to_hex(er->classes[m->cls].hash, hex);
        cs_jb_ks(j, "hash", hex);
        cs_jb_ks(j, "cell", compact);
        /* what the facts sheet's rule gives, beside the dataset's value */
        if (cs_cell_trainable_parameters(&rep, &p, NULL) == CS_OK)
            cs_jb_ki(j, "trainable_parameters_computed", p);
    }
    cs_jb_key(j, "in_dataset");
    cs_jb_bool(j, i != SIZE_MAX && !isnan(val[i]));
    if (i != SIZE_MAX && !isnan(val[i])) {
        cs_jb_kn(j, "trainable_parameters", params[i]);
        cs_jb_kn(j, "training_time", time[i]);
        cs_jb_kn(j, "validation", val[i]);
        cs_jb_kn(j, "test", test[i]);
    }
    cs_jb_close(j, '}');
}

/* The ResNet-like and Inception-like cells and the Inception-like cell's
 * neighbours: cost_marked.tsv and the JSON's "marked". */
static cs_status cost_marked(const cs_analysis_ctx *ctx, const char *outdir, const ds_cells *d,
                             const double *params, const double *time, const double *val,
                             const double *test, cs_jb *j, cs_error *err)
{
    marked mk[MAX_MARKED];
    size_t nmk = 0, nnb = 0, in_data = 0;
    cs_status st;
    if ((st = marked_cells(ctx, mk, &nmk, &nnb, err)) ||
        (st = cost_marked_tsv(ctx, outdir, d, mk, nmk, params, time, val, test, &in_data, err)))
        return st;
    cs_jb_ks(j, "resnet_like_definition",
          "input -> conv3x3 -> conv3x3 -> output plus input -> output (I33O:101101): our "
          "reading of the paper's ResNet-like cell (Fig. 3), whose matrix the sources we "
          "consulted do not give");
    cs_jb_ks(j, "inception_like_source",
          "google-research/nasbench NASBench.ipynb (facts sheet section 7)");
    cs_jb_ks(j, "neighbour_definition",
          "classes one edit away: one interior op changed, or one edge added or removed, "
          "then pruned; results outside the space do not count");
    cs_jb_ki(j, "inception_neighbours_in_space", (long long)nnb);
    cs_jb_ki(j, "inception_neighbours_in_dataset", (long long)in_data);
    cs_jb_key(j, "marked");
    cs_jb_open(j, '[');
    const cs_enum_result *er = cs_space_result(ctx->space);
    for (size_t k = 0; k < nmk; k++)
        marked_json(j, er, d, &mk[k], params, time, val, test);
    cs_jb_close(j, ']');
    return CS_OK;
}

cs_status cs_analysis_cost(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    ds_cells d;
    cs_status st = ds_init(&d, ctx, "cost", err);
    if (st)
        return st;
    progress(ctx, "cost", 0.0);
    int b = d.main_b;
    double *params = NULL, *col[4] = {NULL, NULL, NULL, NULL};
    xvi *tmp = NULL;
    size_t *front = NULL;
    cs_jb j = {0};
    if ((st = ds_columns(&d, b, ALL_FIELDS, col, err)))
        goto done;
    params = xcalloc(d.n, sizeof *params);
    tmp = xcalloc(d.n, sizeof *tmp);
    front = xcalloc(d.n, sizeof *front);
    if (!params || !tmp || !front) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d.n; i++)
        params[i] = cs_store_entry_at(d.store, d.entry[i])->trainable_parameters;
    const double *val = col[F_VALID], *time = col[F_TIME], *test = col[F_TEST];

    if ((st = cs_jb_init(&j, err)))
        goto done;
    cs_jb_ks(&j, "accuracy_definition", ACCURACY_DEF);
    cs_jb_ks(&j, "training_time_definition",
          "mean over a cell's repeats of final_training_time (seconds) at the budget");
    cs_jb_budgets(&j, &d);
    char what[320];
    snprintf(what, sizeof what,
             "Fig. 3 left: cells binned by trainable parameters and training time at %d "
             "epochs (bin centres), with the mean and the best validation accuracy per bin",
             d.epochs[b]);
    if ((st = write_grid(ctx, outdir, "cost_params_time.tsv", what,
                         "trainable_parameters\ttraining_time\tcells\tmean_validation\t"
                         "max_validation",
                         params, time, val, d.n, true, false, &j, "grid_params_time", err)))
        goto done;
    snprintf(what, sizeof what,
             "Fig. 3 right: cells binned by training time and validation accuracy at %d "
             "epochs (bin centres; validation from its 1st percentile up)",
             d.epochs[b]);
    if ((st = write_grid(ctx, outdir, "cost_time_validation.tsv", what,
                         "training_time\tvalidation\tcells", time, val, val, d.n, false, true,
                         &j, "grid_time_validation", err)))
        goto done;

    size_t nf = pareto_front(params, val, d.n, tmp, front);
    if ((st = write_front(ctx, outdir, "cost_pareto_params.tsv",
                          "Pareto front: no other cell has as few parameters or fewer and a "
                          "higher validation accuracy",
                          "trainable_parameters", &d, params, val, test, front, nf, &j,
                          "pareto_params", err)))
        goto done;
    nf = pareto_front(time, val, d.n, tmp, front);
    if ((st = write_front(ctx, outdir, "cost_pareto_time.tsv",
                          "Pareto front: no other cell trains as fast or faster to a higher "
                          "validation accuracy",
                          "training_time", &d, time, val, test, front, nf, &j, "pareto_time",
                          err)))
        goto done;

    if ((st = cost_correlations(&j, params, time, val, d.n, err)) ||
        (st = cost_marked(ctx, outdir, &d, params, time, val, test, &j, err)))
        goto done;
    st = cs_jb_commit(ctx, outdir, "cost.json", "cost", &j, err);
    progress(ctx, "cost", 1.0);
done:
    cs_jb_free(&j);
    free_columns(col);
    free(params);
    free(tmp);
    free(front);
    ds_destroy(&d);
    return st;
}

/* ===================================================================================
 * 4. rank correlation across budgets (the supplement's heat map)
 * =================================================================================== */

static const int top_percent[] = {100, 50, 10, 1};
#define NSUB (sizeof top_percent / sizeof *top_percent)
#define MAX_PAIRS (CS_STORE_MAX_BUDGETS * (CS_STORE_MAX_BUDGETS - 1) / 2)

typedef struct corr_work {
    const size_t *order;                    /* common cells, best first */
    size_t k[NSUB];                         /* cells in each subset */
    const double *vcol[CS_STORE_MAX_BUDGETS];
    size_t npairs;
    int pa[MAX_PAIRS], pb[MAX_PAIRS];
    double rho[NSUB * MAX_PAIRS], tau[NSUB * MAX_PAIRS];
    cs_status st[NSUB * MAX_PAIRS];
    cs_error err[NSUB * MAX_PAIRS];
} corr_work;

static void corr_job(void *arg, size_t jx)
{
    corr_work *w = arg;
    size_t s = jx / w->npairs, p = jx % w->npairs, k = w->k[s];
    double *x = xcalloc(k, sizeof *x), *y = xcalloc(k, sizeof *y);
    if (!x || !y) {
        w->st[jx] = cs_error_set(&w->err[jx], CS_ERR_NOMEM, "out of memory");
    } else {
        for (size_t q = 0; q < k; q++) {
            x[q] = w->vcol[w->pa[p]][w->order[q]];
            y[q] = w->vcol[w->pb[p]][w->order[q]];
        }
        w->st[jx] = cs_spearman(x, y, k, &w->rho[jx], &w->err[jx]);
        if (!w->st[jx])
            w->st[jx] = cs_kendall_tau_b(x, y, k, &w->tau[jx], &w->err[jx]);
    }
    free(x);
    free(y);
}

/* 1 for a column correlated with itself, NaN when it is constant. */
static double self_correlation(const double *col, const size_t *order, size_t k)
{
    if (k < 2)
        return NAN;
    for (size_t q = 1; q < k; q++)
        if (col[order[q]] != col[order[0]])
            return 1.0;
    return NAN;
}

/* budget_correlation.tsv: every pair of budgets (both ways, and each with
 * itself) for every top subset. */
static cs_status budget_corr_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                 const ds_cells *d, double *const *vcol, const size_t *order,
                                 const corr_work *w, cs_error *err)
{
    cs_outfile out;
    cs_status st;
    char what[400];
    snprintf(what, sizeof what,
             "rank correlation of mean validation accuracy between budgets over the best "
             "top_percent %% of the cells with every budget (ranked by %d-epoch validation "
             "accuracy); ix, iy index the budgets for a heat map (with image)",
             d->epochs[d->main_b]);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "budget_correlation.tsv", what,
                                   "top_percent\tcells\tix\tiy\tepochs_x\tepochs_y\tspearman\t"
                                   "kendall_tau_b",
                                   &out, err)))
        return st;
    for (size_t s = 0; s < NSUB; s++)
        for (int x = 0; x < d->nb; x++)
            for (int y = 0; y < d->nb; y++) {
                double rho, tau;
                if (x == y) {
                    rho = tau = self_correlation(vcol[x], order, w->k[s]);
                } else {
                    size_t p = 0;
                    while (!((w->pa[p] == x && w->pb[p] == y) || (w->pa[p] == y && w->pb[p] == x)))
                        p++;
                    rho = w->rho[s * w->npairs + p];
                    tau = w->tau[s * w->npairs + p];
                }
                fprintf(out.f, "%d\t%zu\t%d\t%d\t%d\t%d", top_percent[s], w->k[s], x, y,
                        d->epochs[x], d->epochs[y]);
                cs_analysis_tsv_num(out.f, rho, false);
                cs_analysis_tsv_num(out.f, tau, false);
                fputc('\n', out.f);
            }
    return cs_analysis_close(&out, err);
}

/* budget_correlation.json: the definitions, the subsets' pairs, the paper's. */
static cs_status budget_corr_json(const cs_analysis_ctx *ctx, const char *outdir,
                                  const ds_cells *d, double *const *vcol, const size_t *order,
                                  size_t n, const corr_work *w, cs_error *err)
{
    cs_jb j = {0};
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    cs_jb_ks(&j, "accuracy_definition", ACCURACY_DEF);
    cs_jb_ks(&j, "top_definition",
          "top x %: the ceil(x/100 * N) cells with the highest mean validation accuracy at the "
          "ranking budget among the N cells with every budget of the dataset, ties broken by "
          "class order; each pair of budgets is correlated over that same set");
    cs_jb_ki(&j, "ranking_epochs", d->epochs[d->main_b]);
    cs_jb_budgets(&j, d);
    cs_jb_ki(&j, "cells_with_every_budget", (long long)n);
    if (d->nb < 2)
        cs_jb_ks(&j, "note", "the dataset has one budget: there is no pair to correlate");
    cs_jb_key(&j, "subsets");
    cs_jb_open(&j, '[');
    for (size_t s = 0; s < NSUB; s++) {
        cs_jb_open(&j, '{');
        cs_jb_ki(&j, "top_percent", top_percent[s]);
        cs_jb_ki(&j, "cells", (long long)w->k[s]);
        cs_jb_kn(&j, "threshold_validation", w->k[s] ? vcol[d->main_b][order[w->k[s] - 1]] : NAN);
        cs_jb_key(&j, "pairs");
        cs_jb_open(&j, '[');
        for (size_t p = 0; p < w->npairs; p++) {
            cs_jb_open(&j, '{');
            cs_jb_key(&j, "epochs");
            cs_jb_open(&j, '[');
            cs_jb_int(&j, d->epochs[w->pa[p]]);
            cs_jb_int(&j, d->epochs[w->pb[p]]);
            cs_jb_close(&j, ']');
            cs_jb_kn(&j, "spearman", w->rho[s * w->npairs + p]);
            cs_jb_kn(&j, "kendall_tau_b", w->tau[s * w->npairs + p]);
            cs_jb_close(&j, '}');
        }
        cs_jb_close(&j, ']');
        cs_jb_close(&j, '}');
    }
    cs_jb_close(&j, ']');
    cs_jb_key(&j, "paper");
    cs_jb_open(&j, '{');
    cs_jb_ki(&j, "top_percent", 10);
    cs_jb_key(&j, "epochs");
    cs_jb_open(&j, '[');
    cs_jb_int(&j, 36);
    cs_jb_int(&j, 108);
    cs_jb_close(&j, ']');
    cs_jb_kn(&j, "value", 0.365);
    cs_jb_ks(&j, "source",
          "Ying et al. 2019, supplement: rank correlation heat map between budgets");
    for (size_t p = 0; p < w->npairs; p++)
        if (d->epochs[w->pa[p]] == 36 && d->epochs[w->pb[p]] == 108) {
            cs_jb_kn(&j, "ours_spearman", w->rho[2 * w->npairs + p]);
            cs_jb_kn(&j, "ours_kendall_tau_b", w->tau[2 * w->npairs + p]);
        }
    cs_jb_close(&j, '}');
    st = cs_jb_commit(ctx, outdir, "budget_correlation.json", "budget-correlation", &j, err);
    cs_jb_free(&j);
    return st;
}

cs_status cs_analysis_budget_correlation(const cs_analysis_ctx *ctx, const char *outdir,
                                         cs_error *err)
{
    ds_cells d;
    cs_status st = ds_init(&d, ctx, "budget correlation", err);
    if (st)
        return st;
    progress(ctx, "budget correlation", 0.0);
    double *vcol[CS_STORE_MAX_BUDGETS] = {NULL};
    keyed *rank = NULL;
    size_t *order = NULL;
    corr_work *w = NULL;
    for (int b = 0; b < d.nb && !st; b++) {
        double *c[4];
        st = ds_columns(&d, b, 1u << F_VALID, c, err);
        vcol[b] = c[F_VALID];
    }
    if (st)
        goto done;
    rank = xcalloc(d.n, sizeof *rank);
    order = xcalloc(d.n, sizeof *order);
    w = calloc(1, sizeof *w);
    if (!rank || !order || !w) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* the cells with every budget, ranked by the 108-epoch value */
    size_t n = 0;
    for (size_t i = 0; i < d.n; i++) {
        bool all = true;
        for (int b = 0; b < d.nb; b++)
            all &= !isnan(vcol[b][i]);
        if (all)
            rank[n++] = (keyed){vcol[d.main_b][i], i};
    }
    qsort(rank, n, sizeof *rank, keyed_desc);
    for (size_t q = 0; q < n; q++)
        order[q] = rank[q].i;
    w->order = order;
    for (size_t s = 0; s < NSUB; s++)
        w->k[s] = (n * (size_t)top_percent[s] + 99) / 100;
    for (int b = 0; b < d.nb; b++)
        w->vcol[b] = vcol[b];
    for (int a = 0; a < d.nb; a++)
        for (int b = a + 1; b < d.nb; b++) {
            w->pa[w->npairs] = a;
            w->pb[w->npairs++] = b;
        }
    if (w->npairs)
        cs_parallel_for(ctx->threads, NSUB * w->npairs, corr_job, w);
    for (size_t jx = 0; jx < NSUB * w->npairs; jx++)
        if (w->st[jx]) {
            *err = w->err[jx];
            st = w->st[jx];
            goto done;
        }
    if ((st = budget_corr_tsv(ctx, outdir, &d, vcol, order, w, err)))
        goto done;
    st = budget_corr_json(ctx, outdir, &d, vcol, order, n, w, err);
    progress(ctx, "budget correlation", 1.0);
done:
    for (int b = 0; b < CS_STORE_MAX_BUDGETS; b++)
        free(vcol[b]);
    free(rank);
    free(order);
    free(w);
    ds_destroy(&d);
    return st;
}

/* ===================================================================================
 * 5. operation importance (Fig. 4)
 * =================================================================================== */

/* The class of every labelling of the raw max_vertices-vertex encodings that
 * the dataset's representatives pad to: a cell of n vertices becomes the
 * encoding whose vertices n-1 .. max-2 are unconnected (pruning drops them)
 * and whose output is the last vertex.  Representatives share few edge
 * patterns (1,574 among NAS-Bench-101's 359,082 seven-vertex classes), so
 * one cs_space_raw_classes call per pattern answers every op replacement by
 * table look-up instead of a canonical form per replacement. */
typedef struct raw_index {
    size_t n;         /* patterns */
    uint64_t *bits;   /* ascending */
    uint32_t L;       /* labellings per pattern */
    int32_t *classes; /* n x L */
} raw_index;

static void raw_index_destroy(raw_index *r)
{
    free(r->bits);
    free(r->classes);
    memset(r, 0, sizeof *r);
}

/* Padded edge bits and labelling index of cell c; weight[v] is the
 * labelling-index weight of interior vertex v. */
static void raw_encoding(const cs_cell *c, int maxv, int num_ops, uint64_t *bits, uint32_t *t,
                         uint32_t weight[CS_CELL_MAXV])
{
    int map[CS_CELL_MAXV];
    for (int u = 0; u < c->n; u++)
        map[u] = u == c->n - 1 ? maxv - 1 : u;
    *bits = 0;
    for (int x = 0; x < c->n; x++)
        for (int y = x + 1; y < c->n; y++)
            if (c->adj[x] >> y & 1) {
                int X = map[x], Y = map[y];
                *bits |= UINT64_C(1) << (X + Y * (Y - 1) / 2);
            }
    /* product order: interior vertex 1 is the most significant digit */
    *t = 0;
    for (int v = 1; v < c->n - 1; v++) {
        uint32_t w = 1;
        for (int k = v; k < maxv - 2; k++)
            w *= (uint32_t)num_ops;
        weight[v] = w;
        *t += (uint32_t)c->op[v] * w;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static size_t raw_index_find(const raw_index *r, uint64_t bits)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->bits[mid] < bits)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->bits[lo] == bits ? lo : SIZE_MAX;
}

/* For the representatives of classes cls[0..n). */
static cs_status raw_index_build(raw_index *r, const cs_space *sp, const int64_t *cls,
                                 size_t n, cs_error *err)
{
    memset(r, 0, sizeof *r);
    const cs_limits *lim = cs_space_limits(sp);
    r->L = cs_space_raw_labellings(sp);
    r->bits = xcalloc(n, sizeof *r->bits);
    if (!r->bits)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    const cs_enum_result *er = cs_space_result(sp);
    uint32_t t, w[CS_CELL_MAXV];
    for (size_t i = 0; i < n; i++) {
        cs_cell c;
        cs_enum_class_cell(er, &er->classes[cls[i]], &c);
        raw_encoding(&c, lim->max_vertices, lim->num_ops, &r->bits[i], &t, w);
    }
    qsort(r->bits, n, sizeof *r->bits, cmp_u64);
    for (size_t i = 0; i < n; i++)
        if (r->n == 0 || r->bits[i] != r->bits[r->n - 1])
            r->bits[r->n++] = r->bits[i];
    r->classes = xcalloc(r->n * (size_t)r->L, sizeof *r->classes);
    if (!r->classes) {
        raw_index_destroy(r);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (%zu edge patterns)", n);
    }
    for (size_t u = 0; u < r->n; u++)
        cs_space_raw_classes(sp, r->bits[u], &r->classes[u * r->L]);
    return CS_OK;
}

typedef struct op_pair_data {
    size_t n;
    double *dval, *dtime;
} op_pair_data;

#define NOPPAIRS (CS_NUM_OPS * (CS_NUM_OPS - 1))

static void sort_job(void *arg, size_t jx)
{
    op_pair_data *pd = arg;
    double *v = jx % 2 ? pd[jx / 2].dtime : pd[jx / 2].dval;
    cs_sorted_copy(v, pd[jx / 2].n, v);
}

static int pair_index(int x, int y) { return cs_op_pair_index(CS_NUM_OPS, x, y); }

/* Every replacement of one interior op by another in the dataset's cells:
 * pd[pair] gets the change in validation accuracy and the relative change
 * in time of each whose result the dataset holds (counted; the others are
 * missing).  Two passes: count, then fill. */
static cs_status op_replacements(const cs_analysis_ctx *ctx, const ds_cells *d,
                                 const double *val_e, const double *time_e,
                                 const raw_index *ri, op_pair_data *pd, uint64_t *counted_out,
                                 uint64_t *missing_out, cs_error *err)
{
    const cs_limits *lim = cs_space_limits(ctx->space);
    const cs_enum_result *er = cs_space_result(ctx->space);
    uint64_t counted = 0, missing = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < NOPPAIRS; p++) {
            if (pass == 1) {
                pd[p].dval = xcalloc(pd[p].n, sizeof *pd[p].dval);
                pd[p].dtime = xcalloc(pd[p].n, sizeof *pd[p].dtime);
                if (!pd[p].dval || !pd[p].dtime)
                    return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
            }
            pd[p].n = 0;
        }
        counted = missing = 0;
        for (size_t i = 0; i < d->n; i++) {
            double v0 = val_e[d->entry[i]], t0 = time_e[d->entry[i]];
            if (isnan(v0))
                continue;
            uint64_t bits;
            uint32_t t, w[CS_CELL_MAXV];
            /* the representative again: cheaper than keeping 400k cells */
            cs_cell rep;
            const cs_cell *c = &rep;
            cs_enum_class_cell(er, &er->classes[d->cls[i]], &rep);
            raw_encoding(c, lim->max_vertices, lim->num_ops, &bits, &t, w);
            size_t u = raw_index_find(ri, bits);
            const int32_t *tab = &ri->classes[u * ri->L];
            if (pass == 0 && tab[t] != d->cls[i])
                return cs_error_set(err, CS_ERR_VERIFY,
                                    "class %lld: the raw encoding table gives class %d",
                                    (long long)d->cls[i], (int)tab[t]);
            for (int v = 1; v < c->n - 1; v++)
                for (int y = 0; y < CS_NUM_OPS; y++) {
                    int x = c->op[v];
                    if (y == x)
                        continue;
                    int32_t c2 = tab[(int64_t)t + ((int64_t)y - x) * w[v]];
                    int64_t e2 = c2 >= 0 ? ctx->class_entry[c2] : -1;
                    if (e2 < 0 || isnan(val_e[e2])) {
                        missing++;
                        continue;
                    }
                    counted++;
                    op_pair_data *q = &pd[pair_index(x, y)];
                    if (pass == 1) {
                        q->dval[q->n] = val_e[e2] - v0;
                        q->dtime[q->n] = (time_e[e2] - t0) / t0;
                    }
                    q->n++;
                }
        }
    }
    *counted_out = counted;
    *missing_out = missing;
    return CS_OK;
}

/* op_importance.json: the definitions, the counts, the pairs, the paper's. */
static cs_status op_importance_json(const cs_analysis_ctx *ctx, const char *outdir,
                                    const ds_cells *d, const cs_op_pairs *opp,
                                    uint64_t counted, uint64_t missing, cs_error *err)
{
    cs_jb j = {0};
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    cs_jb_ks(&j, "definition",
          "for every cell of the dataset and every interior vertex with op X, and every other "
          "op Y: the same graph with Y at that vertex is looked up; when the dataset holds "
          "both, delta_validation = accuracy(after) - accuracy(before) (fractions) and "
          "relative_time = (time(after) - time(before)) / time(before); vertices are counted "
          "separately even when symmetric");
    cs_jb_ks(&j, "accuracy_definition", ACCURACY_DEF);
    cs_jb_budgets(&j, d);
    cs_jb_ki(&j, "replacements_counted", (long long)counted);
    cs_jb_ki(&j, "replacements_missing", (long long)missing);
    cs_jb_ks(&j, "replacements_missing_note",
          "replacements whose resulting class the dataset lacks, left out");
    cs_jb_op_pairs(&j, opp);
    cs_jb_key(&j, "paper");
    cs_jb_open(&j, '{');
    cs_jb_kn(&j, "conv3x3_to_conv1x1_percent", -1.16);
    cs_jb_kn(&j, "conv3x3_to_maxpool3x3_percent", -1.99);
    cs_jb_ks(&j, "source", "Ying et al. 2019, section 5.2 (Fig. 4): change in validation accuracy");
    cs_jb_close(&j, '}');
    st = cs_jb_commit(ctx, outdir, "op_importance.json", "op-importance", &j, err);
    cs_jb_free(&j);
    return st;
}

/* The dataset's validation accuracy and training time by store entry (NaN
 * for entries not among its cells): op_replacements looks up the cell
 * after a replacement by entry. */
static cs_status entry_values(const cs_analysis_ctx *ctx, const ds_cells *d, int b,
                              double *val_e, double *time_e, cs_error *err)
{
    size_t ne = cs_store_num_cells(ctx->store);
    for (size_t e = 0; e < ne; e++)
        val_e[e] = time_e[e] = NAN;
    double *col[4];
    cs_status st = ds_columns(d, b, 1u << F_VALID | 1u << F_TIME, col, err);
    if (st)
        return st;
    for (size_t i = 0; i < d->n; i++) {
        val_e[d->entry[i]] = col[F_VALID][i];
        time_e[d->entry[i]] = col[F_TIME][i];
    }
    free_columns(col);
    return CS_OK;
}

/* The op-pair files and op_importance.json from the sorted replacements;
 * the analysis is done once they are written. */
static cs_status op_importance_files(const cs_analysis_ctx *ctx, const char *outdir,
                                     const ds_cells *d, const op_pair_data *pd,
                                     uint64_t counted, uint64_t missing, cs_error *err)
{
    int b = d->main_b;
    /* cs_op_pairs takes const arrays, which double ** does not convert to */
    const double *sv[NOPPAIRS], *stt[NOPPAIRS];
    size_t cnt[NOPPAIRS];
    for (int p = 0; p < NOPPAIRS; p++) {
        sv[p] = pd[p].dval;
        stt[p] = pd[p].dtime;
        cnt[p] = pd[p].n;
    }
    char dwhat[400], cwhat[400];
    snprintf(dwhat, sizeof dwhat,
             "ECDF of the change in validation accuracy at %d epochs when one interior "
             "vertex's op X is replaced by Y (column X_to_Y; graph kept)",
             d->epochs[b]);
    snprintf(cwhat, sizeof cwhat,
             "ECDF of the relative change in training time at %d epochs, (t_after - "
             "t_before) / t_before, when an op X is replaced by Y (column X_to_Y)",
             d->epochs[b]);
    const cs_op_pairs opp = {.nops = CS_NUM_OPS,
                             .op_names = op_short,
                             .delta = sv,
                             .rel_cost = stt,
                             .n = cnt,
                             .delta_name = "validation",
                             .cost_name = "time",
                             .percent = 100.0,
                             .delta_what = dwhat,
                             .cost_what = cwhat,
                             .tsv_what = "per op replacement X -> Y: change in validation "
                                         "accuracy (fraction, not percent) and relative change "
                                         "in training time"};
    cs_status st = cs_analysis_op_pairs_files(ctx, outdir, &opp, err);
    if (st)
        return st;
    st = op_importance_json(ctx, outdir, d, &opp, counted, missing, err);
    progress(ctx, "op importance", 1.0);
    return st;
}

cs_status cs_analysis_op_importance(const cs_analysis_ctx *ctx, const char *outdir,
                                    cs_error *err)
{
    ds_cells d;
    cs_status st = ds_init(&d, ctx, "op importance", err);
    if (st)
        return st;
    progress(ctx, "op importance", 0.0);
    const cs_limits *lim = cs_space_limits(ctx->space);
    if (lim->num_ops != CS_NUM_OPS) {
        ds_destroy(&d);
        return cs_error_set(err, CS_ERR_ARG, "op importance needs the %d NAS-Bench-101 ops",
                            CS_NUM_OPS);
    }
    size_t ne = cs_store_num_cells(ctx->store);
    double *val_e = NULL, *time_e = NULL;
    raw_index ri = {0};
    op_pair_data pd[NOPPAIRS];
    memset(pd, 0, sizeof pd);
    val_e = xcalloc(ne, sizeof *val_e);
    time_e = xcalloc(ne, sizeof *time_e);
    if (!val_e || !time_e) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = entry_values(ctx, &d, d.main_b, val_e, time_e, err)) ||
        (st = raw_index_build(&ri, ctx->space, d.cls, d.n, err)))
        goto done;
    progress(ctx, "op importance", 0.2);

    uint64_t counted = 0, missing = 0;
    if ((st = op_replacements(ctx, &d, val_e, time_e, &ri, pd, &counted, &missing, err)))
        goto done;
    progress(ctx, "op importance", 0.6);
    cs_parallel_for(ctx->threads, 2 * NOPPAIRS, sort_job, pd);
    st = op_importance_files(ctx, outdir, &d, pd, counted, missing, err);
done:
    for (int p = 0; p < NOPPAIRS; p++) {
        free(pd[p].dval);
        free(pd[p].dtime);
    }
    raw_index_destroy(&ri);
    free(val_e);
    free(time_e);
    ds_destroy(&d);
    return st;
}

/* ===================================================================================
 * 6. depth and width (Fig. 5)
 * =================================================================================== */

#define MAX_GROUP 64

typedef struct group_stats {
    size_t n;
    double *val, *time; /* slices of shared buffers, sorted */
} group_stats;

static cs_status write_groups(const cs_analysis_ctx *ctx, const char *outdir, const char *file,
                              const char *measure, const char *what, const group_stats *g,
                              cs_jb *j, cs_error *err)
{
    char columns[512];
    snprintf(columns, sizeof columns,
             "%s\tcells\tvalidation_mean\tvalidation_sd\tvalidation_min\tvalidation_q25\t"
             "validation_median\tvalidation_q75\tvalidation_max\ttraining_time_mean\t"
             "training_time_sd\ttraining_time_median",
             measure);
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, file, what, columns, &out, err);
    if (st)
        return st;
    cs_jb_key(j, measure);
    cs_jb_open(j, '[');
    for (int v = 0; v < MAX_GROUP; v++) {
        const group_stats *q = &g[v];
        if (!q->n)
            continue;
        fprintf(out.f, "%d\t%zu", v, q->n);
        cs_analysis_tsv_num(out.f, cs_mean(q->val, q->n), false);
        cs_analysis_tsv_num(out.f, cs_stddev(q->val, q->n), false);
        cs_analysis_tsv_num(out.f, q->val[0], false);
        cs_analysis_tsv_num(out.f, cs_quantile(q->val, q->n, 0.25), false);
        cs_analysis_tsv_num(out.f, cs_quantile(q->val, q->n, 0.5), false);
        cs_analysis_tsv_num(out.f, cs_quantile(q->val, q->n, 0.75), false);
        cs_analysis_tsv_num(out.f, q->val[q->n - 1], false);
        cs_analysis_tsv_num(out.f, cs_mean(q->time, q->n), false);
        cs_analysis_tsv_num(out.f, cs_stddev(q->time, q->n), false);
        cs_analysis_tsv_num(out.f, cs_quantile(q->time, q->n, 0.5), false);
        fputc('\n', out.f);
        cs_jb_open(j, '{');
        cs_jb_ki(j, measure, v);
        cs_jb_ki(j, "cells", (long long)q->n);
        cs_jb_summary(j, "validation", q->val, q->n);
        cs_jb_summary(j, "training_time", q->time, q->n);
        cs_jb_close(j, '}');
    }
    cs_jb_close(j, ']');
    return cs_analysis_close(&out, err);
}

/* Each cell's depth (meas[0]) and width (meas[1]); g[m][v].n counts the
 * cells with data of value v of measure m, so the groups can be sliced
 * out of one buffer. */
static cs_status measure_depth_width(const ds_cells *d, const double *col_v, uint8_t *meas[2],
                                     group_stats g[2][MAX_GROUP], cs_error *err)
{
    for (size_t i = 0; i < d->n; i++) {
        cs_cell c;
        cs_key_cell(&cs_store_entry_at(d->store, d->entry[i])->cell, &c);
        int dep = cs_cell_depth(&c), wid = cs_cell_width(&c);
        if (dep < 0 || dep >= MAX_GROUP || wid < 0 || wid >= MAX_GROUP)
            return cs_error_set(err, CS_ERR_VALUE, "class %lld: depth %d, width %d out of range",
                                (long long)d->cls[i], dep, wid);
        meas[0][i] = (uint8_t)dep;
        meas[1][i] = (uint8_t)wid;
        if (!isnan(col_v[i])) {
            g[0][dep].n++;
            g[1][wid].n++;
        }
    }
    return CS_OK;
}

/* Fill the groups counted by measure_depth_width with their cells'
 * validation accuracies and times, sorted, in slices of buf (4 n doubles:
 * [measure][value] for validation, then for time). */
static void fill_groups(const ds_cells *d, const double *col_v, const double *col_t,
                        uint8_t *const meas[2], double *buf, group_stats g[2][MAX_GROUP])
{
    size_t off = 0;
    for (int m = 0; m < 2; m++)
        for (int v = 0; v < MAX_GROUP; v++) {
            g[m][v].val = buf + off;
            g[m][v].time = buf + 2 * d->n + off;
            off += g[m][v].n;
            g[m][v].n = 0;
        }
    for (size_t i = 0; i < d->n; i++) {
        if (isnan(col_v[i]))
            continue;
        for (int m = 0; m < 2; m++) {
            group_stats *q = &g[m][meas[m][i]];
            q->val[q->n] = col_v[i];
            q->time[q->n++] = col_t[i];
        }
    }
    for (int m = 0; m < 2; m++)
        for (int v = 0; v < MAX_GROUP; v++) {
            cs_sorted_copy(g[m][v].val, g[m][v].n, g[m][v].val);
            cs_sorted_copy(g[m][v].time, g[m][v].n, g[m][v].time);
        }
}

/* depth.tsv, width.tsv and depth_width.json from the filled groups. */
static cs_status write_depth_width(const cs_analysis_ctx *ctx, const char *outdir,
                                   const ds_cells *d, group_stats g[2][MAX_GROUP], cs_error *err)
{
    cs_jb j = {0};
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    cs_jb_ks(&j, "depth_definition", "edges on the longest input-to-output path");
    cs_jb_ks(&j, "width_definition",
          "the maximum directed cut: the most edges from a set S to its complement over the "
          "sets S that hold the input, not the output, and every predecessor of their members");
    cs_jb_ks(&j, "accuracy_definition", ACCURACY_DEF);
    cs_jb_ks(&j, "training_time_definition",
          "mean over a cell's repeats of final_training_time (seconds) at the budget");
    cs_jb_budgets(&j, d);
    char what[300];
    snprintf(what, sizeof what,
             "validation accuracy and training time at %d epochs per cell depth (edges on the "
             "longest input-output path)",
             d->epochs[d->main_b]);
    if ((st = write_groups(ctx, outdir, "depth.tsv", "depth", what, g[0], &j, err)))
        goto done;
    snprintf(what, sizeof what,
             "validation accuracy and training time at %d epochs per cell width (maximum "
             "directed cut)",
             d->epochs[d->main_b]);
    if ((st = write_groups(ctx, outdir, "width.tsv", "width", what, g[1], &j, err)))
        goto done;
    st = cs_jb_commit(ctx, outdir, "depth_width.json", "depth-width", &j, err);
done:
    cs_jb_free(&j);
    return st;
}

cs_status cs_analysis_depth_width(const cs_analysis_ctx *ctx, const char *outdir,
                                  cs_error *err)
{
    ds_cells d;
    cs_status st = ds_init(&d, ctx, "depth and width", err);
    if (st)
        return st;
    progress(ctx, "depth and width", 0.0);
    double *col_v = NULL, *col_t = NULL, *buf = NULL;
    uint8_t *meas[2] = {NULL, NULL};
    group_stats g[2][MAX_GROUP];
    memset(g, 0, sizeof g);
    double *col[4];
    if ((st = ds_columns(&d, d.main_b, 1u << F_VALID | 1u << F_TIME, col, err)))
        goto done;
    col_v = col[F_VALID];
    col_t = col[F_TIME];
    meas[0] = xcalloc(d.n, 1);
    meas[1] = xcalloc(d.n, 1);
    buf = xcalloc(4 * d.n, sizeof *buf);
    if (!meas[0] || !meas[1] || !buf) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = measure_depth_width(&d, col_v, meas, g, err)))
        goto done;
    fill_groups(&d, col_v, col_t, meas, buf, g);
    if ((st = write_depth_width(ctx, outdir, &d, g, err)))
        goto done;
    progress(ctx, "depth and width", 1.0);
done:
    free(col_v);
    free(col_t);
    free(buf);
    free(meas[0]);
    free(meas[1]);
    ds_destroy(&d);
    return st;
}
