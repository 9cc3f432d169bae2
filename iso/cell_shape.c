/* cellscape iso/: measures of one cell's shape: depth, width, op counts. */
#include <stdint.h>
#include <string.h>

#include "cs_iso.h"

int cs_cell_count_op(const cs_cell *c, int op)
{
    int k = 0;
    for (int v = 0; v < c->n && v < CS_CELL_MAXV; v++)
        k += c->op[v] == op;
    return k;
}

/* Bits of row v that point to later vertices: the only edges of an
 * upper-triangular cell, and what keeps the loops below in topological
 * order even if a caller passes something else. */
static uint32_t cs_later(const cs_cell *c, int v)
{
    uint32_t all = c->n >= 32 ? UINT32_MAX : (UINT32_C(1) << c->n) - 1u;
    uint32_t above = v >= 31 ? 0 : ~((UINT32_C(2) << v) - 1u);
    return c->adj[v] & all & above;
}

int cs_cell_depth(const cs_cell *c)
{
    if (c->n < 2 || c->n > CS_CELL_MAXV)
        return -1;
    int dist[CS_CELL_MAXV];
    dist[0] = 0;
    for (int v = 1; v < c->n; v++)
        dist[v] = -1;
    for (int v = 0; v < c->n; v++) {
        if (dist[v] < 0)
            continue;
        for (uint32_t r = cs_later(c, v); r; r &= r - 1) {
            int w = __builtin_ctz(r);
            if (dist[v] + 1 > dist[w])
                dist[w] = dist[v] + 1;
        }
    }
    return dist[c->n - 1]; /* -1 when the output is not reached */
}

#define CS_FLOW_NODES (CS_CELL_MAXV + 2)
#define CS_FLOW_INF (1 << 24)

/* Edmonds-Karp on a dense capacity matrix: at most 34 nodes and a total
 * finite capacity of at most the edge count, so a few BFS per cell. */
static int cs_max_flow(int nodes, int cap[CS_FLOW_NODES][CS_FLOW_NODES], int s, int t)
{
    int flow = 0;
    for (;;) {
        int prev[CS_FLOW_NODES], queue[CS_FLOW_NODES], head = 0, tail = 0;
        for (int v = 0; v < nodes; v++)
            prev[v] = -1;
        prev[s] = s;
        queue[tail++] = s;
        while (head < tail && prev[t] < 0) {
            int u = queue[head++];
            for (int v = 0; v < nodes; v++)
                if (prev[v] < 0 && cap[u][v] > 0) {
                    prev[v] = u;
                    queue[tail++] = v;
                }
        }
        if (prev[t] < 0)
            return flow;
        int f = CS_FLOW_INF;
        for (int v = t; v != s; v = prev[v])
            if (cap[prev[v]][v] < f)
                f = cap[prev[v]][v];
        for (int v = t; v != s; v = prev[v]) {
            cap[prev[v]][v] -= f;
            cap[v][prev[v]] += f;
        }
        flow += f;
    }
}

int cs_cell_width(const cs_cell *c)
{
    int n = c->n;
    if (n < 2 || n > CS_CELL_MAXV)
        return -1;
    /* Nodes 0..n-1 are the cell's, then source and sink.  S is the source
     * side of a minimum cut: an infinite arc v -> u for each edge u -> v
     * keeps every predecessor of a member in S, infinite arcs pin the input
     * in S and the output out of it, and vertex weights are outdeg - indeg
     * (positive: arc from the source, negative: arc to the sink). */
    int s = n, t = n + 1, nodes = n + 2;
    int cap[CS_FLOW_NODES][CS_FLOW_NODES];
    int weight[CS_CELL_MAXV] = {0};
    for (int u = 0; u < nodes; u++)
        memset(cap[u], 0, (size_t)nodes * sizeof cap[u][0]);
    for (int u = 0; u < n; u++)
        for (uint32_t r = cs_later(c, u); r; r &= r - 1) {
            int v = __builtin_ctz(r);
            weight[u]++;
            weight[v]--;
            cap[v][u] = CS_FLOW_INF;
        }
    cap[s][0] = CS_FLOW_INF;
    cap[n - 1][t] = CS_FLOW_INF;
    /* The input's weight (it is always in S) and every positive weight; the
     * minimum cut takes back what the best S must leave out or pay for. */
    int best = weight[0];
    for (int v = 1; v < n - 1; v++) {
        if (weight[v] > 0) {
            cap[s][v] = weight[v];
            best += weight[v];
        } else if (weight[v] < 0) {
            cap[v][t] = -weight[v];
        }
    }
    return best - cs_max_flow(nodes, cap, s, t);
}

