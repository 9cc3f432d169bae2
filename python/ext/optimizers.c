/* The simulated NAS optimisers (cs_optimizers.h) on data the caller brings:
 * per class a fitness per repeat (what a query returns), a cost per repeat
 * (what it charges) and a score (what the regret is measured with).  The
 * problem is NAS-Bench-101's raw encodings, as `cellscape analyze
 * optimizers` builds it, so the same data and seed give the same runs. */
#include "native.h"

#include <cs_analysis.h>
#include <cs_optimizers.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A float64 array of n x r values, r in 1..CS_STORE_REPEATS. */
static PyArrayObject *per_repeat(PyObject *obj, size_t n, const char *what)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF(obj, NPY_FLOAT64, NPY_ARRAY_IN_ARRAY);
    if (!a)
        return NULL;
    if (PyArray_NDIM(a) != 2 || (size_t)PyArray_DIM(a, 0) != n || PyArray_DIM(a, 1) < 1 ||
        PyArray_DIM(a, 1) > CS_STORE_REPEATS) {
        PyErr_Format(PyExc_ValueError,
                     "%s must be an array of %zu x 1..%d values (per class, per repeat)", what,
                     n, CS_STORE_REPEATS);
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

static PyObject *method_results(const cs_opt_results *r, int m)
{
    npy_intp dims[2] = {r->runs, r->grid_points};
    PyObject *regret = PyArray_EMPTY(2, dims, NPY_FLOAT64, 0);
    PyObject *fin = PyArray_EMPTY(1, dims, NPY_FLOAT64, 0);
    PyObject *queries = PyArray_EMPTY(1, dims, NPY_UINT64, 0);
    PyObject *inc = PyArray_EMPTY(1, dims, NPY_INT64, 0);
    PyObject *incf = PyArray_EMPTY(1, dims, NPY_FLOAT64, 0);
    PyObject *incs = PyArray_EMPTY(1, dims, NPY_FLOAT64, 0);
    PyObject *d = NULL;
    if (regret && fin && queries && inc && incf && incs) {
        memcpy(PyArray_DATA((PyArrayObject *)regret), r->regret[m],
               (size_t)r->runs * (size_t)r->grid_points * sizeof(double));
        for (int k = 0; k < r->runs; k++) {
            const cs_opt_run_result *f = &r->final[m][k];
            ((double *)PyArray_DATA((PyArrayObject *)fin))[k] = f->final_regret;
            ((npy_uint64 *)PyArray_DATA((PyArrayObject *)queries))[k] = f->queries;
            ((npy_int64 *)PyArray_DATA((PyArrayObject *)inc))[k] = f->incumbent;
            ((double *)PyArray_DATA((PyArrayObject *)incf))[k] = f->incumbent_validation;
            ((double *)PyArray_DATA((PyArrayObject *)incs))[k] = f->incumbent_test;
        }
        d = Py_BuildValue("{sOsOsOsOsOsO}", "regret", regret, "final_regret", fin, "queries",
                          queries, "incumbent", inc, "incumbent_fitness", incf,
                          "incumbent_score", incs);
    }
    Py_XDECREF(regret);
    Py_XDECREF(fin);
    Py_XDECREF(queries);
    Py_XDECREF(inc);
    Py_XDECREF(incf);
    Py_XDECREF(incs);
    return d;
}

static int parse_methods(PyObject *seq, unsigned *methods)
{
    PyObject *fast = PySequence_Fast(seq, "methods must be a sequence of names");
    if (!fast)
        return -1;
    *methods = 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        const char *name = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i));
        int m = 0;
        while (name && m < CS_OPT_NUM_METHODS && strcmp(name, cs_opt_method_name(m)) != 0)
            m++;
        if (!name || m == CS_OPT_NUM_METHODS) {
            if (name)
                PyErr_Format(PyExc_ValueError,
                             "unknown optimiser %R: random, evolution, local or reinforce",
                             PySequence_Fast_GET_ITEM(fast, i));
            Py_DECREF(fast);
            return -1;
        }
        *methods |= 1u << m;
    }
    Py_DECREF(fast);
    if (!*methods) {
        PyErr_SetString(PyExc_ValueError, "methods is empty");
        return -1;
    }
    return 0;
}

static int parse_sampler(const char *name, cs_opt_sampler *out)
{
    if (strcmp(name, "auto") == 0)
        *out = CS_OPT_SAMPLER_AUTO;
    else if (strcmp(name, "reject") == 0)
        *out = CS_OPT_SAMPLER_REJECT;
    else if (strcmp(name, "table") == 0)
        *out = CS_OPT_SAMPLER_TABLE;
    else {
        PyErr_Format(PyExc_ValueError, "sampler must be 'auto', 'reject' or 'table', got '%s'",
                     name);
        return -1;
    }
    return 0;
}

/* The library's per-repeat arrays from the caller's n x R fitness and cost:
 * a class's repeats are its leading ones with finite fitness and finite
 * positive cost; none where the score is not finite. */
static void repeats_of(const double *f, const double *c, const double *s, size_t n, int R,
                       uint8_t *nrep, double *val, double *cst)
{
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < R && isfinite(f[i * (size_t)R + (size_t)k]) &&
               isfinite(c[i * (size_t)R + (size_t)k]) && c[i * (size_t)R + (size_t)k] > 0) {
            val[i * CS_STORE_REPEATS + (size_t)k] = f[i * (size_t)R + (size_t)k];
            cst[i * CS_STORE_REPEATS + (size_t)k] = c[i * (size_t)R + (size_t)k];
            k++;
        }
        nrep[i] = isfinite(s[i]) ? (uint8_t)k : 0;
    }
}

/* {grid, methods: {name: per-method results}, best_score, ...}, or NULL. */
static PyObject *results_dict(const cs_opt_results *r)
{
    PyObject *res = NULL;
    npy_intp g = r->grid_points;
    PyObject *grid = PyArray_EMPTY(1, &g, NPY_FLOAT64, 0);
    PyObject *methods = PyDict_New();
    if (grid && methods) {
        memcpy(PyArray_DATA((PyArrayObject *)grid), r->grid, (size_t)g * sizeof(double));
        int ok = 1;
        for (int m = 0; ok && m < CS_OPT_NUM_METHODS; m++) {
            if (!r->regret[m])
                continue;
            PyObject *d = method_results(r, m);
            ok = d && PyDict_SetItemString(methods, cs_opt_method_name(m), d) == 0;
            Py_XDECREF(d);
        }
        const char *sampler_name = r->sampler == CS_OPT_SAMPLER_TABLE ? "table" : "reject";
        if (ok)
            res = Py_BuildValue("{sOsOsdsLsnsssd}", "grid", grid, "methods", methods,
                                "best_score", r->best_test, "best_class",
                                (long long)r->best_class, "classes_with_data",
                                (Py_ssize_t)r->classes_with_data, "sampler", sampler_name,
                                "seconds", r->seconds);
    }
    Py_XDECREF(grid);
    Py_XDECREF(methods);
    return res;
}

/* optimizers(space, fitness (N x R), cost (N x R), score (N,), methods,
 * runs=500, budget=1e7, seed=0, grid_points=200, grid_min=100,
 * population=100, tournament=10, mutation_rate=1.0, learning_rate=0.1,
 * momentum=0.9, sampler='auto', threads=0) -> dict.  A class can be queried
 * for its leading repeats with a finite fitness and a positive finite cost,
 * when its score is finite. */
PyObject *cs_py_optimizers(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"space", "fitness", "cost", "score", "methods", "runs", "budget",
                            "seed", "grid_points", "grid_min", "population", "tournament",
                            "mutation_rate", "learning_rate", "momentum", "sampler",
                            "threads", NULL};
    cs_py_space *space;
    PyObject *fit_obj, *cost_obj, *score_obj, *methods_obj;
    cs_opt_options o;
    cs_opt_options_init(&o);
    unsigned long long seed = 0;
    const char *sampler = "auto";
    o.threads = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!OOOO|idKididdddsi:optimizers", names,
                                     &cs_py_space_type, &space, &fit_obj, &cost_obj,
                                     &score_obj, &methods_obj, &o.runs, &o.budget, &seed,
                                     &o.grid_points, &o.grid_min, &o.population, &o.tournament,
                                     &o.mutation_rate, &o.learning_rate, &o.momentum,
                                     &sampler, &o.threads))
        return NULL;
    if (!space->sp) {
        PyErr_SetString(PyExc_ValueError, "Space is not initialised");
        return NULL;
    }
    if (parse_methods(methods_obj, &o.methods) < 0)
        return NULL;
    if (parse_sampler(sampler, &o.sampler) < 0)
        return NULL;
    size_t n = cs_space_num_classes(space->sp);
    PyArrayObject *fit = per_repeat(fit_obj, n, "fitness");
    PyArrayObject *cost = fit ? per_repeat(cost_obj, n, "cost") : NULL;
    PyArrayObject *score = cost ? cs_py_fitness(score_obj, n, "score") : NULL;
    uint8_t *nrep = NULL;
    double *val = NULL, *cst = NULL;
    PyObject *res = NULL;
    if (!score)
        goto out;
    if (PyArray_DIM(cost, 1) != PyArray_DIM(fit, 1)) {
        PyErr_SetString(PyExc_ValueError, "fitness and cost must have as many repeats");
        goto out;
    }
    int R = (int)PyArray_DIM(fit, 1);
    nrep = calloc(n ? n : 1, 1);
    val = calloc((n ? n : 1) * CS_STORE_REPEATS, sizeof *val);
    cst = calloc((n ? n : 1) * CS_STORE_REPEATS, sizeof *cst);
    if (!nrep || !val || !cst) {
        PyErr_NoMemory();
        goto out;
    }
    const double *s = PyArray_DATA(score);
    repeats_of(PyArray_DATA(fit), PyArray_DATA(cost), s, n, R, nrep, val, cst);
    cs_opt_problem p;
    cs_opt_nb101_problem(&p, space->sp);
    p.nrep = nrep;
    p.validation = val;
    p.cost = cst;
    p.mean_test = s;
    p.data_name = "python";
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.space = space->sp;
    ctx.seed = seed;
    ctx.threads = o.threads;
    ctx.data_name = "python";
    ctx.monitor.cancelled = cs_py_interrupted;
    cs_opt_results r;
    memset(&r, 0, sizeof r);
    cs_error err;
    cs_status st;
    Py_BEGIN_ALLOW_THREADS
    st = cs_opt_compute_problem(&ctx, &p, &o, &r, &err);
    Py_END_ALLOW_THREADS
    if (st) {
        cs_py_raise_or_pending(&err);
        goto out;
    }
    res = results_dict(&r);
    cs_opt_results_destroy(&r);
out:
    free(nrep);
    free(val);
    free(cst);
    Py_XDECREF(fit);
    Py_XDECREF(cost);
    Py_XDECREF(score);
    return res;
}
