/* cellscape's CPython extension, cellscape._native: a thin layer over the
 * installed library.  Argument checks, numpy arrays in and out, the GIL
 * released around long calls; every computation is the library's.
 *
 * One translation unit per responsibility: errors.c (statuses to
 * exceptions), spec.c (cells from Python objects, the reference's checks
 * and hash), space.c (the Space type), store.c (the Store type),
 * landscape.c (computations on a fitness), module.c (the module). */
#ifndef CS_PY_NATIVE_H
#define CS_PY_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define PY_ARRAY_UNIQUE_SYMBOL cs_py_array_api
#ifndef CS_PY_IMPORT_ARRAY
#define NO_IMPORT_ARRAY
#endif
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <stdbool.h>

#include <cs_error.h>
#include <cs_iso.h>
#include <cs_landscape.h>
#include <cs_space.h>
#include <cs_store.h>

/* --- errors.c ------------------------------------------------------------ */

/* cellscape.OutOfDomainError (the reference's class of that name) and
 * cellscape.Error (a file or data cellscape cannot use). */
extern PyObject *cs_py_out_of_domain;
extern PyObject *cs_py_error;
int cs_py_errors_init(PyObject *module);
/* Raise the exception for err and return NULL. */
PyObject *cs_py_raise(const cs_error *err);
/* A library cancel callback for calls made with the GIL released: takes
 * the GIL, runs Python's signal handlers (Ctrl-C raises KeyboardInterrupt
 * there), and says whether one raised.  The exception stays set for the
 * caller to return once the library has stopped (CS_ERR_CANCELLED). */
bool cs_py_interrupted(void *user);
/* A monitor whose only job is Ctrl-C (cs_py_interrupted). */
extern const cs_monitor cs_py_ctrl_c;
/* After a library call that took cs_py_interrupted: the pending exception
 * (KeyboardInterrupt, ...) if there is one, else the library's error. */
PyObject *cs_py_raise_or_pending(const cs_error *err);

/* --- spec.c -------------------------------------------------------------- */

/* A spec from a matrix (a sequence of sequences of ints, such as a 2-D
 * numpy array) and a sequence of op names, with the reference ModelSpec's
 * checks (ValueError).  0 on success, -1 with an exception set. */
int cs_py_spec_from(PyObject *matrix, PyObject *ops, cs_spec *spec);
/* A cell from a pruned matrix and integer labels (-1 input, -2 output,
 * 0..2 the ops), for the hash. */
int cs_py_cell_from_labels(PyObject *matrix, PyObject *labels, cs_cell *cell);
/* The cell's matrix as an n x n int8 array, its ops as a list of names. */
PyObject *cs_py_cell_matrix(const cs_cell *c);
PyObject *cs_py_cell_ops(const cs_cell *c);
/* The op names' str objects, made at module import; the op a str names
 * (CS_OP_UNKNOWN for anything else, no exception). */
int cs_py_op_names_init(void);
int cs_py_op_of(PyObject *name);

PyObject *cs_py_prune(PyObject *self, PyObject *args);
PyObject *cs_py_check_spec(PyObject *self, PyObject *args, PyObject *kw);
PyObject *cs_py_hash_module(PyObject *self, PyObject *args);

/* --- space.c ------------------------------------------------------------- */

typedef struct cs_py_space {
    PyObject_HEAD
    cs_space *sp;
    PyThread_type_lock lock; /* guards the lazily built parts below */
    bool have_raw, have_graph;
    cs_rawspace raw;
    cs_nbgraph graph;
} cs_py_space;

extern PyTypeObject cs_py_space_type;
/* The raw encodings and the neighbour graph, built on first use (with the
 * GIL released).  NULL with an exception set on failure. */
const cs_rawspace *cs_py_space_raw(cs_py_space *s);
const cs_nbgraph *cs_py_space_graph(cs_py_space *s);

/* --- store.c ------------------------------------------------------------- */

/* lookup.c's memo of found inputs. */
typedef struct cs_py_memo cs_py_memo;

typedef struct cs_py_store {
    PyObject_HEAD
    cs_store *st;
    cs_py_memo *memo;     /* NULL until the first look-up */
    PyObject *path;
    PyObject *cache_path; /* str: the cached import in use; None */
    PyObject *cache_note; /* str: why the cache was not used; None */
} cs_py_store;

extern PyTypeObject cs_py_store_type;
/* The keys of the reference's dicts, interned once at module import. */
int cs_py_store_keys_init(void);

/* --- lookup.c ------------------------------------------------------------ */

/* The entry of a pruned spec (matrix None: disconnected) after the
 * reference's _check_spec (OutOfDomainError) and look-up (KeyError with the
 * module hash when the store lacks the cell); -1 with the exception set. */
int64_t cs_py_store_entry_of(cs_py_store *s, PyObject *matrix, PyObject *ops,
                             const cs_limits *lim);
PyObject *cs_py_store_lookup(cs_py_store *s, PyObject *args);
void cs_py_memo_free(cs_py_memo *m);

/* --- draw.c ------------------------------------------------------------- */

/* random.randint(0, n - 1) drawn through the callable randint (Python's
 * random.randint for the reference's draw), or the same numbers drawn
 * directly when randint is the random module's own; -1 with an exception. */
int cs_py_draw_repeat(PyObject *randint, long n, long *out);
int cs_py_draw_init(void);
PyObject *cs_py_draw_fast_enabled(PyObject *self, PyObject *noargs);

/* --- landscape.c --------------------------------------------------------- */

PyObject *cs_py_optima(PyObject *self, PyObject *args);
/* The optima dict of fitness (n = g's vertices, checked by the caller) on g. */
PyObject *cs_py_optima_of(const cs_nbgraph *g, PyArrayObject *fit);
/* A new 1-D array of n elements of type copied from data. */
PyObject *cs_py_array_of(int type, npy_intp n, const void *data, size_t elsize);
PyObject *cs_py_fdc(PyObject *self, PyObject *args);
PyObject *cs_py_rwa(PyObject *self, PyObject *args, PyObject *kw);
PyObject *cs_py_distance_to(PyObject *self, PyObject *args, PyObject *kw);
PyObject *cs_py_rank_correlation(PyObject *self, PyObject *args);

/* --- nb201.c ------------------------------------------------------------- */

PyObject *cs_py_nb201_cells(PyObject *self, PyObject *noargs);
PyObject *cs_py_nb201_index(PyObject *self, PyObject *arg);
PyObject *cs_py_nb201_neighbours(PyObject *self, PyObject *noargs);
PyObject *cs_py_nb201_optima(PyObject *self, PyObject *arg);
PyObject *cs_py_nb201_rwa(PyObject *self, PyObject *args, PyObject *kw);
PyObject *cs_py_fdc_of(PyObject *self, PyObject *args);

/* --- optimizers.c -------------------------------------------------------- */

PyObject *cs_py_optimizers(PyObject *self, PyObject *args, PyObject *kw);

/* A fitness: a 1-D float64 array of n values (any array-like that converts
 * without loss).  New reference, or NULL with ValueError/TypeError set. */
PyArrayObject *cs_py_fitness(PyObject *obj, size_t n, const char *what);

#endif
