/* Cells from Python objects, with the reference ModelSpec's checks, order
 * and messages (the library's cs_spec_init and cs_spec_check). */
#include "native.h"

#include <stdlib.h>
#include <string.h>

/* Past this the matrix is refused before it is copied (the library holds at
 * most CS_CELL_MAXV vertices and says so; this only bounds the copy). */
#define CS_PY_MAX_ROWS 4096

/* The integer entries of a matrix as rows of ints: a 2-D integer or boolean
 * numpy array directly, anything else as a sequence of sequences. */
typedef struct rows {
    int n;
    int *len;
    int **row;
    int *cells;
} rows;

static void rows_free(rows *r)
{
    free(r->len);
    free(r->row);
    free(r->cells);
}

static int rows_alloc(rows *r, int n, size_t total)
{
    r->n = n;
    r->len = calloc((size_t)n + 1, sizeof *r->len);
    r->row = calloc((size_t)n + 1, sizeof *r->row);
    r->cells = calloc(total + 1, sizeof *r->cells);
    if (!r->len || !r->row || !r->cells) {
        rows_free(r);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int entry_int(PyObject *o, int *out)
{
    /* bool is an int subclass; numpy integers and numpy bools have __index__ */
    PyObject *idx = PyNumber_Index(o);
    if (!idx) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "matrix entries must be integers, got %.80s",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    int overflow = 0;
    long v = PyLong_AsLongAndOverflow(idx, &overflow);
    Py_DECREF(idx);
    if (overflow || v > 1000 || v < -1000)
        v = 2; /* any entry but 0 and 1 is refused the same way */
    *out = (int)v;
    return 0;
}

static int rows_from_array(PyObject *matrix, rows *r)
{
    PyArrayObject *a = (PyArrayObject *)matrix;
    int kind = PyArray_DESCR(a)->kind;
    if (kind != 'i' && kind != 'u' && kind != 'b') {
        PyErr_Format(PyExc_TypeError, "matrix must hold integers, not dtype %c", kind);
        return -1;
    }
    int nd = PyArray_NDIM(a);
    npy_intp rowsn = nd >= 1 ? PyArray_DIM(a, 0) : 0;
    npy_intp cols = nd == 2 ? PyArray_DIM(a, 1) : 0;
    if (nd != 2 || rowsn != cols || rowsn == 0) {
        PyErr_SetString(PyExc_ValueError, "matrix must be square");
        return -1;
    }
    if (rowsn > CS_PY_MAX_ROWS) {
        PyErr_Format(PyExc_ValueError, "matrix has %zd vertices; cellscape holds at most %d",
                     (Py_ssize_t)rowsn, CS_CELL_MAXV);
        return -1;
    }
    PyArrayObject *c = (PyArrayObject *)PyArray_FROM_OTF(matrix, NPY_INT64,
                                                         NPY_ARRAY_IN_ARRAY |
                                                             NPY_ARRAY_FORCECAST);
    if (!c)
        return -1;
    int n = (int)rowsn;
    if (rows_alloc(r, n, (size_t)n * (size_t)n) < 0) {
        Py_DECREF(c);
        return -1;
    }
    const npy_int64 *d = PyArray_DATA(c);
    for (int i = 0; i < n; i++) {
        r->len[i] = n;
        r->row[i] = r->cells + (size_t)i * (size_t)n;
        for (int j = 0; j < n; j++) {
            npy_int64 v = d[(size_t)i * (size_t)n + (size_t)j];
            r->row[i][j] = v == 0 || v == 1 ? (int)v : 2;
        }
    }
    Py_DECREF(c);
    return 0;
}

static int rows_from_sequence(PyObject *matrix, rows *r)
{
    PyObject *outer = PySequence_Fast(matrix, "matrix must be a sequence of rows");
    if (!outer)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(outer);
    if (n == 0) {
        Py_DECREF(outer);
        PyErr_SetString(PyExc_ValueError, "matrix must be square");
        return -1;
    }
    if (n > CS_PY_MAX_ROWS) {
        Py_DECREF(outer);
        PyErr_Format(PyExc_ValueError, "matrix has %zd vertices; cellscape holds at most %d",
                     n, CS_CELL_MAXV);
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(outer);
    PyObject *inner[CS_PY_MAX_ROWS];
    size_t total = 0;
    Py_ssize_t made = 0;
    int rc = -1;
    for (; made < n; made++) {
        inner[made] = PySequence_Fast(items[made], "matrix rows must be sequences");
        if (!inner[made])
            goto out;
        Py_ssize_t len = PySequence_Fast_GET_SIZE(inner[made]);
        if (len != n) { /* the reference's first check */
            made++;
            PyErr_SetString(PyExc_ValueError, "matrix must be square");
            goto out;
        }
        total += (size_t)len;
    }
    if (rows_alloc(r, (int)n, total) < 0)
        goto out;
    size_t off = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len = PySequence_Fast_GET_SIZE(inner[i]);
        PyObject **e = PySequence_Fast_ITEMS(inner[i]);
        r->len[i] = (int)len;
        r->row[i] = r->cells + off;
        for (Py_ssize_t j = 0; j < len; j++)
            if (entry_int(e[j], &r->row[i][j]) < 0) {
                rows_free(r);
                goto out;
            }
        off += (size_t)len;
    }
    rc = 0;
out:
    for (Py_ssize_t i = 0; i < made; i++)
        Py_XDECREF(inner[i]);
    Py_DECREF(outer);
    return rc;
}

static int rows_from(PyObject *matrix, rows *r)
{
    memset(r, 0, sizeof *r);
    if (PyArray_Check(matrix))
        return rows_from_array(matrix, r);
    return rows_from_sequence(matrix, r);
}

int cs_py_spec_from(PyObject *matrix, PyObject *ops, cs_spec *spec)
{
    rows r;
    if (rows_from(matrix, &r) < 0)
        return -1;
    PyObject *seq = PySequence_Fast(ops, "ops must be a sequence of names");
    if (!seq) {
        rows_free(&r);
        return -1;
    }
    Py_ssize_t nops = PySequence_Fast_GET_SIZE(seq);
    if (nops > CS_PY_MAX_ROWS)
        nops = CS_PY_MAX_ROWS + 1; /* refused as a length mismatch or a limit */
    const char **names = calloc((size_t)nops + 1, sizeof *names);
    size_t *lens = calloc((size_t)nops + 1, sizeof *lens);
    PyObject **strs = calloc((size_t)nops + 1, sizeof *strs);
    int rc = -1;
    if (!names || !lens || !strs) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < nops && i < PySequence_Fast_GET_SIZE(seq); i++) {
        /* The reference keeps any object and prints it with str(). */
        strs[i] = PyObject_Str(PySequence_Fast_GET_ITEM(seq, i));
        if (!strs[i])
            goto out;
        Py_ssize_t len;
        names[i] = PyUnicode_AsUTF8AndSize(strs[i], &len);
        if (!names[i])
            goto out;
        lens[i] = (size_t)len;
    }
    cs_error err;
    memset(spec, 0, sizeof *spec);
    if (cs_spec_init(spec, r.n, r.len, (const int *const *)r.row, (int)nops, names, lens,
                     &err)) {
        cs_py_raise(&err);
        goto out;
    }
    rc = 0;
out:
    if (strs)
        for (Py_ssize_t i = 0; i < nops; i++)
            Py_XDECREF(strs[i]);
    free(strs);
    free(names);
    free(lens);
    Py_DECREF(seq);
    rows_free(&r);
    return rc;
}

int cs_py_cell_from_labels(PyObject *matrix, PyObject *labels, cs_cell *cell)
{
    rows r;
    if (rows_from(matrix, &r) < 0)
        return -1;
    int rc = -1;
    PyObject *seq = PySequence_Fast(labels, "labeling must be a sequence of integers");
    if (!seq)
        goto out;
    if (r.n > CS_CELL_MAXV) {
        PyErr_Format(PyExc_ValueError, "matrix has %d vertices; cellscape holds at most %d",
                     r.n, CS_CELL_MAXV);
        goto out;
    }
    if (PySequence_Fast_GET_SIZE(seq) != r.n) {
        PyErr_SetString(PyExc_ValueError, "labeling must have one label per vertex");
        goto out;
    }
    memset(cell, 0, sizeof *cell);
    cell->n = r.n;
    for (int i = 0; i < r.n; i++) {
        for (int j = 0; j < r.n; j++) {
            if (r.row[i][j] != 0 && r.row[i][j] != 1) {
                PyErr_Format(PyExc_ValueError,
                             "matrix entries must be 0 or 1 (row %d, column %d)", i, j);
                goto out;
            }
            if (r.row[i][j])
                cell->adj[i] |= UINT32_C(1) << j;
        }
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred())
            goto out;
        if (v < CS_OP_OUTPUT || v >= CS_NUM_OPS) {
            PyErr_Format(PyExc_ValueError,
                         "label %ld of vertex %d: cellscape hashes the labels -1 (input), "
                         "-2 (output) and 0..%d (the ops)", v, i, CS_NUM_OPS - 1);
            goto out;
        }
        cell->op[i] = (int8_t)v;
    }
    rc = 0;
out:
    Py_XDECREF(seq);
    rows_free(&r);
    return rc;
}

PyObject *cs_py_cell_matrix(const cs_cell *c)
{
    npy_intp dims[2] = {c->n, c->n};
    PyObject *m = PyArray_SimpleNew(2, dims, NPY_INT8);
    if (!m)
        return NULL;
    npy_int8 *d = PyArray_DATA((PyArrayObject *)m);
    for (int i = 0; i < c->n; i++)
        for (int j = 0; j < c->n; j++)
            d[i * c->n + j] = (npy_int8)(c->adj[i] >> j & 1);
    return m;
}

/* The op names as str, made once: an answer's list of ops shares them (str
 * is immutable) instead of making n new ones, and a look-up of those lists
 * recognises them by identity.  Index op - CS_OP_OUTPUT.  Set at module
 * import, never changed after. */
static PyObject *op_str[CS_NUM_OPS + 2];

int cs_py_op_names_init(void)
{
    for (int op = CS_OP_OUTPUT; op < CS_NUM_OPS; op++)
        if (!op_str[op - CS_OP_OUTPUT] &&
            !(op_str[op - CS_OP_OUTPUT] = PyUnicode_InternFromString(cs_op_name(op))))
            return -1;
    return 0;
}

int cs_py_op_of(PyObject *name)
{
    for (int op = CS_OP_OUTPUT; op < CS_NUM_OPS; op++)
        if (name == op_str[op - CS_OP_OUTPUT])
            return op;
    Py_ssize_t len;
    const char *utf8 = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &len) : NULL;
    if (!utf8) {
        PyErr_Clear();
        return CS_OP_UNKNOWN;
    }
    return cs_op_from_name(utf8, (size_t)len);
}

PyObject *cs_py_cell_ops(const cs_cell *c)
{
    PyObject *ops = PyList_New(c->n);
    if (!ops)
        return NULL;
    for (int i = 0; i < c->n; i++) {
        int op = c->op[i];
        if (op < CS_OP_OUTPUT || op >= CS_NUM_OPS) { /* not in a valid cell */
            Py_DECREF(ops);
            return PyErr_Format(PyExc_ValueError, "vertex %d has no known op (%d)", i, op);
        }
        PyList_SET_ITEM(ops, i, Py_NewRef(op_str[op - CS_OP_OUTPUT]));
    }
    return ops;
}

/* prune(matrix, ops) -> tuple of the original vertices pruning keeps, in
 * order, or None when input and output are disconnected. */
PyObject *cs_py_prune(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *matrix, *ops;
    if (!PyArg_ParseTuple(args, "OO:prune", &matrix, &ops))
        return NULL;
    cs_spec spec;
    if (cs_py_spec_from(matrix, ops, &spec) < 0)
        return NULL;
    if (!spec.valid_spec)
        Py_RETURN_NONE;
    PyObject *kept = PyTuple_New(spec.pruned.n);
    if (!kept)
        return NULL;
    for (int i = 0; i < spec.pruned.n; i++)
        PyTuple_SET_ITEM(kept, i, PyLong_FromLong(spec.kept[i]));
    return kept;
}

/* check_spec(matrix, ops, max_vertices=7, max_edges=9) -> None, or the
 * reference's OutOfDomainError.  matrix None: a disconnected spec. */
PyObject *cs_py_check_spec(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"matrix", "ops", "max_vertices", "max_edges", NULL};
    PyObject *matrix, *ops;
    cs_limits lim = CS_NB101_LIMITS;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|ii:check_spec", names, &matrix, &ops,
                                     &lim.max_vertices, &lim.max_edges))
        return NULL;
    cs_spec spec;
    memset(&spec, 0, sizeof spec);
    if (matrix != Py_None && cs_py_spec_from(matrix, ops, &spec) < 0)
        return NULL;
    cs_error err;
    if (cs_spec_check(&spec, &lim, &err))
        return cs_py_raise(&err);
    Py_RETURN_NONE;
}

/* hash_module(matrix, labeling) -> the reference module hash (32 hex). */
PyObject *cs_py_hash_module(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *matrix, *labels;
    if (!PyArg_ParseTuple(args, "OO:hash_module", &matrix, &labels))
        return NULL;
    cs_cell cell;
    if (cs_py_cell_from_labels(matrix, labels, &cell) < 0)
        return NULL;
    char hex[33];
    cs_error err;
    if (cs_cell_hash(&cell, hex, &err))
        return cs_py_raise(&err);
    return PyUnicode_FromStringAndSize(hex, 32);
}
