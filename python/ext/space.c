/* cellscape._native.Space: the classes of a NAS-Bench-101-style space in
 * `cellscape enum` order, and the structures the landscape functions need
 * (raw encodings, neighbour graph), built once on first use. */
#include "native.h"

#include <cs_params.h>
#include <stdlib.h>
#include <string.h>

static void space_dealloc(cs_py_space *s)
{
    if (s->have_graph)
        cs_nbgraph_destroy(&s->graph);
    if (s->have_raw)
        cs_rawspace_destroy(&s->raw);
    cs_space_destroy(s->sp);
    if (s->lock)
        PyThread_free_lock(s->lock);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static int space_init(cs_py_space *s, PyObject *args, PyObject *kw)
{
    static char *names[] = {"max_vertices", "max_edges", "num_ops", NULL};
    cs_enum_options opt;
    cs_enum_options_init(&opt);
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|iii:Space", names, &opt.limits.max_vertices,
                                     &opt.limits.max_edges, &opt.limits.num_ops))
        return -1;
    if (s->sp) {
        PyErr_SetString(PyExc_RuntimeError, "Space is already initialised");
        return -1;
    }
    if (!s->lock && !(s->lock = PyThread_allocate_lock())) {
        PyErr_NoMemory();
        return -1;
    }
    opt.monitor = cs_py_ctrl_c;
    cs_error err;
    cs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = cs_space_build(&s->sp, &opt, &err);
    Py_END_ALLOW_THREADS
    if (st) {
        cs_py_raise_or_pending(&err);
        return -1;
    }
    return 0;
}

static int space_ready(cs_py_space *s)
{
    if (s->sp)
        return 0;
    PyErr_SetString(PyExc_ValueError, "Space is not initialised");
    return -1;
}

/* Build a lazy part under the object's lock, the GIL released. */
static int space_build_part(cs_py_space *s, bool graph)
{
    if (space_ready(s) < 0)
        return -1;
    cs_error err;
    cs_status st = CS_OK;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(s->lock, WAIT_LOCK);
    if (!s->have_raw) {
        st = cs_rawspace_init(&s->raw, s->sp, 0, &cs_py_ctrl_c, &err);
        s->have_raw = st == CS_OK;
    }
    if (st == CS_OK && graph && !s->have_graph) {
        st = cs_nbgraph_build(&s->graph, &s->raw, 0, &cs_py_ctrl_c, &err);
        s->have_graph = st == CS_OK;
    }
    PyThread_release_lock(s->lock);
    Py_END_ALLOW_THREADS
    if (st) {
        cs_py_raise_or_pending(&err);
        return -1;
    }
    return 0;
}

const cs_rawspace *cs_py_space_raw(cs_py_space *s)
{
    return space_build_part(s, false) < 0 ? NULL : &s->raw;
}

const cs_nbgraph *cs_py_space_graph(cs_py_space *s)
{
    return space_build_part(s, true) < 0 ? NULL : &s->graph;
}

static Py_ssize_t space_len(cs_py_space *s)
{
    if (space_ready(s) < 0)
        return -1;
    return (Py_ssize_t)cs_space_num_classes(s->sp);
}

static PyObject *space_limits(cs_py_space *s, void *closure)
{
    (void)closure;
    if (space_ready(s) < 0)
        return NULL;
    const cs_limits *l = cs_space_limits(s->sp);
    return Py_BuildValue("(iii)", l->max_vertices, l->max_edges, l->num_ops);
}

static PyObject *space_hashes(cs_py_space *s, PyObject *noargs)
{
    (void)noargs;
    if (space_ready(s) < 0)
        return NULL;
    const cs_enum_result *res = cs_space_result(s->sp);
    npy_intp n = (npy_intp)res->nclasses;
    PyArray_Descr *d = PyArray_DescrNewFromType(NPY_UNICODE);
    if (!d)
        return NULL;
    d->elsize = 32 * 4;
    PyObject *a = PyArray_NewFromDescr(&PyArray_Type, d, 1, &n, NULL, NULL, 0, NULL);
    if (!a)
        return NULL;
    Py_UCS4 *out = PyArray_DATA((PyArrayObject *)a);
    Py_BEGIN_ALLOW_THREADS
    for (npy_intp i = 0; i < n; i++) {
        char hex[33];
        cs_hash_to_hex(res->classes[i].hash, hex);
        for (int k = 0; k < 32; k++)
            out[i * 32 + k] = (Py_UCS4)hex[k];
    }
    Py_END_ALLOW_THREADS
    return a;
}

/* The representatives: matrices (N, V, V) int8, ops (N, V) int8 (labels
 * -1 input, -2 output, 0..num_ops-1; -3 past the cell's vertices),
 * vertices and edges (N,) int8. */
static PyObject *space_cells(cs_py_space *s, PyObject *noargs)
{
    (void)noargs;
    if (space_ready(s) < 0)
        return NULL;
    const cs_enum_result *res = cs_space_result(s->sp);
    int v = res->limits.max_vertices;
    npy_intp n = (npy_intp)res->nclasses;
    npy_intp dm[3] = {n, v, v}, dops[2] = {n, v};
    PyObject *m = PyArray_ZEROS(3, dm, NPY_INT8, 0);
    PyObject *ops = PyArray_EMPTY(2, dops, NPY_INT8, 0);
    PyObject *nv = PyArray_EMPTY(1, &n, NPY_INT8, 0);
    PyObject *ne = PyArray_EMPTY(1, &n, NPY_INT8, 0);
    if (!m || !ops || !nv || !ne) {
        Py_XDECREF(m);
        Py_XDECREF(ops);
        Py_XDECREF(nv);
        Py_XDECREF(ne);
        return NULL;
    }
    npy_int8 *dmat = PyArray_DATA((PyArrayObject *)m);
    npy_int8 *dop = PyArray_DATA((PyArrayObject *)ops);
    npy_int8 *dv = PyArray_DATA((PyArrayObject *)nv);
    npy_int8 *de = PyArray_DATA((PyArrayObject *)ne);
    Py_BEGIN_ALLOW_THREADS
    for (npy_intp i = 0; i < n; i++) {
        cs_cell c;
        cs_enum_class_cell(res, &res->classes[i], &c);
        npy_int8 *mi = dmat + (size_t)i * (size_t)(v * v);
        for (int a = 0; a < c.n; a++)
            for (int b = 0; b < c.n; b++)
                mi[a * v + b] = (npy_int8)(c.adj[a] >> b & 1);
        for (int a = 0; a < v; a++)
            dop[(size_t)i * (size_t)v + (size_t)a] =
                (npy_int8)(a < c.n ? c.op[a] : CS_OP_UNKNOWN);
        dv[i] = (npy_int8)c.n;
        de[i] = (npy_int8)res->classes[i].edges;
    }
    Py_END_ALLOW_THREADS
    return Py_BuildValue("(NNNN)", m, ops, nv, ne);
}

/* Exact trainable parameters of each representative (int64). */
static PyObject *space_params(cs_py_space *s, PyObject *noargs)
{
    (void)noargs;
    if (space_ready(s) < 0)
        return NULL;
    const cs_enum_result *res = cs_space_result(s->sp);
    npy_intp n = (npy_intp)res->nclasses;
    PyObject *a = PyArray_EMPTY(1, &n, NPY_INT64, 0);
    if (!a)
        return NULL;
    npy_int64 *d = PyArray_DATA((PyArrayObject *)a);
    cs_error err;
    cs_status st = CS_OK;
    Py_BEGIN_ALLOW_THREADS
    for (npy_intp i = 0; i < n && st == CS_OK; i++) {
        cs_cell c;
        int64_t p = 0;
        cs_enum_class_cell(res, &res->classes[i], &c);
        st = cs_cell_trainable_parameters(&c, &p, &err);
        d[i] = p;
    }
    Py_END_ALLOW_THREADS
    if (st) {
        Py_DECREF(a);
        return cs_py_raise(&err);
    }
    return a;
}

static PyObject *space_index(cs_py_space *s, PyObject *args)
{
    PyObject *matrix, *ops;
    if (!PyArg_ParseTuple(args, "OO:index", &matrix, &ops) || space_ready(s) < 0)
        return NULL;
    cs_spec spec;
    if (cs_py_spec_from(matrix, ops, &spec) < 0)
        return NULL;
    cs_error err;
    if (cs_spec_check(&spec, cs_space_limits(s->sp), &err))
        return cs_py_raise(&err);
    int64_t i = cs_space_find_cell(s->sp, &spec.pruned);
    if (i < 0) /* cannot happen for a cell within the limits */
        return PyErr_Format(cs_py_error, "the cell is not a class of this space");
    return PyLong_FromLongLong(i);
}

static int class_index(cs_py_space *s, PyObject *arg, size_t *out)
{
    Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred())
        return -1;
    Py_ssize_t n = (Py_ssize_t)cs_space_num_classes(s->sp);
    if (i < 0)
        i += n;
    if (i < 0 || i >= n) {
        PyErr_Format(PyExc_IndexError, "class index out of range (the space has %zd)", n);
        return -1;
    }
    *out = (size_t)i;
    return 0;
}

static PyObject *space_cell(cs_py_space *s, PyObject *arg)
{
    size_t i;
    if (space_ready(s) < 0 || class_index(s, arg, &i) < 0)
        return NULL;
    const cs_enum_result *res = cs_space_result(s->sp);
    cs_cell c;
    cs_enum_class_cell(res, &res->classes[i], &c);
    return Py_BuildValue("(NN)", cs_py_cell_matrix(&c), cs_py_cell_ops(&c));
}

/* (indptr int64, indices int32): the neighbour graph's CSR arrays. */
static PyObject *space_neighbours(cs_py_space *s, PyObject *noargs)
{
    (void)noargs;
    const cs_nbgraph *g = cs_py_space_graph(s);
    if (!g)
        return NULL;
    npy_intp nv = (npy_intp)g->nvertices + 1, na = (npy_intp)(2 * g->nedges);
    PyObject *indptr = PyArray_EMPTY(1, &nv, NPY_INT64, 0);
    PyObject *indices = PyArray_EMPTY(1, &na, NPY_INT32, 0);
    if (!indptr || !indices) {
        Py_XDECREF(indptr);
        Py_XDECREF(indices);
        return NULL;
    }
    npy_int64 *p = PyArray_DATA((PyArrayObject *)indptr);
    npy_int32 *q = PyArray_DATA((PyArrayObject *)indices);
    Py_BEGIN_ALLOW_THREADS
    for (npy_intp i = 0; i < nv; i++)
        p[i] = (npy_int64)g->offset[i];
    for (npy_intp i = 0; i < na; i++)
        q[i] = (npy_int32)g->adj[i];
    Py_END_ALLOW_THREADS
    return Py_BuildValue("(NN)", indptr, indices);
}

static PyMethodDef space_methods[] = {
    {"_hashes", (PyCFunction)space_hashes, METH_NOARGS, "Module hashes, a '<U32' array."},
    {"_cells", (PyCFunction)space_cells, METH_NOARGS,
     "(matrices, ops, vertices, edges) of the representatives."},
    {"_params", (PyCFunction)space_params, METH_NOARGS, "Trainable parameters (int64)."},
    {"_neighbours", (PyCFunction)space_neighbours, METH_NOARGS,
     "(indptr, indices) of the neighbour graph."},
    {"index", (PyCFunction)space_index, METH_VARARGS,
     "index(matrix, ops) -> the class of a spec after pruning."},
    {"cell", (PyCFunction)space_cell, METH_O, "cell(i) -> (matrix, ops) of class i."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef space_getset[] = {
    {"limits", (getter)space_limits, NULL, "(max_vertices, max_edges, num_ops)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods space_as_sequence = {.sq_length = (lenfunc)space_len};

PyTypeObject cs_py_space_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "cellscape._native.Space",
    .tp_basicsize = sizeof(cs_py_space),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Space(max_vertices=7, max_edges=9, num_ops=3): the classes of a space.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)space_init,
    .tp_dealloc = (destructor)space_dealloc,
    .tp_methods = space_methods,
    .tp_getset = space_getset,
    .tp_as_sequence = &space_as_sequence,
};
