/* cellscape iso/: NAS-Bench-201 cells (Dong and Yang, ICLR 2020).
 *
 * A cell has 4 nodes (0 the input, 3 the output); each of its 6 edges
 * j <- i (i < j) carries one of 5 operations.  The official text form is
 *     |op~0|+|op~0|op~1|+|op~0|op~1|op~2|
 * listing node 1's, node 2's and node 3's incoming edges by source node.
 * Edges are numbered in that order: 0 = 1<-0, 1 = 2<-0, 2 = 2<-1,
 * 3 = 3<-0, 4 = 3<-1, 5 = 3<-2.  15,625 cells in all. */
#ifndef CS_NB201_H
#define CS_NB201_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_NB201_NODES 4
#define CS_NB201_EDGES 6
#define CS_NB201_NUM_OPS 5
#define CS_NB201_CELLS 15625

/* The operations, in the API's order (its search space list). */
enum {
    CS_NB201_NONE = 0,
    CS_NB201_SKIP = 1,
    CS_NB201_CONV1X1 = 2,
    CS_NB201_CONV3X3 = 3,
    CS_NB201_AVGPOOL = 4
};

typedef struct cs_nb201_cell {
    uint8_t op[CS_NB201_EDGES];
} cs_nb201_cell;

/* "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3";
 * NULL out of range. */
const char *cs_nb201_op_name(int op);
/* The edge e's target and source nodes. */
int cs_nb201_edge_to(int e);
int cs_nb201_edge_from(int e);

/* Parse the official arch string (exactly that form; errors name the byte). */
cs_status cs_nb201_parse(const char *text, size_t len, cs_nb201_cell *c, cs_error *err);
/* The arch string; returns its length as snprintf does (at most 128). */
int cs_nb201_format(const cs_nb201_cell *c, char *buf, size_t size);

/* Product code: the ops as base-5 digits, edge 0 most significant
 * (0 .. 15,624). */
uint32_t cs_nb201_code(const cs_nb201_cell *c);
void cs_nb201_from_code(uint32_t code, cs_nb201_cell *c);

/* The official API's index of the cell (its order is not a product
 * order), and the cell at an index; false if index >= 15,625. */
uint32_t cs_nb201_index(const cs_nb201_cell *c);
bool cs_nb201_from_index(uint32_t index, cs_nb201_cell *c);

/* The API's isomorphism key (to_unique_str with consider_zero): node 0 is
 * "0"; an edge into a node gives "#" if its op is none or its source's
 * string is exactly "#", the source's string for skip_connect, else
 * "(" source ")@" op; a node's string is its terms sorted and joined with
 * "+"; the key is node 3's string.  Cells with one key are one cell to the
 * API: 6,466 keys.  Returns the length as snprintf does. */
int cs_nb201_api_key(const cs_nb201_cell *c, char *buf, size_t size);

/* The expression the cell computes, zero terms dropped: the API's rule
 * except that an edge whose op is none or whose source is zero adds no
 * term, and a node without terms is zero ("#").  Both the API's key and
 * the computation graph refine it: the API's key also tells x from x + 0,
 * the graph also tells a shared operation from two copies of it. */
int cs_nb201_expression_key(const cs_nb201_cell *c, char *buf, size_t size);

/* --- the computation graph -------------------------------------------- */

/* Vertex labels of the labelled-DAG form. */
enum {
    CS_NB201_V_INPUT = 0,
    CS_NB201_V_OUTPUT = 1,
    CS_NB201_V_SUM = 2,      /* an intermediate node adding two or more inputs */
    CS_NB201_V_OP = 3        /* + op: skip_connect 4, nor_conv_1x1 5, ... */
};
#define CS_NB201_GRAPH_MAXV (2 + CS_NB201_NODES + CS_NB201_EDGES)

/* The cell as the network it computes, as a vertex-labelled DAG: the
 * input; one vertex per operation edge (label CS_NB201_V_OP + op); one per
 * intermediate node that adds two or more tensors; the output.  What
 * cannot change the output is gone: none edges, and every vertex the input
 * does not reach or that does not reach the output (a node whose inputs
 * are all none is zero, and so is an operation applied to it, as the API's
 * rule also assumes).  A node with a single input is that input (skip
 * edges become plain arcs there).  zero is true when nothing reaches the
 * output: the cell computes 0.  adj[i] bit j: arc i -> j; vertex 0 is the
 * input and vertex n-1 the output. */
typedef struct cs_nb201_graph {
    int n;
    uint32_t adj[CS_NB201_GRAPH_MAXV];
    uint8_t label[CS_NB201_GRAPH_MAXV];
    bool zero;
} cs_nb201_graph;

void cs_nb201_graph_of(const cs_nb201_cell *c, cs_nb201_graph *g);

/* A key of the graph's isomorphism class (nauty canonical form of the
 * labelled DAG): two cells compute the same network, weight for weight,
 * exactly when their keys are equal.  Returns the key's length (at most
 * CS_NB201_GRAPH_KEY_MAX). */
#define CS_NB201_GRAPH_KEY_MAX (1 + 5 * CS_NB201_GRAPH_MAXV)
size_t cs_nb201_graph_key(const cs_nb201_graph *g, unsigned char key[CS_NB201_GRAPH_KEY_MAX]);

#ifdef __cplusplus
}
#endif
#endif
