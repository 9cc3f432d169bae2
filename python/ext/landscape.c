/* Landscape computations on any fitness: numpy in, numpy out, the GIL
 * released while the library computes. */
#include "native.h"

#include <cs_stats.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

PyArrayObject *cs_py_fitness(PyObject *obj, size_t n, const char *what)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF(obj, NPY_FLOAT64,
                                                         NPY_ARRAY_IN_ARRAY);
    if (!a)
        return NULL;
    if (PyArray_NDIM(a) != 1 || (size_t)PyArray_DIM(a, 0) != n) {
        PyErr_Format(PyExc_ValueError,
                     "%s must be a 1-D array of %zu values (one per class), got %d-D with "
                     "%zd values", what, n, PyArray_NDIM(a), (Py_ssize_t)PyArray_SIZE(a));
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

static PyArrayObject *space_fitness(PyObject *args, cs_py_space **space, const char *fn)
{
    PyObject *fit;
    char fmt[64];
    snprintf(fmt, sizeof fmt, "O!O:%s", fn);
    if (!PyArg_ParseTuple(args, fmt, &cs_py_space_type, space, &fit))
        return NULL;
    if (!(*space)->sp) {
        PyErr_SetString(PyExc_ValueError, "Space is not initialised");
        return NULL;
    }
    return cs_py_fitness(fit, cs_space_num_classes((*space)->sp), "fitness");
}

PyObject *cs_py_array_of(int type, npy_intp n, const void *data, size_t elsize)
{
    PyObject *a = PyArray_EMPTY(1, &n, type, 0);
    if (a && n > 0)
        memcpy(PyArray_DATA((PyArrayObject *)a), data, (size_t)n * elsize);
    return a;
}

/* optima(space, fitness) -> dict: optima (best first), strict, optimum,
 * steps, basin, degree, and the counts of cs_optima. */
PyObject *cs_py_optima_of(const cs_nbgraph *g, PyArrayObject *fit)
{
    cs_optima o;
    cs_error err;
    cs_status st;
    const double *f = PyArray_DATA(fit);
    Py_BEGIN_ALLOW_THREADS
    st = cs_optima_compute(&o, g, f, &err);
    Py_END_ALLOW_THREADS
    if (st)
        return cs_py_raise(&err);
    npy_intp n = (npy_intp)o.n;
    uint8_t *strict_of = malloc(o.noptima + 1);
    PyObject *res = NULL;
    if (!strict_of) {
        PyErr_NoMemory();
        goto out;
    }
    for (size_t k = 0; k < o.noptima; k++)
        strict_of[k] = o.strict[o.optima[k]];
    res = Py_BuildValue(
        "{s:N,s:N,s:N,s:N,s:N,s:N,s:n,s:n,s:n,s:n,s:K,s:I}", "optima",
        cs_py_array_of(NPY_INT64, (npy_intp)o.noptima, o.optima, sizeof *o.optima), "strict",
        cs_py_array_of(NPY_BOOL, (npy_intp)o.noptima, strict_of, 1), "optimum",
        cs_py_array_of(NPY_INT64, n, o.optimum, sizeof *o.optimum), "steps",
        cs_py_array_of(NPY_UINT32, n, o.steps, sizeof *o.steps), "basin",
        cs_py_array_of(NPY_UINT64, n, o.basin, sizeof *o.basin), "degree",
        cs_py_array_of(NPY_UINT32, n, o.degree, sizeof *o.degree), "with_data",
        (Py_ssize_t)o.with_data, "isolated", (Py_ssize_t)o.isolated, "nstrict",
        (Py_ssize_t)o.nstrict, "nascent", (Py_ssize_t)o.nascent, "sum_steps",
        (unsigned long long)o.sum_steps, "max_steps", (unsigned)o.max_steps);
out:
    free(strict_of);
    cs_optima_destroy(&o);
    return res;
}

/* A context whose only job is Ctrl-C: the breadth-first searches poll it
 * between levels (cs_py_interrupted takes the GIL to ask). */
static void interruptible(cs_analysis_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->monitor = cs_py_ctrl_c;
}

PyObject *cs_py_optima(PyObject *self, PyObject *args)
{
    (void)self;
    cs_py_space *space;
    PyArrayObject *fit = space_fitness(args, &space, "optima");
    if (!fit)
        return NULL;
    const cs_nbgraph *g = cs_py_space_graph(space);
    PyObject *res = g ? cs_py_optima_of(g, fit) : NULL;
    Py_DECREF(fit);
    return res;
}

/* fdc(space, fitness) -> (pearson, spearman, pairs, max_distance, best):
 * the locality analysis's FDC (edit distance to the best class). */
PyObject *cs_py_fdc(PyObject *self, PyObject *args)
{
    (void)self;
    cs_py_space *space;
    PyArrayObject *fit = space_fitness(args, &space, "fdc");
    if (!fit)
        return NULL;
    const cs_rawspace *rs = cs_py_space_raw(space);
    if (!rs) {
        Py_DECREF(fit);
        return NULL;
    }
    cs_fdc r;
    cs_error err;
    cs_status st;
    const double *f = PyArray_DATA(fit);
    Py_BEGIN_ALLOW_THREADS
    cs_analysis_ctx ctx;
    interruptible(&ctx);
    st = cs_landscape_fdc(&r, rs, f, 0, NULL, &ctx, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(fit);
    if (st)
        return cs_py_raise_or_pending(&err);
    return Py_BuildValue("(ddndL)", r.pearson, r.spearman, (Py_ssize_t)r.n, r.max_distance,
                         (long long)r.best);
}

/* rwa(space, fitness, walks, steps, seed, max_shift) -> (rwa, npairs),
 * both max_shift + 1 long (shift 0 first). */
PyObject *cs_py_rwa(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"space", "fitness", "walks", "steps", "seed", "max_shift", NULL};
    cs_py_space *space;
    PyObject *fitobj;
    int walks = CS_LOCALITY_WALKS, steps = CS_LOCALITY_STEPS, max_shift = CS_LOCALITY_MAX_SHIFT;
    unsigned long long seed = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O|iiKi:rwa", names, &cs_py_space_type, &space,
                                     &fitobj, &walks, &steps, &seed, &max_shift))
        return NULL;
    if (!space->sp)
        return PyErr_Format(PyExc_ValueError, "Space is not initialised");
    if (max_shift < 1 || max_shift > 1000000)
        return PyErr_Format(PyExc_ValueError, "max_shift must be in 1..1000000, got %d",
                            max_shift);
    PyArrayObject *fit = cs_py_fitness(fitobj, cs_space_num_classes(space->sp), "fitness");
    if (!fit)
        return NULL;
    const cs_rawspace *rs = cs_py_space_raw(space);
    npy_intp len = max_shift + 1;
    PyObject *rwa = rs ? PyArray_EMPTY(1, &len, NPY_FLOAT64, 0) : NULL;
    PyObject *npairs = rwa ? PyArray_EMPTY(1, &len, NPY_UINT64, 0) : NULL;
    if (!npairs) {
        Py_DECREF(fit);
        Py_XDECREF(rwa);
        return NULL;
    }
    cs_error err;
    cs_status st;
    const double *f = PyArray_DATA(fit);
    double *r = PyArray_DATA((PyArrayObject *)rwa);
    uint64_t *np = PyArray_DATA((PyArrayObject *)npairs);
    Py_BEGIN_ALLOW_THREADS
    st = cs_landscape_rwa(rs, f, walks, steps, (uint64_t)seed, max_shift, 0, r, np,
                          &cs_py_ctrl_c, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(fit);
    if (st) {
        Py_DECREF(rwa);
        Py_DECREF(npairs);
        return cs_py_raise_or_pending(&err);
    }
    return Py_BuildValue("(NN)", rwa, npairs);
}

/* distance_to(space, targets, valid_only=False) -> (class distance uint8
 * (255: unreached), reached, reached_valid): the peaks analysis's BFS. */
PyObject *cs_py_distance_to(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"space", "targets", "valid_only", NULL};
    cs_py_space *space;
    PyObject *tobj;
    int valid_only = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O|p:distance_to", names, &cs_py_space_type,
                                     &space, &tobj, &valid_only))
        return NULL;
    if (!space->sp)
        return PyErr_Format(PyExc_ValueError, "Space is not initialised");
    size_t n = cs_space_num_classes(space->sp);
    PyArrayObject *t = (PyArrayObject *)PyArray_FROM_OTF(tobj, NPY_NOTYPE, NPY_ARRAY_IN_ARRAY);
    if (!t)
        return NULL;
    uint8_t *src = calloc(n + 1, 1);
    if (!src) {
        Py_DECREF(t);
        return PyErr_NoMemory();
    }
    int kind = PyArray_DESCR(t)->kind;
    int ok = PyArray_NDIM(t) == 1;
    size_t ntargets = 0;
    if (ok && kind == 'b') { /* a mask over the classes */
        ok = (size_t)PyArray_DIM(t, 0) == n;
        PyArrayObject *b = ok ? (PyArrayObject *)PyArray_FROM_OTF((PyObject *)t, NPY_BOOL,
                                                                  NPY_ARRAY_IN_ARRAY)
                              : NULL;
        if (b) {
            const npy_bool *m = PyArray_DATA(b);
            for (size_t c = 0; c < n; c++)
                if (m[c]) {
                    src[c] = 1;
                    ntargets++;
                }
            Py_DECREF(b);
        } else if (ok)
            ok = -1;
    } else if (ok && (kind == 'i' || kind == 'u')) { /* class indices */
        PyArrayObject *ix = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)t, NPY_INT64,
                                                              NPY_ARRAY_IN_ARRAY);
        if (ix) {
            const npy_int64 *d = PyArray_DATA(ix);
            for (npy_intp k = 0; k < PyArray_DIM(ix, 0); k++) {
                if (d[k] < 0 || (size_t)d[k] >= n) {
                    PyErr_Format(PyExc_IndexError, "target %lld is not a class (0..%zu)",
                                 (long long)d[k], n - 1);
                    ok = -1;
                    break;
                }
                ntargets += !src[d[k]];
                src[d[k]] = 1;
            }
            Py_DECREF(ix);
        } else
            ok = -1;
    } else
        ok = 0;
    Py_DECREF(t);
    if (ok != 1) {
        free(src);
        if (ok == 0)
            PyErr_Format(PyExc_ValueError,
                         "targets must be class indices or a boolean mask of %zu values", n);
        return NULL;
    }
    if (ntargets == 0) {
        free(src);
        return PyErr_Format(PyExc_ValueError, "no target class given");
    }
    const cs_rawspace *rs = cs_py_space_raw(space);
    npy_intp nn = (npy_intp)n;
    PyObject *dist = rs ? PyArray_EMPTY(1, &nn, NPY_UINT8, 0) : NULL;
    cs_raw_bfs_result *res = malloc(sizeof *res);
    if (!dist || !res) {
        free(src);
        free(res);
        Py_XDECREF(dist);
        return rs && dist ? PyErr_NoMemory() : NULL;
    }
    cs_error err;
    cs_status st;
    uint8_t *d = PyArray_DATA((PyArrayObject *)dist);
    Py_BEGIN_ALLOW_THREADS
    cs_analysis_ctx ctx;
    interruptible(&ctx);
    st = cs_raw_bfs(rs, src, valid_only, 0, res, d, &ctx, &err);
    Py_END_ALLOW_THREADS
    free(src);
    if (st) {
        free(res);
        Py_DECREF(dist);
        return cs_py_raise_or_pending(&err);
    }
    npy_intp levels = res->max_distance + 1;
    PyObject *out = Py_BuildValue("(NNN)", dist,
                                  cs_py_array_of(NPY_UINT64, levels, res->reached, sizeof(uint64_t)),
                                  cs_py_array_of(NPY_UINT64, levels, res->reached_valid,
                                           sizeof(uint64_t)));
    free(res);
    return out;
}

/* rank_correlation(x, y, method) -> (rho, pairs) over the pairs where
 * both are numbers: "spearman" (ties averaged) or "kendall" (tau-b). */
PyObject *cs_py_rank_correlation(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *xo, *yo;
    const char *method = "spearman";
    if (!PyArg_ParseTuple(args, "OO|s:rank_correlation", &xo, &yo, &method))
        return NULL;
    int kendall = strcmp(method, "kendall") == 0;
    if (!kendall && strcmp(method, "spearman") != 0)
        return PyErr_Format(PyExc_ValueError,
                            "method must be 'spearman' or 'kendall', got '%s'", method);
    PyArrayObject *x = (PyArrayObject *)PyArray_FROM_OTF(xo, NPY_FLOAT64, NPY_ARRAY_IN_ARRAY);
    if (!x)
        return NULL;
    if (PyArray_NDIM(x) != 1) {
        Py_DECREF(x);
        return PyErr_Format(PyExc_ValueError, "x must be a 1-D array");
    }
    size_t n = (size_t)PyArray_DIM(x, 0);
    PyArrayObject *y = cs_py_fitness(yo, n, "y (as long as x)");
    if (!y) {
        Py_DECREF(x);
        return NULL;
    }
    double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        Py_DECREF(x);
        Py_DECREF(y);
        return PyErr_NoMemory();
    }
    const double *dx = PyArray_DATA(x), *dy = PyArray_DATA(y);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(dx[i]) && !isnan(dy[i])) {
            a[m] = dx[i];
            b[m++] = dy[i];
        }
    Py_DECREF(x);
    Py_DECREF(y);
    double rho = NAN;
    cs_error err;
    cs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = kendall ? cs_kendall_tau_b(a, b, m, &rho, &err) : cs_spearman(a, b, m, &rho, &err);
    Py_END_ALLOW_THREADS
    free(a);
    free(b);
    if (st)
        return cs_py_raise(&err);
    return Py_BuildValue("(dn)", rho, (Py_ssize_t)m);
}
