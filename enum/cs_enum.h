/* cellscape enum/: regenerate and certify a NAS-Bench-101-style space.
 *
 * The walk is the reference generator's (facts sheet section 2): vertex
 * counts 2..max, every edge bit pattern in increasing order, every labelling
 * in itertools.product order; a class's representative is the first member
 * met.  Classes are computed exactly: nauty gives each matrix's canonical
 * form and automorphism group, and labellings are grouped into orbits of
 * that group.  Every class also gets the reference module hash and the
 * coloured canonical form of iso/. */
#ifndef CS_ENUM_H
#define CS_ENUM_H

#include <stdbool.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_iso.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The walk's edge bits are a 64-bit integer: n(n-1)/2 <= 55. */
#define CS_ENUM_MAXV 11

typedef struct cs_enum_options {
    cs_limits limits;  /* max_vertices, max_edges, num_ops */
    int threads;       /* 0: one per online core */
    bool verify;       /* certify; see cs_enum_verdict */
    bool exhaustive;   /* also hash every labelled graph met (slow) */
    cs_monitor monitor; /* progress; asked every few milliseconds whether to stop */
} cs_enum_options;

void cs_enum_options_init(cs_enum_options *opt); /* NAS-Bench-101 defaults */

typedef struct cs_enum_class {
    uint64_t bits;          /* the representative's edges, reference encoding */
    uint32_t labelling;     /* its labelling's index in product order */
    uint32_t members;       /* labelled graphs of the walk in this class */
    uint8_t n;              /* vertices */
    uint8_t edges;
    unsigned char hash[16]; /* module hash (raw MD5 digest) */
    cs_key canon;           /* key of the coloured canonical form */
    double automorphisms;
} cs_enum_class;

typedef struct cs_enum_count {
    uint64_t matrices;  /* full DAGs with few enough edges */
    uint64_t labelled;  /* labelled graphs met before de-duplication */
    uint64_t classes;   /* unique classes */
} cs_enum_count;

/* What --verify established; every count is zero in a certified run. */
typedef struct cs_enum_verdict {
    bool ran;
    bool exhaustive;
    uint64_t canon_duplicates; /* two classes with one canonical form */
    uint64_t canon_splits;     /* members of a class with different canonical forms */
    uint64_t group_mismatches; /* nauty's group size vs. the group we listed */
    uint64_t hash_collisions;  /* two classes with one module hash */
    uint64_t hash_splits;      /* members of a class with different hashes */
    uint64_t members_hashed;   /* labelled graphs whose hash was checked */
} cs_enum_verdict;

typedef struct cs_enum_result {
    cs_limits limits;
    size_t nclasses;
    cs_enum_class *classes;              /* in order of first appearance */
    cs_enum_count per_vertices[CS_ENUM_MAXV + 1];
    cs_enum_verdict verdict;
    double seconds;
} cs_enum_result;

/* Walk the space of opt->limits and fill res with its classes.  Errors:
 * CS_ERR_ARG (limits), CS_ERR_NOMEM, CS_ERR_CANCELLED (opt->monitor said
 * stop; res is then empty). */
cs_status cs_enum_run(const cs_enum_options *opt, cs_enum_result *res,
                      cs_error *err);
void cs_enum_result_destroy(cs_enum_result *res);

/* true when verify ran and found nothing wrong */
bool cs_enum_certified(const cs_enum_result *res);

/* The representative as a cell, and its reference labelling [-1, ..., -2]. */
void cs_enum_class_cell(const cs_enum_result *res, const cs_enum_class *c,
                        cs_cell *out);
/* The cell of edge bits `bits` with labelling index t (product order). */
void cs_enum_walk_cell(int n, uint64_t bits, uint32_t t, int num_ops,
                       cs_cell *out);

#ifdef __cplusplus
}
#endif
#endif
