/* Internal to enum/: the reference walk and its exact class grouping. */
#ifndef CS_WALK_H
#define CS_WALK_H

#include "cs_enum.h"

/* An unlabelled class ("shape"): a full DAG up to isomorphism. */
typedef struct cs_shape {
    cs_key key;          /* the canonical graph */
    uint8_t n;
    uint32_t group_size;
    uint8_t *group;      /* group_size permutations of canonical positions */
    int32_t *codes;      /* orbit code -> class index, -1 before first met */
} cs_shape;

typedef struct cs_walk {
    cs_limits limits;
    cs_shape *shapes;
    size_t nshapes, shapes_cap;
    int32_t *slots; /* open addressing on shape keys */
    size_t cap;
    uint64_t group_mismatches;
} cs_walk;

/* The shape of a full DAG; pos[v] is v's canonical position. */
cs_status cs_walk_shape(cs_walk *w, int n, const uint32_t *adj, int32_t *shape,
                        int *pos, cs_error *err);
/* The shape of a full DAG met by the walk, or -1; read-only. */
int32_t cs_walk_find_shape(const cs_walk *w, int n, const uint32_t *adj, int *pos);
/* codes[t]: the orbit code of labelling t (product order) of the matrix whose
 * canonical positions are pos, for every t < num_ops^(n-2). */
void cs_walk_codes(const cs_walk *w, int32_t shape, const int *pos,
                   uint32_t *codes);
void cs_walk_destroy(cs_walk *w);

/* cs_enum_run, handing the walk (shapes and their class tables) to *keep
 * when it is not NULL. */
cs_status cs_enum_run_keep(const cs_enum_options *opt, cs_enum_result *res, cs_walk *keep,
                           cs_error *err);

#endif
