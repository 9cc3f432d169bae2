/* The NAS-Bench-201 space without data: its cells' structure and its
 * neighbour graphs (cs_nb201_analysis.h). */
#include "cs_nb201_analysis.h"
#include "nb201_internal.h"
#include "analysis_writers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_nb201_space.h"

/* Depth of a cell: edges on its longest input-to-output path through
 * edges that are not none; op depth: convolutions and poolings on such a
 * path (skip connections add no depth to the network); live edges: those
 * on some input-to-output path.  All 0 when nothing reaches the output. */
typedef struct cell_shape {
    int depth, op_depth, live, live_convs;
} cell_shape;

static cell_shape shape_of(const cs_nb201_cell *c)
{
    bool fwd[CS_NB201_NODES] = {true}, bwd[CS_NB201_NODES] = {false};
    bwd[CS_NB201_NODES - 1] = true;
    for (int e = 0; e < CS_NB201_EDGES; e++) /* edges come in order of their target */
        if (c->op[e] != CS_NB201_NONE && fwd[cs_nb201_edge_from(e)])
            fwd[cs_nb201_edge_to(e)] = true;
    for (int e = CS_NB201_EDGES - 1; e >= 0; e--) /* by decreasing target, bwd[to] is final */
        if (c->op[e] != CS_NB201_NONE && bwd[cs_nb201_edge_to(e)])
            bwd[cs_nb201_edge_from(e)] = true;
    cell_shape s = {0, 0, 0, 0};
    int len[CS_NB201_NODES] = {0}, oplen[CS_NB201_NODES] = {0};
    for (int e = 0; e < CS_NB201_EDGES; e++) {
        int i = cs_nb201_edge_from(e), j = cs_nb201_edge_to(e), op = c->op[e];
        if (op == CS_NB201_NONE || !fwd[i] || !bwd[j])
            continue;
        s.live++;
        s.live_convs += op == CS_NB201_CONV1X1 || op == CS_NB201_CONV3X3;
        if (len[i] + 1 > len[j])
            len[j] = len[i] + 1;
        int w = op == CS_NB201_SKIP ? 0 : 1;
        if (oplen[i] + w > oplen[j])
            oplen[j] = oplen[i] + w;
    }
    s.depth = len[CS_NB201_NODES - 1];
    s.op_depth = oplen[CS_NB201_NODES - 1];
    return s;
}

/* Classes by size: hist[size] for class ids per cell (ids are cell codes). */
static void class_sizes(const uint16_t *cls, uint32_t *count, uint64_t *hist)
{
    memset(count, 0, CS_NB201_CELLS * sizeof *count);
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        count[cls[i]]++;
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        if (count[i])
            hist[count[i]]++;
}

/* structure_classes.tsv: unique cells by size under the three rules;
 * *largest the largest size. */
static cs_status classes_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                             const uint64_t *h_api, const uint64_t *h_graph,
                             const uint64_t *h_expr, size_t *largest, cs_error *err)
{
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "structure_classes.tsv",
                                        "NAS-Bench-201: unique cells by the number of the "
                                        "15,625 cells they hold, under the API's key, the "
                                        "computation graph (nauty) and the expression with "
                                        "zero terms dropped",
                                        "size\tapi_classes\tgraph_classes\texpression_classes",
                                        &out, err);
    if (st)
        return st;
    *largest = 0;
    for (size_t n = 1; n <= CS_NB201_CELLS; n++) {
        if (!h_api[n] && !h_graph[n] && !h_expr[n])
            continue;
        *largest = n;
        fprintf(out.f, "%zu\t%llu\t%llu\t%llu\n", n, (unsigned long long)h_api[n],
                (unsigned long long)h_graph[n], (unsigned long long)h_expr[n]);
    }
    return cs_analysis_close(&out, err);
}

/* Cells by depth, op depth, live edges, live convolutions, and by how many
 * edges carry each operation. */
typedef struct shape_counts {
    uint64_t depth[CS_NB201_EDGES + 1], op_depth[CS_NB201_EDGES + 1];
    uint64_t live[CS_NB201_EDGES + 1], live_convs[CS_NB201_EDGES + 1];
    uint64_t by_op[CS_NB201_NUM_OPS][CS_NB201_EDGES + 1];
} shape_counts;

static void count_shapes(shape_counts *sc)
{
    memset(sc, 0, sizeof *sc);
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_from_code(code, &c);
        cell_shape s = shape_of(&c);
        sc->depth[s.depth]++;
        sc->op_depth[s.op_depth]++;
        sc->live[s.live]++;
        sc->live_convs[s.live_convs]++;
        int n[CS_NB201_NUM_OPS] = {0};
        for (int e = 0; e < CS_NB201_EDGES; e++)
            n[c.op[e]]++;
        for (int op = 0; op < CS_NB201_NUM_OPS; op++)
            sc->by_op[op][n[op]]++;
    }
}

/* structure_depth.tsv and structure_ops.tsv of sc. */
static cs_status shape_tsvs(const cs_analysis_ctx *ctx, const char *outdir,
                            const shape_counts *sc, cs_error *err)
{
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "structure_depth.tsv",
        "NAS-Bench-201: cells by depth (edges on the longest input-output path, none "
        "edges left out), op depth (convolutions and poolings on such a path), live "
        "edges (on some input-output path) and live convolutions",
        "n\tcells_by_depth\tcells_by_op_depth\tcells_by_live_edges\tcells_by_live_convs",
        &out, err);
    if (st)
        return st;
    for (int n = 0; n <= CS_NB201_EDGES; n++)
        fprintf(out.f, "%d\t%llu\t%llu\t%llu\t%llu\n", n, (unsigned long long)sc->depth[n],
                (unsigned long long)sc->op_depth[n], (unsigned long long)sc->live[n],
                (unsigned long long)sc->live_convs[n]);
    if ((st = cs_analysis_close(&out, err)))
        return st;
    char columns[256] = "edges";
    for (int op = 0; op < CS_NB201_NUM_OPS; op++) {
        size_t len = strlen(columns);
        snprintf(columns + len, sizeof columns - len, "\t%s", cs_nb201_op_name(op));
    }
    if ((st = cs_analysis_tsv_open(ctx, outdir, "structure_ops.tsv",
                                   "NAS-Bench-201: cells by how many of their 6 edges carry "
                                   "each operation",
                                   columns, &out, err)))
        return st;
    for (int n = 0; n <= CS_NB201_EDGES; n++) {
        fprintf(out.f, "%d", n);
        for (int op = 0; op < CS_NB201_NUM_OPS; op++)
            fprintf(out.f, "\t%llu", (unsigned long long)sc->by_op[op][n]);
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

cs_status cs_analysis_nb201_structure(const cs_analysis_ctx *ctx, const char *outdir,
                                      cs_error *err)
{
    cs_nb201_census *cen = malloc(sizeof *cen);
    uint32_t *count = malloc(CS_NB201_CELLS * sizeof *count);
    uint64_t *hist = calloc(3 * (CS_NB201_CELLS + 1), sizeof *hist);
    shape_counts *sc = malloc(sizeof *sc);
    cs_status st;
    if (!cen || !count || !hist || !sc) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto out;
    }
    cs_monitor_progress(&ctx->monitor, "structure: census of the 15,625 cells", 0.0);
    if ((st = cs_nb201_census_run(cen, err)))
        goto out;
    uint64_t *h_api = hist, *h_graph = hist + CS_NB201_CELLS + 1,
             *h_expr = hist + 2 * (CS_NB201_CELLS + 1);
    class_sizes(cen->api_class, count, h_api);
    class_sizes(cen->graph_class, count, h_graph);
    class_sizes(cen->expression_class, count, h_expr);
    size_t largest;
    if ((st = classes_tsv(ctx, outdir, h_api, h_graph, h_expr, &largest, err)))
        goto out;
    count_shapes(sc);
    if ((st = shape_tsvs(ctx, outdir, sc, err)))
        goto out;
    int maxdepth = 0;
    for (int n = 0; n <= CS_NB201_EDGES; n++)
        if (sc->depth[n])
            maxdepth = n;
    cs_jb j;
    if ((st = cs_jb_init(&j, err)))
        goto out;
    cs_jb_ks(&j, "space", "NAS-Bench-201");
    cs_jb_ki(&j, "cells", (long long)cen->cells);
    cs_jb_ki(&j, "api_classes", (long long)cen->api_classes);
    cs_jb_ki(&j, "graph_classes", (long long)cen->graph_classes);
    cs_jb_ki(&j, "expression_classes", (long long)cen->expression_classes);
    cs_jb_ki(&j, "zero_cells", (long long)cen->zero_cells);
    cs_jb_kb(&j, "certified", cs_nb201_census_certified(cen));
    cs_jb_ki(&j, "largest_class", (long long)largest);
    cs_jb_ki(&j, "max_depth", maxdepth);
    cs_jb_ki(&j, "cells_depth_0", (long long)sc->depth[0]);
    st = cs_jb_commit(ctx, outdir, "structure.json", "structure", &j, err);
out:
    free(cen);
    free(count);
    free(hist);
    free(sc);
    return st;
}

/* The API's unique cells, one edit apart: a vertex per class (numbered in
 * order of their smallest cell code), an edge per pair of classes holding
 * two cells one edit apart. */
static cs_status class_graph(const cs_nb201_census *cen, cs_nbgraph *g, size_t *nclasses,
                             cs_error *err)
{
    enum { CBITS = 14 };
    uint16_t *dense = malloc(CS_NB201_CELLS * sizeof *dense);
    uint64_t *keys = malloc((size_t)CS_NB201_CELLS * CS_NB201_DEGREE * sizeof *keys);
    if (!dense || !keys) {
        free(dense);
        free(keys);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (class graph)");
    }
    size_t n = 0, nk = 0;
    for (size_t code = 0; code < CS_NB201_CELLS; code++)
        if (cen->api_class[code] == code) /* a class's id is its smallest code */
            dense[code] = (uint16_t)n++;
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c, d[CS_NB201_DEGREE];
        cs_nb201_from_code(code, &c);
        uint32_t a = dense[cen->api_class[code]];
        for (int k = cs_nb201_edits(&c, d) - 1; k >= 0; k--) {
            uint32_t b = dense[cen->api_class[cs_nb201_code(&d[k])]];
            if (a < b)
                keys[nk++] = (uint64_t)a << CBITS | b;
        }
    }
    *nclasses = n;
    cs_status st = cs_nbgraph_from_pairs(g, n, keys, nk, CBITS, err);
    free(dense);
    free(keys);
    return st;
}

cs_status cs_analysis_nb201_neighbours(const cs_analysis_ctx *ctx, const char *outdir,
                                       cs_error *err)
{
    cs_nb201_census *cen = malloc(sizeof *cen);
    if (!cen)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    cs_monitor_progress(&ctx->monitor, "neighbours: census of the 15,625 cells", 0.0);
    cs_nbgraph g, cells;
    size_t nclasses = 0;
    cs_status st = cs_nb201_census_run(cen, err);
    if (!st && !(st = cs_nb201_cell_graph(&cells, err))) {
        if (!(st = class_graph(cen, &g, &nclasses, err))) {
            /* The cell graph is H(6, 5): vertex-transitive, so one search
             * gives its diameter; its degrees are read off, not assumed. */
            int32_t *dist = malloc(CS_NB201_CELLS * sizeof *dist);
            uint32_t *queue = malloc(CS_NB201_CELLS * sizeof *queue);
            int diameter = -1;
            if (dist && queue)
                diameter = cs_nbgraph_bfs(&cells, 0, dist, queue, NULL, 0, NULL, NULL);
            free(dist);
            free(queue);
            if (diameter < 0) {
                cs_nbgraph_destroy(&g);
                cs_nbgraph_destroy(&cells);
                free(cen);
                return cs_error_set(err, CS_ERR_NOMEM, "out of memory (cell graph)");
            }
            uint64_t dmin = UINT64_MAX, dmax = 0;
            for (size_t v = 0; v < cells.nvertices; v++) {
                uint64_t d = cells.offset[v + 1] - cells.offset[v];
                dmin = d < dmin ? d : dmin;
                dmax = d > dmax ? d : dmax;
            }
            cs_jb extra;
            if (!(st = cs_jb_init(&extra, err))) {
                cs_jb_ks(&extra, "space", "NAS-Bench-201");
                cs_jb_ks(&extra, "vertex", "a unique cell under the API's key");
                cs_jb_ki(&extra, "cells", (long long)cells.nvertices);
                cs_jb_ki(&extra, "cell_graph_edges", (long long)cells.nedges);
                cs_jb_ki(&extra, "cell_graph_min_degree", (long long)dmin);
                cs_jb_ki(&extra, "cell_graph_max_degree", (long long)dmax);
                cs_jb_ki(&extra, "cell_graph_diameter", diameter);
                if (!(st = cs_jb_finish(&extra, err)))
                    st = cs_nbgraph_analyse(ctx, outdir, &g, extra.buf, err);
                cs_jb_free(&extra);
            }
            cs_nbgraph_destroy(&g);
        }
        cs_nbgraph_destroy(&cells);
    }
    free(cen);
    return st;
}
