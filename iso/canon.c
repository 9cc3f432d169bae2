/* Canonical forms with nauty.
 *
 * The cell becomes a digraph whose vertex colours are the ops, input and
 * output each a colour of its own, so nauty's canonical labelling respects
 * them.  The canonical graph is then laid out in a topological order chosen
 * from the canonical labels alone (Kahn's algorithm, smallest label first),
 * which keeps it canonical and makes it a cell again: input first, output
 * last, upper triangular. */
#define WORDSIZE 32
#define MAXN WORDSIZE
#include <nauty.h>
#include <nautinv.h>

#include "cs_iso.h"
#include "cs_nauty.h"

#include <math.h>
#include <string.h>

/* nauty numbers bits from the most significant end. */
static setword to_nauty_row(uint32_t row)
{
    setword s = 0;
    for (; row; row &= row - 1)
        s |= bit[__builtin_ctz(row)];
    return s;
}

void cs_nauty_canon(int n, const uint32_t *adj, const int *colour, int *lab,
                    uint32_t *canon, double *group, int *orbits)
{
    graph g[MAXN], cg[MAXN];
    int ptn[MAXN], orb[MAXN];
    DEFAULTOPTIONS_DIGRAPH(options);
    statsblk stats;

    for (int i = 0; i < n; i++)
        g[i] = to_nauty_row(adj[i]);
    /* Colour classes in increasing colour, vertices in index order inside. */
    int k = 0;
    int lo = 0;
    while (k < n) {
        int next = -1;
        for (int v = 0; v < n; v++)
            if (colour[v] >= lo && (next < 0 || colour[v] < next))
                next = colour[v];
        for (int v = 0; v < n; v++)
            if (colour[v] == next) {
                lab[k] = v;
                ptn[k] = 1;
                k++;
            }
        ptn[k - 1] = 0;
        lo = next + 1;
    }
    options.getcanon = TRUE;
    options.defaultptn = FALSE;
    densenauty(g, lab, ptn, orb, &options, &stats, 1, n, cg);

    int pos[MAXN];
    for (int i = 0; i < n; i++)
        pos[lab[i]] = i;
    for (int i = 0; i < n; i++) {
        uint32_t row = 0;
        for (uint32_t r = adj[lab[i]]; r; r &= r - 1)
            row |= UINT32_C(1) << pos[__builtin_ctz(r)];
        canon[i] = row;
    }
    *group = stats.grpsize1 * pow(10.0, stats.grpsize2);
    if (orbits)
        memcpy(orbits, orb, (size_t)n * sizeof *orbits);
}

static int op_colour(int op)
{
    /* input first, output last: the canonical order starts and ends there. */
    switch (op) {
    case CS_OP_INPUT: return 0;
    case CS_OP_OUTPUT: return CS_NUM_OPS + 1;
    default: return op + 1;
    }
}

cs_status cs_cell_canon(const cs_cell *c, cs_canon *out, cs_error *err)
{
    int n = c->n;
    int colour[CS_CELL_MAXV], lab[CS_CELL_MAXV];
    uint32_t cg[CS_CELL_MAXV];

    if (n < 1)
        return cs_error_set(err, CS_ERR_VALUE, "empty cell has no canonical form");
    for (int v = 0; v < n; v++) {
        if (c->op[v] == CS_OP_UNKNOWN)
            return cs_error_set(err, CS_ERR_VALUE,
                                "cannot canonicalise a cell with an unknown op "
                                "(vertex %d)", v);
        colour[v] = op_colour(c->op[v]);
    }
    cs_nauty_canon(n, c->adj, colour, lab, cg, &out->automorphisms, NULL);

    /* Topological order from canonical labels: smallest ready label first. */
    uint32_t indeg[CS_CELL_MAXV] = {0};
    for (int i = 0; i < n; i++)
        for (uint32_t r = cg[i]; r; r &= r - 1)
            indeg[__builtin_ctz(r)]++;
    int order[CS_CELL_MAXV], pos[CS_CELL_MAXV];
    uint32_t done = 0;
    for (int k = 0; k < n; k++) {
        int pick = -1;
        for (int i = 0; i < n; i++)
            if (!(done >> i & 1) && indeg[i] == 0) {
                pick = i;
                break;
            }
        if (pick < 0)
            return cs_error_set(err, CS_ERR_VALUE, "cell has a cycle");
        done |= UINT32_C(1) << pick;
        order[k] = pick;
        pos[pick] = k;
        for (uint32_t r = cg[pick]; r; r &= r - 1)
            indeg[__builtin_ctz(r)]--;
    }
    memset(&out->cell, 0, sizeof out->cell);
    out->cell.n = n;
    for (int k = 0; k < n; k++) {
        int i = order[k];
        out->lab[k] = lab[i];
        out->cell.op[k] = c->op[lab[i]];
        for (uint32_t r = cg[i]; r; r &= r - 1)
            out->cell.adj[k] |= UINT32_C(1) << pos[__builtin_ctz(r)];
    }
    return CS_OK;
}
