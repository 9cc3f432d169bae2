/* cellscape analysis/: the structure analyses (no dataset needed).
 *
 * `structure`: per class of the space its vertices, edges, depth, width,
 * op counts, trainable parameters and automorphism group size, with the
 * distributions the report plots.  `multiplicity`: how many raw encodings
 * (the reference's max_vertices-vertex matrix bits and labelling, before
 * pruning: 2^21 x 3^5 = 509,607,936 for NAS-Bench-101) land in each class,
 * and how many are invalid and why.  Both are exact over the whole space. */
#ifndef CS_STRUCTURE_ANALYSES_H
#define CS_STRUCTURE_ANALYSES_H

#include <stdint.h>

#include "cs_analysis.h"
#include "cs_space.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Raw-encoding multiplicity of every class of a space. */
typedef struct cs_multiplicity {
    size_t nclasses;
    uint64_t *per_class;            /* encodings landing in each class */
    uint64_t encodings;             /* 2^(n(n-1)/2) * num_ops^(n-2) */
    uint64_t valid, invalid;        /* valid + invalid == encodings */
    uint64_t invalid_disconnected;  /* the input does not reach the output */
    uint64_t invalid_edges;         /* more than max_edges edges once pruned */
} cs_multiplicity;

/* Walk every raw encoding of the space's max_vertices (at most 8: beyond,
 * CS_ERR_LIMIT) on `threads` threads (0: one per core), reporting progress
 * to monitor (may be NULL; from the calling thread).  On success *out is
 * filled (cs_multiplicity_destroy frees it). */
cs_status cs_multiplicity_compute(const cs_space *sp, int threads, const cs_monitor *monitor,
                                  cs_multiplicity *out, cs_error *err);
void cs_multiplicity_destroy(cs_multiplicity *m);

/* The analyses (cs_analysis_fn); neither needs a store. */
cs_status cs_analysis_structure(const cs_analysis_ctx *ctx, const char *outdir,
                                cs_error *err);
cs_status cs_analysis_multiplicity(const cs_analysis_ctx *ctx, const char *outdir,
                                   cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
