/* cs_enum_run: walk, then hash and canonicalise every class on all cores,
 * then certify. */
#include "cs_enum.h"
#include "cs_parallel.h"
#include "walk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cs_enum_options_init(cs_enum_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->limits = CS_NB101_LIMITS;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void progress(const cs_enum_options *opt, const char *phase, double done)
{
    cs_monitor_progress(&opt->monitor, phase, done);
}

typedef struct member {
    uint64_t bits;
    uint32_t t;
} member;

typedef struct matrix_rec {
    uint64_t bits;
    int32_t shape;
    uint8_t n;
    int8_t pos[CS_ENUM_MAXV];
} matrix_rec;

typedef struct run_state {
    const cs_enum_options *opt;
    cs_enum_result *res;
    cs_walk walk;
    member *last;          /* last member met of each class (verify) */
    size_t cap;
    matrix_rec *matrices;  /* every matrix walked (exhaustive only) */
    size_t nmatrices, matrices_cap;
    atomic_bool stop;      /* the monitor said stop: the workers leave */
} run_state;

static cs_status push_class(run_state *rs, uint64_t bits, uint32_t t, int n,
                            int edges, cs_error *err)
{
    cs_enum_result *res = rs->res;
    if (res->nclasses == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 4096;
        cs_enum_class *c = realloc(res->classes, cap * sizeof *c);
        if (!c)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (classes)");
        res->classes = c;
        if (rs->opt->verify) {
            member *l = realloc(rs->last, cap * sizeof *l);
            if (!l)
                return cs_error_set(err, CS_ERR_NOMEM, "out of memory (classes)");
            rs->last = l;
        }
        rs->cap = cap;
    }
    cs_enum_class *c = &res->classes[res->nclasses++];
    memset(c, 0, sizeof *c);
    c->bits = bits;
    c->labelling = t;
    c->n = (uint8_t)n;
    c->edges = (uint8_t)edges;
    return CS_OK;
}

static cs_status walk_vertices(run_state *rs, int n, uint32_t *codes, cs_error *err)
{
    const cs_limits *lim = &rs->opt->limits;
    int nbits = n * (n - 1) / 2;
    uint64_t colmask[CS_ENUM_MAXV], rowmask[CS_ENUM_MAXV];
    for (int y = 0; y < n; y++) {
        colmask[y] = ((UINT64_C(1) << y) - 1) << (y * (y - 1) / 2);
        rowmask[y] = 0;
    }
    for (int x = 0; x < n; x++)
        for (int y = x + 1; y < n; y++)
            rowmask[x] |= UINT64_C(1) << (x + y * (y - 1) / 2);
    uint64_t L = 1;
    for (int i = 0; i < n - 2; i++)
        L *= (uint64_t)lim->num_ops;
    cs_enum_count *count = &rs->res->per_vertices[n];
    const uint64_t end = UINT64_C(1) << nbits;
    char phase[64];
    snprintf(phase, sizeof phase, "walk %d vertices", n);
    uint64_t tick = 0;

    for (uint64_t bits = 0; bits < end;) {
        if ((++tick & 0xFFFF) == 0) {
            if ((tick & 0xFFFFF) == 0)
                progress(rs->opt, phase, (double)bits / (double)end);
            cs_status st = cs_monitor_check(&rs->opt->monitor, err);
            if (st)
                return st;
        }
        int edges = __builtin_popcountll(bits);
        if (edges > lim->max_edges) {
            /* Every number up to the next multiple of the lowest set bit
             * keeps these high bits: skip them all. */
            bits += bits & (~bits + 1);
            continue;
        }
        bool full = true;
        for (int y = 1; y < n && full; y++)
            full = (bits & colmask[y]) != 0;
        for (int x = 0; x < n - 1 && full; x++)
            full = (bits & rowmask[x]) != 0;
        if (!full) {
            bits++;
            continue;
        }
        uint32_t adj[CS_CELL_MAXV] = {0};
        for (int y = 1; y < n; y++)
            for (int x = 0; x < y; x++)
                if (bits >> (x + y * (y - 1) / 2) & 1)
                    adj[x] |= UINT32_C(1) << y;
        int32_t shape;
        int pos[CS_CELL_MAXV];
        cs_status st = cs_walk_shape(&rs->walk, n, adj, &shape, pos, err);
        if (st)
            return st;
        cs_walk_codes(&rs->walk, shape, pos, codes);
        int32_t *cls = rs->walk.shapes[shape].codes;
        for (uint32_t t = 0; t < L; t++) {
            int32_t c = cls[codes[t]];
            if (c < 0) {
                c = (int32_t)rs->res->nclasses;
                if ((st = push_class(rs, bits, t, n, edges, err)))
                    return st;
                cls[codes[t]] = c;
            }
            rs->res->classes[c].members++;
            if (rs->opt->verify)
                rs->last[c] = (member){bits, t};
        }
        count->matrices++;
        count->labelled += L;
        if (rs->opt->exhaustive) {
            if (rs->nmatrices == rs->matrices_cap) {
                size_t cap = rs->matrices_cap ? rs->matrices_cap * 2 : 4096;
                matrix_rec *m = realloc(rs->matrices, cap * sizeof *m);
                if (!m)
                    return cs_error_set(err, CS_ERR_NOMEM, "out of memory (matrices)");
                rs->matrices = m;
                rs->matrices_cap = cap;
            }
            matrix_rec *m = &rs->matrices[rs->nmatrices++];
            m->bits = bits;
            m->shape = shape;
            m->n = (uint8_t)n;
            for (int v = 0; v < n; v++)
                m->pos[v] = (int8_t)pos[v];
        }
        bits++;
    }
    return CS_OK;
}

/* --- per-class work, split over threads ---------------------------------- */

#define BATCH 256

typedef struct worker {
    run_state *rs;
    size_t lo, hi;        /* classes, or matrices in the exhaustive pass */
    uint64_t canon_splits, hash_splits, members_hashed;
    bool main;            /* on the calling thread: polls the monitor */
    cs_status st;
    cs_error err;
} worker;

/* Whether to leave now: worker 0 asks the monitor for everyone. */
static bool should_stop(worker *wk)
{
    if (wk->main && cs_monitor_cancelled(&wk->rs->opt->monitor))
        atomic_store(&wk->rs->stop, true);
    return atomic_load_explicit(&wk->rs->stop, memory_order_relaxed);
}

static void *class_worker(void *arg)
{
    worker *wk = arg;
    run_state *rs = wk->rs;
    cs_enum_result *res = rs->res;
    int k = rs->opt->limits.num_ops;
    bool verify = rs->opt->verify;
    cs_cell cells[2 * BATCH];
    char hex[2 * BATCH][33];
    cs_hasher *hasher;
    if ((wk->st = cs_hasher_init(&hasher, &wk->err)))
        return NULL;

    for (size_t at = wk->lo; at < wk->hi && !wk->st && !should_stop(wk); at += BATCH) {
        size_t cnt = wk->hi - at < BATCH ? wk->hi - at : BATCH;
        /* cells[cnt + j] is the last member of class second[j]; a class of
         * one member has nothing more to compare. */
        size_t second[BATCH], nsecond = 0;
        for (size_t i = 0; i < cnt; i++) {
            cs_enum_class *c = &res->classes[at + i];
            cs_enum_walk_cell(c->n, c->bits, c->labelling, k, &cells[i]);
            cs_canon cn;
            if ((wk->st = cs_cell_canon(&cells[i], &cn, &wk->err)) ||
                (wk->st = cs_cell_key(&cn.cell, &c->canon, &wk->err)))
                break;
            c->automorphisms = cn.automorphisms;
            if (verify && c->members > 1) {
                const member *m = &rs->last[at + i];
                cs_cell *other = &cells[cnt + nsecond];
                cs_enum_walk_cell(c->n, m->bits, m->t, k, other);
                cs_key key;
                if ((wk->st = cs_cell_canon(other, &cn, &wk->err)) ||
                    (wk->st = cs_cell_key(&cn.cell, &key, &wk->err)))
                    break;
                if (cs_key_cmp(&key, &c->canon) != 0)
                    wk->canon_splits++;
                second[nsecond++] = i;
            }
        }
        if (wk->st ||
            (wk->st = cs_hasher_hash(hasher, cnt + nsecond, cells, hex, &wk->err)))
            break;
        for (size_t i = 0; i < cnt; i++)
            cs_hash_from_hex(hex[i], 32, res->classes[at + i].hash);
        for (size_t j = 0; j < nsecond; j++)
            if (memcmp(hex[second[j]], hex[cnt + j], 32) != 0)
                wk->hash_splits++;
        if (verify)
            wk->members_hashed += cnt + nsecond;
    }
    cs_hasher_destroy(hasher);
    return NULL;
}

static void *exhaustive_worker(void *arg)
{
    worker *wk = arg;
    run_state *rs = wk->rs;
    cs_enum_result *res = rs->res;
    int k = rs->opt->limits.num_ops;
    cs_cell cells[BATCH];
    int32_t cls[BATCH];
    char hex[BATCH][33];
    uint32_t *codes = NULL;
    size_t ncodes = 0;
    cs_hasher *hasher;
    if ((wk->st = cs_hasher_init(&hasher, &wk->err)))
        return NULL;

    size_t fill = 0;
    for (size_t mi = wk->lo; mi < wk->hi; mi++) {
        if ((mi - wk->lo) % BATCH == 0 && should_stop(wk))
            break;
        const matrix_rec *m = &rs->matrices[mi];
        uint32_t L = 1;
        for (int i = 0; i < m->n - 2; i++)
            L *= (uint32_t)k;
        if (L > ncodes) {
            free(codes);
            codes = malloc(L * sizeof *codes);
            ncodes = L;
            if (!codes) {
                wk->st = cs_error_set(&wk->err, CS_ERR_NOMEM, "out of memory");
                break;
            }
        }
        int pos[CS_CELL_MAXV];
        for (int v = 0; v < m->n; v++)
            pos[v] = m->pos[v];
        cs_walk_codes(&rs->walk, m->shape, pos, codes);
        const int32_t *map = rs->walk.shapes[m->shape].codes;
        for (uint32_t t = 0; t < L; t++) {
            cs_enum_walk_cell(m->n, m->bits, t, k, &cells[fill]);
            cls[fill++] = map[codes[t]];
            bool last = mi + 1 == wk->hi && t + 1 == L;
            if (fill == BATCH || last) {
                if ((wk->st = cs_hasher_hash(hasher, fill, cells, hex, &wk->err)))
                    break;
                for (size_t i = 0; i < fill; i++) {
                    unsigned char raw[16];
                    cs_hash_from_hex(hex[i], 32, raw);
                    if (memcmp(raw, res->classes[cls[i]].hash, 16) != 0)
                        wk->hash_splits++;
                }
                wk->members_hashed += fill;
                fill = 0;
            }
        }
        if (wk->st)
            break;
    }
    free(codes);
    cs_hasher_destroy(hasher);
    return NULL;
}

static cs_status run_workers(run_state *rs, size_t total, int nthreads,
                             void *(*fn)(void *), worker *wk, cs_error *err)
{
    for (int i = 0; i < nthreads; i++) {
        memset(&wk[i], 0, sizeof wk[i]);
        wk[i].rs = rs;
        wk[i].lo = total * (size_t)i / (size_t)nthreads;
        wk[i].hi = total * (size_t)(i + 1) / (size_t)nthreads;
        wk[i].main = i == 0;
    }
    cs_parallel_run(nthreads, fn, wk, sizeof *wk);
    if (atomic_load(&rs->stop))
        return cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
    for (int i = 0; i < nthreads; i++)
        if (wk[i].st) {
            *err = wk[i].err;
            return wk[i].st;
        }
    return CS_OK;
}

static int cmp_canon(const void *a, const void *b)
{
    const cs_enum_class *x = *(const cs_enum_class *const *)a;
    const cs_enum_class *y = *(const cs_enum_class *const *)b;
    return cs_key_cmp(&x->canon, &y->canon);
}

static int cmp_hash(const void *a, const void *b)
{
    const cs_enum_class *x = *(const cs_enum_class *const *)a;
    const cs_enum_class *y = *(const cs_enum_class *const *)b;
    return memcmp(x->hash, y->hash, 16);
}

static cs_status count_duplicates(cs_enum_result *res,
                                  int (*cmp)(const void *, const void *),
                                  uint64_t *dups, cs_error *err)
{
    const cs_enum_class **v = malloc(res->nclasses * sizeof *v);
    if (!v && res->nclasses)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (verify)");
    for (size_t i = 0; i < res->nclasses; i++)
        v[i] = &res->classes[i];
    qsort(v, res->nclasses, sizeof *v, cmp);
    *dups = 0;
    for (size_t i = 1; i < res->nclasses; i++)
        if (cmp(&v[i - 1], &v[i]) == 0)
            (*dups)++;
    free(v);
    return CS_OK;
}

cs_status cs_enum_run(const cs_enum_options *opt, cs_enum_result *res,
                      cs_error *err)
{
    return cs_enum_run_keep(opt, res, NULL, err);
}

cs_status cs_enum_run_keep(const cs_enum_options *opt, cs_enum_result *res, cs_walk *keep,
                           cs_error *err)
{
    const cs_limits *lim = &opt->limits;
    memset(res, 0, sizeof *res);
    res->limits = *lim;
    if (lim->max_vertices < 2 || lim->max_vertices > CS_ENUM_MAXV)
        return cs_error_set(err, CS_ERR_ARG,
                            "--max-vertices must be 2..%d, got %d", CS_ENUM_MAXV,
                            lim->max_vertices);
    if (lim->max_vertices > CS_KEY_MAXV)
        return cs_error_set(err, CS_ERR_ARG, "--max-vertices above %d", CS_KEY_MAXV);
    if (lim->max_edges < 1)
        return cs_error_set(err, CS_ERR_ARG, "--max-edges must be at least 1, got %d",
                            lim->max_edges);
    if (lim->num_ops < 1 || lim->num_ops > CS_NUM_OPS)
        return cs_error_set(err, CS_ERR_ARG, "--num-ops must be 1..%d, got %d",
                            CS_NUM_OPS, lim->num_ops);
    double t0 = now();
    run_state rs;
    memset(&rs, 0, sizeof rs);
    atomic_init(&rs.stop, false);
    rs.opt = opt;
    rs.res = res;
    rs.walk.limits = *lim;
    uint64_t L = 1;
    for (int i = 0; i < lim->max_vertices - 2; i++)
        L *= (uint64_t)lim->num_ops;
    if (L > UINT32_MAX / 2)
        return cs_error_set(err, CS_ERR_ARG, "too many labellings per matrix");
    uint32_t *codes = malloc(L * sizeof *codes);
    cs_status st = CS_OK;
    if (!codes) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (int n = 2; n <= lim->max_vertices; n++) {
        size_t before = res->nclasses;
        if ((st = walk_vertices(&rs, n, codes, err)) ||
            (st = cs_monitor_check(&opt->monitor, err)))
            goto fail;
        res->per_vertices[n].classes = res->nclasses - before;
    }
    free(codes);
    codes = NULL;

    int nthreads = cs_threads(opt->threads);
    worker wk[CS_MAX_THREADS];
    progress(opt, "hash and canonicalise classes", 0.0);
    if ((st = run_workers(&rs, res->nclasses, nthreads, class_worker, wk, err)))
        goto fail;
    if (opt->verify) {
        cs_enum_verdict *v = &res->verdict;
        v->ran = true;
        v->group_mismatches = rs.walk.group_mismatches;
        for (int i = 0; i < nthreads; i++) {
            v->canon_splits += wk[i].canon_splits;
            v->hash_splits += wk[i].hash_splits;
            v->members_hashed += wk[i].members_hashed;
        }
        progress(opt, "certify", 0.0);
        if ((st = cs_monitor_check(&opt->monitor, err)))
            goto fail;
        if ((st = count_duplicates(res, cmp_canon, &v->canon_duplicates, err)) ||
            (st = count_duplicates(res, cmp_hash, &v->hash_collisions, err)))
            goto fail;
        if (opt->exhaustive) {
            v->exhaustive = true;
            progress(opt, "hash every labelled graph", 0.0);
            if ((st = run_workers(&rs, rs.nmatrices, nthreads, exhaustive_worker,
                                  wk, err)))
                goto fail;
            v->members_hashed = 0;
            v->hash_splits = 0;
            for (int i = 0; i < nthreads; i++) {
                v->hash_splits += wk[i].hash_splits;
                v->members_hashed += wk[i].members_hashed;
            }
        }
    }
    res->seconds = now() - t0;
    free(rs.last);
    free(rs.matrices);
    if (keep)
        *keep = rs.walk;
    else
        cs_walk_destroy(&rs.walk);
    return CS_OK;
fail:
    free(codes);
    free(rs.last);
    free(rs.matrices);
    cs_walk_destroy(&rs.walk);
    cs_enum_result_destroy(res);
    return st;
}

void cs_enum_result_destroy(cs_enum_result *res)
{
    free(res->classes);
    res->classes = NULL;
    res->nclasses = 0;
}

bool cs_enum_certified(const cs_enum_result *res)
{
    const cs_enum_verdict *v = &res->verdict;
    return v->ran && !v->canon_duplicates && !v->canon_splits &&
           !v->group_mismatches && !v->hash_collisions && !v->hash_splits;
}

void cs_enum_class_cell(const cs_enum_result *res, const cs_enum_class *c,
                        cs_cell *out)
{
    cs_enum_walk_cell(c->n, c->bits, c->labelling, res->limits.num_ops, out);
}
