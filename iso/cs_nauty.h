/* Internal: nauty canonical labelling of a vertex-coloured digraph with at
 * most 32 vertices (nauty's W1 build: one 32-bit word per row). */
#ifndef CS_NAUTY_H
#define CS_NAUTY_H

#include <stdint.h>

/* colour[v] orders the colour classes (smaller first); nauty never maps a
 * vertex to one of another colour.  On return lab[i] is the vertex placed at
 * canonical position i, canon[i] is row i of the canonical graph (our bit
 * convention: bit j = edge i -> j), *group is the automorphism group size and
 * orbits[v] (if not NULL) the smallest vertex of v's orbit. */
void cs_nauty_canon(int n, const uint32_t *adj, const int *colour, int *lab,
                    uint32_t *canon, double *group, int *orbits);

#endif
