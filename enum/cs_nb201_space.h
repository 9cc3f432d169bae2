/* cellscape enum/: the NAS-Bench-201 space, whole.
 *
 * Three equivalences of its 15,625 cells: the API's key (6,466 classes),
 * the computation graph up to isomorphism (nauty), and the expression the
 * cell computes with zero terms dropped.  The census checks that the first
 * two both refine the third, which explains every difference between them:
 * the API's key also tells x from x + 0 (and keeps a node whose inputs are
 * all none), the graph also tells one shared operation from two copies. */
#ifndef CS_NB201_SPACE_H
#define CS_NB201_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cs_error.h"
#include "cs_nb201.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_nb201_census {
    size_t cells;               /* 15,625 */
    size_t api_classes;         /* the API's rule: 6,466 */
    size_t graph_classes;       /* computation graphs up to isomorphism */
    size_t expression_classes;  /* expressions, zero terms dropped */
    size_t zero_cells;          /* cells whose output is 0 */
    /* Certification: classes of the API's key, and of the graph, that hold
     * cells of two expressions (both 0 when the refinement holds). */
    size_t api_across, graph_across;
    /* Per cell in product-code order: its class in each equivalence,
     * numbered by the smallest code of the class's cells. */
    uint16_t api_class[CS_NB201_CELLS];
    uint16_t graph_class[CS_NB201_CELLS];
    uint16_t expression_class[CS_NB201_CELLS];
} cs_nb201_census;

/* Fill c (about 1 MB with the per-cell tables: allocate it, e.g. malloc). */
cs_status cs_nb201_census_run(cs_nb201_census *c, cs_error *err);
bool cs_nb201_census_certified(const cs_nb201_census *c);

/* One line per cell in the API's index order: index, arch string, product
 * code, the three class numbers, whether it computes 0 (tab-separated,
 * header first). */
cs_status cs_nb201_census_write_tsv(FILE *f, const cs_nb201_census *c, cs_error *err);

/* Neighbours of a cell: one edge's operation changed (the edit graph, the
 * Hamming graph H(6, 5)). */
#define CS_NB201_DEGREE (CS_NB201_EDGES * (CS_NB201_NUM_OPS - 1))
/* The cells one edit from c, edge by edge, ops ascending (returns 24). */
int cs_nb201_edits(const cs_nb201_cell *c, cs_nb201_cell out[CS_NB201_DEGREE]);
/* The API index of cell i with edge e's operation set to op. */
uint32_t cs_nb201_index_with(uint32_t i, int e, int op);

#ifdef __cplusplus
}
#endif
#endif
