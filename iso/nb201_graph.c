/* NAS-Bench-201 cells as the networks they compute: the reduced labelled
 * DAG and its nauty canonical form. */
#include "cs_nb201.h"

#include <string.h>

#include "cs_nauty.h"

/* The full graph: vertex 0 the input, 1..3 the nodes (3 the output), 4..9
 * the operation edges; then dead parts out and single-input nodes merged. */
void cs_nb201_graph_of(const cs_nb201_cell *c, cs_nb201_graph *g)
{
    enum { V = 4 + CS_NB201_EDGES };
    uint32_t out[V] = {0}; /* out[u] bit v: arc u -> v */
    int label[V];
    bool alive[V];
    label[0] = CS_NB201_V_INPUT;
    label[1] = label[2] = CS_NB201_V_SUM;
    label[3] = CS_NB201_V_OUTPUT;
    for (int v = 0; v < V; v++)
        alive[v] = v < 4;
    for (int e = 0; e < CS_NB201_EDGES; e++) {
        int op = c->op[e], v = 4 + e;
        if (op == CS_NB201_NONE)
            continue;
        label[v] = CS_NB201_V_OP + op;
        alive[v] = true;
        out[cs_nb201_edge_from(e)] |= UINT32_C(1) << v;
        out[v] |= UINT32_C(1) << cs_nb201_edge_to(e);
    }
    /* Reached from the input (vertex order is not topological: walk). */
    uint32_t fwd = 1, bwd = UINT32_C(1) << 3;
    for (bool grew = true; grew;) {
        grew = false;
        for (int u = 0; u < V; u++) {
            if (alive[u] && (fwd >> u & 1) && (out[u] & ~fwd)) {
                fwd |= out[u];
                grew = true;
            }
            if (alive[u] && !(bwd >> u & 1) && (out[u] & bwd)) {
                bwd |= UINT32_C(1) << u;
                grew = true;
            }
        }
    }
    for (int v = 0; v < V; v++)
        alive[v] = alive[v] && (fwd >> v & 1) && (bwd >> v & 1);
    for (int u = 0; u < V; u++) {
        uint32_t keep = 0;
        for (int v = 0; v < V; v++)
            keep |= (uint32_t)alive[v] << v;
        out[u] &= keep;
    }
    memset(g, 0, sizeof *g);
    g->zero = !alive[3];
    if (g->zero) {
        /* input and output, unconnected */
        g->n = 2;
        g->label[0] = CS_NB201_V_INPUT;
        g->label[1] = CS_NB201_V_OUTPUT;
        return;
    }
    /* A node (or the output) with one input is that input: for a skip edge
     * the edge's source, else the operation's vertex. */
    for (int j = 1; j <= 3; j++) {
        uint32_t in = 0;
        for (int u = 0; u < V; u++)
            if (alive[u] && (out[u] >> j & 1))
                in |= UINT32_C(1) << u;
        if (__builtin_popcount(in) != 1)
            continue;
        int u = __builtin_ctz(in); /* an edge vertex */
        bool skip = label[u] == CS_NB201_V_OP + CS_NB201_SKIP;
        int src = u;
        if (skip) {
            for (int s = 0; s < V; s++)
                if (alive[s] && (out[s] >> u & 1))
                    src = s;
            alive[u] = false;
            out[src] &= ~(UINT32_C(1) << u);
            out[u] = 0;
        }
        if (j == 3) {
            /* the output stays, fed by src directly */
            out[src] |= UINT32_C(1) << 3;
            continue;
        }
        /* node j goes: its users read src instead */
        out[src] &= ~(UINT32_C(1) << j);
        out[src] |= out[j];
        out[j] = 0;
        alive[j] = false;
    }
    /* Number the survivors: the input first, the output last. */
    int id[V], n = 0;
    for (int v = 0; v < V; v++)
        if (alive[v] && v != 3)
            id[v] = n++;
    id[3] = n++;
    g->n = n;
    for (int u = 0; u < V; u++) {
        if (!alive[u])
            continue;
        g->label[id[u]] = (uint8_t)label[u];
        for (int v = 0; v < V; v++)
            if (alive[v] && (out[u] >> v & 1))
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
