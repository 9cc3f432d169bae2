/* NAS-Bench-201 cells as the networks they compute: the reduced labelled
 * DAG and its nauty canonical form. */
#include "cs_nb201.h"

#include <string.h>

#include "cs_nauty.h"

/* The full graph: vertex 0 the input, 1..3 the nodes (3 the output), 4..9
 * the operation edges (absent for a `none` edge). */
enum { FULL_V = 4 + CS_NB201_EDGES };
typedef struct full_graph {
    uint32_t out[FULL_V]; /* out[u] bit v: arc u -> v */
    int label[FULL_V];
    bool alive[FULL_V];
} full_graph;

static void full_graph_of(const cs_nb201_cell *c, full_graph *f)
{
    memset(f, 0, sizeof *f);
    f->label[0] = CS_NB201_V_INPUT;
    f->label[1] = f->label[2] = CS_NB201_V_SUM;
    f->label[3] = CS_NB201_V_OUTPUT;
    for (int v = 0; v < 4; v++)
        f->alive[v] = true;
    for (int e = 0; e < CS_NB201_EDGES; e++) {
        int op = c->op[e], v = 4 + e;
        if (op == CS_NB201_NONE)
            continue;
        f->label[v] = CS_NB201_V_OP + op;
        f->alive[v] = true;
        f->out[cs_nb201_edge_from(e)] |= UINT32_C(1) << v;
        f->out[v] |= UINT32_C(1) << cs_nb201_edge_to(e);
    }
}

/* Dead parts out: what the input does not reach or the output does not
 * see. */
static void prune_dead(full_graph *f)
{
    /* vertex order is not topological: walk until nothing grows */
    uint32_t fwd = 1, bwd = UINT32_C(1) << 3;
    for (bool grew = true; grew;) {
        grew = false;
        for (int u = 0; u < FULL_V; u++) {
            if (f->alive[u] && (fwd >> u & 1) && (f->out[u] & ~fwd)) {
                fwd |= f->out[u];
                grew = true;
            }
            if (f->alive[u] && !(bwd >> u & 1) && (f->out[u] & bwd)) {
                bwd |= UINT32_C(1) << u;
                grew = true;
            }
        }
    }
    for (int v = 0; v < FULL_V; v++)
        f->alive[v] = f->alive[v] && (fwd >> v & 1) && (bwd >> v & 1);
    uint32_t keep = 0;
    for (int v = 0; v < FULL_V; v++)
        keep |= (uint32_t)f->alive[v] << v;
    for (int u = 0; u < FULL_V; u++)
        f->out[u] &= keep;
}

/* A node (or the output) with one input is that input: for a skip edge
 * the edge's source, else the operation's vertex. */
static void merge_single_inputs(full_graph *f)
{
    for (int j = 1; j <= 3; j++) {
        uint32_t in = 0;
        for (int u = 0; u < FULL_V; u++)
            if (f->alive[u] && (f->out[u] >> j & 1))
                in |= UINT32_C(1) << u;
        if (__builtin_popcount(in) != 1)
            continue;
        int u = __builtin_ctz(in); /* an edge vertex */
        bool skip = f->label[u] == CS_NB201_V_OP + CS_NB201_SKIP;
        int src = u;
        if (skip) {
            for (int s = 0; s < FULL_V; s++)
                if (f->alive[s] && (f->out[s] >> u & 1))
                    src = s;
            f->alive[u] = false;
            f->out[src] &= ~(UINT32_C(1) << u);
            f->out[u] = 0;
        }
        if (j == 3) {
            /* the output stays, fed by src directly */
            f->out[src] |= UINT32_C(1) << 3;
            continue;
        }
        /* node j goes: its users read src instead */
        f->out[src] &= ~(UINT32_C(1) << j);
        f->out[src] |= f->out[j];
        f->out[j] = 0;
        f->alive[j] = false;
    }
}

/* The full graph, dead parts out and single-input nodes merged. */
void cs_nb201_graph_of(const cs_nb201_cell *c, cs_nb201_graph *g)
{
    full_graph f;
    full_graph_of(c, &f);
    prune_dead(&f);
    memset(g, 0, sizeof *g);
    g->zero = !f.alive[3];
    if (g->zero) {
        /* input and output, unconnected */
        g->n = 2;
        g->label[0] = CS_NB201_V_INPUT;
        g->label[1] = CS_NB201_V_OUTPUT;
        return;
    }
    merge_single_inputs(&f);
    /* Number the survivors: the input first, the output last. */
    int id[FULL_V], n = 0;
    for (int v = 0; v < FULL_V; v++)
        if (f.alive[v] && v != 3)
            id[v] = n++;
    id[3] = n++;
    g->n = n;
    for (int u = 0; u < FULL_V; u++) {
        if (!f.alive[u])
            continue;
        g->label[id[u]] = (uint8_t)f.label[u];
        for (int v = 0; v < FULL_V; v++)
            if (f.alive[v] && (f.out[u] >> v & 1))
                g->adj[id[u]] |= UINT32_C(1) << id[v];
    }
}

size_t cs_nb201_graph_key(const cs_nb201_graph *g, unsigned char key[CS_NB201_GRAPH_KEY_MAX])
{
    int colour[CS_NB201_GRAPH_MAXV], lab[CS_NB201_GRAPH_MAXV];
    uint32_t canon[CS_NB201_GRAPH_MAXV];
    double group;
    for (int v = 0; v < g->n; v++)
        colour[v] = g->label[v];
    cs_nauty_canon(g->n, g->adj, colour, lab, canon, &group, NULL);
    size_t k = 0;
    key[k++] = (unsigned char)g->n;
    for (int i = 0; i < g->n; i++) {
        key[k++] = g->label[lab[i]];
        for (int b = 0; b < 4; b++)
            key[k++] = (unsigned char)(canon[i] >> (8 * b));
    }
    return k;
}
