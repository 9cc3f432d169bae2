/* cellscape: trainable-parameter count of a cell's whole NAS-Bench-101 network.
 *
 * The network is the reference's (google-research/nasbench, model_builder.py
 * with its default config): a 3x3 conv stem to 128 channels, 3 stacks of 3
 * copies of the cell (a 2x2 max-pool and doubled channels before stacks 2
 * and 3: 128, 256, 512), global average pool, dense 512 -> 10 with bias.
 * Every conv is bias-free and followed by batch norm (gamma and beta).  See
 * the facts sheet, section 6.
 *
 * The count depends on the vertex ORDER, not only on the isomorphism class:
 * when the output's C channels do not split evenly, the first vertices in
 * order get the extra channel.  The dataset's trainable_parameters is the
 * count of its stored representative (module_adjacency/module_operations);
 * pass that order to reproduce it. */
#ifndef CS_PARAMS_H
#define CS_PARAMS_H

#include <stdint.h>

#include "cs_error.h"
#include "cs_iso.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Trainable parameters of the NAS-Bench-101 network built from this cell (facts sheet section 6).
 * c must be a valid pruned cell: 2 <= n <= CS_CELL_MAXV, input first, output
 * last, interior ops conv3x3/conv1x1/maxpool3x3, upper triangular, every
 * vertex but the input with an in-edge and every vertex but the output with
 * an out-edge.  Otherwise CS_ERR_VALUE (CS_ERR_ARG for NULL pointers) and
 * *params is left alone. */
cs_status cs_cell_trainable_parameters(const cs_cell *c, int64_t *params, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
