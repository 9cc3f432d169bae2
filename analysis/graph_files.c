/* cellscape: a neighbour graph as files other graph tools load. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cs_io.h"
#include "cs_landscape.h"
#include "cs_nb201.h"
#include "nb201_internal.h"
#include "cs_space.h"

/* A vertex's name columns, after its index (no tab before, none after). */
typedef void (*vertex_columns)(const void *user, size_t v, FILE *f);

/* Both files or neither: they are written to temporary files, and the
 * edges are renamed into place only once the nodes are. */
static cs_status graph_files_write(const cs_nbgraph *g, const char *edges_path,
                                   const char *nodes_path, const char *name_header,
                                   vertex_columns columns, const void *user, cs_error *err)
{
    cs_outfile edges, nodes;
    cs_status st = cs_outfile_open(&edges, edges_path, err);
    if (st)
        return st;
    if ((st = cs_outfile_open(&nodes, nodes_path, err))) {
        cs_outfile_abort(&edges);
        return st;
    }
    fputs("source\ttarget\n", edges.f);
    for (size_t i = 0; i < g->nedges; i++)
        fprintf(edges.f, "%u\t%u\n", g->edges[2 * i], g->edges[2 * i + 1]);
    fprintf(nodes.f, "index\t%s\n", name_header);
    for (size_t v = 0; v < g->nvertices; v++) {
        fprintf(nodes.f, "%zu\t", v);
        columns(user, v, nodes.f);
        fputc('\n', nodes.f);
    }
    /* only a file this call renamed into place may be removed again, never
     * a device or a pipe written in place */
    bool nodes_renamed = nodes.path && !nodes.direct;
    if ((st = cs_outfile_commit(&nodes, err))) {
        cs_outfile_abort(&edges);
        return st;
    }
    if ((st = cs_outfile_commit(&edges, err)) && nodes_renamed)
        remove(nodes_path);
    return st;
}

typedef struct nb101_names {
    const cs_space *sp;
    const char (*hex)[33];
} nb101_names;

static void nb101_columns(const void *user, size_t v, FILE *f)
{
    const nb101_names *n = user;
    const cs_enum_result *res = cs_space_result(n->sp);
    cs_cell cell;
    char compact[256];
    cs_enum_class_cell(res, &res->classes[v], &cell);
    cs_cell_format_compact(&cell, compact, sizeof compact);
    fprintf(f, "%s\t%s", n->hex[v], compact);
}

cs_status cs_nbgraph_write_tsv(const cs_nbgraph *g, const cs_space *sp, const char *edges_path,
                               const char *nodes_path, cs_error *err)
{
    size_t nc = cs_space_num_classes(sp);
    if (g->nvertices != nc)
        return cs_error_set(err, CS_ERR_ARG,
                            "the graph has %zu vertices, the space %zu classes: not its graph",
                            g->nvertices, nc);
    char (*hex)[33] = malloc((nc + 1) * sizeof *hex);
    if (!hex)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (hashing the space)");
    cs_status st = cs_space_class_hashes(sp, hex, err);
    nb101_names names = {sp, (const char (*)[33])hex};
    if (!st)
        st = graph_files_write(g, edges_path, nodes_path, "hash\tcell", nb101_columns, &names,
                               err);
    free(hex);
    return st;
}

static void nb201_columns(const void *user, size_t v, FILE *f)
{
    char arch[256];
    cs_nb201_name_index(user, (int64_t)v, arch, sizeof arch);
    fputs(arch, f);
}

cs_status cs_nb201_graph_write_tsv(const cs_nbgraph *g, const char *edges_path,
                                   const char *nodes_path, cs_error *err)
{
    if (g->nvertices != CS_NB201_CELLS)
        return cs_error_set(err, CS_ERR_ARG,
                            "the graph has %zu vertices, NAS-Bench-201 %d cells: not its graph",
                            g->nvertices, CS_NB201_CELLS);
    return graph_files_write(g, edges_path, nodes_path, "arch", nb201_columns, NULL, err);
}
