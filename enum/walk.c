/* The reference generator's walk and the exact grouping of its labelled
 * graphs into isomorphism classes.
 *
 * Each full-DAG matrix goes through nauty once (input, interior and output
 * coloured apart); its canonical graph names its unlabelled class and its
 * automorphism group (listed here by backtracking, cross-checked against
 * nauty's group size) acts on the labellings.  Two labelled graphs are
 * isomorphic exactly when they share the unlabelled class and their
 * labellings, moved to canonical positions, lie in one orbit of the group;
 * the smallest code of the orbit names the class.  Cost per labelled graph:
 * a few additions per group element, no graph search. */
#include "walk.h"
#include "cs_nauty.h"

#include <stdlib.h>
#include <string.h>

static uint64_t ipow(uint64_t b, int e)
{
    uint64_t r = 1;
    while (e-- > 0)
        r *= b;
    return r;
}

void cs_enum_walk_cell(int n, uint64_t bits, uint32_t t, int num_ops,
                       cs_cell *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    for (int y = 1; y < n; y++)
        for (int x = 0; x < y; x++)
            if (bits >> (x + y * (y - 1) / 2) & 1)
                out->adj[x] |= UINT32_C(1) << y;
    out->op[0] = CS_OP_INPUT;
    out->op[n - 1] = CS_OP_OUTPUT;
    for (int v = n - 2; v >= 1; v--) {
        out->op[v] = (int8_t)(t % (uint32_t)num_ops);
        t /= (uint32_t)num_ops;
    }
}

/* --- unlabelled classes: a hash map on the canonical graph --------------- */

static size_t slot_of(const cs_walk *w, const cs_key *k)
{
    return (size_t)(cs_key_hash(k) & (w->cap - 1));
}

static cs_status grow(cs_walk *w, cs_error *err)
{
    size_t cap = w->cap ? w->cap * 2 : 1024;
    int32_t *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (class map)");
    for (size_t i = 0; i < cap; i++)
        slots[i] = -1;
    free(w->slots);
    w->slots = slots;
    w->cap = cap;
    for (size_t u = 0; u < w->nshapes; u++) {
        size_t s = slot_of(w, &w->shapes[u].key);
        while (w->slots[s] >= 0)
            s = (s + 1) & (cap - 1);
        w->slots[s] = (int32_t)u;
    }
    return CS_OK;
}

/* All permutations g of canonical positions (0 and n-1 fixed) that keep the
 * canonical graph, by backtracking; orbits prune the search. */
typedef struct group_search {
    int n;
    const uint32_t *g;
    const int *orbit;
    int img[CS_CELL_MAXV];
    uint32_t used;
    uint8_t *out;
    size_t count, cap;
    bool nomem;
} group_search;

static bool edge(const uint32_t *g, int a, int b)
{
    return g[a] >> b & 1;
}

static void search(group_search *s, int i)
{
    int n = s->n;
    if (i == n - 1) {
        if (s->count == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 8;
            uint8_t *o = realloc(s->out, cap * (size_t)n);
            if (!o) {
                s->nomem = true;
                return;
            }
            s->out = o;
            s->cap = cap;
        }
        for (int v = 0; v < n; v++)
            s->out[s->count * (size_t)n + (size_t)v] = (uint8_t)s->img[v];
        s->count++;
        return;
    }
    for (int c = 1; c < n - 1; c++) {
        if (s->used >> c & 1 || s->orbit[c] != s->orbit[i])
            continue;
        bool ok = edge(s->g, 0, i) == edge(s->g, 0, c) &&
                  edge(s->g, i, n - 1) == edge(s->g, c, n - 1);
        for (int j = 1; ok && j < i; j++)
            ok = edge(s->g, i, j) == edge(s->g, c, s->img[j]) &&
                 edge(s->g, j, i) == edge(s->g, s->img[j], c);
        if (!ok)
            continue;
        s->img[i] = c;
        s->used |= UINT32_C(1) << c;
        search(s, i + 1);
        s->used &= ~(UINT32_C(1) << c);
        if (s->nomem)
            return;
    }
}

static cs_status add_shape(cs_walk *w, int n, const cs_key *key, const uint32_t *cg,
                           const int *orbit_pos, double group, int32_t *id,
                           cs_error *err)
{
    if (w->nshapes == w->shapes_cap) {
        size_t cap = w->shapes_cap ? w->shapes_cap * 2 : 256;
        cs_shape *s = realloc(w->shapes, cap * sizeof *s);
        if (!s)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (shapes)");
        w->shapes = s;
        w->shapes_cap = cap;
    }
    cs_shape *sh = &w->shapes[w->nshapes];
    memset(sh, 0, sizeof *sh);
    sh->key = *key;
    sh->n = (uint8_t)n;
    uint64_t L = ipow((uint64_t)w->limits.num_ops, n - 2);
    sh->codes = malloc(L * sizeof *sh->codes);
    if (!sh->codes)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (labellings)");
    for (uint64_t i = 0; i < L; i++)
        sh->codes[i] = -1;

    group_search gs;
    memset(&gs, 0, sizeof gs);
    gs.n = n;
    gs.g = cg;
    gs.orbit = orbit_pos;
    gs.img[0] = 0;
    gs.img[n - 1] = n - 1;
    search(&gs, 1);
    if (gs.nomem) {
        free(gs.out);
        free(sh->codes);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (group)");
    }
    sh->group = gs.out;
    sh->group_size = (uint32_t)gs.count;
    if ((double)gs.count != group)
        w->group_mismatches++;
    *id = (int32_t)w->nshapes++;
    return CS_OK;
}

/* nauty on the uncoloured DAG (input and output apart); the canonical graph
 * packed into a key. */
typedef struct shape_canon {
    int lab[CS_CELL_MAXV], orbits[CS_CELL_MAXV];
    uint32_t cg[CS_CELL_MAXV];
    double group;
    cs_key key;
} shape_canon;

static void canon_shape(int n, const uint32_t *adj, int *pos, shape_canon *sc)
{
    int colour[CS_CELL_MAXV] = {0};
    for (int v = 0; v < n; v++)
        colour[v] = v == 0 ? 0 : v == n - 1 ? 2 : 1;
    cs_nauty_canon(n, adj, colour, sc->lab, sc->cg, &sc->group, sc->orbits);
    for (int i = 0; i < n; i++)
        pos[sc->lab[i]] = i;
    cs_key key = {(uint64_t)n, 0};
    unsigned at = 4;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++, at++)
            if (i != j && (sc->cg[i] >> j & 1)) {
                if (at < 64)
                    key.lo |= UINT64_C(1) << at;
                else
                    key.hi |= UINT64_C(1) << (at - 64);
            }
    sc->key = key;
}

int32_t cs_walk_find_shape(const cs_walk *w, int n, const uint32_t *adj, int *pos)
{
    shape_canon sc;
    canon_shape(n, adj, pos, &sc);
    if (!w->cap)
        return -1;
    for (size_t s = slot_of(w, &sc.key); w->slots[s] >= 0; s = (s + 1) & (w->cap - 1))
        if (cs_key_cmp(&w->shapes[w->slots[s]].key, &sc.key) == 0)
            return w->slots[s];
    return -1;
}

cs_status cs_walk_shape(cs_walk *w, int n, const uint32_t *adj, int32_t *shape,
                        int *pos, cs_error *err)
{
    shape_canon sc;
    canon_shape(n, adj, pos, &sc);
    const cs_key key = sc.key;
    if (2 * (w->nshapes + 1) > w->cap) {
        cs_status st = grow(w, err);
        if (st)
            return st;
    }
    size_t s = slot_of(w, &key);
    while (w->slots[s] >= 0) {
        if (cs_key_cmp(&w->shapes[w->slots[s]].key, &key) == 0) {
            *shape = w->slots[s];
            return CS_OK;
        }
        s = (s + 1) & (w->cap - 1);
    }
    int orbit_pos[CS_CELL_MAXV];
    for (int i = 0; i < n; i++)
        orbit_pos[i] = pos[sc.orbits[sc.lab[i]]];
    cs_status st = add_shape(w, n, &key, sc.cg, orbit_pos, sc.group, shape, err);
    if (st)
        return st;
    w->slots[s] = *shape;
    return CS_OK;
}

void cs_walk_codes(const cs_walk *w, int32_t shape, const int *pos,
                   uint32_t *codes)
{
    const cs_shape *sh = &w->shapes[shape];
    int n = sh->n, m = n - 2;
    uint32_t k = (uint32_t)w->limits.num_ops;
    uint32_t L = (uint32_t)ipow(k, m);
    uint32_t pw[CS_CELL_MAXV];
    pw[0] = 1;
    for (int j = 1; j <= m; j++)
        pw[j] = pw[j - 1] * k;

    /* weight[g][d]: what digit d (interior vertex d+1, most significant
     * first) adds to the code of the labelling moved by group element g. */
    uint32_t weight[64][CS_CELL_MAXV];
    uint32_t ginv[CS_CELL_MAXV];
    uint32_t ng = sh->group_size;
    for (uint32_t gi = 0; gi < ng; gi += 64) {
        uint32_t batch = ng - gi < 64 ? ng - gi : 64;
        for (uint32_t b = 0; b < batch; b++) {
            const uint8_t *g = sh->group + (size_t)(gi + b) * (size_t)n;
            for (int j = 0; j < n; j++)
                ginv[g[j]] = (uint32_t)j;
            for (int d = 0; d < m; d++)
                weight[b][d] = pw[ginv[pos[d + 1]] - 1];
        }
        /* Odometer over labellings in product order: the last interior
         * vertex varies fastest. */
        uint32_t digit[CS_CELL_MAXV] = {0};
        uint32_t code[64] = {0};
        for (uint32_t t = 0; t < L; t++) {
            uint32_t best = code[0];
            for (uint32_t b = 1; b < batch; b++)
                if (code[b] < best)
                    best = code[b];
            if (gi == 0 || best < codes[t])
                codes[t] = best;
            for (int d = m - 1; d >= 0; d--) {
                if (++digit[d] < k) {
                    for (uint32_t b = 0; b < batch; b++)
                        code[b] += weight[b][d];
                    break;
                }
                digit[d] = 0;
                for (uint32_t b = 0; b < batch; b++)
                    code[b] -= (k - 1) * weight[b][d];
            }
        }
    }
}

void cs_walk_destroy(cs_walk *w)
{
    for (size_t u = 0; u < w->nshapes; u++) {
        free(w->shapes[u].codes);
        free(w->shapes[u].group);
    }
    free(w->shapes);
    free(w->slots);
    memset(w, 0, sizeof *w);
}
