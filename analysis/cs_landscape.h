/* cellscape analysis/: the fitness landscape of the raw encoding space.
 *
 * A raw encoding is what the reference enumeration and the paper's edits act
 * on: an upper-triangular matrix of n = max_vertices vertices (n(n-1)/2 edge
 * bits, edge x -> y is bit x + y(y-1)/2) and one of num_ops operations on
 * each of the n - 2 interior vertices (labelling index t in product order,
 * the first interior vertex most significant).  NAS-Bench-101 has 2^21 x 243
 * = 509,607,936 of them.  An encoding is valid when it prunes to a cell of
 * the space; its class is that cell's.  One edit flips one edge bit or
 * changes one interior operation to another.
 *
 * The analyses:
 *   neighbours  the neighbour graph: a vertex per class, an edge between two
 *               classes when one edit turns some encoding of one into some
 *               encoding of the other (both valid).  Degrees, components,
 *               distances from sampled sources (igraph).  No data needed.
 *   locality    random-walk autocorrelation of accuracy along walks of single
 *               edits, and fitness-distance correlation (the paper's Fig. 6
 *               left).
 *   peaks       the fraction of all encodings within edit distance d of an
 *               encoding of a top cell, exact (Fig. 6 right).
 *   optima      local optima of the neighbour graph, their accuracies and
 *               basins under steepest ascent (beyond the paper).
 * The exact definitions are in the comments of each function below and in
 * landscape.c. */
#ifndef CS_LANDSCAPE_H
#define CS_LANDSCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_analysis.h"
#include "cs_error.h"
#include "cs_space.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The raw space is indexed by matrix (a 32-bit class table index per matrix
 * bit pattern), so spaces up to 7 vertices (2^21 matrices) are supported;
 * larger ones get CS_ERR_LIMIT. */
#define CS_LANDSCAPE_MAX_EDGE_BITS 21

/* --- the raw encoding space ----------------------------------------------
 * A matrix's class table (the class of each of its labellings) depends only
 * on its pruned form: the edges among the vertices that lie on an
 * input-to-output path.  NAS-Bench-101's 2^21 matrices have 13,839 valid
 * pruned forms, so the tables are kept once per pruned form. */
typedef struct cs_rawspace {
    int n;                  /* vertices of every raw encoding */
    int num_ops;
    int edge_bits;          /* n(n-1)/2 */
    uint32_t labellings;    /* num_ops^(n-2) */
    uint64_t matrices;      /* 2^edge_bits */
    size_t nclasses;
    int32_t *table_of;      /* per matrix: its table, -1 when no labelling is valid */
    uint32_t ntables;
    int32_t *tables;        /* ntables x labellings classes (-1 invalid) */
    uint32_t *table_bits;   /* the pruned form (a matrix bit pattern) of each table */
    uint32_t *table_keep;   /* its vertices (bit v: vertex v is on an input-output path) */
    uint64_t *table_count;  /* matrices with this table */
    uint64_t valid_encodings;
} cs_rawspace;

/* The raw encoding space of sp (2 to 7 vertices).  monitor (may be NULL) is
 * asked between the build's phases whether to stop.  Time O(matrices x
 * labellings); memory 4 bytes per matrix plus a table per pruned form.
 * Errors: CS_ERR_LIMIT (vertices), CS_ERR_NOMEM, CS_ERR_CANCELLED. */
cs_status cs_rawspace_init(cs_rawspace *rs, const cs_space *sp, int threads,
                           const cs_monitor *monitor, cs_error *err);
void cs_rawspace_destroy(cs_rawspace *rs);

/* The class of encoding (matrix bits m, labelling t), or -1 if invalid. */
static inline int32_t cs_rawspace_class(const cs_rawspace *rs, uint64_t m, uint32_t t)
{
    int32_t k = rs->table_of[m];
    return k < 0 ? -1 : rs->tables[(size_t)k * rs->labellings + t];
}

/* --- the neighbour graph --------------------------------------------------
 * Undirected, simple: edges[2i] < edges[2i+1], sorted.  The adjacency lists
 * (CSR) are sorted too. */
typedef struct cs_nbgraph {
    size_t nvertices;       /* the classes of the space */
    size_t nedges;
    uint32_t *edges;        /* 2 x nedges */
    uint64_t *offset;       /* nvertices + 1 */
    uint32_t *adj;          /* 2 x nedges */
} cs_nbgraph;

/* Built from the structure of the raw space, not by trying every encoding:
 * an operation change keeps the matrix, so it is enough to try it once per
 * unlabelled shape; an edge flip pairs two pruned forms' tables label by
 * label, once per distinct pair of pruned forms.  monitor (may be NULL) is
 * asked between phases whether to stop.  Errors: CS_ERR_NOMEM,
 * CS_ERR_CANCELLED. */
cs_status cs_nbgraph_build(cs_nbgraph *g, const cs_rawspace *rs, int threads,
                           const cs_monitor *monitor, cs_error *err);
void cs_nbgraph_destroy(cs_nbgraph *g);
/* The graph of nvertices vertices whose edges are the pairs keys[i] =
 * a << cbits | b (a < b < 2^cbits, nvertices <= 2^cbits), duplicates
 * allowed; keys is sorted in place. */
cs_status cs_nbgraph_from_pairs(cs_nbgraph *g, size_t nvertices, uint64_t *keys, size_t nk,
                                int cbits, cs_error *err);
/* Breadth-first search from class src: dist[v] (-1 where not reached);
 * queue holds nvertices entries; counts[d] (d < ncounts; may be NULL) is
 * incremented per class first reached at distance d >= 1; *far and
 * *reached (may be NULL) get the last class reached and the number
 * reached (src included).  Returns src's eccentricity in its component. */
int cs_nbgraph_bfs(const cs_nbgraph *g, uint32_t src, int32_t *dist, uint32_t *queue,
                   uint64_t *counts, size_t ncounts, uint32_t *far, size_t *reached);

/* --- edit distances over the raw space -----------------------------------
 * Multi-source breadth-first search over all encodings, level by level on
 * bitsets (one bit per encoding, matrix-major).  The sources are every
 * encoding of the classes flagged in source_class.  Two readings:
 *   valid_only false: every encoding, valid or not, is a point of the space
 *     and a step may pass through it; the distance of a point is then its
 *     edit (Hamming) distance to the nearest source.
 *   valid_only true: only valid encodings are points; paths stay on them.
 * res->reached[d] and res->reached_valid[d] get the points (all, and valid
 * only) first reached at distance d, for d <= res->max_distance.
 * class_dist (may be NULL) gets, per class, the distance of its nearest
 * encoding (CS_RAW_BFS_UNREACHED if none).  progress (may be NULL): the
 * context whose monitor hears of each level and is asked after each whether
 * to stop (CS_ERR_CANCELLED, res then incomplete).  Memory: three
 * bitsets of 256 bits per matrix (192 MB for NAS-Bench-101); up to 256
 * labellings per matrix (every space enum/ supports), distances up to
 * CS_RAW_BFS_LEVELS - 1. */
#define CS_RAW_BFS_LEVELS 255
#define CS_RAW_BFS_UNREACHED 255
typedef struct cs_raw_bfs_result {
    uint64_t reached[CS_RAW_BFS_LEVELS];
    uint64_t reached_valid[CS_RAW_BFS_LEVELS];
    int max_distance;
} cs_raw_bfs_result;

cs_status cs_raw_bfs(const cs_rawspace *rs, const uint8_t *source_class, bool valid_only,
                     int threads, cs_raw_bfs_result *res, uint8_t *class_dist,
                     const cs_analysis_ctx *progress, cs_error *err);

/* --- the analyses (cs_analysis_fn) -----------------------------------------
 * neighbours: neighbours_degree.tsv, neighbours_components.tsv,
 *   neighbours_distance.tsv, neighbours.json.
 * locality:   locality_rwa.tsv, locality_fdc.tsv, locality.json.
 * peaks:      peaks_distance.tsv, peaks_top.tsv, peaks.json.
 * optima:     optima.tsv, optima_basins.tsv, optima.json. */
cs_status cs_analysis_neighbours(const cs_analysis_ctx *ctx, const char *outdir,
                                 cs_error *err);
cs_status cs_analysis_locality(const cs_analysis_ctx *ctx, const char *outdir,
                               cs_error *err);
cs_status cs_analysis_peaks(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err);
cs_status cs_analysis_optima(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err);

/* Parameters of the sampled and random parts (fixed so that one seed gives
 * one result). */
#define CS_NEIGHBOURS_BFS_SOURCES 64
#define CS_LOCALITY_WALKS 16
#define CS_LOCALITY_STEPS 65536
#define CS_LOCALITY_MAX_SHIFT 100

/* --- computations on any fitness ---------------------------------------------
 * A fitness is one double per vertex (per class of the space for the raw
 * space's functions), NaN where there is none: a stored metric
 * (cs_analysis_fitness), a predictor's score, accuracy minus a cost.  The
 * functions below compute; the writers above call them and write files.
 * All are deterministic: the thread count never changes a result. */

/* The neighbour graph of a space's classes (the one `analyze neighbours`
 * counts), built from its raw encodings: g->offset and g->adj are its CSR
 * arrays (indptr, nvertices + 1 entries; indices, 2 x nedges), sorted.
 * Time O(raw encodings / 2^bits of shared structure) in practice: about a
 * second for NAS-Bench-101; memory ~50 MB.  Errors: CS_ERR_LIMIT past
 * CS_LANDSCAPE_MAX_EDGE_BITS, CS_ERR_NOMEM. */
cs_status cs_nbgraph_of_space(cs_nbgraph *g, const cs_space *sp, int threads,
                              const cs_monitor *monitor, cs_error *err);

/* The neighbour graph of sp's classes (cs_nbgraph_of_space) as two TSV
 * files networkx, igraph or pandas load: edges_path gets a header row
 * "source\ttarget", then each edge once as class indices, source < target,
 * ascending; nodes_path a header row "index\thash\tcell", then one row per
 * class in index order: its module hash and its cell in compact form
 * (cellscape cell's).  No comment lines.  Both appear whole or neither
 * (cs_outfile; "-" is standard output).  Time O(classes + edges).  Errors:
 * CS_ERR_ARG if g is not a graph of sp's classes, CS_ERR_IO naming the file,
 * CS_ERR_NOMEM. */
cs_status cs_nbgraph_write_tsv(const cs_nbgraph *g, const cs_space *sp, const char *edges_path,
                               const char *nodes_path, cs_error *err);

/* Local optima and basins under steepest ascent on g restricted to the
 * vertices with fitness.  A vertex v with fitness and at least one
 * neighbour with fitness is a local optimum when no such neighbour is
 * better: strict when every one is worse, a plateau optimum when one ties.
 * Steepest ascent moves to the best neighbour (the lowest index among
 * ties) while that is strictly better, so every such vertex ends at one
 * optimum; its basin is the set of vertices that end there.  Vertices with
 * fitness but no neighbour with fitness are isolated: neither optima nor in
 * a basin.  Time O(V log V + E), memory O(V). */
typedef struct cs_optima {
    size_t n;           /* vertices */
    size_t with_data;   /* vertices with fitness */
    size_t isolated;
    size_t noptima;     /* strict and plateau */
    size_t nstrict;
    size_t nascent;     /* vertices in some basin (with data, not isolated) */
    uint64_t sum_steps; /* ascent steps, over those */
    uint32_t max_steps;
    int64_t *optima;    /* the noptima optima, best first (ties: lowest index) */
    int64_t *optimum;   /* per vertex: the optimum its ascent ends at; -1 none */
    uint32_t *steps;    /* per vertex: its ascent's steps (0 at an optimum) */
    uint32_t *degree;   /* per vertex: neighbours with fitness */
    uint64_t *basin;    /* per vertex: its basin's size if it is an optimum, else 0 */
    uint8_t *strict;    /* per vertex: 1 at a strict optimum */
} cs_optima;

/* fitness has g->nvertices values.  Errors: CS_ERR_NOMEM. */
cs_status cs_optima_compute(cs_optima *o, const cs_nbgraph *g, const double *fitness,
                            cs_error *err);
void cs_optima_destroy(cs_optima *o);

/* Fitness-distance correlation (Jones and Forrest 1995) over the n
 * vertices where both fitness and distance are numbers (not NaN): Pearson
 * and Spearman (ties averaged), NaN when a side is constant.  Time
 * O(n log n).  Errors: CS_ERR_NOMEM. */
typedef struct cs_fdc {
    size_t n;            /* the pairs used */
    double pearson, spearman;
    double max_distance; /* over those; NaN if n is 0 */
    int64_t best;        /* cs_landscape_fdc: the best class; -1 otherwise */
} cs_fdc;

cs_status cs_fdc_compute(cs_fdc *res, const double *fitness, const double *distance, size_t n,
                         cs_error *err);

/* The locality analysis's FDC on the raw space: the distance of a class is
 * the edit (Hamming) distance from its nearest encoding to the nearest
 * encoding of the best class (the highest fitness, lowest index among
 * ties), through any encoding (cs_raw_bfs, valid_only false).  class_dist
 * (may be NULL) gets every class's distance.  Time and memory: one
 * cs_raw_bfs.  Errors: CS_ERR_ARG when no class has fitness, those of
 * cs_raw_bfs. */
cs_status cs_landscape_fdc(cs_fdc *res, const cs_rawspace *rs, const double *fitness,
                           int threads, uint8_t *class_dist, const cs_analysis_ctx *progress,
                           cs_error *err);

/* Random walks of single edits over the raw encodings, for a fitness.  A
 * walk starts at an encoding drawn uniformly among those whose class has
 * fitness; each step is a uniform choice among the edits that land on such
 * an encoding; a point with none ends the walk's segment and a fresh one
 * starts (path gets -1 between segments).  Walk w draws from its own
 * stream of seed, so the result does not depend on threads.  Time
 * O(nwalks x steps x edits per step) after O(raw matrices) set-up; memory
 * 8 x nwalks x steps bytes plus 8 per matrix.  monitor (may be NULL) is
 * asked every few thousand steps whether to stop.  Errors: CS_ERR_ARG (no
 * class with fitness, nwalks or steps < 1), CS_ERR_NOMEM, CS_ERR_CANCELLED. */
typedef struct cs_walks {
    int nwalks, steps;
    int32_t **path;     /* per walk: the classes visited, -1 between segments */
    size_t *len;        /* per walk: entries of path */
    uint64_t *restarts; /* per walk: segments begun afresh */
} cs_walks;

cs_status cs_walks_run(cs_walks *w, const cs_rawspace *rs, const double *fitness, int nwalks,
                       int steps, uint64_t seed, int threads, const cs_monitor *monitor,
                       cs_error *err);
void cs_walks_destroy(cs_walks *w);
/* Classes the walks visited. */
size_t cs_walks_visited(const cs_walks *w, size_t nclasses);

/* Random-walk autocorrelation of x (per vertex, numbers wherever a walk
 * goes) along walks (path[w] holds len[w] vertices, -1 between segments
 * that must not be paired), for shifts 1..max_shift: rwa[s] (the Pearson
 * correlation of x at positions i and i + s over all pairs, NaN with
 * fewer than 2 or a constant side) and npairs[s], both max_shift + 1
 * long.  Time O(walk length x max_shift).  Errors: CS_ERR_NOMEM. */
cs_status cs_landscape_walk_autocorrelation(int32_t *const *path, const size_t *len,
                                            int nwalks, const double *x, int max_shift,
                                            int threads, double *rwa, uint64_t *npairs,
                                            cs_error *err);

/* cs_walks_run then the autocorrelation of the same fitness: the
 * locality analysis's RWA for any fitness, walks, steps and seed. */
cs_status cs_landscape_rwa(const cs_rawspace *rs, const double *fitness, int nwalks, int steps,
                           uint64_t seed, int max_shift, int threads, double *rwa,
                           uint64_t *npairs, const cs_monitor *monitor, cs_error *err);

/* Distance from a set of target classes over the raw encodings (the peaks
 * analysis) is cs_raw_bfs above with source_class flagging the targets. */

#ifdef __cplusplus
}
#endif
#endif
