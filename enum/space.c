/* cs_space: the enumeration kept for look-ups. */
#include "cs_space.h"
#include "walk.h"

#include <stdlib.h>
#include <string.h>

struct cs_space {
    cs_enum_result res;
    cs_walk walk;
    uint32_t *slots; /* canonical key -> class + 1 */
    uint64_t nslots;
};

static uint64_t canon_slot(const cs_key *k, uint64_t slots)
{
    return cs_key_hash(k) & (slots - 1);
}

cs_status cs_space_build(cs_space **out, const cs_enum_options *opt, cs_error *err)
{
    *out = NULL;
    cs_space *sp = calloc(1, sizeof *sp);
    if (!sp)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    cs_status st = cs_enum_run_keep(opt, &sp->res, &sp->walk, err);
    if (st) {
        free(sp);
        return st;
    }
    sp->nslots = 1;
    while (sp->nslots < 2 * (uint64_t)sp->res.nclasses)
        sp->nslots <<= 1;
    sp->slots = calloc(sp->nslots, sizeof *sp->slots);
    if (!sp->slots) {
        cs_space_destroy(sp);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (class index)");
    }
    for (size_t i = 0; i < sp->res.nclasses; i++) {
        uint64_t s = canon_slot(&sp->res.classes[i].canon, sp->nslots);
        while (sp->slots[s])
            s = (s + 1) & (sp->nslots - 1);
        sp->slots[s] = (uint32_t)(i + 1);
    }
    *out = sp;
    return CS_OK;
}

void cs_space_destroy(cs_space *sp)
{
    if (!sp)
        return;
    cs_enum_result_destroy(&sp->res);
    cs_walk_destroy(&sp->walk);
    free(sp->slots);
    free(sp);
}

const cs_enum_result *cs_space_result(const cs_space *sp) { return &sp->res; }
size_t cs_space_num_classes(const cs_space *sp) { return sp->res.nclasses; }
const cs_limits *cs_space_limits(const cs_space *sp) { return &sp->res.limits; }

int64_t cs_space_find_canon(const cs_space *sp, const cs_key *canon)
{
    for (uint64_t s = canon_slot(canon, sp->nslots); sp->slots[s]; s = (s + 1) & (sp->nslots - 1))
        if (cs_key_cmp(&sp->res.classes[sp->slots[s] - 1].canon, canon) == 0)
            return (int64_t)sp->slots[s] - 1;
    return -1;
}

int64_t cs_space_find_cell(const cs_space *sp, const cs_cell *c)
{
    cs_spec s;
    cs_spec_from_cell(&s, c);
    if (cs_spec_check(&s, &sp->res.limits, NULL) != CS_OK)
        return -1;
    cs_canon cn;
    cs_key key;
    if (cs_cell_canon(&s.pruned, &cn, NULL) || cs_cell_key(&cn.cell, &key, NULL))
        return -1;
    return cs_space_find_canon(sp, &key);
}

uint64_t cs_space_raw_matrices(const cs_space *sp)
{
    int n = sp->res.limits.max_vertices;
    return UINT64_C(1) << (n * (n - 1) / 2);
}

uint32_t cs_space_raw_labellings(const cs_space *sp)
{
    uint32_t L = 1;
    for (int i = 0; i < sp->res.limits.max_vertices - 2; i++)
        L *= (uint32_t)sp->res.limits.num_ops;
    return L;
}

/* The optimisers' and the raw analyses' innermost call: on a 64-byte
 * boundary, so that its loops' speed does not depend on the code linked
 * before it (a 32-byte shift cost 17 % here, BENCHMARKS.md). */
#if defined(__GNUC__)
__attribute__((aligned(64)))
#endif
void cs_space_raw_classes(const cs_space *sp, uint64_t bits, int32_t *classes)
{
    const cs_limits *lim = &sp->res.limits;
    int n = lim->max_vertices, k = lim->num_ops;
    uint32_t L = cs_space_raw_labellings(sp);
    for (uint32_t t = 0; t < L; t++)
        classes[t] = -1;
    /* Prune: keep what the input reaches and what reaches the output. */
    uint32_t adj[CS_CELL_MAXV] = {0};
    for (int y = 1; y < n; y++)
        for (int x = 0; x < y; x++)
            if (bits >> (x + y * (y - 1) / 2) & 1)
                adj[x] |= UINT32_C(1) << y;
    uint32_t keep = cs_prune_mask(n, adj);
    int m = __builtin_popcount(keep);
    if (m < 2 || !(keep & 1) || !(keep >> (n - 1) & 1))
        return;
    int kept[CS_CELL_MAXV], idx[CS_CELL_MAXV];
    int c = 0;
    for (int v = 0; v < n; v++)
        if (keep >> v & 1) {
            idx[v] = c;
            kept[c++] = v;
        }
    uint32_t padj[CS_CELL_MAXV] = {0};
    int edges = 0;
    for (int i = 0; i < m; i++)
        for (uint32_t r = adj[kept[i]] & keep; r; r &= r - 1) {
            padj[i] |= UINT32_C(1) << idx[__builtin_ctz(r)];
            edges++;
        }
    if (edges > lim->max_edges || m > lim->max_vertices)
        return;
    int pos[CS_CELL_MAXV];
    int32_t shape = cs_walk_find_shape(&sp->walk, m, padj, pos);
    if (shape < 0)
        return;
    uint32_t Lp = 1;
    for (int i = 0; i < m - 2; i++)
        Lp *= (uint32_t)k;
    uint32_t codes[2187]; /* num_ops^(m-2) with m <= 9 */
    if (Lp > sizeof codes / sizeof codes[0])
        return;
    cs_walk_codes(&sp->walk, shape, pos, codes);
    const int32_t *map = sp->walk.shapes[shape].codes;
    /* raw labelling t -> the pruned labelling of the kept interior vertices */
    uint32_t weight[CS_CELL_MAXV] = {0};
    for (int i = m - 2, w = 1; i >= 1; i--, w *= k)
        weight[kept[i]] = (uint32_t)w;
    uint32_t digit[CS_CELL_MAXV] = {0}, tp = 0;
    for (uint32_t t = 0; t < L; t++) {
        classes[t] = map[codes[tp]];
        for (int d = n - 2; d >= 1; d--) {
            if (++digit[d] < (uint32_t)k) {
                tp += weight[d];
                break;
            }
            digit[d] = 0;
            tp -= (uint32_t)(k - 1) * weight[d];
        }
    }
}
