/* Local optima and basins under steepest ascent, for any fitness on any
 * neighbour graph (cs_landscape.h). */
#include "cs_landscape.h"
#include "landscape_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cs_ranked_cmp(const void *a, const void *b)
{
    const cs_ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

int64_t cs_landscape_best(const double *x, size_t n)
{
    int64_t best = -1;
    for (size_t c = 0; c < n; c++)
        if (!isnan(x[c]) && (best < 0 || x[c] > x[best]))
            best = (int64_t)c;
    return best;
}

void cs_optima_destroy(cs_optima *o)
{
    free(o->optima);
    free(o->optimum);
    free(o->steps);
    free(o->degree);
    free(o->basin);
    free(o->strict);
    memset(o, 0, sizeof *o);
}

cs_status cs_optima_compute(cs_optima *o, const cs_nbgraph *g, const double *f, cs_error *err)
{
    memset(o, 0, sizeof *o);
    size_t nc = g->nvertices;
    o->n = nc;
    for (size_t v = 0; v < nc; v++)
        o->with_data += !isnan(f[v]);
    int64_t *next = malloc((nc + 1) * sizeof *next);
    cs_ranked *order = malloc((o->with_data + 1) * sizeof *order);
    o->optima = malloc((o->with_data + 1) * sizeof *o->optima);
    o->optimum = malloc((nc + 1) * sizeof *o->optimum);
    o->steps = calloc(nc + 1, sizeof *o->steps);
    o->degree = calloc(nc + 1, sizeof *o->degree);
    o->basin = calloc(nc + 1, sizeof *o->basin);
    o->strict = calloc(nc + 1, 1);
    if (!next || !order || !o->optima || !o->optimum || !o->steps || !o->degree || !o->basin ||
        !o->strict) {
        free(next);
        free(order);
        cs_optima_destroy(o);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (local optima)");
    }
    size_t nd = 0;
    for (size_t v = 0; v < nc; v++) {
        next[v] = o->optimum[v] = -1;
        if (isnan(f[v]))
            continue;
        int64_t bn = -1;
        bool is_strict = true;
        uint32_t deg = 0;
        for (uint64_t i = g->offset[v]; i < g->offset[v + 1]; i++) {
            uint32_t u = g->adj[i];
            if (isnan(f[u]))
                continue;
            deg++;
            if (f[u] >= f[v])
                is_strict = false;
            if (bn < 0 || f[u] > f[bn])
                bn = u; /* lists are sorted: the first maximum is the lowest index */
        }
        o->degree[v] = deg;
        next[v] = bn >= 0 && f[bn] > f[v] ? bn : (int64_t)v;
        o->strict[v] = deg > 0 && is_strict;
        o->isolated += deg == 0;
        order[nd++] = (cs_ranked){f[v], (int64_t)v};
    }
    /* Best first: an ascent's next vertex is strictly better, so it is done
     * before the vertices that climb to it. */
    qsort(order, nd, sizeof *order, cs_ranked_cmp);
    for (size_t i = 0; i < nd; i++) {
        int64_t v = order[i].c;
        if (o->degree[v] == 0)
            continue;
        if (next[v] == v) {
            o->optimum[v] = v;
            o->steps[v] = 0;
            o->optima[o->noptima++] = v;
            o->nstrict += o->strict[v];
        } else {
            o->optimum[v] = o->optimum[next[v]];
            o->steps[v] = o->steps[next[v]] + 1;
        }
        o->basin[o->optimum[v]]++;
        o->nascent++;
        o->sum_steps += o->steps[v];
        if (o->steps[v] > o->max_steps)
            o->max_steps = o->steps[v];
    }
    free(next);
    free(order);
    return CS_OK;
}
