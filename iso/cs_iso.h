/* cellscape iso/: one NAS-Bench-101 cell in every form.
 *
 * A cell is a labelled DAG: an upper-triangular 0/1 adjacency matrix whose
 * vertex 0 is the input and vertex n-1 the output, with one operation per
 * vertex.  cs_spec mirrors the reference API's ModelSpec: construction checks,
 * pruning and the domain check with the reference's error kinds and messages.
 * The module hash is the reference's, bit for bit; the canonical form comes
 * from nauty and is a proof of isomorphism, not a heuristic. */
#ifndef CS_ISO_H
#define CS_ISO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest matrix a cell can hold; rows are bit masks. */
#define CS_CELL_MAXV 32
/* Longest op name kept for messages ("unsupported op NAME"). */
#define CS_OPNAME_MAX 64

/* Labels as the reference hash sees them: interior ops are indices into the
 * available-ops list, input -1, output -2.  CS_OP_UNKNOWN is any other name. */
enum {
    CS_OP_CONV3X3 = 0,
    CS_OP_CONV1X1 = 1,
    CS_OP_MAXPOOL3X3 = 2,
    CS_OP_INPUT = -1,
    CS_OP_OUTPUT = -2,
    CS_OP_UNKNOWN = -3
};
#define CS_NUM_OPS 3

/* The search space's limits (NAS-Bench-101: 7 vertices, 9 edges, 3 ops). */
typedef struct cs_limits {
    int max_vertices;
    int max_edges;
    int num_ops; /* interior ops 0..num_ops-1 are allowed */
} cs_limits;

extern const cs_limits CS_NB101_LIMITS;

/* A labelled graph: compact, for algorithms. */
typedef struct cs_cell {
    int n;
    uint32_t adj[CS_CELL_MAXV]; /* bit j of adj[i]: edge i -> j */
    int8_t op[CS_CELL_MAXV];
} cs_cell;

/* The reference ModelSpec: the cell as given, with op names, and its pruned
 * form.  valid_spec is false when input and output are disconnected. */
typedef struct cs_spec {
    cs_cell original;
    char opname[CS_CELL_MAXV][CS_OPNAME_MAX];
    bool valid_spec;
    cs_cell pruned;
    int kept[CS_CELL_MAXV]; /* pruned vertex i is original vertex kept[i] */
} cs_spec;

/* --- operations --------------------------------------------------------- */

/* "conv3x3-bn-relu", ..., "input", "output"; NULL for CS_OP_UNKNOWN. */
const char *cs_op_name(int op);
int cs_op_from_name(const char *name, size_t len);
/* One-letter codes of the compact form: 3, 1, M, I, O. */
char cs_op_letter(int op);
int cs_op_from_letter(char c);

/* --- cells -------------------------------------------------------------- */

int cs_cell_num_edges(const cs_cell *c);
/* Vertices whose operation is op (CS_OP_CONV3X3, ...). */
int cs_cell_count_op(const cs_cell *c, int op);
/* Depth: edges on the longest input-to-output path (-1 when the output is
 * not reached).  Width: the maximum directed cut, the most edges from a set
 * S to its complement over the sets S that hold the input, not the output,
 * and every predecessor of their members (the paper's "maximum directed
 * cut").  For valid pruned cells; O(n^2) and O(n^5) at most. */
int cs_cell_depth(const cs_cell *c);
int cs_cell_width(const cs_cell *c);
bool cs_cell_equal(const cs_cell *a, const cs_cell *b);
/* The vertices pruning keeps: those the input reaches that reach the
 * output (a bit mask; rows point forward, as in an upper-triangular cell). */
uint32_t cs_prune_mask(int n, const uint32_t *adj);

/* Relabel: vertex v of `in` becomes vertex perm[v] of `out`. */
void cs_cell_permute(const cs_cell *in, const int *perm, cs_cell *out);

/* --- specs: construction, pruning, domain ------------------------------- */

/* Build a spec from a matrix given row by row (rows may differ in length,
 * which is the reference's "matrix must be square") and op names.
 * Construction errors are CS_ERR_VALUE with the reference's messages, checked
 * in the reference's order; entries other than 0/1 are our own ValueError.
 * On success the spec is pruned. */
cs_status cs_spec_init(cs_spec *s, int nrows, const int *row_len,
                       const int *const *rows, int nops,
                       const char *const *ops, const size_t *op_len,
                       cs_error *err);

/* Build a spec from a cell whose ops are all known (no names needed). */
void cs_spec_from_cell(cs_spec *s, const cs_cell *c);

/* The reference's _check_spec: CS_ERR_DOMAIN with its messages, or CS_OK. */
cs_status cs_spec_check(const cs_spec *s, const cs_limits *lim, cs_error *err);

/* Name of pruned vertex v's op as the user gave it. */
const char *cs_spec_pruned_opname(const cs_spec *s, int v);

/* --- the module hash ---------------------------------------------------- */

/* The reference hash_module of a cell whose ops are all known (any 0/1
 * matrix, as the reference: an isomorphism invariant, so a relabelled cell
 * that is not upper triangular hashes alike).  32 lowercase
 * hex characters and a NUL.  CS_ERR_VALUE for an unknown op. */
cs_status cs_cell_hash(const cs_cell *c, char hex[33], cs_error *err);
/* Many cells at once (SIMD MD5 lanes filled across cells): the fast path. */
cs_status cs_cell_hash_many(size_t count, const cs_cell *cells,
                            char (*hex)[33], cs_error *err);

/* A module hash between its 16 raw bytes and 32 lowercase hex digits;
 * cs_hash_from_hex is false for anything else. */
void cs_hash_to_hex(const unsigned char raw[16], char hex[33]);
bool cs_hash_from_hex(const char *hex, size_t len, unsigned char raw[16]);

/* A hasher keeps its buffers between calls: one per thread for bulk work. */
typedef struct cs_hasher cs_hasher;
cs_status cs_hasher_init(cs_hasher **h, cs_error *err);
void cs_hasher_destroy(cs_hasher *h);
cs_status cs_hasher_hash(cs_hasher *h, size_t count, const cs_cell *cells,
                         char (*hex)[33], cs_error *err);

/* --- canonical form (nauty) --------------------------------------------- */

typedef struct cs_canon {
    /* The canonical representative: isomorphic cells give equal `cell`s.
     * Vertices are in a topological order (input first, output last). */
    cs_cell cell;
    /* Canonical vertex i is vertex `lab[i]` of the cell given. */
    int lab[CS_CELL_MAXV];
    /* Size of the automorphism group (input and output are fixed). */
    double automorphisms;
} cs_canon;

cs_status cs_cell_canon(const cs_cell *c, cs_canon *out, cs_error *err);

/* --- compact binary keys ------------------------------------------------
 * A valid cell (input first, output last, known ops) of at most 12 vertices
 * packed in 128 bits: n, the interior op codes, the upper triangle.  The key
 * of a canonical form (cs_canon.cell) identifies an isomorphism class. */
#define CS_KEY_MAXV 12

typedef struct cs_key {
    uint64_t lo, hi;
} cs_key;

cs_status cs_cell_key(const cs_cell *c, cs_key *key, cs_error *err);
void cs_key_cell(const cs_key *key, cs_cell *c);
int cs_key_cmp(const cs_key *a, const cs_key *b);
/* A well-mixed 64-bit hash of a key, for hash tables (the store's
 * canonical index lays its slots out by it: changing it changes the format). */
uint64_t cs_key_hash(const cs_key *k);

/* --- the reference's representative -------------------------------------
 * The member of a cell's class that the reference enumeration stores (and
 * so the dataset's module_adjacency / module_operations): among the cell's
 * topological vertex orders, the smallest edge bit pattern, then the
 * smallest labelling in product order.  For a valid pruned cell of at most
 * CS_KEY_MAXV vertices. */
cs_status cs_cell_reference_form(const cs_cell *c, cs_cell *out, cs_error *err);

/* --- text forms ----------------------------------------------------------
 * JSON:    {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}
 * row:     the dataset's form, adjacency as n*n '0'/'1' characters row major,
 *          whitespace, comma-separated op names:
 *          0100 input,output
 * compact: one letter per op (I input, O output, 3 conv3x3, 1 conv1x1,
 *          M maxpool3x3), ':', then the upper triangle row by row as '0'/'1'
 *          (n(n-1)/2 characters): IO:1   I3O:111
 * cs_spec_parse detects the form.  Messages name the field at fault. */

cs_status cs_spec_parse(cs_spec *s, const char *text, size_t len, cs_error *err);
cs_status cs_spec_parse_json(cs_spec *s, const char *text, size_t len, cs_error *err);
cs_status cs_spec_parse_row(cs_spec *s, const char *adjacency, size_t adj_len,
                            const char *ops, size_t ops_len, cs_error *err);
cs_status cs_spec_parse_compact(cs_spec *s, const char *text, size_t len, cs_error *err);

/* Writers return the length written (as snprintf: the length needed when the
 * buffer is too small).  Cells with unknown ops cannot be written compact. */
int cs_cell_format_compact(const cs_cell *c, char *buf, size_t size);
int cs_cell_format_row(const cs_cell *c, char *buf, size_t size);
/* JSON matrix only, Python's spacing: [[0, 1], [0, 0]] */
int cs_cell_format_matrix_json(const cs_cell *c, char *buf, size_t size);
/* JSON list of op names: ["input", "output"] */
int cs_cell_format_ops_json(const cs_cell *c, char *buf, size_t size);
/* {"matrix": ..., "ops": ...} */
int cs_cell_format_json(const cs_cell *c, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
