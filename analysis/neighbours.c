/* The raw encoding space and the neighbour graph of its classes.
 *
 * The definition (cs_landscape.h): classes A and B are neighbours when some
 * valid encoding of A and some valid encoding of B differ by one edit.
 * Trying all 510 M encodings x 31 edits would take minutes; the structure
 * makes it a second:
 *   - an encoding's class depends on its matrix only through the matrix's
 *     pruned form (the edges among vertices on input-output paths), and the
 *     labels of pruned-away vertices do not matter;
 *   - an operation change keeps the matrix: the class pairs it makes depend
 *     only on the pruned form's shape (isomorphic forms give the same pairs),
 *     named by the class of its all-conv3x3 labelling;
 *   - an edge flip pairs the tables of two pruned forms label by label, and
 *     NAS-Bench-101's 22 M (matrix, bit) flips give only 87 k distinct pairs
 *     of forms, each needing num_ops^(vertices kept by either) labels.
 * tests/analysis_landscape_cases.c checks the result against the definition
 * by brute force on small spaces. */
#include "cs_landscape.h"
#include "landscape_internal.h"
#include "analysis_writers.h"
#include "cs_parallel.h"
#include "cs_rng.h"

#include <igraph.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- threads and sorting -------------------------------------------------- */

#define MAX_THREADS CS_MAX_THREADS

/* Sort keys of `bits` significant bits (LSD radix); tmp holds n keys. */
static void sort_u64(uint64_t *keys, uint64_t *tmp, size_t n, int bits)
{
    enum { RADIX = 11, BUCKETS = 1 << RADIX };
    size_t count[BUCKETS];
    uint64_t *src = keys, *dst = tmp;
    for (int shift = 0; shift < bits; shift += RADIX) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & (BUCKETS - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != keys)
        memcpy(keys, src, n * sizeof *keys);
}

static int bits_for(uint64_t maxval)
{
    int b = 1;
    while (b < 63 && (maxval >> b))
        b++;
    return b;
}

/* Remove repeats from a sorted array; returns the new length. */
static size_t unique_u64(uint64_t *a, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || a[i] != a[u - 1])
            a[u++] = a[i];
    return u;
}

/* A growable array of keys owned by one thread. */
typedef struct keyvec {
    uint64_t *v;
    size_t n, cap;
    bool nomem;
} keyvec;

static inline void keyvec_push(keyvec *kv, uint64_t key)
{
    if (kv->n == kv->cap) {
        if (kv->nomem)
            return;
        size_t cap = kv->cap ? kv->cap * 2 : 4096;
        uint64_t *v = realloc(kv->v, cap * sizeof *v);
        if (!v) {
            kv->nomem = true;
            return;
        }
        kv->v = v;
        kv->cap = cap;
    }
    kv->v[kv->n++] = key;
}

/* --- the raw space ---------------------------------------------------------- */

static inline int edge_bit(int x, int y) { return x + y * (y - 1) / 2; }

typedef struct prune_job {
    const cs_rawspace *rs;
    const uint32_t *within; /* vertex set -> its edge bits */
    uint64_t lo, hi;
    int32_t *pruned;        /* per matrix: pruned bit pattern, -1 disconnected */
} prune_job;

/* What pruning keeps: vertices reachable from the input that reach the
 * output; the pruned form is the matrix's edges among them. */
static void *prune_worker(void *arg)
{
    prune_job *j = arg;
    int n = j->rs->n;
    int ex[32], ey[32];
    for (int y = 1; y < n; y++)
        for (int x = 0; x < y; x++) {
            ex[edge_bit(x, y)] = x;
            ey[edge_bit(x, y)] = y;
        }
    for (uint64_t m = j->lo; m < j->hi; m++) {
        uint32_t adj[CS_CELL_MAXV] = {0};
        for (uint64_t r = m; r; r &= r - 1) {
            int b = __builtin_ctzll(r);
            adj[ex[b]] |= UINT32_C(1) << ey[b];
        }
        uint32_t keep = cs_prune_mask(n, adj);
        j->pruned[m] = (keep & 1) ? (int32_t)(m & j->within[keep]) : -1;
    }
    return NULL;
}

typedef struct table_job {
    const cs_space *sp;
    cs_rawspace *rs;
    const uint32_t *forms;
    uint32_t lo, hi;
} table_job;

static void *table_worker(void *arg)
{
    table_job *j = arg;
    for (uint32_t i = j->lo; i < j->hi; i++)
        cs_space_raw_classes(j->sp, j->forms[i], j->rs->tables + (size_t)i * j->rs->labellings);
    return NULL;
}

void cs_rawspace_destroy(cs_rawspace *rs)
{
    free(rs->table_of);
    free(rs->tables);
    free(rs->table_bits);
    free(rs->table_keep);
    free(rs->table_count);
    memset(rs, 0, sizeof *rs);
}

/* Every matrix's pruned form (its bit pattern, -1 when disconnected) into
 * pruned, on nt threads. */
static void prune_all(const cs_rawspace *rs, int nt, int32_t *pruned)
{
    int n = rs->n;
    uint32_t within[1 << 7]; /* per vertex set: its edge bits; n <= 7 here */
    for (uint32_t k = 0; k < (UINT32_C(1) << n); k++) {
        within[k] = 0;
        for (int y = 1; y < n; y++)
            for (int x = 0; x < y; x++)
                if ((k >> x & 1) && (k >> y & 1))
                    within[k] |= UINT32_C(1) << edge_bit(x, y);
    }
    prune_job pj[MAX_THREADS];
    for (int i = 0; i < nt; i++)
        pj[i] = (prune_job){rs, within, rs->matrices * (uint64_t)i / (uint64_t)nt,
                            rs->matrices * (uint64_t)(i + 1) / (uint64_t)nt, pruned};
    cs_parallel_run(nt, prune_worker, pj, sizeof pj[0]);
}

/* The distinct pruned forms, each a table to compute once, in order of
 * first appearance; slot[p] becomes the form's position + 1.  A form with
 * more than max_edges edges is outside the space whatever its labels (the
 * reference's domain check): of NAS-Bench-101's 214,143 forms only 13,839
 * are left, which saves 200 MB of tables of -1. */
static bool distinct_forms(const cs_rawspace *rs, int max_edges, const int32_t *pruned,
                           uint32_t *slot, uint32_t **forms_out, uint32_t *nforms_out)
{
    uint32_t nforms = 0, cap = 1024;
    uint32_t *forms = malloc(cap * sizeof *forms);
    if (!forms)
        return false;
    for (uint64_t m = 0; m < rs->matrices; m++) {
        int32_t p = pruned[m];
        if (p < 0 || slot[p] || __builtin_popcount((uint32_t)p) > max_edges)
            continue;
        if (nforms == cap) {
            uint32_t *f = realloc(forms, 2 * cap * sizeof *f);
            if (!f) {
                free(forms);
                return false;
            }
            forms = f;
            cap *= 2;
        }
        forms[nforms++] = (uint32_t)p;
        slot[p] = nforms;
    }
    *forms_out = forms;
    *nforms_out = nforms;
    return true;
}

/* Keep the tables with a valid labelling (too many edges, say, have none),
 * packed in order, with their forms and vertices; slot[p] becomes the
 * table index + 1, or 0. */
static void keep_valid_tables(cs_rawspace *rs, const uint32_t *forms, uint32_t nforms,
                              uint32_t *slot)
{
    uint32_t L = rs->labellings, kept = 0;
    for (uint32_t i = 0; i < nforms; i++) {
        const int32_t *T = rs->tables + (size_t)i * L;
        bool any = false;
        for (uint32_t t = 0; t < L && !any; t++)
            any = T[t] >= 0;
        if (!any) {
            slot[forms[i]] = 0;
            continue;
        }
        if (kept != i)
            memmove(rs->tables + (size_t)kept * L, T, L * sizeof *T);
        uint32_t keep = 0;
        for (uint32_t r = forms[i]; r; r &= r - 1) {
            int b = __builtin_ctz(r);
            int y = 1;
            while (edge_bit(0, y + 1) <= b)
                y++;
            keep |= UINT32_C(1) << y | UINT32_C(1) << (b - edge_bit(0, y));
        }
        rs->table_bits[kept] = forms[i];
        rs->table_keep[kept] = keep;
        slot[forms[i]] = ++kept;
    }
    rs->ntables = kept;
    int32_t *shrunk = realloc(rs->tables, ((size_t)kept * L + 1) * sizeof *shrunk);
    if (shrunk)
        rs->tables = shrunk;
}

/* table_of (which holds the pruned forms) becomes every matrix's table
 * index (-1 none); then the matrices per table and the valid encodings. */
static bool index_tables(cs_rawspace *rs, const uint32_t *slot)
{
    uint64_t *per_table = calloc(rs->ntables + 1, sizeof *per_table);
    if (!per_table)
        return false;
    for (uint64_t m = 0; m < rs->matrices; m++) {
        int32_t p = rs->table_of[m];
        rs->table_of[m] = p < 0 ? -1 : (int32_t)slot[p] - 1;
        if (rs->table_of[m] >= 0)
            per_table[rs->table_of[m]]++;
    }
    uint32_t L = rs->labellings;
    for (uint32_t i = 0; i < rs->ntables; i++) {
        uint64_t v = 0;
        for (uint32_t t = 0; t < L; t++)
            v += rs->tables[(size_t)i * L + t] >= 0;
        rs->valid_encodings += v * per_table[i];
    }
    rs->table_count = per_table;
    return true;
}

cs_status cs_rawspace_init(cs_rawspace *rs, const cs_space *sp, int threads,
                           const cs_monitor *monitor, cs_error *err)
{
    memset(rs, 0, sizeof *rs);
    const cs_limits *lim = cs_space_limits(sp);
    int n = lim->max_vertices;
    if (n < 2 || n * (n - 1) / 2 > CS_LANDSCAPE_MAX_EDGE_BITS)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "the landscape analyses support spaces of 2 to 7 vertices, "
                            "not %d", n);
    rs->n = n;
    rs->num_ops = lim->num_ops;
    rs->edge_bits = n * (n - 1) / 2;
    rs->matrices = cs_space_raw_matrices(sp);
    rs->labellings = cs_space_raw_labellings(sp);
    rs->nclasses = cs_space_num_classes(sp);
    int nt = cs_threads(threads);
    uint32_t L = rs->labellings;
    int32_t *pruned = malloc(rs->matrices * sizeof *pruned);
    uint32_t *slot = calloc(rs->matrices, sizeof *slot);
    uint32_t *forms = NULL, nforms = 0;
    cs_status st;
    if (!pruned || !slot)
        goto nomem;
    prune_all(rs, nt, pruned);
    if ((st = cs_monitor_check(monitor, err)))
        goto fail;
    if (!distinct_forms(rs, lim->max_edges, pruned, slot, &forms, &nforms))
        goto nomem;
    rs->tables = malloc(((size_t)nforms * L + 1) * sizeof *rs->tables);
    rs->table_bits = malloc((nforms + 1) * sizeof *rs->table_bits);
    rs->table_keep = malloc((nforms + 1) * sizeof *rs->table_keep);
    if (!rs->tables || !rs->table_bits || !rs->table_keep)
        goto nomem;
    table_job tj[MAX_THREADS];
    for (int i = 0; i < nt; i++)
        tj[i] = (table_job){sp, rs, forms, (uint32_t)((uint64_t)nforms * i / nt),
                            (uint32_t)((uint64_t)nforms * (i + 1) / nt)};
    cs_parallel_run(nt, table_worker, tj, sizeof tj[0]);
    if ((st = cs_monitor_check(monitor, err)))
        goto fail;
    keep_valid_tables(rs, forms, nforms, slot);
    /* The table index replaces the pruned form in place. */
    rs->table_of = pruned;
    pruned = NULL;
    if (!index_tables(rs, slot))
        goto nomem;
    free(slot);
    free(forms);
    return CS_OK;

nomem:
    st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (raw encoding space)");
fail:
    free(pruned);
    free(slot);
    free(forms);
    cs_rawspace_destroy(rs);
    return st;
}

/* --- the neighbour graph ------------------------------------------------------ */

/* Labellings whose digits outside a set of interior vertices are 0 (the
 * first of each group of labellings that the set cannot tell apart). */
typedef struct sublabels {
    uint32_t *start;  /* per vertex set (bit v-1 for interior vertex v) */
    uint32_t *list;
    uint32_t weight[CS_CELL_MAXV]; /* of interior vertex v's digit */
} sublabels;

static bool sublabels_init(sublabels *s, const cs_rawspace *rs)
{
    int ni = rs->n - 2, k = rs->num_ops;
    uint32_t nsets = UINT32_C(1) << ni;
    uint32_t w = 1;
    for (int v = rs->n - 2; v >= 1; v--) {
        s->weight[v] = w;
        w *= (uint32_t)k;
    }
    size_t total = 0;
    for (uint32_t u = 0; u < nsets; u++) {
        size_t c = 1;
        for (int i = 0; i < __builtin_popcount(u); i++)
            c *= (size_t)k;
        total += c;
    }
    s->start = malloc((nsets + 1) * sizeof *s->start);
    s->list = malloc(total * sizeof *s->list);
    if (!s->start || !s->list) {
        free(s->start);
        free(s->list);
        return false;
    }
    uint32_t at = 0;
    for (uint32_t u = 0; u < nsets; u++) {
        s->start[u] = at;
        for (uint32_t t = 0; t < rs->labellings; t++) {
            bool ok = true;
            for (int v = 1; v <= ni && ok; v++)
                ok = (u >> (v - 1) & 1) || (t / s->weight[v]) % (uint32_t)k == 0;
            if (ok)
                s->list[at++] = t;
        }
    }
    s->start[nsets] = at;
    return true;
}

static inline uint32_t interior_set(const cs_rawspace *rs, uint32_t keep)
{
    return (keep >> 1) & ((UINT32_C(1) << (rs->n - 2)) - 1);
}

typedef struct edge_job {
    const cs_rawspace *rs;
    const sublabels *sl;
    int cbits;              /* bits of a class index */
    /* phase 1: (matrix, bit) flips -> pairs of tables */
    uint64_t mlo, mhi;
    /* phase 2: table pairs -> class pairs */
    const uint64_t *tpairs;
    size_t plo, phi;
    /* phase 3: operation changes of shapes */
    const uint32_t *shapes;
    size_t slo, shi;
    keyvec out;
} edge_job;

/* Concatenate the threads' outputs into one array (emptying theirs). */
static cs_status gather_keys(edge_job *jobs, int nt, uint64_t **out, size_t *n, cs_error *err)
{
    size_t total = 0;
    bool nomem = false;
    for (int i = 0; i < nt; i++) {
        total += jobs[i].out.n;
        nomem |= jobs[i].out.nomem;
    }
    uint64_t *all = nomem ? NULL : malloc((total ? total : 1) * sizeof *all);
    size_t at = 0;
    for (int i = 0; i < nt; i++) {
        if (all && jobs[i].out.n)
            memcpy(all + at, jobs[i].out.v, jobs[i].out.n * sizeof *all);
        at += jobs[i].out.n;
        free(jobs[i].out.v);
        jobs[i].out = (keyvec){0};
    }
    if (!all)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (neighbour graph)");
    *out = all;
    *n = total;
    return CS_OK;
}

static inline uint64_t pair_key(uint32_t a, uint32_t b, int bits)
{
    return a < b ? (uint64_t)a << bits | b : (uint64_t)b << bits | a;
}

static void *table_pair_worker(void *arg)
{
    edge_job *j = arg;
    const cs_rawspace *rs = j->rs;
    for (uint64_t m = j->mlo; m < j->mhi; m++) {
        int32_t a = rs->table_of[m];
        if (a < 0)
            continue;
        /* Adding an edge only: each unordered flip once. */
        for (uint64_t r = ~m & (rs->matrices - 1); r; r &= r - 1) {
            int32_t b = rs->table_of[m | (r & -r)];
            if (b >= 0 && b != a)
                keyvec_push(&j->out, pair_key((uint32_t)a, (uint32_t)b, 32));
        }
    }
    return NULL;
}

static void *edge_flip_worker(void *arg)
{
    edge_job *j = arg;
    const cs_rawspace *rs = j->rs;
    uint32_t L = rs->labellings;
    for (size_t i = j->plo; i < j->phi; i++) {
        uint32_t a = (uint32_t)(j->tpairs[i] >> 32), b = (uint32_t)j->tpairs[i];
        const int32_t *Ta = rs->tables + (size_t)a * L, *Tb = rs->tables + (size_t)b * L;
        uint32_t u = interior_set(rs, rs->table_keep[a] | rs->table_keep[b]);
        for (uint32_t q = j->sl->start[u]; q < j->sl->start[u + 1]; q++) {
            uint32_t t = j->sl->list[q];
            if (Ta[t] >= 0 && Tb[t] >= 0 && Ta[t] != Tb[t])
                keyvec_push(&j->out, pair_key((uint32_t)Ta[t], (uint32_t)Tb[t], j->cbits));
        }
    }
    return NULL;
}

static void *op_change_worker(void *arg)
{
    edge_job *j = arg;
    const cs_rawspace *rs = j->rs;
    uint32_t L = rs->labellings, k = (uint32_t)rs->num_ops;
    for (size_t i = j->slo; i < j->shi; i++) {
        uint32_t a = j->shapes[i];
        const int32_t *T = rs->tables + (size_t)a * L;
        uint32_t u = interior_set(rs, rs->table_keep[a]);
        for (uint32_t q = j->sl->start[u]; q < j->sl->start[u + 1]; q++) {
            uint32_t t = j->sl->list[q];
            if (T[t] < 0)
                continue;
            for (int v = 1; v <= rs->n - 2; v++) {
                if (!(u >> (v - 1) & 1))
                    continue;
                uint32_t w = j->sl->weight[v], d = (t / w) % k;
                /* upward changes only: the pair is unordered */
                for (uint32_t e = d + 1; e < k; e++) {
                    int32_t c = T[t + (e - d) * w];
                    if (c >= 0 && c != T[t])
                        keyvec_push(&j->out, pair_key((uint32_t)T[t], (uint32_t)c, j->cbits));
                }
            }
        }
    }
    return NULL;
}

void cs_nbgraph_destroy(cs_nbgraph *g)
{
    free(g->edges);
    free(g->offset);
    free(g->adj);
    memset(g, 0, sizeof *g);
}

cs_status cs_nbgraph_from_pairs(cs_nbgraph *g, size_t nvertices, uint64_t *keys, size_t nk,
                                int cbits, cs_error *err)
{
    memset(g, 0, sizeof *g);
    g->nvertices = nvertices;
    uint64_t *tmp = malloc((nk + 1) * sizeof *tmp);
    if (!tmp)
        goto nomem;
    sort_u64(keys, tmp, nk, 2 * cbits);
    nk = unique_u64(keys, nk);

    g->nedges = nk;
    g->edges = malloc((2 * nk + 1) * sizeof *g->edges);
    g->offset = calloc(g->nvertices + 2, sizeof *g->offset);
    g->adj = malloc((2 * nk + 1) * sizeof *g->adj);
    if (!g->edges || !g->offset || !g->adj)
        goto nomem;
    uint64_t cmask = (UINT64_C(1) << cbits) - 1;
    for (size_t e = 0; e < nk; e++) {
        g->edges[2 * e] = (uint32_t)(keys[e] >> cbits);
        g->edges[2 * e + 1] = (uint32_t)(keys[e] & cmask);
        g->offset[g->edges[2 * e] + 1]++;
        g->offset[g->edges[2 * e + 1] + 1]++;
    }
    for (size_t v = 0; v < g->nvertices; v++)
        g->offset[v + 1] += g->offset[v];
    /* Edges are sorted by (a, b) with a < b: filling every list first with
     * its lower neighbours, then with its higher ones, leaves it sorted. */
    free(tmp);
    uint64_t *fill = tmp = malloc((g->nvertices + 1) * sizeof *fill);
    if (!fill)
        goto nomem;
    memcpy(fill, g->offset, (g->nvertices + 1) * sizeof *fill);
    for (size_t e = 0; e < nk; e++) /* lower neighbours: a < b, sorted by a */
        g->adj[fill[g->edges[2 * e + 1]]++] = g->edges[2 * e];
    for (size_t e = 0; e < nk; e++) /* higher neighbours, sorted by b within a */
        g->adj[fill[g->edges[2 * e]]++] = g->edges[2 * e + 1];
    free(tmp);
    return CS_OK;
nomem:
    free(tmp);
    cs_nbgraph_destroy(g);
    return cs_error_set(err, CS_ERR_NOMEM, "out of memory (neighbour graph)");
}

/* One phase on nt threads (jobs set up by the caller), its output gathered;
 * a stop asked for meanwhile is an error. */
static cs_status run_phase(edge_job *jobs, int nt, void *(*worker)(void *),
                           const cs_monitor *monitor, uint64_t **out, size_t *n, cs_error *err)
{
    cs_parallel_run(nt, worker, jobs, sizeof *jobs);
    cs_status st = gather_keys(jobs, nt, out, n, err);
    if (st)
        return st;
    return cs_monitor_check(monitor, err);
}

/* Pairs of tables one edge flip apart, sorted and unique: a pair comes
 * from each of its flips.  *tpairs is the caller's to free, also on error. */
static cs_status table_pairs(edge_job *jobs, int nt, const cs_rawspace *rs, const sublabels *sl,
                             int cbits, const cs_monitor *monitor, uint64_t **tpairs, size_t *ntp,
                             cs_error *err)
{
    for (int i = 0; i < nt; i++)
        jobs[i] = (edge_job){.rs = rs, .sl = sl, .cbits = cbits,
                             .mlo = rs->matrices * (uint64_t)i / (uint64_t)nt,
                             .mhi = rs->matrices * (uint64_t)(i + 1) / (uint64_t)nt};
    cs_status st = run_phase(jobs, nt, table_pair_worker, monitor, tpairs, ntp, err);
    if (st)
        return st;
    uint64_t *tmp = malloc((*ntp ? *ntp : 1) * sizeof *tmp);
    if (!tmp)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (neighbour graph)");
    sort_u64(*tpairs, tmp, *ntp, 32 + bits_for(rs->ntables));
    *ntp = unique_u64(*tpairs, *ntp);
    free(tmp);
    return CS_OK;
}

/* One table per shape for the operation changes, which keep the shape:
 * tables whose labelling 0 gives one class are one shape and would repeat
 * its pairs (tables without that class are all kept).  Into shapes
 * (rs->ntables + 1 entries); false when out of memory. */
static bool one_table_per_shape(const cs_rawspace *rs, uint32_t *shapes, size_t *nshapes)
{
    uint8_t *seen = calloc(rs->nclasses + 1, 1);
    if (!seen)
        return false;
    size_t n = 0;
    for (uint32_t a = 0; a < rs->ntables; a++) {
        int32_t c0 = rs->tables[(size_t)a * rs->labellings];
        if (c0 >= 0 && seen[c0])
            continue;
        if (c0 >= 0)
            seen[c0] = 1;
        shapes[n++] = a;
    }
    free(seen);
    *nshapes = n;
    return true;
}

/* Class pairs one edit apart: the edge flips' (from the table pairs) then
 * the operation changes' (from the shapes), in one array.  *keys is the
 * caller's to free, also on error. */
static cs_status class_pairs(edge_job *jobs, int nt, const cs_rawspace *rs, const sublabels *sl,
                             int cbits, const cs_monitor *monitor, const uint64_t *tpairs,
                             size_t ntp, const uint32_t *shapes, size_t nshapes, uint64_t **keys,
                             size_t *nk, cs_error *err)
{
    for (int i = 0; i < nt; i++) {
        jobs[i] = (edge_job){.rs = rs, .sl = sl, .cbits = cbits, .tpairs = tpairs,
                             .plo = ntp * (size_t)i / (size_t)nt,
                             .phi = ntp * (size_t)(i + 1) / (size_t)nt};
    }
    cs_status st = run_phase(jobs, nt, edge_flip_worker, monitor, keys, nk, err);
    if (st)
        return st;
    for (int i = 0; i < nt; i++) {
        jobs[i] = (edge_job){.rs = rs, .sl = sl, .cbits = cbits, .shapes = shapes,
                             .slo = nshapes * (size_t)i / (size_t)nt,
                             .shi = nshapes * (size_t)(i + 1) / (size_t)nt};
    }
    uint64_t *keys2 = NULL;
    size_t nk2 = 0;
    if ((st = run_phase(jobs, nt, op_change_worker, monitor, &keys2, &nk2, err))) {
        free(keys2);
        return st;
    }
    uint64_t *all = realloc(*keys, (*nk + nk2 + 1) * sizeof *all);
    if (!all) {
        free(keys2);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (neighbour graph)");
    }
    *keys = all;
    memcpy(all + *nk, keys2, nk2 * sizeof *all);
    *nk += nk2;
    free(keys2);
    return CS_OK;
}

cs_status cs_nbgraph_build(cs_nbgraph *g, const cs_rawspace *rs, int threads,
                           const cs_monitor *monitor, cs_error *err)
{
    memset(g, 0, sizeof *g);
    g->nvertices = rs->nclasses;
    int nt = cs_threads(threads);
    int cbits = bits_for(rs->nclasses ? rs->nclasses - 1 : 0);
    sublabels sl;
    if (!sublabels_init(&sl, rs))
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (neighbour graph)");
    edge_job *jobs = calloc((size_t)nt, sizeof *jobs);
    uint64_t *tpairs = NULL, *keys = NULL;
    uint32_t *shapes = NULL;
    size_t ntp = 0, nk = 0, nshapes = 0;
    cs_status st = CS_OK;
    if (!jobs)
        goto nomem;
    if ((st = table_pairs(jobs, nt, rs, &sl, cbits, monitor, &tpairs, &ntp, err)))
        goto out;
    if (!(shapes = malloc((rs->ntables + 1) * sizeof *shapes)) ||
        !one_table_per_shape(rs, shapes, &nshapes))
        goto nomem;
    if ((st = class_pairs(jobs, nt, rs, &sl, cbits, monitor, tpairs, ntp, shapes, nshapes, &keys,
                          &nk, err)))
        goto out;
    st = cs_nbgraph_from_pairs(g, rs->nclasses, keys, nk, cbits, err);
    goto out;

nomem:
    st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (neighbour graph)");
out:
    if (jobs)
        for (int i = 0; i < nt; i++)
            free(jobs[i].out.v);
    free(jobs);
    free(tpairs);
    free(keys);
    free(shapes);
    free(sl.start);
    free(sl.list);
    if (st)
        cs_nbgraph_destroy(g);
    return st;
}

/* --- the analysis --------------------------------------------------------------- */

static void report(const cs_analysis_ctx *ctx, const char *phase, double done)
{
    cs_monitor_progress(&ctx->monitor, phase, done);
}

static cs_status igraph_failed(igraph_error_t e, const char *what, cs_error *err)
{
    if (e == IGRAPH_ENOMEM)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (igraph, %s)", what);
    return cs_error_set(err, CS_ERR_LIMIT, "igraph failed (%s): %s", what, igraph_strerror(e));
}

int cs_nbgraph_bfs(const cs_nbgraph *g, uint32_t src, int32_t *dist, uint32_t *queue,
                   uint64_t *counts, size_t ncounts, uint32_t *far, size_t *reached)
{
    for (size_t v = 0; v < g->nvertices; v++)
        dist[v] = -1;
    size_t head = 0, tail = 0;
    dist[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
        uint32_t v = queue[head++];
        int32_t d = dist[v] + 1;
        for (uint64_t i = g->offset[v]; i < g->offset[v + 1]; i++) {
            uint32_t u = g->adj[i];
            if (dist[u] < 0) {
                dist[u] = d;
                queue[tail++] = u;
                if (counts && (size_t)d < ncounts)
                    counts[d]++;
            }
        }
    }
    if (far)
        *far = queue[tail - 1];
    if (reached)
        *reached = tail;
    return dist[queue[tail - 1]];
}

/* Distances from sampled sources.  igraph_bfs_simple takes 0.2-0.3 s per
 * source on NAS-Bench-101's graph; this BFS on our adjacency arrays takes
 * a tenth of that and runs one source per thread, so the sample can be
 * large.  tests/ check it against igraph_distances. */
typedef struct bfs_sample {
    size_t sources;
    uint64_t *pairs;     /* per distance >= 1: (source, target) pairs */
    int max_dist;        /* largest distance met */
    uint64_t unreachable;
    int sweep_ecc;       /* eccentricity of the double-sweep vertex */
} bfs_sample;

typedef struct sample_job {
    const cs_nbgraph *g;
    const uint32_t *src;
    size_t first, count;
    int32_t *dist;
    uint32_t *queue;
    uint64_t *counts;    /* this thread's pairs per distance (nvertices + 1) */
    uint64_t unreachable;
    int *ecc;            /* per source */
    uint32_t *far;
} sample_job;

static void *sample_worker(void *arg)
{
    sample_job *j = arg;
    size_t nv = j->g->nvertices;
    for (size_t s = j->first; s < j->first + j->count; s++) {
        size_t reached;
        j->ecc[s] = cs_nbgraph_bfs(j->g, j->src[s], j->dist, j->queue, j->counts, nv + 1,
                                   &j->far[s], &reached);
        j->unreachable += nv - reached;
    }
    return NULL;
}

static cs_status sample_distances(const cs_analysis_ctx *ctx, const cs_nbgraph *g,
                                  bfs_sample *bs, cs_error *err)
{
    size_t nv = g->nvertices;
    bs->sources = nv < CS_NEIGHBOURS_BFS_SOURCES ? nv : CS_NEIGHBOURS_BFS_SOURCES;
    int nt = cs_threads(ctx->threads);
    if ((size_t)nt > bs->sources)
        nt = bs->sources ? (int)bs->sources : 1;
    uint8_t *chosen = calloc(nv + 1, 1);
    uint32_t *src = malloc((bs->sources + 1) * sizeof *src);
    uint32_t *far = malloc((bs->sources + 1) * sizeof *far);
    int *ecc = malloc((bs->sources + 1) * sizeof *ecc);
    sample_job *jobs = calloc((size_t)nt, sizeof *jobs);
    bs->pairs = calloc(nv + 1, sizeof *bs->pairs);
    cs_status st = CS_OK;
    bool ok = chosen && src && far && ecc && jobs && bs->pairs;
    for (int i = 0; i < nt && ok; i++) {
        jobs[i].dist = malloc((nv + 1) * sizeof *jobs[i].dist);
        jobs[i].queue = malloc((nv + 1) * sizeof *jobs[i].queue);
        jobs[i].counts = calloc(nv + 1, sizeof *jobs[i].counts);
        ok = jobs[i].dist && jobs[i].queue && jobs[i].counts;
    }
    if (!ok) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (distance sample)");
        goto out;
    }
    /* Sources: distinct classes, uniform, from the analysis seed. */
    uint64_t rng = ctx->seed ^ UINT64_C(0x6e65696768626f75); /* "neighbou" */
    for (size_t s = 0; s < bs->sources; s++) {
        uint32_t v;
        do
            v = (uint32_t)cs_splitmix64_below(&rng, nv);
        while (chosen[v]);
        chosen[v] = 1;
        src[s] = v;
    }
    report(ctx, "neighbours: sampled distances", 0.0);
    for (int i = 0; i < nt; i++) {
        size_t lo = bs->sources * (size_t)i / (size_t)nt,
               hi = bs->sources * (size_t)(i + 1) / (size_t)nt;
        jobs[i].g = g;
        jobs[i].src = src;
        jobs[i].first = lo;
        jobs[i].count = hi - lo;
        jobs[i].ecc = ecc;
        jobs[i].far = far;
    }
    if (bs->sources)
        cs_parallel_run(nt, sample_worker, jobs, sizeof *jobs);
    for (int i = 0; i < nt; i++) {
        for (size_t d = 1; d <= nv; d++)
            bs->pairs[d] += jobs[i].counts[d];
        bs->unreachable += jobs[i].unreachable;
    }
    int best = -1;
    for (size_t s = 0; s < bs->sources; s++)
        if (best < 0 || ecc[s] > ecc[best])
            best = (int)s;
    bs->max_dist = best < 0 ? 0 : ecc[best];
    /* Double sweep: the farthest class found is likely near an end of a
     * diameter; its eccentricity is a second lower bound. */
    bs->sweep_ecc = best < 0 ? 0 : cs_nbgraph_bfs(g, far[best], jobs[0].dist, jobs[0].queue,
                                                   NULL, 0, NULL, NULL);
out:
    if (jobs)
        for (int i = 0; i < nt; i++) {
            free(jobs[i].dist);
            free(jobs[i].queue);
            free(jobs[i].counts);
        }
    free(jobs);
    free(chosen);
    free(src);
    free(far);
    free(ecc);
    return st;
}

/* What the neighbour files report of the degrees and components, and of
 * the sampled distances. */
typedef struct neighbour_stats {
    igraph_integer_t mindeg, maxdeg, ncomp, largest, isolated;
    uint64_t reach; /* sampled pairs at a finite distance */
    double sumd;    /* the sum of their distances */
} neighbour_stats;

/* neighbours_degree.tsv from hist[d], the classes of degree d. */
static cs_status degree_tsv(const cs_analysis_ctx *ctx, const char *outdir, const uint64_t *hist,
                            igraph_integer_t maxdeg, size_t nv, cs_error *err)
{
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "neighbours_degree.tsv",
        "neighbour graph: classes by degree (neighbours at one edit)", "degree\tclasses\tfraction",
        &out, err);
    if (st)
        return st;
    for (igraph_integer_t d = 0; d <= maxdeg; d++) {
        if (!hist[d])
            continue;
        fprintf(out.f, "%lld\t%llu\t", (long long)d, (unsigned long long)hist[d]);
        cs_analysis_put_double(out.f, (double)hist[d] / (double)nv);
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

/* neighbours_components.tsv from chist[s], the components of s classes. */
static cs_status components_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                const uint64_t *chist, size_t nv, cs_error *err)
{
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "neighbours_components.tsv",
                                        "neighbour graph: connected components by size",
                                        "size\tcomponents\tclasses", &out, err);
    if (st)
        return st;
    for (size_t s = nv; s >= 1; s--)
        if (chist[s])
            fprintf(out.f, "%zu\t%llu\t%llu\n", s, (unsigned long long)chist[s],
                    (unsigned long long)(chist[s] * s));
    return cs_analysis_close(&out, err);
}

static cs_status distance_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                              const bfs_sample *bs, uint64_t reach, cs_error *err)
{
    char what[256];
    snprintf(what, sizeof what,
             "neighbour graph: distances from %zu sampled source classes to every class "
             "they reach (BFS)", bs->sources);
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "neighbours_distance.tsv", what,
                                        "distance\tpairs\tfraction", &out, err);
    if (st)
        return st;
    for (int d = 1; d <= bs->max_dist; d++) {
        fprintf(out.f, "%d\t%llu\t", d, (unsigned long long)bs->pairs[d]);
        cs_analysis_put_double(out.f, reach ? (double)bs->pairs[d] / (double)reach : 0.0);
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

/* neighbours.json: the headline numbers. */
static cs_status neighbours_json(const cs_analysis_ctx *ctx, const char *outdir,
                                 const cs_nbgraph *g, const neighbour_stats *ns,
                                 const bfs_sample *bs, const char *extra_json, cs_error *err)
{
    size_t nv = g->nvertices;
    int diam = bs->max_dist > bs->sweep_ecc ? bs->max_dist : bs->sweep_ecc;
    cs_jb j;
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    cs_jb_ki(&j, "vertices", (long long)g->nvertices);
    cs_jb_ki(&j, "edges", (long long)g->nedges);
    cs_jb_kn(&j, "mean_degree", nv ? 2.0 * (double)g->nedges / (double)nv : 0.0);
    cs_jb_ki(&j, "min_degree", (long long)ns->mindeg);
    cs_jb_ki(&j, "max_degree", (long long)ns->maxdeg);
    cs_jb_ki(&j, "components", (long long)ns->ncomp);
    cs_jb_ki(&j, "largest_component", (long long)ns->largest);
    cs_jb_ki(&j, "isolated_vertices", (long long)ns->isolated);
    if (extra_json)
        cs_jb_fields(&j, extra_json);
    cs_jb_ki(&j, "bfs_sources", (long long)bs->sources);
    cs_jb_ki(&j, "sampled_pairs_reachable", (long long)ns->reach);
    cs_jb_ki(&j, "sampled_pairs_unreachable", (long long)bs->unreachable);
    cs_jb_kn(&j, "mean_distance_sampled", ns->reach ? ns->sumd / (double)ns->reach : 0.0);
    cs_jb_ki(&j, "diameter_estimate", diam);
    cs_jb_ks(&j, "diameter_estimate_is",
             "lower bound: the largest eccentricity of the sampled sources and of a "
             "double-sweep vertex");
    return cs_jb_commit(ctx, outdir, "neighbours.json", "neighbours", &j, err);
}

static cs_status write_neighbour_files(const cs_analysis_ctx *ctx, const char *outdir,
                                       const cs_nbgraph *g, const igraph_vector_int_t *deg,
                                       const igraph_vector_int_t *csize,
                                       const bfs_sample *bs, const char *extra_json,
                                       cs_error *err)
{
    size_t nv = g->nvertices;
    neighbour_stats ns = {.mindeg = nv ? VECTOR(*deg)[0] : 0};
    for (size_t v = 0; v < nv; v++) {
        if (VECTOR(*deg)[v] > ns.maxdeg)
            ns.maxdeg = VECTOR(*deg)[v];
        if (VECTOR(*deg)[v] < ns.mindeg)
            ns.mindeg = VECTOR(*deg)[v];
    }
    uint64_t *hist = calloc((size_t)ns.maxdeg + 1 + nv + 1, sizeof *hist);
    if (!hist)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    uint64_t *chist = hist + ns.maxdeg + 1; /* components by size */
    for (size_t v = 0; v < nv; v++)
        hist[VECTOR(*deg)[v]]++;
    ns.ncomp = igraph_vector_int_size(csize);
    for (igraph_integer_t c = 0; c < ns.ncomp; c++) {
        igraph_integer_t s = VECTOR(*csize)[c];
        chist[s]++;
        if (s > ns.largest)
            ns.largest = s;
        ns.isolated += s == 1;
    }
    for (int d = 1; d <= bs->max_dist; d++) {
        ns.reach += bs->pairs[d];
        ns.sumd += (double)d * (double)bs->pairs[d];
    }
    cs_status st;
    if (!(st = degree_tsv(ctx, outdir, hist, ns.maxdeg, nv, err)) &&
        !(st = components_tsv(ctx, outdir, chist, nv, err)) &&
        !(st = distance_tsv(ctx, outdir, bs, ns.reach, err)))
        st = neighbours_json(ctx, outdir, g, &ns, bs, extra_json, err);
    free(hist);
    return st;
}

cs_status cs_nbgraph_of_space(cs_nbgraph *g, const cs_space *sp, int threads,
                              const cs_monitor *monitor, cs_error *err)
{
    cs_rawspace rs;
    cs_status st = cs_rawspace_init(&rs, sp, threads, monitor, err);
    if (st)
        return st;
    st = cs_nbgraph_build(g, &rs, threads, monitor, err);
    cs_rawspace_destroy(&rs);
    return st;
}

cs_status cs_analysis_neighbours(const cs_analysis_ctx *ctx, const char *outdir,
                                 cs_error *err)
{
    cs_rawspace rs;
    cs_nbgraph g;
    report(ctx, "neighbours: raw encodings", 0.0);
    cs_status st = cs_rawspace_init(&rs, ctx->space, ctx->threads, &ctx->monitor, err);
    if (st)
        return st;
    report(ctx, "neighbours: edges", 0.0);
    if ((st = cs_nbgraph_build(&g, &rs, ctx->threads, &ctx->monitor, err))) {
        cs_rawspace_destroy(&rs);
        return st;
    }
    cs_jb extra;
    if (!(st = cs_jb_init(&extra, err))) {
        cs_jb_ki(&extra, "raw_encodings", (long long)(rs.matrices * rs.labellings));
        cs_jb_ki(&extra, "valid_encodings", (long long)rs.valid_encodings);
        cs_jb_ki(&extra, "pruned_forms", rs.ntables);
        if (!(st = cs_jb_finish(&extra, err)))
            st = cs_nbgraph_analyse(ctx, outdir, &g, extra.buf, err);
        cs_jb_free(&extra);
    }
    cs_nbgraph_destroy(&g);
    cs_rawspace_destroy(&rs);
    return st;
}

cs_status cs_nbgraph_analyse(const cs_analysis_ctx *ctx, const char *outdir, const cs_nbgraph *g,
                             const char *extra_json, cs_error *err)
{
    cs_status st = CS_OK;
    report(ctx, "neighbours: igraph", 0.0);
    /* igraph's default handlers print and abort; the library must return
     * errors instead.  The handlers are process-wide in this igraph build,
     * which is not thread-safe anyway: one thread calls igraph at a time. */
    igraph_error_handler_t *old_err = igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_warning_handler_t *old_warn = igraph_set_warning_handler(igraph_warning_handler_ignore);
    igraph_vector_int_t ev, deg, membership, csize;
    igraph_t ig;
    bool have_ev = false, have_ig = false, have_deg = false, have_mem = false,
         have_cs = false;
    bfs_sample bs = {0};
    igraph_error_t e;
    igraph_integer_t ncomp;
    if ((e = igraph_vector_int_init(&ev, (igraph_integer_t)(2 * g->nedges))))
        goto ig_fail;
    have_ev = true;
    for (size_t i = 0; i < 2 * g->nedges; i++)
        VECTOR(ev)[i] = g->edges[i];
    if ((e = igraph_create(&ig, &ev, (igraph_integer_t)g->nvertices, IGRAPH_UNDIRECTED)))
        goto ig_fail;
    have_ig = true;
    igraph_vector_int_destroy(&ev);
    have_ev = false;
    if ((e = igraph_vector_int_init(&deg, 0)))
        goto ig_fail;
    have_deg = true;
    if ((e = igraph_degree(&ig, &deg, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS)))
        goto ig_fail;
    if ((e = igraph_vector_int_init(&membership, 0)))
        goto ig_fail;
    have_mem = true;
    if ((e = igraph_vector_int_init(&csize, 0)))
        goto ig_fail;
    have_cs = true;
    if ((e = igraph_connected_components(&ig, &membership, &csize, &ncomp, IGRAPH_WEAK)))
        goto ig_fail;
    if ((st = sample_distances(ctx, g, &bs, err)))
        goto out;
    st = write_neighbour_files(ctx, outdir, g, &deg, &csize, &bs, extra_json, err);
    goto out;
ig_fail:
    st = igraph_failed(e, "neighbour graph", err);
out:
    if (have_cs)
        igraph_vector_int_destroy(&csize);
    if (have_mem)
        igraph_vector_int_destroy(&membership);
    if (have_deg)
        igraph_vector_int_destroy(&deg);
    if (have_ig)
        igraph_destroy(&ig);
    if (have_ev)
        igraph_vector_int_destroy(&ev);
    igraph_set_error_handler(old_err);
    igraph_set_warning_handler(old_warn);
    free(bs.pairs);
    return st;
}
