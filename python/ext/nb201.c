/* NAS-Bench-201 from Python: its 15,625 cells in the official API's index
 * order, their keys, the graph of single edits, and the landscape
 * computations the NB-201 analyses run, on any fitness of 15,625 values. */
#include "native.h"

#include <cs_nb201_analysis.h>
#include <stdlib.h>
#include <string.h>

static PyArrayObject *nb201_fitness(PyObject *obj)
{
    return cs_py_fitness(obj, CS_NB201_CELLS, "an NB-201 fitness");
}

static int cell_graph(cs_nbgraph *g)
{
    cs_error err;
    cs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = cs_nb201_cell_graph(g, &err);
    Py_END_ALLOW_THREADS
    if (st) {
        cs_py_raise(&err);
        return -1;
    }
    return 0;
}

/* nb201_cells() -> (archs, api_keys, ops, classes, nclasses): per API index
 * the arch string, the API's unique key (to_unique_str), the 6 edge ops
 * (uint8, the API's op order), and the class of the computation graph
 * (cs_nb201_graph_key; classes numbered in index order of first cell). */
PyObject *cs_py_nb201_cells(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    npy_intp dims[2] = {CS_NB201_CELLS, CS_NB201_EDGES};
    PyObject *archs = PyList_New(CS_NB201_CELLS), *keys = PyList_New(CS_NB201_CELLS);
    PyObject *ops = PyArray_EMPTY(2, dims, NPY_UINT8, 0);
    PyObject *classes = PyArray_EMPTY(1, dims, NPY_INT32, 0);
    unsigned char(*gkeys)[CS_NB201_GRAPH_KEY_MAX] = calloc(CS_NB201_CELLS, sizeof *gkeys);
    size_t *glen = calloc(CS_NB201_CELLS, sizeof *glen);
    PyObject *res = NULL;
    if (!gkeys || !glen) {
        PyErr_NoMemory();
        goto out;
    }
    if (!archs || !keys || !ops || !classes)
        goto out;
    npy_uint8 *o = PyArray_DATA((PyArrayObject *)ops);
    npy_int32 *cls = PyArray_DATA((PyArrayObject *)classes);
    int nclasses = 0;
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        cs_nb201_cell c;
        cs_nb201_from_index(i, &c);
        char buf[256];
        int len = cs_nb201_format(&c, buf, sizeof buf);
        PyObject *a = PyUnicode_FromStringAndSize(buf, len);
        if (!a)
            goto out;
        PyList_SET_ITEM(archs, i, a);
        len = cs_nb201_api_key(&c, buf, sizeof buf);
        PyObject *k = len >= 0 && (size_t)len < sizeof buf
                          ? PyUnicode_FromStringAndSize(buf, len)
                          : PyErr_Format(PyExc_RuntimeError, "NB-201 key too long");
        if (!k)
            goto out;
        PyList_SET_ITEM(keys, i, k);
        memcpy(o + (size_t)i * CS_NB201_EDGES, c.op, CS_NB201_EDGES);
        cs_nb201_graph g;
        cs_nb201_graph_of(&c, &g);
        glen[i] = cs_nb201_graph_key(&g, gkeys[i]);
    }
    /* Classes by graph key, numbered in order of first appearance: a table
     * of each class's first cell, open addressing on an FNV-1a hash. */
    size_t slots = 1u << 16;
    int32_t *table = malloc(slots * sizeof *table);
    if (!table) {
        PyErr_NoMemory();
        goto out;
    }
    for (size_t k = 0; k < slots; k++)
        table[k] = -1;
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        uint64_t h = 1469598103934665603u;
        for (size_t b = 0; b < glen[i]; b++)
            h = (h ^ gkeys[i][b]) * 1099511628211u;
        size_t s = (size_t)h & (slots - 1);
        while (table[s] >= 0 && !(glen[table[s]] == glen[i] &&
                                  memcmp(gkeys[table[s]], gkeys[i], glen[i]) == 0))
            s = (s + 1) & (slots - 1);
        if (table[s] < 0) {
            table[s] = (int32_t)i;
            cls[i] = nclasses++;
        } else
            cls[i] = cls[table[s]];
    }
    free(table);
    res = Py_BuildValue("(OOOOi)", archs, keys, ops, classes, nclasses);
out:
    Py_XDECREF(archs);
    Py_XDECREF(keys);
    Py_XDECREF(ops);
    Py_XDECREF(classes);
    free(gkeys);
    free(glen);
    return res;
}

/* nb201_index(arch) -> the API index of an arch string (ValueError naming
 * the byte at fault otherwise). */
PyObject *cs_py_nb201_index(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t len;
    const char *text = PyUnicode_Check(arg) ? PyUnicode_AsUTF8AndSize(arg, &len) : NULL;
    if (!text) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "an arch string is a str, not %.80s",
                         Py_TYPE(arg)->tp_name);
        return NULL;
    }
    cs_nb201_cell c;
    cs_error err;
    if (cs_nb201_parse(text, (size_t)len, &c, &err))
        return cs_py_raise(&err);
    return PyLong_FromUnsignedLong(cs_nb201_index(&c));
}

/* nb201_neighbours() -> (indptr int64, indices int32): cells one edit apart. */
PyObject *cs_py_nb201_neighbours(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    cs_nbgraph g;
    if (cell_graph(&g) < 0)
        return NULL;
    npy_intp n1 = (npy_intp)g.nvertices + 1, m = (npy_intp)g.offset[g.nvertices];
    PyObject *indptr = PyArray_EMPTY(1, &n1, NPY_INT64, 0);
    PyObject *indices = PyArray_EMPTY(1, &m, NPY_INT32, 0);
    PyObject *res = NULL;
    if (indptr && indices) {
        npy_int64 *p = PyArray_DATA((PyArrayObject *)indptr);
        for (npy_intp k = 0; k < n1; k++)
            p[k] = (npy_int64)g.offset[k];
        npy_int32 *q = PyArray_DATA((PyArrayObject *)indices);
        for (npy_intp k = 0; k < m; k++)
            q[k] = (npy_int32)g.adj[k];
        res = PyTuple_Pack(2, indptr, indices);
    }
    Py_XDECREF(indptr);
    Py_XDECREF(indices);
    cs_nbgraph_destroy(&g);
    return res;
}

/* nb201_optima(fitness) -> the dict of optima() on the cell graph. */
PyObject *cs_py_nb201_optima(PyObject *self, PyObject *arg)
{
    (void)self;
    PyArrayObject *fit = nb201_fitness(arg);
    if (!fit)
        return NULL;
    cs_nbgraph g;
    PyObject *res = NULL;
    if (cell_graph(&g) == 0) {
        res = cs_py_optima_of(&g, fit);
        cs_nbgraph_destroy(&g);
    }
    Py_DECREF(fit);
    return res;
}

/* nb201_rwa(fitness, walks=16, steps=65536, seed=0, max_shift=100,
 * values=None) -> (rwa, npairs, restarts, visited): the locality
 * analysis's walks (on fitness) and the autocorrelation of values along
 * them (default: fitness). */
PyObject *cs_py_nb201_rwa(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"fitness", "walks", "steps", "seed", "max_shift", "values", NULL};
    PyObject *fitobj, *valobj = Py_None;
    int walks = CS_LOCALITY_WALKS, steps = CS_LOCALITY_STEPS, max_shift = CS_LOCALITY_MAX_SHIFT;
    unsigned long long seed = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|iiKiO:nb201_rwa", names, &fitobj, &walks,
                                     &steps, &seed, &max_shift, &valobj))
        return NULL;
    if (max_shift < 1 || max_shift > 1000000)
        return PyErr_Format(PyExc_ValueError, "max_shift must be in 1..1000000, got %d",
                            max_shift);
    if (walks < 1 || walks > 4096 || steps < 1 || steps > (1 << 26))
        return PyErr_Format(PyExc_ValueError,
                            "walks must be in 1..4096 and steps in 1..2^26, got %d and %d",
                            walks, steps);
    PyArrayObject *fit = nb201_fitness(fitobj);
    PyArrayObject *val = fit && valobj != Py_None ? nb201_fitness(valobj) : NULL;
    if (!fit || (valobj != Py_None && !val)) {
        Py_XDECREF(fit);
        return NULL;
    }
    npy_intp len = max_shift + 1;
    PyObject *rwa = PyArray_EMPTY(1, &len, NPY_FLOAT64, 0);
    PyObject *npairs = rwa ? PyArray_EMPTY(1, &len, NPY_UINT64, 0) : NULL;
    PyObject *res = NULL;
    cs_nbgraph g;
    if (!npairs || cell_graph(&g) < 0)
        goto out;
    const double *f = PyArray_DATA(fit), *x = val ? PyArray_DATA(val) : f;
    double *r = PyArray_DATA((PyArrayObject *)rwa);
    uint64_t *np = PyArray_DATA((PyArrayObject *)npairs);
    cs_walks w;
    cs_error err;
    cs_status st;
    uint64_t restarts = 0;
    size_t visited = 0;
    Py_BEGIN_ALLOW_THREADS
    st = cs_nb201_walks_run(&w, &g, f, walks, steps, seed, &cs_py_ctrl_c, &err);
    if (!st)
        st = cs_landscape_walk_autocorrelation(w.path, w.len, walks, x, max_shift, 0, r, np,
                                               &err);
    if (!st) {
        for (int k = 0; k < walks; k++)
            restarts += w.restarts[k];
        visited = cs_walks_visited(&w, CS_NB201_CELLS);
    }
    cs_walks_destroy(&w);
    Py_END_ALLOW_THREADS
    cs_nbgraph_destroy(&g);
    if (st)
        cs_py_raise_or_pending(&err);
    else
        res = Py_BuildValue("(OOKn)", rwa, npairs, (unsigned long long)restarts,
                            (Py_ssize_t)visited);
out:
    Py_XDECREF(rwa);
    Py_XDECREF(npairs);
    Py_DECREF(fit);
    Py_XDECREF(val);
    return res;
}

/* fdc_of(fitness, distance) -> (pearson, spearman, n): the FDC of paired
 * values (both 1-D float64 of one length), as the locality analyses give. */
PyObject *cs_py_fdc_of(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *xo, *do_;
    if (!PyArg_ParseTuple(args, "OO:fdc_of", &xo, &do_))
        return NULL;
    PyArrayObject *x = (PyArrayObject *)PyArray_FROM_OTF(xo, NPY_FLOAT64, NPY_ARRAY_IN_ARRAY);
    if (!x)
        return NULL;
    PyArrayObject *d = PyArray_NDIM(x) == 1 ? cs_py_fitness(do_, (size_t)PyArray_DIM(x, 0),
                                                            "distance")
                                            : NULL;
    if (!d) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "fitness must be a 1-D array");
        Py_DECREF(x);
        return NULL;
    }
    cs_fdc r;
    cs_error err;
    cs_status st = cs_fdc_compute(&r, PyArray_DATA(x), PyArray_DATA(d),
                                  (size_t)PyArray_DIM(x, 0), &err);
    Py_DECREF(x);
    Py_DECREF(d);
    if (st)
        return cs_py_raise(&err);
    return Py_BuildValue("(ddn)", r.pearson, r.spearman, (Py_ssize_t)r.n);
}
