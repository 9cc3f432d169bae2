/* cellscape._native.Store: a store (or a .tfrecord, imported first) and
 * the reference API's answers from it, as Python values of the reference's
 * types: module_adjacency an int8 array, op names a list of str, numbers
 * int and float. */
#include "native.h"

#include <structmember.h>

#include <cs_analysis.h>
#include <cs_fitness.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void store_dealloc(cs_py_store *s)
{
    cs_store_close(s->st);
    cs_py_memo_free(s->memo);
    Py_XDECREF(s->path);
    Py_XDECREF(s->cache_path);
    Py_XDECREF(s->cache_note);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* Store(path, cache=True, cache_dir=None): a store, or a .tfrecord through
 * the import cache (cs_store_open_cached; cache=False: a temporary import). */
static int store_init(cs_py_store *s, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path", "cache", "cache_dir", NULL};
    PyObject *path, *dir = NULL;
    int use_cache = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|pO&:Store", names, PyUnicode_FSConverter,
                                     &path, &use_cache, PyUnicode_FSConverter, &dir))
        return -1;
    if (s->st) {
        Py_DECREF(path);
        Py_XDECREF(dir);
        PyErr_SetString(PyExc_RuntimeError, "Store is already open");
        return -1;
    }
    cs_import_options opt;
    cs_import_options_init(&opt);
    opt.monitor.cancelled = cs_py_interrupted; /* Ctrl-C during a .tfrecord's import */
    cs_error err;
    cs_status st;
    cs_cache_result *res = PyMem_Calloc(1, sizeof *res);
    if (!res) {
        Py_DECREF(path);
        Py_XDECREF(dir);
        PyErr_NoMemory();
        return -1;
    }
    const char *p = PyBytes_AS_STRING(path);
    const char *d = dir ? PyBytes_AS_STRING(dir) : NULL;
    Py_BEGIN_ALLOW_THREADS
    if (use_cache)
        st = cs_store_open_cached(&s->st, p, d, &opt, res, &err);
    else
        st = cs_store_open_any(&s->st, p, &opt, &err);
    Py_END_ALLOW_THREADS
    Py_XDECREF(dir);
    if (st) {
        Py_DECREF(path);
        PyMem_Free(res);
        cs_py_raise_or_pending(&err);
        return -1;
    }
    s->path = path;
    Py_XSETREF(s->cache_path, res->path[0] ? PyUnicode_DecodeFSDefault(res->path)
                                           : Py_NewRef(Py_None));
    Py_XSETREF(s->cache_note, res->outcome == CS_CACHE_UNUSABLE
                                  ? PyUnicode_FromString(res->cache_error.msg)
                                  : Py_NewRef(Py_None));
    PyMem_Free(res);
    if (!s->cache_path || !s->cache_note)
        return -1;
    return 0;
}

static int store_ready(cs_py_store *s)
{
    if (s->st)
        return 0;
    PyErr_SetString(PyExc_ValueError, "the store is closed");
    return -1;
}

static PyObject *store_close(cs_py_store *s, PyObject *noargs)
{
    (void)noargs;
    cs_store_close(s->st);
    s->st = NULL;
    cs_py_memo_free(s->memo);
    s->memo = NULL;
    Py_RETURN_NONE;
}

static Py_ssize_t store_len(cs_py_store *s)
{
    return store_ready(s) < 0 ? -1 : (Py_ssize_t)cs_store_num_cells(s->st);
}

static PyObject *store_synthetic(cs_py_store *s, void *closure)
{
    (void)closure;
    if (store_ready(s) < 0)
        return NULL;
    return PyBool_FromLong(cs_store_synthetic(s->st));
}

static PyObject *store_budgets(cs_py_store *s, void *closure)
{
    (void)closure;
    if (store_ready(s) < 0)
        return NULL;
    int n = cs_store_num_budgets(s->st);
    PyObject *t = PyTuple_New(n);
    if (!t)
        return NULL;
    for (int b = 0; b < n; b++)
        PyTuple_SET_ITEM(t, b, PyLong_FromLong(cs_store_budget(s->st, b)));
    return t;
}

static PyObject *store_official_name(cs_py_store *s, void *closure)
{
    (void)closure;
    if (store_ready(s) < 0)
        return NULL;
    const char *name = cs_store_official_name(s->st);
    if (!name)
        Py_RETURN_NONE;
    return PyUnicode_FromString(name);
}

static int entry_index(cs_py_store *s, PyObject *arg, size_t *out)
{
    if (store_ready(s) < 0)
        return -1;
    Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred())
        return -1;
    if (i < 0 || (size_t)i >= cs_store_num_cells(s->st)) {
        PyErr_Format(PyExc_IndexError, "entry %zd is not in the store (it has %zu)", i,
                     cs_store_num_cells(s->st));
        return -1;
    }
    *out = (size_t)i;
    return 0;
}

static PyObject *store_find_hash(cs_py_store *s, PyObject *arg)
{
    if (store_ready(s) < 0)
        return NULL;
    Py_ssize_t len;
    const char *hex = PyUnicode_Check(arg) ? PyUnicode_AsUTF8AndSize(arg, &len) : NULL;
    if (!hex) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "a module hash is a str, not %.80s",
                         Py_TYPE(arg)->tp_name);
        return NULL;
    }
    unsigned char raw[16];
    if (!cs_hash_from_hex(hex, (size_t)len, raw))
        return PyLong_FromLong(-1);
    return PyLong_FromLongLong(cs_store_find_hash(s->st, raw));
}

static PyObject *store_hash(cs_py_store *s, PyObject *arg)
{
    size_t i;
    if (entry_index(s, arg, &i) < 0)
        return NULL;
    char hex[33];
    cs_hash_to_hex(cs_store_entry_at(s->st, i)->hash, hex);
    return PyUnicode_FromStringAndSize(hex, 32);
}

/* hashes(source_order=False) -> every module hash, in store order, or in
 * the order of the source's first records (the reference API's dict order;
 * store order for a store that does not know it). */
static PyObject *store_hashes(cs_py_store *s, PyObject *args, PyObject *kw)
{
    static char *names[] = {"source_order", NULL};
    int source_order = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:hashes", names, &source_order))
        return NULL;
    if (store_ready(s) < 0)
        return NULL;
    size_t n = cs_store_num_cells(s->st);
    size_t *order = NULL;
    if (source_order) {
        order = PyMem_Malloc((n ? n : 1) * sizeof *order);
        if (!order)
            return PyErr_NoMemory();
        cs_store_source_order(s->st, order);
    }
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t r = 0; list && r < n; r++) {
        char hex[33];
        cs_hash_to_hex(cs_store_entry_at(s->st, order ? order[r] : r)->hash, hex);
        PyObject *h = PyUnicode_FromStringAndSize(hex, 32);
        if (!h)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)r, h);
    }
    PyMem_Free(order);
    return list;
}

/* The dicts' keys, made once (interned, their hashes cached), and dicts
 * holding the keys of a run, of the fixed statistics and of a query (values
 * None): copying one and setting its values never resizes it, which
 * building a dict key by key does.  Building dicts is most of what a query
 * costs.  Set at module import, never changed after. */
enum {
    K_ADJ, K_OPS, K_PARAMS, K_TIME, K_TRAIN, K_VALID, K_TEST,
    K_RUN0 /* the 8 run keys, in cs_run's order */, K_COUNT = K_RUN0 + 8
};
static PyObject *keys[K_COUNT];
static PyObject *run_template, *fixed_template, *query_template;

static PyObject *template_of(int first, int count)
{
    PyObject *d = PyDict_New();
    for (int k = first; d && k < first + count; k++)
        if (PyDict_SetItem(d, keys[k], Py_None) < 0)
            Py_CLEAR(d);
    return d;
}

int cs_py_store_keys_init(void)
{
    static const char *const names[K_COUNT] = {
        "module_adjacency", "module_operations", "trainable_parameters", "training_time",
        "train_accuracy", "validation_accuracy", "test_accuracy",
        "halfway_training_time", "halfway_train_accuracy", "halfway_validation_accuracy",
        "halfway_test_accuracy", "final_training_time", "final_train_accuracy",
        "final_validation_accuracy", "final_test_accuracy"};
    for (int k = 0; k < K_COUNT; k++)
        if (!keys[k] && !(keys[k] = PyUnicode_InternFromString(names[k])))
            return -1;
    if ((!run_template && !(run_template = template_of(K_RUN0, 8))) ||
        (!fixed_template && !(fixed_template = template_of(K_ADJ, 3))) ||
        (!query_template && !(query_template = template_of(K_ADJ, K_RUN0))))
        return -1;
    return 0;
}

/* d[keys[k]] = v, taking v's reference; -1 (d's owner cleans up). */
static int set_new(PyObject *d, int k, PyObject *v)
{
    if (!v)
        return -1;
    int rc = PyDict_SetItem(d, keys[k], v);
    Py_DECREF(v);
    return rc;
}

static int set_fixed(PyObject *d, const cs_store_entry *e)
{
    cs_cell c;
    cs_key_cell(&e->cell, &c);
    if (set_new(d, K_ADJ, cs_py_cell_matrix(&c)) < 0 ||
        set_new(d, K_OPS, cs_py_cell_ops(&c)) < 0 ||
        set_new(d, K_PARAMS, PyLong_FromLong(e->trainable_parameters)) < 0)
        return -1;
    return 0;
}

/* The fixed statistics of entry i, as the reference's dict. */
static PyObject *fixed_of(cs_py_store *s, size_t i)
{
    PyObject *d = PyDict_Copy(fixed_template);
    if (d && set_fixed(d, cs_store_entry_at(s->st, i)) < 0)
        Py_CLEAR(d);
    return d;
}

static PyObject *store_fixed(cs_py_store *s, PyObject *arg)
{
    size_t i;
    return entry_index(s, arg, &i) < 0 ? NULL : fixed_of(s, i);
}

static PyObject *run_dict(const cs_run *x)
{
    const double v[8] = {x->halfway_training_time,       x->halfway_train_accuracy,
                         x->halfway_validation_accuracy, x->halfway_test_accuracy,
                         x->final_training_time,         x->final_train_accuracy,
                         x->final_validation_accuracy,   x->final_test_accuracy};
    PyObject *d = PyDict_Copy(run_template);
    for (int k = 0; d && k < 8; k++)
        if (set_new(d, K_RUN0 + k, PyFloat_FromDouble(v[k])) < 0)
            Py_CLEAR(d);
    return d;
}

/* The computed statistics of entry i: {epochs: [run dict per repeat]}. */
static PyObject *computed_of(cs_py_store *s, size_t i)
{
    const cs_store_entry *e = cs_store_entry_at(s->st, i);
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    for (int b = 0; b < cs_store_num_budgets(s->st); b++) {
        const cs_run *runs = cs_store_runs(s->st, i, b);
        PyObject *list = PyList_New(e->repeats[b]);
        PyObject *key = PyLong_FromLong(cs_store_budget(s->st, b));
        int bad = !list || !key;
        for (int k = 0; !bad && k < e->repeats[b]; k++) {
            PyObject *r = run_dict(&runs[k]);
            if (!r)
                bad = 1;
            else
                PyList_SET_ITEM(list, k, r);
        }
        if (bad || PyDict_SetItem(d, key, list) < 0) {
            Py_XDECREF(list);
            Py_XDECREF(key);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(list);
        Py_DECREF(key);
    }
    return d;
}

static PyObject *store_computed(cs_py_store *s, PyObject *arg)
{
    size_t i;
    return entry_index(s, arg, &i) < 0 ? NULL : computed_of(s, i);
}

/* Ask for an entry's cache lines (its fixed part, and its runs at budget b,
 * or at every budget for b < 0) before the Python work that precedes their
 * use: a look-up over a full-size store misses the cache on the entry, and
 * the wait then overlaps that work. */
static void prefetch_entry(const cs_store *st, size_t i, int b)
{
    const char *p = (const char *)cs_store_entry_at(st, i);
    __builtin_prefetch(p);
    const char *r = (const char *)cs_store_runs(st, i, b < 0 ? 0 : b);
    size_t bytes = (b < 0 ? (size_t)cs_store_num_budgets(st) : 1) * CS_STORE_REPEATS *
                   sizeof(cs_run);
    for (size_t off = 0; off < bytes; off += 64)
        __builtin_prefetch(r + off);
}

/* metrics(module_hash) -> (fixed, computed) of the cell with that hash, as
 * get_metrics_from_hash answers; KeyError(module_hash) when absent. */
static PyObject *store_metrics(cs_py_store *s, PyObject *arg)
{
    if (store_ready(s) < 0)
        return NULL;
    Py_ssize_t len = 0;
    const char *hex = PyUnicode_Check(arg) ? PyUnicode_AsUTF8AndSize(arg, &len) : NULL;
    if (!hex && PyErr_Occurred())
        return NULL;
    unsigned char raw[16];
    int64_t i = hex && cs_hash_from_hex(hex, (size_t)len, raw) ? cs_store_find_hash(s->st, raw)
                                                                 : -1;
    if (i < 0) {
        PyErr_SetObject(PyExc_KeyError, arg);
        return NULL;
    }
    prefetch_entry(s->st, (size_t)i, -1);
    PyObject *fixed = fixed_of(s, (size_t)i);
    PyObject *computed = fixed ? computed_of(s, (size_t)i) : NULL;
    if (!computed) {
        Py_XDECREF(fixed);
        return NULL;
    }
    return Py_BuildValue("(NN)", fixed, computed);
}

/* The reference query()'s dict for repeat `repeat` of entry i, and the
 * epochs it charges: (dict, epochs). */
static PyObject *query_answer(cs_py_store *s, size_t i, int epochs, int repeat, int halfway)
{
    cs_query_result r;
    r.index = (int64_t)i;
    cs_budget_counter counter = {0, 0};
    cs_hash_to_hex(cs_store_entry_at(s->st, i)->hash, r.hash); /* for its messages */
    cs_error err;
    if (cs_store_query(s->st, &r, epochs, halfway, CS_REPEAT_ONE, repeat, &counter, &err))
        return cs_py_raise(&err);
    PyObject *d = PyDict_Copy(query_template);
    if (!d || set_fixed(d, cs_store_entry_at(s->st, i)) < 0 ||
        set_new(d, K_TIME, PyFloat_FromDouble(r.training_time)) < 0 ||
        set_new(d, K_TRAIN, PyFloat_FromDouble(r.train_accuracy)) < 0 ||
        set_new(d, K_VALID, PyFloat_FromDouble(r.validation_accuracy)) < 0 ||
        set_new(d, K_TEST, PyFloat_FromDouble(r.test_accuracy)) < 0) {
        Py_XDECREF(d);
        return NULL;
    }
    return Py_BuildValue("(Nl)", d, (long)counter.total_epochs);
}

/* query(entry, epochs, repeat, stop_halfway) -> (data, epochs charged). */
static PyObject *store_query(cs_py_store *s, PyObject *args)
{
    PyObject *idx;
    int epochs, repeat, halfway;
    size_t i;
    if (!PyArg_ParseTuple(args, "Oiip:query", &idx, &epochs, &repeat, &halfway) ||
        entry_index(s, idx, &i) < 0)
        return NULL;
    return query_answer(s, i, epochs, repeat, halfway);
}

/* An int argument; a float with an integral value too (the reference takes
 * epochs=108.0: its dict keys compare equal). */
static int int_arg(PyObject *o, const char *what, int *out)
{
    if (PyFloat_Check(o)) {
        double d = PyFloat_AS_DOUBLE(o);
        if (!(d >= INT_MIN && d <= INT_MAX) || d != (double)(int)d) {
            PyErr_Format(PyExc_ValueError, "%s %R is not an integer", what, o);
            return -1;
        }
        *out = (int)d;
        return 0;
    }
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT_MIN || v > INT_MAX) {
        PyErr_Format(PyExc_OverflowError, "%s %ld is out of range", what, v);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* query_spec(matrix, ops, epochs, stop_halfway, max_vertices, max_edges,
 * randint, num_repeats) -> (data, epochs charged): the whole of the
 * reference's query() after its epochs check, in one call: the domain check
 * and look-up of a pruned spec (lookup's), then the repeat drawn by
 * randint(0, num_repeats - 1) (Python's random.randint, passed in so that
 * the draw is the caller's; draw.c), then that repeat's answer. */
static PyObject *store_query_spec(cs_py_store *s, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_Format(PyExc_TypeError, "query_spec() takes 8 arguments (%zd given)", nargs);
        return NULL;
    }
    int epochs, halfway, num_repeats;
    cs_limits lim = CS_NB101_LIMITS;
    if (int_arg(args[2], "epochs", &epochs) < 0 || (halfway = PyObject_IsTrue(args[3])) < 0 ||
        int_arg(args[4], "max_vertices", &lim.max_vertices) < 0 ||
        int_arg(args[5], "max_edges", &lim.max_edges) < 0 ||
        int_arg(args[7], "num_repeats", &num_repeats) < 0)
        return NULL;
    int64_t i = cs_py_store_entry_of(s, args[0], args[1], &lim);
    if (i < 0)
        return NULL;
    int b = cs_store_budget_index(s->st, epochs);
    if (b >= 0)
        prefetch_entry(s->st, (size_t)i, b);
    long repeat;
    if (cs_py_draw_repeat(args[6], num_repeats, &repeat) < 0)
        return NULL;
    if (repeat < INT_MIN || repeat > INT_MAX)
        return PyErr_Format(PyExc_IndexError, "repeat %ld is out of range", repeat);
    return query_answer(s, (size_t)i, epochs, (int)repeat, halfway);
}

/* metric(space, name, epochs, repeat) -> float64 array aligned with the
 * space's classes (repeat -1: the mean over repeats), NaN where absent. */
static PyObject *store_metric(cs_py_store *s, PyObject *args)
{
    cs_py_space *space;
    const char *name;
    int epochs, repeat;
    if (!PyArg_ParseTuple(args, "O!sii:metric", &cs_py_space_type, &space, &name, &epochs,
                          &repeat) ||
        store_ready(s) < 0)
        return NULL;
    if (!space->sp)
        return PyErr_Format(PyExc_ValueError, "Space is not initialised");
    bool params = strcmp(name, "params") == 0 || strcmp(name, "trainable_parameters") == 0;
    cs_metric_spec m;
    cs_error err;
    if (!params && cs_metric_parse(name, &m, &err))
        return cs_py_raise(&err);
    npy_intp n = (npy_intp)cs_space_num_classes(space->sp);
    PyObject *a = PyArray_EMPTY(1, &n, NPY_FLOAT64, 0);
    if (!a)
        return NULL;
    double *out = PyArray_DATA((PyArrayObject *)a);
    cs_status st;
    Py_BEGIN_ALLOW_THREADS
    cs_analysis_ctx ctx;
    st = cs_analysis_ctx_init(&ctx, space->sp, s->st, &err);
    if (st == CS_OK) {
        st = params ? cs_analysis_params(&ctx, out, NULL, &err)
                    : cs_analysis_fitness(&ctx, &m, epochs, repeat, out, NULL, NULL, &err);
        cs_analysis_ctx_destroy(&ctx);
    }
    Py_END_ALLOW_THREADS
    if (st) {
        Py_DECREF(a);
        return cs_py_raise(&err);
    }
    return a;
}

static PyMethodDef store_methods[] = {
    {"metrics", (PyCFunction)store_metrics, METH_O,
     "metrics(module_hash) -> (fixed, computed); KeyError when the store lacks it."},
    {"lookup", (PyCFunction)cs_py_store_lookup, METH_VARARGS,
     "lookup(matrix, ops, max_vertices, max_edges) -> entry: the reference's _check_spec\n"
     "(OutOfDomainError) and look-up (KeyError with the module hash), memoised."},
    {"find_hash", (PyCFunction)store_find_hash, METH_O, "find_hash(hex) -> entry or -1."},
    {"hash", (PyCFunction)store_hash, METH_O, "hash(entry) -> module hash."},
    {"hashes", (PyCFunction)(void (*)(void))store_hashes, METH_VARARGS | METH_KEYWORDS,
     "hashes(source_order=False): every module hash, in store order or in the order of the source's first records."},
    {"fixed", (PyCFunction)store_fixed, METH_O, "fixed(entry) -> fixed statistics."},
    {"computed", (PyCFunction)store_computed, METH_O,
     "computed(entry) -> {epochs: [statistics per repeat]}."},
    {"query", (PyCFunction)store_query, METH_VARARGS,
     "query(entry, epochs, repeat, stop_halfway) -> (data, epochs charged)."},
    {"query_spec", (PyCFunction)(void (*)(void))store_query_spec, METH_FASTCALL,
     "query_spec(matrix, ops, epochs, stop_halfway, max_vertices, max_edges, randint,\n"
     "num_repeats) -> (data, epochs charged): lookup(), a repeat drawn by\n"
     "randint(0, num_repeats - 1), then query()."},
    {"metric", (PyCFunction)store_metric, METH_VARARGS,
     "metric(space, name, epochs, repeat) -> float64 array over the space's classes."},
    {"close", (PyCFunction)store_close, METH_NOARGS, "Close the store."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef store_getset[] = {
    {"synthetic", (getter)store_synthetic, NULL, "True for made-up (synthetic) data.", NULL},
    {"budgets", (getter)store_budgets, NULL, "The epoch budgets, ascending.", NULL},
    {"official_name", (getter)store_official_name, NULL,
     "The official file the store was made from, or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef store_members[] = {
    {"path", T_OBJECT, offsetof(cs_py_store, path), READONLY, "The file opened (bytes)."},
    {"cache_path", T_OBJECT, offsetof(cs_py_store, cache_path), READONLY,
     "The cached import of a .tfrecord in use (str), or None."},
    {"cache_note", T_OBJECT, offsetof(cs_py_store, cache_note), READONLY,
     "Why a .tfrecord could not be cached (str), or None."},
    {NULL, 0, 0, 0, NULL},
};

static PySequenceMethods store_as_sequence = {.sq_length = (lenfunc)store_len};

PyTypeObject cs_py_store_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "cellscape._native.Store",
    .tp_basicsize = sizeof(cs_py_store),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Store(path): a cellscape store or a NAS-Bench-101 .tfrecord.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)store_init,
    .tp_dealloc = (destructor)store_dealloc,
    .tp_methods = store_methods,
    .tp_getset = store_getset,
    .tp_members = store_members,
    .tp_as_sequence = &store_as_sequence,
};
