/* Random walks of single edits over the raw encoding space, and their
 * autocorrelation (cs_landscape.h). */
#include "cs_landscape.h"
#include "landscape_internal.h"
#include "cs_parallel.h"
#include "cs_rng.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The walk.  It starts at an encoding drawn uniformly from the encodings
 * whose class has a fitness.  Each step draws one of the edits uniformly
 * (n(n-1)/2 edge flips and, for each of the n - 2 interior vertices, the
 * num_ops - 1 other operations: 31 for NAS-Bench-101); a draw that lands on
 * an invalid encoding or on a class without fitness is rejected and drawn
 * again, so a step is a uniform choice among the acceptable edits.  A point
 * with no acceptable edit (only with incomplete data) ends the walk's
 * current segment and a new one starts from a fresh uniform point; pairs
 * never span segments.  Each walk draws from its own PRNG stream (seed, walk index), so the result does not
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
    int steps;
    uint32_t weight[CS_CELL_MAXV];
    const cs_monitor *monitor; /* polled by the calling thread's worker */
    atomic_bool *stop;         /* set when it says stop; every worker checks */
} walk_shared;

/* Steps between looks at the monitor: a few milliseconds of walking. */
#define WALK_POLL_STEPS 4096

typedef struct walk_job {
    const walk_shared *sh;
    int first, count;        /* walks */
    bool main;               /* runs on the calling thread: polls the monitor */
    int32_t **path;          /* per walk: classes, -1 between segments */
    size_t *len;
    uint64_t *restarts;
} walk_job;

static void walk_start(const walk_shared *sh, uint64_t *rng, uint64_t *m, uint32_t *t)
{
    const cs_rawspace *rs = sh->rs;
    uint64_t r = cs_splitmix64_below(rng, sh->total);
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
        uint64_t rng = cs_rng_stream_state(sh->seed, (uint64_t)wi);
        int32_t *path = j->path[wi];
        size_t len = 0;
        uint64_t m;
        uint32_t t;
        walk_start(sh, &rng, &m, &t);
        path[len++] = cs_rawspace_class(rs, m, t);
        for (int step = 0; step < sh->steps; step++) {
            if (step % WALK_POLL_STEPS == 0) {
                if (j->main && cs_monitor_cancelled(sh->monitor))
                    atomic_store(sh->stop, true);
                if (atomic_load_explicit(sh->stop, memory_order_relaxed))
                    return NULL;
            }
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
                int pick = (int)cs_splitmix64_below(&rng, (uint64_t)nc);
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
    size_t S;          /* max shift + 1 */
    double *sums;      /* per walk: (max shift + 1) x RWA_SUMS */
    uint64_t *npairs;  /* per walk: max shift + 1 */
    double *a, *p1, *p2; /* scratch: a segment's centred values and prefix sums */
} rwa_job;

static void *rwa_worker(void *arg)
{
    rwa_job *j = arg;
    size_t S = j->S;
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

cs_status cs_landscape_walk_autocorrelation(int32_t *const *path, const size_t *len,
                                            int nwalks, const double *x, int max_shift,
                                            int threads, double *rwa, uint64_t *npairs,
                                            cs_error *err)
{
    if (max_shift < 1)
        return cs_error_set(err, CS_ERR_ARG, "autocorrelation: max shift %d is below 1",
                            max_shift);
    size_t S = (size_t)max_shift + 1;
    rwa[0] = 1.0;
    npairs[0] = 0;
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
                            x, mu, S, sums, np, NULL, NULL, NULL};
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
    for (size_t s = 1; s < S; s++) {
        double q[RWA_SUMS] = {0};
        uint64_t pairs = 0;
        for (int w = 0; w < nwalks; w++) {
            for (int k = 0; k < RWA_SUMS; k++)
                q[k] += sums[((size_t)w * S + s) * RWA_SUMS + (size_t)k];
            pairs += np[(size_t)w * S + s];
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


void cs_walks_destroy(cs_walks *w)
{
    if (w->path)
        for (int i = 0; i < w->nwalks; i++)
            free(w->path[i]);
    free(w->path);
    free(w->len);
    free(w->restarts);
    memset(w, 0, sizeof *w);
}

cs_status cs_walks_alloc(cs_walks *w, int nwalks, int steps, cs_error *err)
{
    memset(w, 0, sizeof *w);
    if ((size_t)steps > (SIZE_MAX / sizeof(int32_t) - 2) / 2)
        return cs_error_set(err, CS_ERR_LIMIT, "random walks: %d steps is too many", steps);
    w->nwalks = nwalks;
    w->steps = steps;
    w->path = calloc((size_t)nwalks, sizeof *w->path);
    w->len = calloc((size_t)nwalks, sizeof *w->len);
    w->restarts = calloc((size_t)nwalks, sizeof *w->restarts);
    bool ok = w->path && w->len && w->restarts;
    /* a restart adds a separator: at most two entries per step */
    for (int i = 0; i < nwalks && ok; i++)
        ok = (w->path[i] = malloc((2 * (size_t)steps + 2) * sizeof *w->path[i])) != NULL;
    if (ok)
        return CS_OK;
    cs_walks_destroy(w);
    return cs_error_set(err, CS_ERR_NOMEM, "out of memory (%d random walks of %d steps)",
                        nwalks, steps);
}

size_t cs_walks_visited(const cs_walks *w, size_t nclasses)
{
    uint8_t *seen = calloc(nclasses + 1, 1);
    size_t visited = 0;
    if (!seen)
        return 0;
    for (int i = 0; i < w->nwalks; i++)
        for (size_t k = 0; k < w->len[i]; k++) {
            int32_t c = w->path[i][k];
            if (c >= 0 && (size_t)c < nclasses && !seen[c]) {
                seen[c] = 1;
                visited++;
            }
        }
    free(seen);
    return visited;
}

/* The starting points: per matrix, the encodings before it whose class has
 * fitness (a walk start is a binary search for a uniform draw). */
static cs_status walk_starts(walk_shared *sh, uint64_t **cum_out, uint64_t **mask_out,
                             cs_error *err)
{
    const cs_rawspace *rs = sh->rs;
    int W = sh->W;
    uint64_t *cum = malloc((rs->matrices + 1) * sizeof *cum);
    uint64_t *tab_mask = calloc(((size_t)rs->ntables + 1) * W, sizeof *tab_mask);
    uint64_t *tab_n = calloc((size_t)rs->ntables + 1, sizeof *tab_n);
    if (!cum || !tab_mask || !tab_n) {
        free(cum);
        free(tab_mask);
        free(tab_n);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (random walks)");
    }
    for (uint32_t tab = 0; tab < rs->ntables; tab++)
        for (uint32_t t = 0; t < rs->labellings; t++) {
            int32_t c = rs->tables[(size_t)tab * rs->labellings + t];
            if (c >= 0 && !isnan(sh->fit[c])) {
                tab_mask[(size_t)tab * W + t / 64] |= UINT64_C(1) << (t % 64);
                tab_n[tab]++;
            }
        }
    uint64_t total = 0;
    for (uint64_t m = 0; m < rs->matrices; m++) {
        cum[m] = total;
        if (rs->table_of[m] >= 0)
            total += tab_n[rs->table_of[m]];
    }
    free(tab_n);
    sh->cum = cum;
    sh->tab_mask = tab_mask;
    sh->total = total;
    *cum_out = cum;
    *mask_out = tab_mask;
    return CS_OK;
}

cs_status cs_walks_run(cs_walks *w, const cs_rawspace *rs, const double *fitness, int nwalks,
                       int steps, uint64_t seed, int threads, const cs_monitor *monitor,
                       cs_error *err)
{
    memset(w, 0, sizeof *w);
    if (nwalks < 1 || steps < 1)
        return cs_error_set(err, CS_ERR_ARG, "random walks: %d walks of %d steps (need >= 1)",
                            nwalks, steps);
    atomic_bool stop = false;
    walk_shared sh = {.rs = rs, .fit = fitness, .W = (int)((rs->labellings + 63) / 64),
                      .seed = seed, .steps = steps, .monitor = monitor, .stop = &stop};
    for (int v = rs->n - 2, wt = 1; v >= 1; v--, wt *= rs->num_ops)
        sh.weight[v] = (uint32_t)wt;
    uint64_t *cum = NULL, *tab_mask = NULL;
    cs_status st = walk_starts(&sh, &cum, &tab_mask, err);
    if (st)
        return st;
    walk_job *jobs = NULL;
    if (sh.total == 0) {
        st = cs_error_set(err, CS_ERR_ARG, "random walks: no class of the space has fitness");
        goto out;
    }
    if ((st = cs_walks_alloc(w, nwalks, steps, err)))
        goto out;
    int nt = cs_threads(threads);
    nt = nt > nwalks ? nwalks : nt;
    if (!(jobs = calloc((size_t)nt, sizeof *jobs))) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (random walks)");
        goto out;
    }
    for (int i = 0; i < nt; i++) {
        int lo = nwalks * i / nt, hi = nwalks * (i + 1) / nt;
        jobs[i] = (walk_job){&sh, lo, hi - lo, i == 0, w->path, w->len, w->restarts};
    }
    cs_parallel_run(nt, walk_worker, jobs, sizeof *jobs);
    if (atomic_load(&stop))
        st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
out:
    if (st)
        cs_walks_destroy(w);
    free(jobs);
    free(cum);
    free(tab_mask);
    return st;
}

cs_status cs_landscape_rwa(const cs_rawspace *rs, const double *fitness, int nwalks, int steps,
                           uint64_t seed, int max_shift, int threads, double *rwa,
                           uint64_t *npairs, const cs_monitor *monitor, cs_error *err)
{
    cs_walks w;
    cs_status st = cs_walks_run(&w, rs, fitness, nwalks, steps, seed, threads, monitor, err);
    if (st)
        return st;
    st = cs_landscape_walk_autocorrelation(w.path, w.len, w.nwalks, fitness, max_shift, threads,
                                           rwa, npairs, err);
    cs_walks_destroy(&w);
    return st;
}
