/* The landscape analyses that need data: locality, distance to peaks, local
 * optima; and the edit-distance search over the raw encoding space they
 * share.
 *
 * Fitness.  A class's fitness is the mean over its repeats of the final
 * validation accuracy at the store's 108-epoch budget (its largest budget if
 * it has no 108): what a search sees.  The top cells of `peaks` follow the
 * paper and use the mean test accuracy.  Classes the dataset lacks have no
 * fitness: the walks treat their encodings like invalid ones, the optima
 * are taken on the neighbour graph restricted to classes with data, and
 * FDC, top cells and optima count only classes with data.
 *
 * Edit distance.  One edit flips one edge bit or changes one interior
 * operation (cs_landscape.h).  The paper's fraction of "the search space"
 * within distance d of a top cell is read as a fraction of all raw
 * encodings, valid or not, with distances through any encoding: the edit
 * distance is then a plain Hamming distance on the encoding (edge bits and
 * operations).  peaks also reports the valid encodings within distance d,
 * both under that metric and with paths kept on valid encodings. */
#include "cs_landscape.h"
#include "cs_parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_stats.h"

static void report(const cs_analysis_ctx *ctx, const char *phase, double done)
{
    if (ctx->progress)
        ctx->progress(ctx->progress_user, phase, done);
}

static void put_num(FILE *f, double d)
{
    if (isnan(d))
        fputs("nan", f);
    else
        cs_analysis_put_double(f, d);
}

/* A JSON number (JSON has no NaN: null). */
static const char *json_num(char *buf, size_t size, double d)
{
    if (!isfinite(d))
        snprintf(buf, size, "null");
    else
        snprintf(buf, size, "%.17g", d);
    return buf;
}

/* --- fitness ------------------------------------------------------------------ */

typedef struct fitness {
    int budget;         /* epochs */
    size_t nclasses;
    size_t with_data;   /* classes with at least one run at the budget */
    double *validation; /* per class, mean over repeats; NaN without data */
    double *test;
    double *test_se;    /* standard error of the test mean (0 for one repeat) */
} fitness;

static void fitness_destroy(fitness *f)
{
    free(f->validation);
    free(f->test);
    free(f->test_se);
}

static cs_status fitness_init(fitness *f, const cs_analysis_ctx *ctx, const char *analysis,
                              cs_error *err)
{
    memset(f, 0, sizeof *f);
    if (!ctx->store || !ctx->class_entry)
        return cs_error_set(err, CS_ERR_ARG, "%s needs a dataset", analysis);
    int b = cs_store_budget_index(ctx->store, 108);
    if (b < 0) {
        for (int i = 0; i < cs_store_num_budgets(ctx->store); i++)
            if (b < 0 || cs_store_budget(ctx->store, i) > cs_store_budget(ctx->store, b))
                b = i;
        if (b < 0)
            return cs_error_set(err, CS_ERR_FORMAT, "%s: the dataset has no budgets",
                                analysis);
    }
    f->budget = cs_store_budget(ctx->store, b);
    f->nclasses = cs_space_num_classes(ctx->space);
    f->validation = malloc(f->nclasses * sizeof *f->validation);
    f->test = malloc(f->nclasses * sizeof *f->test);
    f->test_se = malloc(f->nclasses * sizeof *f->test_se);
    if (!f->validation || !f->test || !f->test_se) {
        fitness_destroy(f);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    for (size_t c = 0; c < f->nclasses; c++) {
        f->validation[c] = f->test[c] = NAN;
        f->test_se[c] = 0.0;
        int64_t e = ctx->class_entry[c];
        if (e < 0)
            continue;
        int r = cs_store_entry_at(ctx->store, (size_t)e)->repeats[b];
        if (r == 0)
            continue;
        const cs_run *runs = cs_store_runs(ctx->store, (size_t)e, b);
        double v[CS_STORE_REPEATS], t[CS_STORE_REPEATS];
        for (int i = 0; i < r; i++) {
            v[i] = runs[i].final_validation_accuracy;
            t[i] = runs[i].final_test_accuracy;
        }
        f->validation[c] = cs_mean(v, (size_t)r);
        f->test[c] = cs_mean(t, (size_t)r);
        f->test_se[c] = cs_stddev(t, (size_t)r) / sqrt((double)r);
        f->with_data++;
    }
    if (!f->with_data) {
        fitness_destroy(f);
        return cs_error_set(err, CS_ERR_ARG,
                            "%s: no class of the space has runs at %d epochs in the dataset",
                            analysis, f->budget);
    }
    return CS_OK;
}

/* What every data analysis starts with: the fitness and the raw space. */
static cs_status landscape_begin(const cs_analysis_ctx *ctx, const char *analysis, fitness *fit,
                                 cs_rawspace *rs, cs_error *err)
{
    cs_status st = fitness_init(fit, ctx, analysis, err);
    if (st)
        return st;
    char phase[64];
    snprintf(phase, sizeof phase, "%s: raw encodings", analysis);
    report(ctx, phase, 0.0);
    if ((st = cs_rawspace_init(rs, ctx->space, ctx->threads, err)))
        fitness_destroy(fit);
    return st;
}

/* The class with the highest value (the lowest index among ties), or -1. */
static int64_t best_class(const double *x, size_t n)
{
    int64_t best = -1;
    for (size_t c = 0; c < n; c++)
        if (!isnan(x[c]) && (best < 0 || x[c] > x[best]))
            best = (int64_t)c;
    return best;
}

static void class_compact(const cs_space *sp, int64_t c, char *buf, size_t size)
{
    cs_cell cell;
    const cs_enum_result *res = cs_space_result(sp);
    cs_enum_class_cell(res, &res->classes[c], &cell);
    cs_cell_format_compact(&cell, buf, size);
}

/* --- edit distances over the raw space ---------------------------------------
 * Bitsets of one bit per encoding: matrix m's labellings are the first
 * `labellings` bits of the 256-bit block m (at most 3^5 = 243 labellings in
 * the spaces enum/ supports; a fixed block keeps the word loops unrolled,
 * 1.5x faster than a variable one, and the tests' small spaces run the
 * very code the full space runs).  An edge flip maps block m to block
 * m ^ (1 << bit) whole; an operation change moves a bit by a multiple of
 * its digit's weight within a block.  Each level gathers, for every
 * matrix, its block's neighbours in the frontier. */

#define W 4 /* words per block */

typedef struct bfs_shared {
    const cs_rawspace *rs;
    uint64_t *visited, *front, *next;
    uint64_t *digit_mask;  /* [(v * k + a) * W]: labellings with digit v = a */
    uint64_t *table_valid; /* [table * W]: the table's valid labellings */
    uint64_t *full;        /* [W]: every labelling */
    uint32_t weight[CS_CELL_MAXV];
    bool valid_only;
    uint8_t *class_dist;
    int level;
} bfs_shared;

typedef struct bfs_job {
    bfs_shared *sh;
    uint64_t lo, hi;
    uint64_t reached, reached_valid;
} bfs_job;

static inline void block_shl(uint64_t *dst, const uint64_t *src, unsigned s)
{
    int q = (int)(s / 64);
    unsigned r = s % 64;
    for (int i = W - 1; i >= 0; i--) {
        uint64_t v = i - q >= 0 ? src[i - q] << r : 0;
        if (r && i - q - 1 >= 0)
            v |= src[i - q - 1] >> (64 - r);
        dst[i] = v;
    }
}

static inline void block_shr(uint64_t *dst, const uint64_t *src, unsigned s)
{
    int q = (int)(s / 64);
    unsigned r = s % 64;
    for (int i = 0; i < W; i++) {
        uint64_t v = i + q < W ? src[i + q] >> r : 0;
        if (r && i + q + 1 < W)
            v |= src[i + q + 1] << (64 - r);
        dst[i] = v;
    }
}

/* One level over matrices [lo, hi). */
static void *bfs_level_worker(void *arg)
{
    bfs_job *j = arg;
    bfs_shared *sh = j->sh;
    const cs_rawspace *rs = sh->rs;
    int k = rs->num_ops, nb = rs->edge_bits;
    uint64_t acc[W], z[W], t1[W], t2[W];
    uint64_t reached = 0, reached_valid = 0;
    for (uint64_t m = j->lo; m < j->hi; m++) {
        uint64_t *vis = sh->visited + m * (uint64_t)W;
        int32_t tab = rs->table_of[m];
        const uint64_t *vmask = tab >= 0 ? sh->table_valid + (size_t)tab * W : NULL;
        const uint64_t *lim = sh->valid_only ? vmask : sh->full;
        uint64_t *nx = sh->next + m * (uint64_t)W;
        /* Nothing left to reach here: skip the gather. */
        bool done = true;
        for (int i = 0; i < W; i++)
            done &= !lim || (vis[i] & lim[i]) == lim[i];
        if (done) {
            for (int i = 0; i < W; i++)
                nx[i] = 0;
            continue;
        }
        for (int i = 0; i < W; i++)
            acc[i] = 0;
        for (int b = 0; b < nb; b++) {
            const uint64_t *src = sh->front + (m ^ (UINT64_C(1) << b)) * (uint64_t)W;
            for (int i = 0; i < W; i++)
                acc[i] |= src[i];
        }
        const uint64_t *f = sh->front + m * (uint64_t)W;
        bool any = false;
        for (int i = 0; i < W; i++)
            any |= f[i] != 0;
        if (any) {
            /* Per digit: fold the block onto digit value 0, then copy it
             * to every value. */
            for (int v = 1; v <= rs->n - 2; v++) {
                unsigned w = sh->weight[v];
                for (int i = 0; i < W; i++)
                    z[i] = f[i] & sh->digit_mask[((size_t)v * k) * W + i];
                for (int a = 1; a < k; a++) {
                    for (int i = 0; i < W; i++)
                        t1[i] = f[i] & sh->digit_mask[((size_t)v * k + a) * W + i];
                    block_shr(t2, t1, (unsigned)a * w);
                    for (int i = 0; i < W; i++)
                        z[i] |= t2[i];
                }
                for (int i = 0; i < W; i++)
                    acc[i] |= z[i];
                for (int a = 1; a < k; a++) {
                    block_shl(t2, z, (unsigned)a * w);
                    for (int i = 0; i < W; i++)
                        acc[i] |= t2[i];
                }
            }
        }
        uint64_t newbits = 0;
        for (int i = 0; i < W; i++) {
            acc[i] &= ~vis[i] & (lim ? lim[i] : 0);
            vis[i] |= acc[i];
            nx[i] = acc[i];
            newbits |= acc[i];
        }
        if (!newbits)
            continue;
        for (int i = 0; i < W; i++) {
            reached += (uint64_t)__builtin_popcountll(acc[i]);
            if (vmask)
                reached_valid += (uint64_t)__builtin_popcountll(acc[i] & vmask[i]);
        }
        if (sh->class_dist && vmask) {
            const int32_t *T = rs->tables + (size_t)tab * rs->labellings;
            for (int i = 0; i < W; i++)
                for (uint64_t r = acc[i] & vmask[i]; r; r &= r - 1) {
                    int32_t c = T[i * 64 + __builtin_ctzll(r)];
                    if (__atomic_load_n(&sh->class_dist[c], __ATOMIC_RELAXED) ==
                        CS_RAW_BFS_UNREACHED)
                        __atomic_store_n(&sh->class_dist[c], (uint8_t)sh->level,
                                         __ATOMIC_RELAXED);
                }
        }
    }
    j->reached = reached;
    j->reached_valid = reached_valid;
    return NULL;
}

cs_status cs_raw_bfs(const cs_rawspace *rs, const uint8_t *source_class, bool valid_only,
                     int threads, cs_raw_bfs_result *res, uint8_t *class_dist,
                     const cs_analysis_ctx *progress, cs_error *err)
{
    memset(res, 0, sizeof *res);
    uint32_t L = rs->labellings;
    int k = rs->num_ops;
    if (L > 64 * W)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "%u labellings per matrix: the edit-distance search supports "
                            "up to %d", L, 64 * W);
    bfs_shared sh = {.rs = rs, .valid_only = valid_only, .class_dist = class_dist};
    size_t words = (size_t)rs->matrices * (size_t)W;
    sh.visited = malloc(words * sizeof(uint64_t));
    sh.front = malloc(words * sizeof(uint64_t));
    sh.next = malloc(words * sizeof(uint64_t));
    sh.digit_mask = calloc((size_t)(rs->n * k + 1) * W, sizeof(uint64_t));
    sh.table_valid = calloc(((size_t)rs->ntables + 1) * W, sizeof(uint64_t));
    sh.full = calloc((size_t)W, sizeof(uint64_t));
    uint64_t *src_mask = calloc(((size_t)rs->ntables + 1) * W, sizeof(uint64_t));
    int nt = cs_threads(threads);
    bfs_job *jobs = calloc((size_t)nt, sizeof *jobs);
    cs_status st = CS_OK;
    if (!sh.visited || !sh.front || !sh.next || !sh.digit_mask || !sh.table_valid ||
        !sh.full || !src_mask || !jobs) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (edit-distance search: %zu MB)",
                          3 * words * sizeof(uint64_t) >> 20);
        goto out;
    }
    uint32_t w = 1;
    for (int v = rs->n - 2; v >= 1; v--) {
        sh.weight[v] = w;
        w *= (uint32_t)k;
    }
    for (uint32_t t = 0; t < L; t++) {
        sh.full[t / 64] |= UINT64_C(1) << (t % 64);
        for (int v = 1; v <= rs->n - 2; v++) {
            uint32_t a = (t / sh.weight[v]) % (uint32_t)k;
            sh.digit_mask[((size_t)v * k + a) * W + t / 64] |= UINT64_C(1) << (t % 64);
        }
    }
    for (uint32_t tab = 0; tab < rs->ntables; tab++)
        for (uint32_t t = 0; t < L; t++) {
            int32_t c = rs->tables[(size_t)tab * L + t];
            if (c < 0)
                continue;
            sh.table_valid[(size_t)tab * W + t / 64] |= UINT64_C(1) << (t % 64);
            if (source_class[c])
                src_mask[(size_t)tab * W + t / 64] |= UINT64_C(1) << (t % 64);
        }
    if (class_dist)
        memset(class_dist, CS_RAW_BFS_UNREACHED, rs->nclasses);
    /* Level 0: the sources. */
    for (uint64_t m = 0; m < rs->matrices; m++) {
        int32_t tab = rs->table_of[m];
        for (int i = 0; i < W; i++) {
            uint64_t s = tab >= 0 ? src_mask[(size_t)tab * W + i] : 0;
            sh.front[m * W + i] = sh.visited[m * W + i] = s;
            res->reached[0] += (uint64_t)__builtin_popcountll(s);
        }
    }
    res->reached_valid[0] = res->reached[0];
    if (class_dist)
        for (size_t c = 0; c < rs->nclasses; c++)
            if (source_class[c])
                class_dist[c] = 0;
    for (int level = 1; res->reached[level - 1]; level++) {
        if (level >= CS_RAW_BFS_LEVELS) {
            st = cs_error_set(err, CS_ERR_LIMIT,
                              "edit distances beyond %d: not supported", CS_RAW_BFS_LEVELS - 1);
            goto out;
        }
        sh.level = level;
        for (int i = 0; i < nt; i++)
            jobs[i] = (bfs_job){&sh, rs->matrices * (uint64_t)i / (uint64_t)nt,
                                rs->matrices * (uint64_t)(i + 1) / (uint64_t)nt, 0, 0};
        cs_parallel_run(nt, bfs_level_worker, jobs, sizeof *jobs);
        for (int i = 0; i < nt; i++) {
            res->reached[level] += jobs[i].reached;
            res->reached_valid[level] += jobs[i].reached_valid;
        }
        if (res->reached[level])
            res->max_distance = level;
        if (progress) {
            uint64_t done = 0;
            for (int d = 0; d <= level; d++)
                done += res->reached[d];
            report(progress, valid_only ? "edit distances (valid encodings)"
                                        : "edit distances (all encodings)",
                   (double)done / (double)(valid_only ? rs->valid_encodings
                                                      : rs->matrices * rs->labellings));
        }
        uint64_t *t = sh.front;
        sh.front = sh.next;
        sh.next = t;
    }
out:
    free(sh.visited);
    free(sh.front);
    free(sh.next);
    free(sh.digit_mask);
    free(sh.table_valid);
    free(sh.full);
    free(src_mask);
    free(jobs);
    return st;
}

#undef W

/* --- locality ----------------------------------------------------------------
 * The walk.  It starts at an encoding drawn uniformly from the encodings
 * whose class has a fitness.  Each step draws one of the edits uniformly
 * (n(n-1)/2 edge flips and, for each of the n - 2 interior vertices, the
 * num_ops - 1 other operations: 31 for NAS-Bench-101); a draw that lands on
 * an invalid encoding or on a class without fitness is rejected and drawn
 * again, so a step is a uniform choice among the acceptable edits.  A point
 * with no acceptable edit (only with incomplete data) ends the walk's
 * current segment and a new one starts from a fresh uniform point; pairs
 * never span segments.  CS_LOCALITY_WALKS walks of CS_LOCALITY_STEPS steps,
 * each from its own PRNG stream (seed, walk index), so the result does not
 * depend on the thread count.
 *
 * The random-walk autocorrelation at shift s is the Pearson correlation of
 * the fitness at positions i and i + s over all such pairs of all walks. */

typedef struct walk_shared {
    const cs_rawspace *rs;
    const double *fit;        /* fitness per class (NaN: none) */
    const uint64_t *cum;      /* per matrix: acceptable encodings before it */
    const uint64_t *tab_mask; /* [table * W]: labellings whose class has fitness */
    int W;
    uint64_t total;
    uint64_t seed;
    uint32_t weight[CS_CELL_MAXV];
} walk_shared;

typedef struct walk_job {
    const walk_shared *sh;
    int first, count;        /* walks */
    int32_t **path;          /* per walk: classes, -1 between segments */
    size_t *len;
    uint64_t *restarts;
} walk_job;

static void walk_start(const walk_shared *sh, uint64_t *rng, uint64_t *m, uint32_t *t)
{
    const cs_rawspace *rs = sh->rs;
    uint64_t r = cs_landscape_rand_below(rng, sh->total);
    uint64_t lo = 0, hi = rs->matrices; /* the last matrix with cum <= r */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (sh->cum[mid] <= r)
            lo = mid;
        else
            hi = mid;
    }
    r -= sh->cum[lo];
    const uint64_t *mask = sh->tab_mask + (size_t)rs->table_of[lo] * sh->W;
    for (int i = 0;; i++) {
        uint64_t c = (uint64_t)__builtin_popcountll(mask[i]);
        if (r < c) {
            uint64_t word = mask[i];
            while (r--)
                word &= word - 1;
            *m = lo;
            *t = (uint32_t)(i * 64 + __builtin_ctzll(word));
            return;
        }
        r -= c;
    }
}

static void *walk_worker(void *arg)
{
    walk_job *j = arg;
    const walk_shared *sh = j->sh;
    const cs_rawspace *rs = sh->rs;
    uint32_t k = (uint32_t)rs->num_ops;
    for (int wi = j->first; wi < j->first + j->count; wi++) {
        uint64_t rng = sh->seed ^ (UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(wi + 1));
        int32_t *path = j->path[wi];
        size_t len = 0;
        uint64_t m;
        uint32_t t;
        walk_start(sh, &rng, &m, &t);
        path[len++] = cs_rawspace_class(rs, m, t);
        for (int step = 0; step < CS_LOCALITY_STEPS; step++) {
            uint64_t cm[64];
            uint32_t ct[64];
            int nc = 0;
            for (int b = 0; b < rs->edge_bits; b++) {
                uint64_t m2 = m ^ (UINT64_C(1) << b);
                int32_t c = cs_rawspace_class(rs, m2, t);
                if (c >= 0 && !isnan(sh->fit[c])) {
                    cm[nc] = m2;
                    ct[nc++] = t;
                }
            }
            for (int v = 1; v <= rs->n - 2; v++) {
                uint32_t w = sh->weight[v], d = (t / w) % k;
                for (uint32_t e = 0; e < k; e++) {
                    if (e == d)
                        continue;
                    uint32_t t2 = t + e * w - d * w;
                    int32_t c = cs_rawspace_class(rs, m, t2);
                    if (c >= 0 && !isnan(sh->fit[c])) {
                        cm[nc] = m;
                        ct[nc++] = t2;
                    }
                }
            }
            if (nc == 0) {
                /* stuck: a new segment from a fresh start */
                j->restarts[wi]++;
                path[len++] = -1;
                walk_start(sh, &rng, &m, &t);
            } else {
                int pick = (int)cs_landscape_rand_below(&rng, (uint64_t)nc);
                m = cm[pick];
                t = ct[pick];
            }
            path[len++] = cs_rawspace_class(rs, m, t);
        }
        j->len[wi] = len;
    }
    return NULL;
}

/* Autocorrelation along the walks, for shifts 1..max: per walk (one walk
 * per task, sums combined in walk order so that the thread count does not
 * change a bit), per segment, with prefix sums for everything but the
 * cross products. */
enum { RWA_SUMS = 5 }; /* sum a, sum b, sum aa, sum bb, sum ab */

typedef struct rwa_job {
    int32_t *const *path;
    const size_t *len;
    int first, count;
    const double *x;
    double mu;
    double *sums;      /* per walk: (max shift + 1) x RWA_SUMS */
    uint64_t *npairs;  /* per walk: max shift + 1 */
    double *a, *p1, *p2; /* scratch: a segment's centred values and prefix sums */
} rwa_job;

static void *rwa_worker(void *arg)
{
    rwa_job *j = arg;
    enum { S = CS_LOCALITY_MAX_SHIFT + 1 };
    for (int w = j->first; w < j->first + j->count; w++) {
        const int32_t *p = j->path[w];
        double *sums = j->sums + (size_t)w * S * RWA_SUMS;
        uint64_t *np = j->npairs + (size_t)w * S;
        for (size_t lo = 0; lo < j->len[w];) {
            size_t n = 0;
            j->p1[0] = j->p2[0] = 0;
            while (lo + n < j->len[w] && p[lo + n] >= 0) {
                double v = j->x[p[lo + n]] - j->mu;
                j->a[n] = v;
                j->p1[n + 1] = j->p1[n] + v;
                j->p2[n + 1] = j->p2[n] + v * v;
                n++;
            }
            for (size_t s = 1; s < S && s < n; s++) {
                const double *a = j->a;
                double ab = 0;
                for (size_t i = 0; i + s < n; i++)
                    ab += a[i] * a[i + s];
                double *q = sums + s * RWA_SUMS;
                q[0] += j->p1[n - s];
                q[1] += j->p1[n] - j->p1[s];
                q[2] += j->p2[n - s];
                q[3] += j->p2[n] - j->p2[s];
                q[4] += ab;
                np[s] += n - s;
            }
            lo += n + 1; /* past the separator */
        }
    }
    return NULL;
}

cs_status cs_landscape_walk_autocorrelation(int32_t *const *path, const size_t *len, int nwalks,
                                      const double *x, int threads, double *rwa,
                                      uint64_t *npairs, cs_error *err)
{
    enum { S = CS_LOCALITY_MAX_SHIFT + 1 };
    /* Centre on the mean of all visited points first: the sums then do not
     * cancel. */
    double mu = 0;
    uint64_t n = 0;
    size_t longest = 0;
    for (int w = 0; w < nwalks; w++) {
        for (size_t i = 0; i < len[w]; i++)
            if (path[w][i] >= 0) {
                mu += x[path[w][i]];
                n++;
            }
        longest = len[w] > longest ? len[w] : longest;
    }
    mu = n ? mu / (double)n : 0.0;
    int nt = cs_threads(threads);
    nt = nt > nwalks ? nwalks : nt;
    rwa_job *jobs = calloc((size_t)nt, sizeof *jobs);
    double *sums = calloc((size_t)nwalks * S * RWA_SUMS, sizeof *sums);
    uint64_t *np = calloc((size_t)nwalks * S, sizeof *np);
    cs_status st = CS_OK;
    bool ok = jobs && sums && np;
    for (int i = 0; i < nt && ok; i++) {
        jobs[i] = (rwa_job){path, len, nwalks * i / nt, nwalks * (i + 1) / nt - nwalks * i / nt,
                            x, mu, sums, np, NULL, NULL, NULL};
        jobs[i].a = malloc((longest + 1) * sizeof(double));
        jobs[i].p1 = malloc((longest + 2) * sizeof(double));
        jobs[i].p2 = malloc((longest + 2) * sizeof(double));
        ok = jobs[i].a && jobs[i].p1 && jobs[i].p2;
    }
    if (!ok) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (autocorrelation)");
        goto out;
    }
    cs_parallel_run(nt, rwa_worker, jobs, sizeof *jobs);
    for (int s = 1; s < S; s++) {
        double q[RWA_SUMS] = {0};
        uint64_t pairs = 0;
        for (int w = 0; w < nwalks; w++) {
            for (int k = 0; k < RWA_SUMS; k++)
                q[k] += sums[((size_t)w * S + (size_t)s) * RWA_SUMS + (size_t)k];
            pairs += np[(size_t)w * S + (size_t)s];
        }
        npairs[s] = pairs;
        double dn = (double)pairs;
        double cov = q[4] - q[0] * q[1] / dn;
        double va = q[2] - q[0] * q[0] / dn, vb = q[3] - q[1] * q[1] / dn;
        double r = pairs >= 2 && va > 0 && vb > 0 ? cov / sqrt(va * vb) : NAN;
        /* rounding can carry |r| a hair past 1 on a constant-ish walk */
        rwa[s] = r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
    }
out:
    if (jobs)
        for (int i = 0; i < nt; i++) {
            free(jobs[i].a);
            free(jobs[i].p1);
            free(jobs[i].p2);
        }
    free(jobs);
    free(sums);
    free(np);
    return st;
}

/* The files of a locality analysis (cs_landscape.h). */
cs_status cs_landscape_locality_write(const cs_analysis_ctx *ctx, const char *outdir,
                                      const cs_landscape_fitness *lf,
                                      const cs_locality_result *r, const char *extra_json,
                                      cs_error *err)
{
    double fdc = cs_pearson(r->fx, r->fd, r->nf), fdc_rho;
    cs_status st = cs_spearman(r->fx, r->fd, r->nf, &fdc_rho, err);
    if (st)
        return st;
    int maxd = 0;
    for (size_t i = 0; i < r->nf; i++)
        if (r->fd[i] > maxd)
            maxd = (int)r->fd[i];
    cs_outfile out;
    char columns[256];
    snprintf(columns, sizeof columns, "shift\tpairs\trwa_%s\trwa_%s", lf->fitness_short,
             lf->score_short);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "locality_rwa.tsv", r->rwa_what, columns, &out,
                                   err)))
        return st;
    for (int s = 1; s <= CS_LOCALITY_MAX_SHIFT; s++) {
        fprintf(out.f, "%d\t%llu\t", s, (unsigned long long)r->npairs[s]);
        put_num(out.f, r->rwa_fitness[s]);
        fputc('\t', out.f);
        put_num(out.f, r->rwa_score[s]);
        fputc('\n', out.f);
    }
    if ((st = cs_analysis_close(&out, err)))
        return st;
    snprintf(columns, sizeof columns, "distance\t%s\tmean_%s\tmax_%s", lf->vertex_plural,
             lf->fitness_short, lf->fitness_short);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "locality_fdc.tsv", r->fdc_what, columns, &out,
                                   err)))
        return st;
    for (int d = 0; d <= maxd; d++) {
        double sum = 0, mx = -INFINITY;
        size_t cnt = 0;
        for (size_t i = 0; i < r->nf; i++)
            if (r->fd[i] == d) {
                sum += r->fx[i];
                mx = r->fx[i] > mx ? r->fx[i] : mx;
                cnt++;
            }
        if (!cnt)
            continue;
        fprintf(out.f, "%d\t%zu\t", d, cnt);
        put_num(out.f, sum / (double)cnt);
        fputc('\t', out.f);
        put_num(out.f, mx);
        fputc('\n', out.f);
    }
    if ((st = cs_analysis_close(&out, err)))
        return st;
    char cell[128], n1[40], n2[40], n3[40], n4[40], n5[40], n6[40], n7[40];
    lf->name(lf->name_user, r->best, cell, sizeof cell);
    const char *fs = lf->fitness_short, *ss = lf->score_short;
    char body[4096];
    snprintf(body, sizeof body,
             "%s%s\"fitness\": \"%s\", \"%s_with_data\": %zu, \"walks\": %d, "
             "\"steps_per_walk\": %d, \"restarts\": %llu, \"%s_visited\": %zu, "
             "\"rwa_%s_shift1\": %s, \"rwa_%s_shift2\": %s, \"rwa_%s_shift5\": %s, "
             "\"rwa_%s_shift1\": %s, \"best_%s\": %lld, \"best_%s\": \"%s\", "
             "\"best_%s\": %s, \"fdc_distance\": \"%s\", \"fdc_pearson\": %s, "
             "\"fdc_spearman\": %s, \"max_distance\": %d",
             extra_json ? extra_json : "", extra_json && *extra_json ? ", " : "",
             lf->fitness_what, lf->vertex_plural, r->nf, r->walks, r->steps,
             (unsigned long long)r->restarts, lf->vertex_plural, r->visited, fs,
             json_num(n1, sizeof n1, r->rwa_fitness[1]), fs,
             json_num(n2, sizeof n2, r->rwa_fitness[2]), fs,
             json_num(n3, sizeof n3, r->rwa_fitness[5]), ss,
             json_num(n4, sizeof n4, r->rwa_score[1]), lf->vertex_what, (long long)r->best,
             lf->name_what, cell, fs, json_num(n5, sizeof n5, lf->fitness[r->best]),
             r->fdc_distance, json_num(n6, sizeof n6, fdc), json_num(n7, sizeof n7, fdc_rho),
             maxd);
    return cs_analysis_json_write(ctx, outdir, "locality.json", "locality", body, err);
}

static void class_namer(const void *user, int64_t c, char *buf, size_t size)
{
    class_compact(user, c, buf, size);
}

/* The classes of the space as the graph-level analyses see them. */
static void class_fitness(cs_landscape_fitness *lf, const fitness *fit,
                          const cs_analysis_ctx *ctx, const char *what)
{
    *lf = (cs_landscape_fitness){.n = fit->nclasses,
                                 .fitness = fit->validation,
                                 .score = fit->test,
                                 .fitness_what = what,
                                 .vertex_what = "class",
                                 .vertex_plural = "classes",
                                 .name_what = "cell",
                                 .fitness_column = "mean_validation",
                                 .score_column = "mean_test",
                                 .fitness_short = "validation",
                                 .score_short = "test",
                                 .name = class_namer,
                                 .name_user = ctx->space};
}

cs_status cs_analysis_locality(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    fitness fit;
    cs_rawspace rs;
    cs_status st = landscape_begin(ctx, "locality", &fit, &rs, err);
    if (st)
        return st;
    int W = (int)((rs.labellings + 63) / 64);
    walk_shared sh = {.rs = &rs, .fit = fit.validation, .W = W, .seed = ctx->seed};
    uint64_t *cum = malloc((rs.matrices + 1) * sizeof *cum);
    uint64_t *tab_mask = calloc(((size_t)rs.ntables + 1) * W, sizeof *tab_mask);
    uint64_t *tab_n = calloc((size_t)rs.ntables + 1, sizeof *tab_n);
    int32_t *paths[CS_LOCALITY_WALKS] = {NULL};
    size_t lens[CS_LOCALITY_WALKS] = {0};
    uint64_t restarts[CS_LOCALITY_WALKS] = {0};
    uint8_t *is_best = calloc(rs.nclasses + 1, 1);
    uint8_t *dist = malloc(rs.nclasses + 1);
    double *fx = malloc((fit.with_data + 1) * sizeof *fx);
    double *fd = malloc((fit.with_data + 1) * sizeof *fd);
    walk_job *jobs = NULL;
    bool ok = cum && tab_mask && tab_n && is_best && dist && fx && fd;
    for (int w = 0; w < CS_LOCALITY_WALKS && ok; w++)
        ok = (paths[w] = malloc((2 * (size_t)CS_LOCALITY_STEPS + 2) * sizeof *paths[w])) != NULL;
    if (!ok) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (locality)");
        goto out;
    }
    for (int v = rs.n - 2, w = 1; v >= 1; v--, w *= rs.num_ops)
        sh.weight[v] = (uint32_t)w;
    for (uint32_t tab = 0; tab < rs.ntables; tab++)
        for (uint32_t t = 0; t < rs.labellings; t++) {
            int32_t c = rs.tables[(size_t)tab * rs.labellings + t];
            if (c >= 0 && !isnan(fit.validation[c])) {
                tab_mask[(size_t)tab * W + t / 64] |= UINT64_C(1) << (t % 64);
                tab_n[tab]++;
            }
        }
    uint64_t total = 0;
    for (uint64_t m = 0; m < rs.matrices; m++) {
        cum[m] = total;
        if (rs.table_of[m] >= 0)
            total += tab_n[rs.table_of[m]];
    }
    sh.cum = cum;
    sh.tab_mask = tab_mask;
    sh.total = total;

    /* the walks */
    report(ctx, "locality: random walks", 0.0);
    int nt = cs_threads(ctx->threads);
    if (nt > CS_LOCALITY_WALKS)
        nt = CS_LOCALITY_WALKS;
    if (!(jobs = calloc((size_t)nt, sizeof *jobs))) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (locality)");
        goto out;
    }
    for (int i = 0; i < nt; i++) {
        int lo = CS_LOCALITY_WALKS * i / nt, hi = CS_LOCALITY_WALKS * (i + 1) / nt;
        jobs[i] = (walk_job){&sh, lo, hi - lo, paths, lens, restarts};
    }
    cs_parallel_run(nt, walk_worker, jobs, sizeof *jobs);
    double rwa_v[CS_LOCALITY_MAX_SHIFT + 1], rwa_t[CS_LOCALITY_MAX_SHIFT + 1];
    uint64_t npairs[CS_LOCALITY_MAX_SHIFT + 1];
    if ((st = cs_landscape_walk_autocorrelation(paths, lens, CS_LOCALITY_WALKS, fit.validation,
                                   ctx->threads, rwa_v, npairs, err)) ||
        (st = cs_landscape_walk_autocorrelation(paths, lens, CS_LOCALITY_WALKS, fit.test, ctx->threads,
                                   rwa_t, npairs, err)))
        goto out;
    uint64_t nrestart = 0;
    size_t visited = 0;
    for (int w = 0; w < CS_LOCALITY_WALKS; w++) {
        nrestart += restarts[w];
        /* is_best doubles as the visited flags until the FDC below */
        for (size_t i = 0; i < lens[w]; i++)
            if (paths[w][i] >= 0 && !is_best[paths[w][i]]) {
                is_best[paths[w][i]] = 1;
                visited++;
            }
    }
    memset(is_best, 0, rs.nclasses + 1);

    /* fitness-distance correlation: edit distance to the best class */
    report(ctx, "locality: distances to the best cell", 0.0);
    int64_t best = best_class(fit.validation, fit.nclasses);
    if (best < 0) { /* fitness_init saw a class with data */
        st = cs_error_set(err, CS_ERR_ARG, "locality: no class with data");
        goto out;
    }
    is_best[best] = 1;
    cs_raw_bfs_result br;
    if ((st = cs_raw_bfs(&rs, is_best, false, ctx->threads, &br, dist, ctx, err)))
        goto out;
    size_t nf = 0;
    for (size_t c = 0; c < fit.nclasses; c++)
        if (!isnan(fit.validation[c])) {
            fx[nf] = fit.validation[c];
            fd[nf++] = dist[c];
        }

    /* files */
    {
        char rwa_what[512], fdc_what[512], vfit[96], extra[256];
        snprintf(rwa_what, sizeof rwa_what,
                 "random-walk autocorrelation of the mean accuracy at %d epochs along %d walks "
                 "of %d single edits in the raw encoding space (invalid encodings and classes "
                 "without data rejected)",
                 fit.budget, CS_LOCALITY_WALKS, CS_LOCALITY_STEPS);
        snprintf(fdc_what, sizeof fdc_what,
                 "classes with data by edit distance (Hamming distance of raw encodings, "
                 "nearest encodings) to the class of best mean validation accuracy at %d "
                 "epochs",
                 fit.budget);
        snprintf(vfit, sizeof vfit, "mean final validation accuracy over repeats");
        snprintf(extra, sizeof extra, "\"budget\": %d", fit.budget);
        cs_landscape_fitness lf;
        class_fitness(&lf, &fit, ctx, vfit);
        cs_locality_result lr = {.rwa_fitness = rwa_v,
                                 .rwa_score = rwa_t,
                                 .npairs = npairs,
                                 .rwa_what = rwa_what,
                                 .fdc_what = fdc_what,
                                 .fdc_distance = "edit distance between raw encodings (Hamming), "
                                                 "nearest encodings of the class and of the best "
                                                 "cell",
                                 .fx = fx,
                                 .fd = fd,
                                 .nf = nf,
                                 .walks = CS_LOCALITY_WALKS,
                                 .steps = CS_LOCALITY_STEPS,
                                 .restarts = nrestart,
                                 .visited = visited,
                                 .best = best};
        st = cs_landscape_locality_write(ctx, outdir, &lf, &lr, extra, err);
    }
out:
    for (int w = 0; w < CS_LOCALITY_WALKS; w++)
        free(paths[w]);
    free(jobs);
    free(cum);
    free(tab_mask);
    free(tab_n);
    free(is_best);
    free(dist);
    free(fx);
    free(fd);
    cs_rawspace_destroy(&rs);
    fitness_destroy(&fit);
    return st;
}

/* --- distance to peaks ----------------------------------------------------------
 * Top cells (the paper's): classes whose mean test accuracy is within two
 * standard errors of the best class's, the standard error being that of the
 * best class's mean over its repeats (sample standard deviation / sqrt(r)).
 * The fraction of the space within edit distance d of a top cell is exact:
 * a multi-source search from every encoding of every top cell. */

typedef struct ranked {
    double key;
    int64_t c;
} ranked;

/* descending key, then ascending class */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

cs_status cs_analysis_peaks(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    fitness fit;
    cs_rawspace rs;
    cs_status st = landscape_begin(ctx, "peaks", &fit, &rs, err);
    if (st)
        return st;
    int64_t best = best_class(fit.test, fit.nclasses);
    if (best < 0) { /* fitness_init saw a class with data */
        cs_rawspace_destroy(&rs);
        fitness_destroy(&fit);
        return cs_error_set(err, CS_ERR_ARG, "peaks: no class with data");
    }
    double threshold = fit.test[best] - 2.0 * fit.test_se[best];
    uint8_t *top = calloc(fit.nclasses + 1, 1);
    uint64_t *enc = calloc(fit.nclasses + 1, sizeof *enc);
    ranked *tops = malloc((fit.with_data + 1) * sizeof *tops);
    cs_raw_bfs_result *all = malloc(sizeof *all), *valid = malloc(sizeof *valid);
    if (!top || !enc || !tops || !all || !valid) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (peaks)");
        goto out;
    }
    size_t ntop = 0;
    for (size_t c = 0; c < fit.nclasses; c++)
        if (!isnan(fit.test[c]) && fit.test[c] >= threshold) {
            top[c] = 1;
            tops[ntop++] = (ranked){fit.test[c], (int64_t)c};
        }
    qsort(tops, ntop, sizeof *tops, cmp_ranked);
    for (uint32_t tab = 0; tab < rs.ntables; tab++)
        for (uint32_t t = 0; t < rs.labellings; t++) {
            int32_t c = rs.tables[(size_t)tab * rs.labellings + t];
            if (c >= 0)
                enc[c] += rs.table_count[tab];
        }
    report(ctx, "peaks: edit distances, all encodings", 0.0);
    if ((st = cs_raw_bfs(&rs, top, false, ctx->threads, all, NULL, ctx, err)))
        goto out;
    report(ctx, "peaks: edit distances, valid encodings only", 0.0);
    if ((st = cs_raw_bfs(&rs, top, true, ctx->threads, valid, NULL, ctx, err)))
        goto out;

    uint64_t raw = rs.matrices * rs.labellings;
    cs_outfile out;
    char what[512];
    snprintf(what, sizeof what,
             "encodings within edit distance d of an encoding of a top cell (%zu cells within "
             "2 standard errors of the best mean test accuracy at %d epochs); within: "
             "distances through any encoding, as a fraction of all %llu raw encodings, and "
             "valid ones of the %llu valid; valid_paths: paths through valid encodings only",
             ntop, fit.budget, (unsigned long long)raw, (unsigned long long)rs.valid_encodings);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "peaks_distance.tsv", what,
                                   "distance\tencodings\twithin\tfraction_within\t"
                                   "valid_within\tfraction_valid_within\t"
                                   "valid_paths_within\tfraction_valid_paths_within",
                                   &out, err)))
        goto out;
    int maxd = all->max_distance > valid->max_distance ? all->max_distance
                                                        : valid->max_distance;
    uint64_t cum = 0, cumv = 0, cump = 0;
    double frac6 = NAN, frac6v = NAN, frac6p = NAN;
    for (int d = 0; d <= maxd; d++) {
        cum += all->reached[d];
        cumv += all->reached_valid[d];
        cump += valid->reached[d];
        double f = (double)cum / (double)raw, fv = (double)cumv / (double)rs.valid_encodings,
               fp = (double)cump / (double)rs.valid_encodings;
        if (d == 6 || (d == maxd && d < 6)) {
            frac6 = f;
            frac6v = fv;
            frac6p = fp;
        }
        fprintf(out.f, "%d\t%llu\t%llu\t", d, (unsigned long long)all->reached[d],
                (unsigned long long)cum);
        put_num(out.f, f);
        fprintf(out.f, "\t%llu\t", (unsigned long long)cumv);
        put_num(out.f, fv);
        fprintf(out.f, "\t%llu\t", (unsigned long long)cump);
        put_num(out.f, fp);
        fputc('\n', out.f);
    }
    if ((st = cs_analysis_close(&out, err)))
        goto out;
    snprintf(what, sizeof what,
             "top cells: mean test accuracy at %d epochs within 2 standard errors of the best",
             fit.budget);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "peaks_top.tsv", what,
                                   "class\tcell\tmean_test\ttest_standard_error\tencodings",
                                   &out, err)))
        goto out;
    for (size_t i = 0; i < ntop; i++) {
        char cell[128];
        class_compact(ctx->space, tops[i].c, cell, sizeof cell);
        fprintf(out.f, "%lld\t%s\t", (long long)tops[i].c, cell);
        put_num(out.f, fit.test[tops[i].c]);
        fputc('\t', out.f);
        put_num(out.f, fit.test_se[tops[i].c]);
        fprintf(out.f, "\t%llu\n", (unsigned long long)enc[tops[i].c]);
    }
    if ((st = cs_analysis_close(&out, err)))
        goto out;
    char cell[128], n1[40], n2[40], n3[40], n4[40], n5[40], n6[40], body[3072];
    class_compact(ctx->space, best, cell, sizeof cell);
    snprintf(body, sizeof body,
             "\"budget\": %d, \"best_class\": %lld, \"best_cell\": \"%s\", "
             "\"best_mean_test\": %s, \"best_test_standard_error\": %s, \"threshold\": %s, "
             "\"top_cells\": %zu, \"top_encodings\": %llu, \"raw_encodings\": %llu, "
             "\"valid_encodings\": %llu, \"space_reading\": \"fraction_within: all raw "
             "encodings, valid or not, distances through any encoding (Hamming distance of "
             "encodings); valid_paths: valid encodings, paths through valid encodings only\", "
             "\"fraction_within_6\": %s, \"fraction_valid_within_6\": %s, "
             "\"fraction_valid_paths_within_6\": %s, \"max_distance\": %d, "
             "\"max_distance_valid_paths\": %d",
             fit.budget, (long long)best, cell, json_num(n1, sizeof n1, fit.test[best]),
             json_num(n2, sizeof n2, fit.test_se[best]), json_num(n3, sizeof n3, threshold),
             ntop, (unsigned long long)all->reached[0], (unsigned long long)raw,
             (unsigned long long)rs.valid_encodings, json_num(n4, sizeof n4, frac6),
             json_num(n5, sizeof n5, frac6v), json_num(n6, sizeof n6, frac6p),
             all->max_distance, valid->max_distance);
    st = cs_analysis_json_write(ctx, outdir, "peaks.json", "peaks", body, err);
out:
    free(top);
    free(enc);
    free(tops);
    free(all);
    free(valid);
    cs_rawspace_destroy(&rs);
    fitness_destroy(&fit);
    return st;
}

/* --- local optima -----------------------------------------------------------------
 * On the neighbour graph restricted to classes with data, with the fitness
 * above.  A class is a strict local optimum when its fitness exceeds every
 * neighbour's; a local optimum when no neighbour's exceeds it (plateaus of
 * equal fitness count).  Steepest ascent moves to the neighbour of highest
 * fitness (the lowest class index among ties) while that is strictly
 * better; it ends at a local optimum, whose basin is the set of classes
 * whose ascent ends there.  Classes with no neighbour with data are
 * isolated: counted, but neither optima nor in a basin. */

cs_status cs_landscape_optima_write(const cs_analysis_ctx *ctx, const char *outdir,
                                    const cs_nbgraph *g, const cs_landscape_fitness *lf,
                                    const char *extra_json, cs_error *err)
{
    cs_status st = CS_OK;
    size_t nc = lf->n, with_data = 0;
    for (size_t v = 0; v < nc; v++)
        with_data += !isnan(lf->fitness[v]);
    int64_t *next = malloc((nc + 1) * sizeof *next), *term = malloc((nc + 1) * sizeof *term);
    uint32_t *deg = calloc(nc + 1, sizeof *deg), *steps = calloc(nc + 1, sizeof *steps);
    uint64_t *basin = calloc(nc + 1, sizeof *basin);
    uint8_t *strict = calloc(nc + 1, 1);
    ranked *order = malloc((with_data + 1) * sizeof *order);
    double *ofit = malloc((with_data + 1) * sizeof *ofit);
    if (!next || !term || !deg || !steps || !basin || !strict || !order || !ofit) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (optima)");
        goto out;
    }
    const double *f = lf->fitness;
    size_t nd = 0, isolated = 0;
    for (size_t v = 0; v < nc; v++) {
        next[v] = term[v] = -1;
        if (isnan(f[v]))
            continue;
        int64_t bn = -1;
        bool is_strict = true;
        for (uint64_t i = g->offset[v]; i < g->offset[v + 1]; i++) {
            uint32_t u = g->adj[i];
            if (isnan(f[u]))
                continue;
            deg[v]++;
            if (f[u] >= f[v])
                is_strict = false;
            if (bn < 0 || f[u] > f[bn])
                bn = u; /* lists are sorted: the first maximum is the lowest index */
        }
        next[v] = bn >= 0 && f[bn] > f[v] ? bn : (int64_t)v;
        strict[v] = deg[v] > 0 && is_strict;
        isolated += deg[v] == 0;
        order[nd++] = (ranked){f[v], (int64_t)v};
    }
    /* Best first: an ascent's next class is strictly better, so it is done
     * before the classes that climb to it. */
    qsort(order, nd, sizeof *order, cmp_ranked);
    size_t noptima = 0, nstrict = 0, nascent = 0;
    uint64_t sum_steps = 0;
    uint32_t max_steps = 0;
    for (size_t i = 0; i < nd; i++) {
        int64_t v = order[i].c;
        if (deg[v] == 0)
            continue;
        if (next[v] == v) {
            term[v] = v;
            steps[v] = 0;
            ofit[noptima++] = f[v];
            nstrict += strict[v];
        } else {
            term[v] = term[next[v]];
            steps[v] = steps[next[v]] + 1;
        }
        basin[term[v]]++;
        nascent++;
        sum_steps += steps[v];
        if (steps[v] > max_steps)
            max_steps = steps[v];
    }
    /* files */
    cs_outfile out;
    char what[512];
    snprintf(what, sizeof what,
             "local optima of the neighbour graph on %s with data (no neighbour has a "
             "higher %s), best first; basin: %s whose steepest ascent ends there",
             lf->vertex_plural, lf->fitness_what, lf->vertex_plural);
    char columns[256];
    snprintf(columns, sizeof columns,
             "rank\t%s\t%s\t%s\t%s\tdegree\tbasin_size\tstrict", lf->vertex_what,
             lf->name_what, lf->fitness_column, lf->score_column);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "optima.tsv", what, columns, &out, err)))
        goto out;
    uint64_t largest_basin = 0;
    int64_t top_optimum = -1;
    size_t rank = 0;
    for (size_t i = 0; i < nd; i++) {
        int64_t v = order[i].c;
        if (deg[v] == 0 || term[v] != v)
            continue;
        if (top_optimum < 0)
            top_optimum = v;
        if (basin[v] > largest_basin)
            largest_basin = basin[v];
        char cell[128];
        lf->name(lf->name_user, v, cell, sizeof cell);
        fprintf(out.f, "%zu\t%lld\t%s\t", ++rank, (long long)v, cell);
        put_num(out.f, f[v]);
        fputc('\t', out.f);
        put_num(out.f, lf->score[v]);
        fprintf(out.f, "\t%u\t%llu\t%d\n", deg[v], (unsigned long long)basin[v], strict[v]);
    }
    if ((st = cs_analysis_close(&out, err)))
        goto out;
    if ((st = cs_analysis_tsv_open(ctx, outdir, "optima_basins.tsv",
                                   "local optima by basin size (steepest ascent)",
                                   "basin_size\toptima", &out, err)))
        goto out;
    /* basin sizes, largest first: count optima per size by a pass per
     * distinct size (sizes sorted through the ranked array) */
    {
        size_t nb = 0;
        for (size_t v = 0; v < nc; v++)
            if (basin[v] && term[v] == (int64_t)v)
                order[nb++] = (ranked){(double)basin[v], (int64_t)v};
        qsort(order, nb, sizeof *order, cmp_ranked);
        for (size_t i = 0; i < nb;) {
            size_t j = i;
            while (j < nb && order[j].key == order[i].key)
                j++;
            fprintf(out.f, "%.0f\t%zu\n", order[i].key, j - i);
            i = j;
        }
    }
    if ((st = cs_analysis_close(&out, err)))
        goto out;
    int64_t best = best_class(f, nc);
    if (best < 0) { /* fitness_init saw a class with data */
        st = cs_error_set(err, CS_ERR_ARG, "optima: no class with data");
        goto out;
    }
    char cell[128], tcell[128], n[8][40], body[4096];
    lf->name(lf->name_user, best, cell, sizeof cell);
    if (top_optimum >= 0)
        lf->name(lf->name_user, top_optimum, tcell, sizeof tcell);
    else
        snprintf(tcell, sizeof tcell, "none");
    double gbasin = deg[best] ? (double)basin[best] : 0.0;
    snprintf(body, sizeof body,
             "%s%s\"fitness\": \"%s\", "
             "\"%s_with_data\": %zu, \"isolated_%s\": %zu, \"local_optima\": %zu, "
             "\"strict_local_optima\": %zu, \"plateau_optima\": %zu, "
             "\"global_best_%s\": %lld, \"global_best_%s\": \"%s\", "
             "\"global_best_%s\": %s, \"global_best_isolated\": %s, "
             "\"global_best_basin\": %.0f, \"global_best_basin_fraction\": %s, "
             "\"best_optimum_%s\": \"%s\", \"largest_basin\": %llu, "
             "\"mean_basin\": %s, \"mean_ascent_steps\": %s, \"max_ascent_steps\": %u, "
             "\"optima_%s_mean\": %s, \"optima_%s_median\": %s, "
             "\"optima_%s_min\": %s",
             extra_json ? extra_json : "", extra_json && *extra_json ? ", " : "",
             lf->fitness_what, lf->vertex_plural, with_data, lf->vertex_plural, isolated, noptima,
             nstrict, noptima - nstrict, lf->vertex_what, (long long)best, lf->name_what, cell,
             lf->fitness_short, json_num(n[0], sizeof n[0], f[best]),
             deg[best] ? "false" : "true", gbasin,
             json_num(n[1], sizeof n[1], nascent ? gbasin / (double)nascent : NAN),
             lf->name_what, tcell,
             (unsigned long long)largest_basin,
             json_num(n[2], sizeof n[2], noptima ? (double)nascent / (double)noptima : NAN),
             json_num(n[3], sizeof n[3], nascent ? (double)sum_steps / (double)nascent : NAN),
             max_steps, lf->fitness_short, json_num(n[4], sizeof n[4], cs_mean(ofit, noptima)),
             lf->fitness_short,
             json_num(n[5], sizeof n[5], noptima ? cs_quantile(ofit, noptima, 0.5) : NAN),
             lf->fitness_short,
             json_num(n[6], sizeof n[6], noptima ? cs_quantile(ofit, noptima, 0.0) : NAN));
    st = cs_analysis_json_write(ctx, outdir, "optima.json", "optima", body, err);
out:
    free(next);
    free(term);
    free(deg);
    free(steps);
    free(basin);
    free(strict);
    free(order);
    free(ofit);
    return st;
}

cs_status cs_analysis_optima(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    fitness fit;
    cs_rawspace rs;
    cs_nbgraph g;
    cs_status st = landscape_begin(ctx, "optima", &fit, &rs, err);
    if (st)
        return st;
    report(ctx, "optima: neighbour graph", 0.0);
    if (!(st = cs_nbgraph_build(&g, &rs, ctx->threads, err))) {
        char what[96], extra[64];
        snprintf(what, sizeof what, "mean validation accuracy at %d epochs", fit.budget);
        snprintf(extra, sizeof extra, "\"budget\": %d", fit.budget);
        cs_landscape_fitness lf;
        class_fitness(&lf, &fit, ctx, what);
        st = cs_landscape_optima_write(ctx, outdir, &g, &lf, extra, err);
        cs_nbgraph_destroy(&g);
    }
    cs_rawspace_destroy(&rs);
    fitness_destroy(&fit);
    return st;
}
