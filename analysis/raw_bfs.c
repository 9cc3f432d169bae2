/* Edit distances over the raw encoding space: a multi-source breadth-first
 * search on bitsets, level by level (cs_landscape.h). */
#include "cs_landscape.h"
#include "landscape_internal.h"
#include "cs_parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The bit masks the levels use (zeroed before): the digit weights, every
 * labelling (full), the labellings of each digit value (digit_mask), per
 * table its valid labellings (table_valid) and those of a source class
 * (src_mask). */
static void bfs_masks(bfs_shared *sh, const uint8_t *source_class, uint64_t *src_mask)
{
    const cs_rawspace *rs = sh->rs;
    uint32_t L = rs->labellings;
    int k = rs->num_ops;
    uint32_t w = 1;
    for (int v = rs->n - 2; v >= 1; v--) {
        sh->weight[v] = w;
        w *= (uint32_t)k;
    }
    for (uint32_t t = 0; t < L; t++) {
        sh->full[t / 64] |= UINT64_C(1) << (t % 64);
        for (int v = 1; v <= rs->n - 2; v++) {
            uint32_t a = (t / sh->weight[v]) % (uint32_t)k;
            sh->digit_mask[((size_t)v * k + a) * W + t / 64] |= UINT64_C(1) << (t % 64);
        }
    }
    for (uint32_t tab = 0; tab < rs->ntables; tab++)
        for (uint32_t t = 0; t < L; t++) {
            int32_t c = rs->tables[(size_t)tab * L + t];
            if (c < 0)
                continue;
            sh->table_valid[(size_t)tab * W + t / 64] |= UINT64_C(1) << (t % 64);
            if (source_class[c])
                src_mask[(size_t)tab * W + t / 64] |= UINT64_C(1) << (t % 64);
        }
}

/* Level 0: the sources' encodings are the front and visited; their classes
 * are at distance 0, every other class unreached. */
static void bfs_sources(bfs_shared *sh, const uint8_t *source_class, const uint64_t *src_mask,
                        cs_raw_bfs_result *res)
{
    const cs_rawspace *rs = sh->rs;
    if (sh->class_dist)
        memset(sh->class_dist, CS_RAW_BFS_UNREACHED, rs->nclasses);
    for (uint64_t m = 0; m < rs->matrices; m++) {
        int32_t tab = rs->table_of[m];
        for (int i = 0; i < W; i++) {
            uint64_t s = tab >= 0 ? src_mask[(size_t)tab * W + i] : 0;
            sh->front[m * W + i] = sh->visited[m * W + i] = s;
            res->reached[0] += (uint64_t)__builtin_popcountll(s);
        }
    }
    res->reached_valid[0] = res->reached[0];
    if (sh->class_dist)
        for (size_t c = 0; c < rs->nclasses; c++)
            if (source_class[c])
                sh->class_dist[c] = 0;
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
    bfs_masks(&sh, source_class, src_mask);
    bfs_sources(&sh, source_class, src_mask, res);
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
            cs_landscape_report(progress, valid_only ? "edit distances (valid encodings)"
                                        : "edit distances (all encodings)",
                   (double)done / (double)(valid_only ? rs->valid_encodings
                                                      : rs->matrices * rs->labellings));
        }
        if (progress && cs_monitor_cancelled(&progress->monitor)) {
            st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
            goto out;
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
