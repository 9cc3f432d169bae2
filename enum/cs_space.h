/* cellscape enum/: the search space as an object to look things up in.
 *
 * Built once from the enumeration (about a second for NAS-Bench-101), it
 * answers which class a cell belongs to, by canonical form, and which class
 * every raw encoding of max_vertices vertices (the reference's matrix bits
 * and labelling, before pruning) lands in: what the landscape analyses walk
 * over.  Read-only after building: share one between threads. */
#ifndef CS_SPACE_H
#define CS_SPACE_H

#include <stdint.h>

#include "cs_enum.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_space cs_space;

/* opt: limits, threads, progress (verify is honoured too). */
cs_status cs_space_build(cs_space **sp, const cs_enum_options *opt, cs_error *err);
void cs_space_destroy(cs_space *sp);

/* The enumeration: classes in the reference's order of first appearance. */
const cs_enum_result *cs_space_result(const cs_space *sp);
size_t cs_space_num_classes(const cs_space *sp);
const cs_limits *cs_space_limits(const cs_space *sp);

/* The class of a cell (pruned or not), or -1 when it is outside the space
 * (disconnected, too many vertices or edges, ops beyond num_ops). */
int64_t cs_space_find_cell(const cs_space *sp, const cs_cell *c);
int64_t cs_space_find_canon(const cs_space *sp, const cs_key *canon);

/* Raw encodings: n = max_vertices vertices, edges in the reference's bit
 * order (edge x -> y is bit x + y(y-1)/2), interior labels in product order
 * (the first interior vertex most significant).  classes[t] for every
 * labelling t < num_ops^(n-2): the class the encoding prunes to, or -1. */
uint64_t cs_space_raw_matrices(const cs_space *sp);   /* 2^(n(n-1)/2) */
uint32_t cs_space_raw_labellings(const cs_space *sp); /* num_ops^(n-2) */
void cs_space_raw_classes(const cs_space *sp, uint64_t bits, int32_t *classes);

/* The module hash (the reference's, 32 hex digits and a NUL) of every
 * class's representative, in class order: hex holds
 * cs_space_num_classes(sp) entries.  Time O(classes): about half a second
 * for NAS-Bench-101.  Errors: CS_ERR_NOMEM. */
cs_status cs_space_class_hashes(const cs_space *sp, char (*hex)[33], cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
