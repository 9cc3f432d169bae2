/* cellscape analysis/: structure of cells and of the space (no dataset). */
#ifndef CS_STRUCTURE_H
#define CS_STRUCTURE_H

#include <stdint.h>

#include "cs_analysis.h"
#include "cs_iso.h"
#include "cs_space.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A cell's depth and width: cs_cell_depth and cs_cell_width (cs_iso.h). */

typedef struct cs_cell_structure {
    uint8_t vertices, edges, depth, width;
    uint8_t conv3x3, conv1x1, maxpool3x3; /* op counts */
    int64_t trainable_parameters;          /* of the class's representative */
    double automorphisms;
} cs_cell_structure;

/* Per class of the space, in class order (malloc'd; caller frees). */
cs_status cs_structure_compute(const cs_space *sp, int threads, cs_cell_structure **out,
                               cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
