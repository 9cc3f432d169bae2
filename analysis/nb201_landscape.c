/* The NAS-Bench-201 analyses that need data (cs_nb201_analysis.h):
 * distributions, operation importance, locality, local optima.  The
 * graph-level parts are the NAS-Bench-101 ones (cs_landscape.h); only the
 * space's own parts are here. */
#include "cs_nb201_analysis.h"
#include "nb201_internal.h"
#include "landscape_internal.h"
#include "cs_rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_writers.h"
#include "cs_nb201_data.h"
#include "cs_nb201_space.h"
#include "cs_stats.h"

/* Rows of accuracy_best.tsv. */
#define BEST_ROWS 20

static const char *const op_short[CS_NB201_NUM_OPS] = {"none", "skip", "conv1x1", "conv3x3",
                                                       "avgpool3x3"};

static void progress(const cs_analysis_ctx *ctx, const char *phase, double done)
{
    cs_monitor_progress(&ctx->monitor, phase, done);
}

/* The values of x at cells with data, ascending (malloc'd). */
static double *sorted_values(const double *x, size_t *n)
{
    double *out = malloc(CS_NB201_CELLS * sizeof *out);
    *n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        if (!isnan(x[i]))
            out[(*n)++] = x[i];
    cs_sorted_copy(out, *n, out);
    return out;
}

typedef struct ranked {
    double key;
    uint32_t i;
} ranked;

/* descending key, then ascending index */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* --- accuracy ------------------------------------------------------------------- */

/* Cells of one API class are one architecture trained more than once: the
 * spread of their scores is training noise plus what the API's key misses.
 * Pooled over classes with two or more cells with data; and the cells whose
 * output is zero. */
typedef struct class_noise {
    double ss_within, zero_sum;
    size_t dof, dup_classes, zero_n;
} class_noise;

static cs_status class_noise_of(const cs_nb201_values *v, const cs_nb201_census *cen,
                                class_noise *cn, cs_error *err)
{
    memset(cn, 0, sizeof *cn);
    /* per class: count, mean, M2 (Welford) over its cells with data */
    double *mean = malloc(CS_NB201_CELLS * sizeof *mean);
    double *m2 = malloc(CS_NB201_CELLS * sizeof *m2);
    uint32_t *cnt = calloc(CS_NB201_CELLS, sizeof *cnt);
    if (!mean || !m2 || !cnt) {
        free(mean);
        free(m2);
        free(cnt);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (accuracy)");
    }
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        if (isnan(v->score[i]))
            continue;
        cs_nb201_cell cell;
        cs_nb201_from_index(i, &cell);
        uint32_t code = cs_nb201_code(&cell), k = cen->api_class[code];
        cs_nb201_graph g;
        cs_nb201_graph_of(&cell, &g);
        if (g.zero) {
            cn->zero_sum += v->score[i];
            cn->zero_n++;
        }
        if (!cnt[k])
            mean[k] = m2[k] = 0;
        cnt[k]++;
        double d = v->score[i] - mean[k];
        mean[k] += d / cnt[k];
        m2[k] += d * (v->score[i] - mean[k]);
    }
    for (size_t k = 0; k < CS_NB201_CELLS; k++)
        if (cnt[k] >= 2) {
            cn->ss_within += m2[k];
            cn->dof += cnt[k] - 1;
            cn->dup_classes++;
        }
    free(mean);
    free(m2);
    free(cnt);
    return CS_OK;
}

/* accuracy_best.tsv: the BEST_ROWS cells of best fitness. */
static cs_status accuracy_best_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                   const cs_nb201_values *v, const char *desc,
                                   const ranked *order, size_t n, cs_error *err)
{
    char what[512];
    cs_outfile o;
    snprintf(what, sizeof what, "NAS-Bench-201, dataset %s: the %d cells of best %s", v->dataset_name,
             BEST_ROWS, desc);
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "accuracy_best.tsv", what,
                                        "rank\tindex\tarch\tfitness\tscore", &o, err);
    if (st)
        return st;
    for (size_t r = 0; r < n && r < BEST_ROWS; r++) {
        char arch[128];
        cs_nb201_name_index(NULL, order[r].i, arch, sizeof arch);
        fprintf(o.f, "%zu\t%u\t%s", r + 1, order[r].i, arch);
        cs_analysis_tsv_num(o.f, v->fitness[order[r].i], false);
        cs_analysis_tsv_num(o.f, v->score[order[r].i], false);
        fputc('\n', o.f);
    }
    return cs_analysis_close(&o, err);
}

/* accuracy_ecdf.tsv: one curve when the fitness is the score. */
static cs_status accuracy_ecdf_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                   const cs_nb201_values *v, const double *sf, size_t nf,
                                   const double *ss, size_t ns, cs_error *err)
{
    bool same = strcmp(v->fitness_metric, v->score_metric) == 0;
    const char *names[2] = {v->fitness_metric, v->score_metric};
    const double *curves[2] = {sf, ss};
    size_t counts[2] = {nf, ns};
    char what[512];
    snprintf(what, sizeof what,
             "NAS-Bench-201, dataset %s: ECDF of each cell's mean over its rows of %s%s%s "
             "(cells with data)",
             v->dataset_name, v->fitness_metric, same ? "" : " and of ",
             same ? "" : v->score_metric);
    return cs_analysis_ecdf_write(ctx, outdir, "accuracy_ecdf.tsv", what, same ? 1 : 2, names,
                                  curves, counts, err);
}

/* The cells with a fitness, best first, into order; their number. */
static size_t rank_by_fitness(const cs_nb201_values *v, ranked *order)
{
    size_t n = 0;
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++)
        if (!isnan(v->fitness[i]))
            order[n++] = (ranked){v->fitness[i], i};
    qsort(order, n, sizeof *order, cmp_ranked);
    return n;
}

/* The best cell by fitness (order[0] of n) and, on its own, by score: the
 * two differ when the fitness is not the score. */
static void accuracy_json_best(cs_jb *j, const cs_nb201_values *v, const ranked *order, size_t n)
{
    if (n) {
        char arch[128];
        cs_nb201_name_index(NULL, order[0].i, arch, sizeof arch);
        cs_jb_ki(j, "best_fitness_index", order[0].i);
        cs_jb_ks(j, "best_fitness_arch", arch);
        cs_jb_kn(j, "best_fitness", v->fitness[order[0].i]);
        cs_jb_kn(j, "best_fitness_score", v->score[order[0].i]);
    }
    int64_t bs = -1;
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++)
        if (!isnan(v->score[i]) && (bs < 0 || v->score[i] > v->score[bs]))
            bs = i;
    if (bs >= 0) {
        char arch[128];
        cs_nb201_name_index(NULL, bs, arch, sizeof arch);
        cs_jb_ki(j, "best_score_index", bs);
        cs_jb_ks(j, "best_score_arch", arch);
        cs_jb_kn(j, "best_score", v->score[bs]);
    }
}

static void accuracy_json_noise(cs_jb *j, const class_noise *cn)
{
    cs_jb_ki(j, "zero_cells_with_data", (long long)cn->zero_n);
    cs_jb_kn(j, "zero_cells_mean_score", cn->zero_n ? cn->zero_sum / (double)cn->zero_n : NAN);
    cs_jb_ks(j, "zero_cells_are", "cells whose output is 0 (nothing reaches the output)");
    cs_jb_ki(j, "api_classes_with_duplicates", (long long)cn->dup_classes);
    cs_jb_kn(j, "api_class_pooled_score_sd",
             cn->dof ? sqrt(cn->ss_within / (double)cn->dof) : NAN);
    cs_jb_ks(j, "api_class_pooled_score_sd_is",
             "pooled sample standard deviation of the score among the cells of one API class "
             "(isomorphic cells, trained separately), over classes with 2 or more cells with "
             "data");
}

/* accuracy.json; the analysis is done once it is written. */
static cs_status accuracy_json(const cs_analysis_ctx *ctx, const char *outdir,
                               const cs_nb201_values *v, const double *sf, size_t nf,
                               const double *ss, size_t ns, const ranked *order, size_t n,
                               const class_noise *cn, cs_error *err)
{
    cs_jb j;
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    cs_nb201_values_put(&j, v);
    cs_jb_ks(&j, "definition",
             "a cell's value is the mean of its rows (repeats) in the data; cells without "
             "both the fitness and the score are left out");
    cs_jb_ki(&j, "cells_with_data", (long long)v->with_data);
    cs_jb_summary(&j, "fitness", sf, nf);
    cs_jb_summary(&j, "score", ss, ns);
    accuracy_json_best(&j, v, order, n);
    accuracy_json_noise(&j, cn);
    st = cs_jb_commit(ctx, outdir, "accuracy.json", "accuracy", &j, err);
    progress(ctx, "accuracy", 1.0);
    return st;
}

cs_status cs_analysis_nb201_accuracy(const cs_analysis_ctx *ctx, const char *outdir,
                                     cs_error *err)
{
    cs_nb201_values v;
    cs_status st = cs_nb201_values_init(&v, ctx, "accuracy", err);
    if (st)
        return st;
    progress(ctx, "accuracy", 0.0);
    size_t nf = 0, ns = 0;
    double *sf = sorted_values(v.fitness, &nf), *ss = sorted_values(v.score, &ns);
    ranked *order = malloc(CS_NB201_CELLS * sizeof *order);
    cs_nb201_census *cen = malloc(sizeof *cen);
    if (!sf || !ss || !order || !cen) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (accuracy)");
        goto out;
    }
    if ((st = cs_nb201_census_run(cen, err)))
        goto out;
    char desc[256];
    cs_nb201_values_describe(&v, desc, sizeof desc);
    if ((st = accuracy_ecdf_tsv(ctx, outdir, &v, sf, nf, ss, ns, err)))
        goto out;
    size_t n = rank_by_fitness(&v, order);
    if ((st = accuracy_best_tsv(ctx, outdir, &v, desc, order, n, err)))
        goto out;
    class_noise cn;
    if ((st = class_noise_of(&v, cen, &cn, err)))
        goto out;
    st = accuracy_json(ctx, outdir, &v, sf, nf, ss, ns, order, n, &cn, err);
out:
    free(sf);
    free(ss);
    free(order);
    free(cen);
    cs_nb201_values_destroy(&v);
    return st;
}

/* --- operation importance ---------------------------------------------------------- */

#define NPAIRS (CS_NB201_NUM_OPS * (CS_NB201_NUM_OPS - 1))

/* Per operation pair X -> Y (cs_op_pair_index): what replacing X by Y on
 * one edge changes, over every cell and edge where both cells have data. */
typedef struct replacements {
    double *delta[NPAIRS], *rel[NPAIRS]; /* rel: NULL without a cost */
    size_t cnt[NPAIRS], rcnt[NPAIRS];
    size_t missing; /* replacements whose cell after has no data */
} replacements;

static cs_status replacements_alloc(replacements *r, bool have_cost, cs_error *err)
{
    memset(r, 0, sizeof *r);
    /* Each (cell, edge) with op x meets each other op y once: at most
     * 15,625 x 6 / 5 replacements per pair (every cell has 6 edges, a
     * fifth of them with x on average; bounded by cells x edges). */
    size_t cap = (size_t)CS_NB201_CELLS * CS_NB201_EDGES;
    for (int p = 0; p < NPAIRS; p++)
        if (!(r->delta[p] = malloc(cap * sizeof **r->delta)) ||
            (have_cost && !(r->rel[p] = malloc(cap * sizeof **r->rel))))
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (op importance)");
    return CS_OK;
}

static void replacements_free(replacements *r)
{
    for (int p = 0; p < NPAIRS; p++) {
        free(r->delta[p]);
        free(r->rel[p]);
    }
}

/* Every replacement, each pair's changes ascending. */
static void replacements_collect(replacements *r, const cs_nb201_values *v, bool have_cost)
{
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        if (isnan(v->fitness[i]))
            continue;
        cs_nb201_cell c;
        cs_nb201_from_index(i, &c);
        for (int e = 0; e < CS_NB201_EDGES; e++)
            for (int y = 0; y < CS_NB201_NUM_OPS; y++) {
                int x = c.op[e];
                if (y == x)
                    continue;
                cs_nb201_cell d = c;
                d.op[e] = (uint8_t)y;
                uint32_t k = cs_nb201_index(&d);
                if (isnan(v->fitness[k])) {
                    r->missing++;
                    continue;
                }
                int p = cs_op_pair_index(CS_NB201_NUM_OPS, x, y);
                r->delta[p][r->cnt[p]++] = v->fitness[k] - v->fitness[i];
                if (have_cost && v->cost[i] > 0 && v->cost[k] > 0) /* both cells have a cost */
                    r->rel[p][r->rcnt[p]++] = (v->cost[k] - v->cost[i]) / v->cost[i];
            }
    }
    for (int p = 0; p < NPAIRS; p++) {
        cs_sorted_copy(r->delta[p], r->cnt[p], r->delta[p]);
        if (have_cost)
            cs_sorted_copy(r->rel[p], r->rcnt[p], r->rel[p]);
    }
}

/* op_importance.json; the analysis is done once it is written. */
static cs_status op_importance_json(const cs_analysis_ctx *ctx, const char *outdir,
                                    const cs_nb201_values *v, const replacements *r,
                                    const cs_op_pairs *opp, cs_error *err)
{
    cs_jb j;
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    cs_nb201_values_put(&j, v);
    cs_jb_ks(&j, "definition",
             "for every cell with data and every edge with operation X, and every other "
             "operation Y: the cell with Y on that edge; when it has data too, delta_fitness "
             "= fitness(after) - fitness(before), in the data's units (the API's accuracies "
             "are percent, so *_percent keys are in percentage points), and relative_cost = "
             "(cost(after) - cost(before)) / cost(before)");
    size_t counted = 0;
    for (int p = 0; p < NPAIRS; p++)
        counted += r->cnt[p];
    cs_jb_ki(&j, "replacements_counted", (long long)counted);
    cs_jb_ki(&j, "replacements_missing", (long long)r->missing);
    cs_jb_op_pairs(&j, opp);
    st = cs_jb_commit(ctx, outdir, "op_importance.json", "op-importance", &j, err);
    progress(ctx, "op importance", 1.0);
    return st;
}

static cs_status op_importance_files(const cs_analysis_ctx *ctx, const char *outdir,
                                     const cs_nb201_values *v, const replacements *r,
                                     bool have_cost, cs_error *err)
{
    char dwhat[512], cwhat[512], twhat[512];
    snprintf(dwhat, sizeof dwhat,
             "NAS-Bench-201, dataset %s: ECDF of the change in %s when one edge's operation X "
             "is replaced by Y (column X_to_Y; after minus before, both cells with data)",
             v->dataset_name, v->fitness_metric);
    snprintf(cwhat, sizeof cwhat,
             "NAS-Bench-201, dataset %s: ECDF of the relative change in %s, (after - before) "
             "/ before, when one edge's operation X is replaced by Y (column X_to_Y)",
             v->dataset_name, v->cost_metric ? v->cost_metric : "cost");
    snprintf(twhat, sizeof twhat,
             "NAS-Bench-201, dataset %s: per operation replacement X -> Y on one edge: change "
             "in %s (as the data give it) and relative change in %s",
             v->dataset_name, v->fitness_metric, v->cost_metric ? v->cost_metric : "cost (none)");
    /* cs_op_pairs takes const arrays, which double ** does not convert to */
    const double *dp[NPAIRS], *rp[NPAIRS];
    for (int p = 0; p < NPAIRS; p++) {
        dp[p] = r->delta[p];
        rp[p] = r->rel[p];
    }
    const cs_op_pairs opp = {.nops = CS_NB201_NUM_OPS,
                             .op_names = op_short,
                             .delta = dp,
                             .rel_cost = have_cost ? rp : NULL,
                             .n = r->cnt,
                             .rel_n = r->rcnt,
                             .delta_name = "fitness",
                             .cost_name = "cost",
                             .percent = 1.0,
                             .delta_what = dwhat,
                             .cost_what = cwhat,
                             .tsv_what = twhat};
    cs_status st = cs_analysis_op_pairs_files(ctx, outdir, &opp, err);
    if (st)
        return st;
    return op_importance_json(ctx, outdir, v, r, &opp, err);
}

cs_status cs_analysis_nb201_op_importance(const cs_analysis_ctx *ctx, const char *outdir,
                                          cs_error *err)
{
    cs_nb201_values v;
    cs_status st = cs_nb201_values_init(&v, ctx, "op importance", err);
    if (st)
        return st;
    progress(ctx, "op importance", 0.0);
    bool have_cost = v.cost_metric != NULL;
    replacements r;
    if (!(st = replacements_alloc(&r, have_cost, err))) {
        replacements_collect(&r, &v, have_cost);
        st = op_importance_files(ctx, outdir, &v, &r, have_cost, err);
    }
    replacements_free(&r);
    cs_nb201_values_destroy(&v);
    return st;
}

/* --- locality -------------------------------------------------------------------------
 * Random walks on the cells with data, one edit per step, each step to a
 * uniformly chosen neighbour with data (a cell without such a neighbour
 * ends a segment and the walk restarts at a uniform cell with data), as
 * the NAS-Bench-101 walks do; CS_LOCALITY_WALKS walks of CS_LOCALITY_STEPS
 * steps, walk w from its own PRNG stream (seed, w). */

/* One walk; false when monitor said stop (asked every 4,096 steps, as
 * cs_walks_run asks). */
static bool walk(const cs_nbgraph *g, const double *fit, const uint32_t *cells, size_t ncells,
                 uint64_t seed, int w, int steps, int32_t *path, size_t *len, uint64_t *restarts,
                 const cs_monitor *monitor)
{
    uint64_t rng = cs_rng_stream_state(seed, (uint64_t)w);
    uint32_t cur = cells[cs_splitmix64_below(&rng, ncells)];
    size_t n = 0;
    path[n++] = (int32_t)cur;
    for (int step = 0; step < steps; step++) {
        if (step % 4096 == 0 && cs_monitor_cancelled(monitor))
            return false;
        uint32_t cand[CS_NB201_DEGREE];
        int nc = 0;
        for (uint64_t k = g->offset[cur]; k < g->offset[cur + 1]; k++)
            if (!isnan(fit[g->adj[k]]))
                cand[nc++] = g->adj[k];
        if (nc == 0) {
            (*restarts)++;
            path[n++] = -1;
            cur = cells[cs_splitmix64_below(&rng, ncells)];
        } else
            cur = cand[cs_splitmix64_below(&rng, (uint64_t)nc)];
        path[n++] = (int32_t)cur;
    }
    *len = n;
    return true;
}

cs_status cs_nb201_walks_run(cs_walks *w, const cs_nbgraph *g, const double *fitness,
                            int nwalks, int steps, uint64_t seed, const cs_monitor *monitor,
                            cs_error *err)
{
    memset(w, 0, sizeof *w);
    if (nwalks < 1 || steps < 1)
        return cs_error_set(err, CS_ERR_ARG, "walks and steps must be at least 1 (%d, %d)",
                            nwalks, steps);
    size_t n = g->nvertices;
    uint32_t *cells = malloc((n ? n : 1) * sizeof *cells);
    if (!cells)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (walks)");
    size_t ncells = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!isnan(fitness[i]))
            cells[ncells++] = i;
    if (!ncells) {
        free(cells);
        return cs_error_set(err, CS_ERR_ARG, "no cell has a fitness to walk on");
    }
    cs_status st = cs_walks_alloc(w, nwalks, steps, err);
    if (st) {
        free(cells);
        return st;
    }
    /* 16 walks of 65,536 steps on 15,625 cells take milliseconds: one
     * thread, so the result cannot depend on the thread count. */
    for (int k = 0; k < nwalks; k++)
        if (!walk(g, fitness, cells, ncells, seed, k, steps, w->path[k], &w->len[k],
                  &w->restarts[k], monitor)) {
            st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
            cs_walks_destroy(w);
            break;
        }
    free(cells);
    return st;
}

static int hamming(uint32_t a, uint32_t b)
{
    cs_nb201_cell x, y;
    cs_nb201_from_index(a, &x);
    cs_nb201_from_index(b, &y);
    int d = 0;
    for (int e = 0; e < CS_NB201_EDGES; e++)
        d += x.op[e] != y.op[e];
    return d;
}

/* What the graph analyses start from: the values and the cell graph. */
static cs_status graph_begin(const cs_analysis_ctx *ctx, const char *analysis,
                             cs_nb201_values *v, cs_nbgraph *g, cs_error *err)
{
    cs_status st = cs_nb201_values_init(v, ctx, analysis, err);
    if (st)
        return st;
    progress(ctx, analysis, 0.0);
    if ((st = cs_nb201_cell_graph(g, err)))
        cs_nb201_values_destroy(v);
    return st;
}

/* Lists the cells with a fitness into cells (*ncells of them) and returns
 * the best of them, the first on ties: the fitness-distance correlation's
 * reference cell. */
static int64_t locality_cells(const cs_nb201_values *v, uint32_t *cells, size_t *ncells)
{
    int64_t best = -1;
    *ncells = 0;
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++)
        if (!isnan(v->fitness[i])) {
            cells[(*ncells)++] = i;
            if (best < 0 || v->fitness[i] > v->fitness[best])
                best = i;
        }
    return best;
}

/* The random walks, and the autocorrelation of fitness (rwa_f) and of score
 * (rwa_s) along them; npairs counts the pairs per shift, the same for both
 * as both walk the same paths. */
static cs_status locality_walks(const cs_analysis_ctx *ctx, const cs_nb201_values *v,
                                const cs_nbgraph *g, cs_walks *walks, double *rwa_f,
                                double *rwa_s, uint64_t *npairs, cs_error *err)
{
    cs_status st = cs_nb201_walks_run(walks, g, v->fitness, CS_LOCALITY_WALKS, CS_LOCALITY_STEPS,
                                      ctx->seed, &ctx->monitor, err);
    if (!st)
        st = cs_landscape_walk_autocorrelation(walks->path, walks->len, CS_LOCALITY_WALKS,
                                               v->fitness, CS_LOCALITY_MAX_SHIFT, ctx->threads,
                                               rwa_f, npairs, err);
    if (!st)
        st = cs_landscape_walk_autocorrelation(walks->path, walks->len, CS_LOCALITY_WALKS,
                                               v->score, CS_LOCALITY_MAX_SHIFT, ctx->threads,
                                               rwa_s, npairs, err);
    return st;
}

/* Writes the results lr with the descriptions of the TSV files, which
 * name the metrics v holds. */
static cs_status locality_write(const cs_analysis_ctx *ctx, const char *outdir,
                                const cs_nb201_values *v, const cs_locality_result *lr,
                                const char *extra_json, cs_error *err)
{
    char desc[256], rwa_what[512], fdc_what[512];
    cs_nb201_values_describe(v, desc, sizeof desc);
    snprintf(rwa_what, sizeof rwa_what,
             "NAS-Bench-201: random-walk autocorrelation of %s and of %s along %d walks of %d "
             "single edits (one edge's operation changed) on the cells with data",
             desc, v->score_metric, CS_LOCALITY_WALKS, CS_LOCALITY_STEPS);
    snprintf(fdc_what, sizeof fdc_what,
             "NAS-Bench-201: cells with data by edit distance (edges whose operations differ) "
             "to the cell of best %s",
             desc);
    cs_locality_result r = *lr;
    r.rwa_what = rwa_what;
    r.fdc_what = fdc_what;
    cs_landscape_fitness lf;
    cs_nb201_values_fitness(v, &lf, desc);
    return cs_landscape_locality_write(ctx, outdir, &lf, &r, extra_json, err);
}

cs_status cs_analysis_nb201_locality(const cs_analysis_ctx *ctx, const char *outdir,
                                     cs_error *err)
{
    cs_nb201_values v;
    cs_nbgraph g;
    cs_status st = graph_begin(ctx, "locality", &v, &g, err);
    if (st)
        return st;
    cs_walks walks = {0};
    uint32_t *cells = malloc(CS_NB201_CELLS * sizeof *cells);
    double *fx = malloc(CS_NB201_CELLS * sizeof *fx), *fd = malloc(CS_NB201_CELLS * sizeof *fd);
    if (!cells || !fx || !fd) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (locality)");
        goto out;
    }
    size_t ncells;
    int64_t best = locality_cells(&v, cells, &ncells);
    double rwa_f[CS_LOCALITY_MAX_SHIFT + 1], rwa_s[CS_LOCALITY_MAX_SHIFT + 1];
    uint64_t npairs[CS_LOCALITY_MAX_SHIFT + 1];
    if ((st = locality_walks(ctx, &v, &g, &walks, rwa_f, rwa_s, npairs, err)))
        goto out;
    uint64_t restarts = 0;
    for (int w = 0; w < CS_LOCALITY_WALKS; w++)
        restarts += walks.restarts[w];
    size_t visited = cs_walks_visited(&walks, CS_NB201_CELLS);
    progress(ctx, "locality: distances to the best cell", 0.5);
    for (size_t k = 0; k < ncells; k++) {
        fx[k] = v.fitness[cells[k]];
        fd[k] = hamming(cells[k], (uint32_t)best);
    }
    cs_jb extra;
    if ((st = cs_nb201_values_fields(&v, &extra, err)))
        goto out;
    cs_locality_result lr = {.rwa_fitness = rwa_f,
                             .rwa_score = rwa_s,
                             .npairs = npairs,
                             .fdc_distance = "edit distance between cells: edges whose "
                                             "operations differ (the cell graph's distance)",
                             .fx = fx,
                             .fd = fd,
                             .nf = ncells,
                             .walks = CS_LOCALITY_WALKS,
                             .steps = CS_LOCALITY_STEPS,
                             .restarts = restarts,
                             .visited = visited,
                             .best = best};
    st = locality_write(ctx, outdir, &v, &lr, extra.buf, err);
    cs_jb_free(&extra);
    progress(ctx, "locality", 1.0);
out:
    cs_walks_destroy(&walks);
    free(cells);
    free(fx);
    free(fd);
    cs_nbgraph_destroy(&g);
    cs_nb201_values_destroy(&v);
    return st;
}

/* --- local optima ---------------------------------------------------------------------- */

cs_status cs_analysis_nb201_optima(const cs_analysis_ctx *ctx, const char *outdir,
                                   cs_error *err)
{
    cs_nb201_values v;
    cs_nbgraph g;
    cs_status st = graph_begin(ctx, "optima", &v, &g, err);
    if (st)
        return st;
    char desc[256];
    cs_nb201_values_describe(&v, desc, sizeof desc);
    cs_jb extra;
    if (!(st = cs_nb201_values_fields(&v, &extra, err))) {
        cs_landscape_fitness lf;
        cs_nb201_values_fitness(&v, &lf, desc);
        st = cs_landscape_optima_write(ctx, outdir, &g, &lf, extra.buf, err);
        cs_jb_free(&extra);
    }
    cs_nbgraph_destroy(&g);
    cs_nb201_values_destroy(&v);
    return st;
}
