/* cellscape analysis/: the NAS-Bench-201 space (Dong and Yang, ICLR 2020)
 * and its results, with the analyses the NAS-Bench-101 space has.
 *
 * Cells are numbered by the official API's index (cs_nb201.h).  The data
 * come from a CSV of per-cell results (data/cs_nb201_data.h,
 * doc/nb201-csv.md), one dataset of it at a time, three of its metrics:
 *
 *   fitness  what a search sees and climbs: ctx->nb201_fitness, else
 *            "valid-accuracy" if the dataset has it, else "test-accuracy"
 *            (the API's "cifar10" set trains on train + valid and has no
 *            validation accuracy; every output then says so)
 *   score    what a search is judged by: ctx->nb201_score, else
 *            "test-accuracy", else the fitness
 *   cost     what a query costs the simulated optimisers: ctx->nb201_cost,
 *            else "train-all-time" if the dataset has it, else one unit
 *            per query
 * A cell's value is the mean of its rows (repeats); a cell without a
 * fitness or a score is left out, never imputed.  Accuracies are as the
 * data give them (the API gives percent).
 *
 * Neighbours: two cells are neighbours when they differ in one edge's
 * operation (every cell has 6 x 4 = 24; the graph is the Hamming graph
 * H(6, 5), and the edit distance of two cells is the number of edges
 * whose operations differ).  The data analyses work on this graph of
 * cells, as each cell was trained on its own; the `neighbours` analysis
 * also gives the graph of the API's unique cells (6,466 classes, two
 * adjacent when one edit turns a cell of one into a cell of the other).
 *
 * The analyses (cs_analysis_fn; the registry cs_analysis_nb201_list):
 *   structure     structure_classes.tsv, structure_depth.tsv,
 *                 structure_ops.tsv, structure.json (no data)
 *   neighbours    neighbours_*.tsv, neighbours.json (no data; the API's
 *                 classes)
 *   accuracy      accuracy_ecdf.tsv, accuracy_best.tsv, accuracy.json
 *   op-importance op_importance.tsv, op_importance_ecdf.tsv,
 *                 op_importance.json
 *   locality      locality_rwa.tsv, locality_fdc.tsv, locality.json
 *   optima        optima.tsv, optima_basins.tsv, optima.json
 *   optimizers    optimizers_*.tsv, optimizers.json */
#ifndef CS_NB201_ANALYSIS_H
#define CS_NB201_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "cs_analysis.h"
#include "cs_landscape.h"
#include "cs_nb201.h"
#include "cs_nb201_space.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_NB201_FITNESS_DEFAULT "valid-accuracy"
#define CS_NB201_SCORE_DEFAULT "test-accuracy"
#define CS_NB201_COST_DEFAULT "train-all-time"

/* A fitness file for NAS-Bench-201 (cs_fitness_file_read): the key column
 * `arch` holds arch strings ("|nor_conv_3x3~0|+|...|"); out gets
 * CS_NB201_CELLS values in API index order, for ctx->fitness. */
cs_status cs_nb201_fitness_file(const char *path, double *out, size_t *with_data,
                                cs_error *err);

/* What the data analyses read, resolved from a context.  A caller's
 * fitness (ctx->fitness, per API index) replaces the fitness metric. */
typedef struct cs_nb201_values {
    int dataset;
    const char *dataset_name;
    const char *fitness_metric, *score_metric, *cost_metric; /* cost: NULL if none */
    bool fitness_fallback;  /* the fitness is test accuracy: no validation metric */
    double *fitness, *score, *cost; /* per API index; NaN where a cell is left out
                                       (cost: 1 per query without a cost metric; NaN
                                       where the cell lacks it) */
    size_t with_data;
} cs_nb201_values;

/* CS_ERR_ARG when ctx has no data or a named dataset or metric is not in
 * it (the message lists what is). */
cs_status cs_nb201_values_init(cs_nb201_values *v, const cs_analysis_ctx *ctx,
                               const char *analysis, cs_error *err);
void cs_nb201_values_destroy(cs_nb201_values *v);
/* "valid-accuracy of dataset cifar10-valid" (saying so when the fitness
 * is test accuracy). */
void cs_nb201_values_describe(const cs_nb201_values *v, char *buf, size_t size);

/* The graph of the 15,625 cells (API index order), one edit apart. */
cs_status cs_nb201_cell_graph(cs_nbgraph *g, cs_error *err);
/* Random walks on a cell graph g (cs_nb201_cell_graph) over the cells with
 * a fitness (NaN: none), as the locality analysis walks: walk w draws from
 * its own stream of seed; a step is a uniform choice among the neighbours
 * with a fitness; a cell without one ends the segment (path gets -1) and the
 * walk goes on from a uniform cell with a fitness.  w as cs_walks_run fills
 * it (cs_walks_destroy frees it); cs_landscape_walk_autocorrelation gives
 * the RWA.  One thread; time O(nwalks x steps x CS_NB201_DEGREE).  monitor
 * (may be NULL) is asked every 4,096 steps whether to stop.  Errors:
 * CS_ERR_ARG (nwalks or steps < 1, no cell with a fitness), CS_ERR_NOMEM,
 * CS_ERR_CANCELLED. */
cs_status cs_nb201_walks_run(cs_walks *w, const cs_nbgraph *g, const double *fitness,
                             int nwalks, int steps, uint64_t seed, const cs_monitor *monitor,
                             cs_error *err);
/* cs_nbgraph_write_tsv for the graph of the 15,625 cells: the nodes file
 * has the columns index and arch (the API's arch string). */
cs_status cs_nb201_graph_write_tsv(const cs_nbgraph *g, const char *edges_path,
                                   const char *nodes_path, cs_error *err);

cs_status cs_analysis_nb201_structure(const cs_analysis_ctx *ctx, const char *outdir,
                                      cs_error *err);
cs_status cs_analysis_nb201_neighbours(const cs_analysis_ctx *ctx, const char *outdir,
                                       cs_error *err);
cs_status cs_analysis_nb201_accuracy(const cs_analysis_ctx *ctx, const char *outdir,
                                     cs_error *err);
cs_status cs_analysis_nb201_op_importance(const cs_analysis_ctx *ctx, const char *outdir,
                                          cs_error *err);
cs_status cs_analysis_nb201_locality(const cs_analysis_ctx *ctx, const char *outdir,
                                     cs_error *err);
cs_status cs_analysis_nb201_optima(const cs_analysis_ctx *ctx, const char *outdir,
                                   cs_error *err);
cs_status cs_analysis_nb201_optimizers(const cs_analysis_ctx *ctx, const char *outdir,
                                       cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
