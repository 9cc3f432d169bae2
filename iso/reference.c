/* The vertex order the reference enumeration stores for a cell's class.
 *
 * The reference generator walks edge patterns in increasing order of their
 * bit encoding (edge x -> y is bit x + y(y-1)/2) and labellings in
 * itertools.product order, and stores the first member of each class it
 * meets.  Among the vertex orders of a cell that keep its matrix upper
 * triangular (its topological orders), that member is the one with the
 * smallest bit pattern, then the smallest labelling index.  The dataset's
 * module_adjacency / module_operations are that member, and its
 * trainable_parameters depend on the order (see cs_params.h). */
#include "cs_iso.h"

#include <string.h>

typedef struct search {
    const cs_cell *c;
    int n;
    uint32_t pred[CS_CELL_MAXV]; /* in-neighbour masks */
    int order[CS_CELL_MAXV];     /* position -> vertex */
    int pos[CS_CELL_MAXV];       /* vertex -> position */
    /* An edge pattern of CS_KEY_MAXV vertices has 66 bits: two words. */
    uint64_t best_bits[2];
    uint64_t best_t;
    int best[CS_CELL_MAXV];
    bool found;
} search;

static void consider(search *s)
{
    int n = s->n;
    uint64_t bits[2] = {0, 0}, t = 0;
    for (int v = 0; v < n; v++)
        for (uint32_t r = s->c->adj[v]; r; r &= r - 1) {
            int x = s->pos[v], y = s->pos[__builtin_ctz(r)];
            int b = x + y * (y - 1) / 2;
            bits[b >> 6] |= UINT64_C(1) << (b & 63);
        }
    for (int p = 1; p < n - 1; p++)
        t = t * CS_NUM_OPS + (uint64_t)s->c->op[s->order[p]];
    int cmp = bits[1] != s->best_bits[1]   ? (bits[1] < s->best_bits[1] ? -1 : 1)
              : bits[0] != s->best_bits[0] ? (bits[0] < s->best_bits[0] ? -1 : 1)
                                           : 0;
    if (!s->found || cmp < 0 || (cmp == 0 && t < s->best_t)) {
        s->found = true;
        s->best_bits[0] = bits[0];
        s->best_bits[1] = bits[1];
        s->best_t = t;
        memcpy(s->best, s->order, sizeof s->best);
    }
}

/* Place vertices at positions p.. in every topological order. */
static void place(search *s, int p, uint32_t placed)
{
    int n = s->n;
    if (p == n - 1) {
        s->order[p] = n - 1;
        s->pos[n - 1] = p;
        consider(s);
        return;
    }
    for (int v = 1; v < n - 1; v++) {
        if (placed >> v & 1 || (s->pred[v] & ~placed))
            continue;
        s->order[p] = v;
        s->pos[v] = p;
        place(s, p + 1, placed | UINT32_C(1) << v);
    }
}

cs_status cs_cell_reference_form(const cs_cell *c, cs_cell *out, cs_error *err)
{
    int n = c->n;
    if (n < 2 || n > CS_KEY_MAXV)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "reference forms are for 2 to %d vertices, not %d", CS_KEY_MAXV, n);
    if (c->op[0] != CS_OP_INPUT || c->op[n - 1] != CS_OP_OUTPUT)
        return cs_error_set(err, CS_ERR_VALUE, "a cell needs input first and output last");
    for (int v = 1; v < n - 1; v++)
        if (c->op[v] < 0 || c->op[v] >= CS_NUM_OPS)
            return cs_error_set(err, CS_ERR_VALUE, "unknown op at vertex %d", v);
    search s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.n = n;
    for (int v = 0; v < n; v++)
        for (uint32_t r = c->adj[v]; r; r &= r - 1)
            s.pred[__builtin_ctz(r)] |= UINT32_C(1) << v;
    s.order[0] = 0;
    s.pos[0] = 0;
    place(&s, 1, 1);
    if (!s.found)
        return cs_error_set(err, CS_ERR_VALUE, "the cell has no topological order "
                                               "with input first and output last");
    int perm[CS_CELL_MAXV];
    for (int p = 0; p < n; p++)
        perm[s.best[p]] = p;
    cs_cell_permute(c, perm, out);
    return CS_OK;
}
