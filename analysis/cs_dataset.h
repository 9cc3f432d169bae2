/* cellscape analysis/: the NAS-Bench-101 paper's analyses of the dataset
 * (Ying et al., ICML 2019, section 5: Figs. 2-5 and the supplement's
 * rank-correlation heat map), on any store: the official files, the
 * fixtures, or cellscape's synthetic data (every output then says so).
 *
 * Definitions shared by all six (each JSON repeats the ones it uses):
 *
 *   accuracy    of a cell at a budget: the MEAN OVER ITS REPEATS of the
 *               final (end of training) accuracy at that budget; the same
 *               for training time (final_training_time, seconds).  The
 *               figures use 108 epochs.  A store without 108-epoch runs
 *               uses its largest budget and says so.
 *   cells       the classes of the space that the dataset holds; classes it
 *               lacks (the fixtures hold 30-301 of 423,624) are left out,
 *               never imputed.  A budget the dataset lacks is skipped and
 *               listed under "budgets_missing" in the JSON.
 *   top x %     the ceil(x/100 * N) cells with the highest 108-epoch mean
 *               validation accuracy among the N cells that have every
 *               budget of the store (ties broken by class order), as the
 *               paper's supplement ranks by the 108-epoch value.
 *   ECDF files  one row per point of a grid of cumulative fractions
 *               f_k = k/(m-1), k = 0..m-1, m = min(2001, largest curve);
 *               each curve's column holds its order statistic of 0-based
 *               rank round(f_k * (n-1)) among its n sorted values: the ECDF
 *               drawn through evenly spaced order statistics (exact data
 *               values; first row the minimum, last the maximum).  gnuplot:
 *               `plot FILE using 2:1 with lines` for the first curve.  The
 *               exact quantiles are in the JSON.
 *   quantiles   numpy's default (linear interpolation), keys q01 .. q99.
 *
 * The paper's named cells (Fig. 3):
 *   Inception-like  the official colab's example (facts sheet section 7).
 *   ResNet-like     input -> conv3x3 -> conv3x3 -> output plus the skip
 *                   input -> output (compact form I33O:101101): ResNet's
 *                   basic block, two 3x3 convolutions and the shortcut, which
 *                   in this space is the input -> output edge (a 1x1
 *                   projection added to the output).  The paper marks a
 *                   "ResNet-like" cell in Fig. 3 without giving its matrix in
 *                   the sources we could consult (the official repository's
 *                   README and colab define only the Inception-like cell);
 *                   this is our reading, stated in the JSON.
 *   neighbours      of a cell: the classes one edit away, an edit being a
 *                   change of one interior op, or the addition or removal of
 *                   one edge between its vertices, followed by pruning; only
 *                   edits whose result is in the space count, and the cell's
 *                   own class is not its neighbour. */
#ifndef CS_DATASET_H
#define CS_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "cs_analysis.h"
#include "cs_iso.h"
#include "cs_space.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- the analyses (cs_analysis_fn; all need a store) ---------------------------
 *
 * accuracy           accuracy_ecdf.tsv, accuracy_best.tsv, accuracy.json
 *                    (Fig. 2 left: train/validation/test accuracy at 108
 *                    epochs; summaries and the best cells)
 * noise              noise_ecdf.tsv, noise.json (Fig. 2 right: per cell and
 *                    budget, the sample standard deviation of final test
 *                    accuracy over the repeats; Pearson r of validation vs
 *                    test accuracy)
 * cost               cost_params_time.tsv, cost_time_validation.tsv,
 *                    cost_pareto_params.tsv, cost_pareto_time.tsv,
 *                    cost_marked.tsv, cost.json (Fig. 3)
 * budget correlation budget_correlation.tsv, budget_correlation.json
 *                    (Spearman and Kendall tau-b between every pair of
 *                    budgets, all cells and the top 50/10/1 %)
 * op importance      op_importance.tsv, op_importance_ecdf.tsv,
 *                    op_importance_time_ecdf.tsv, op_importance.json (Fig. 4)
 * depth and width    depth.tsv, width.tsv, depth_width.json (Fig. 5) */
cs_status cs_analysis_accuracy(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err);
cs_status cs_analysis_noise(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err);
cs_status cs_analysis_cost(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err);
cs_status cs_analysis_budget_correlation(const cs_analysis_ctx *ctx, const char *outdir,
                                         cs_error *err);
cs_status cs_analysis_op_importance(const cs_analysis_ctx *ctx, const char *outdir,
                                    cs_error *err);
cs_status cs_analysis_depth_width(const cs_analysis_ctx *ctx, const char *outdir,
                                  cs_error *err);

/* --- the named cells and their neighbourhoods ------------------------------------ */

void cs_dataset_inception_like(cs_cell *c);
void cs_dataset_resnet_like(cs_cell *c);

/* The classes one edit away from cell c (see "neighbours" above), each
 * once, ascending, without c's own class, into out (room for cap); *count
 * gets how many.  A cell of n vertices has at most
 * (n-2)(num_ops-1) + n(n-1)/2 of them (31 for NAS-Bench-101).
 * CS_ERR_ARG when c is not in the space, CS_ERR_LIMIT when cap is short. */
cs_status cs_dataset_neighbours(const cs_space *sp, const cs_cell *c, int64_t *out,
                                size_t cap, size_t *count, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
