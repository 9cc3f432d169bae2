/* The repeat a query returns: random.randint(0, n - 1) on Python's global
 * random module, as the reference draws it.
 *
 * randint is three Python frames (randint, randrange, _randbelow) around
 * one getrandbits call, a tenth of a query's time.  When the randint passed
 * is still the random module's own bound method of its unmodified
 * random.Random instance, the same draw is made here: getrandbits(k) for
 * k = n.bit_length() until the result is below n, which is what
 * Random._randbelow_with_getrandbits does.  Module import checks that this
 * Python draws so (the same numbers as randint on seeded generators) and
 * otherwise always calls randint; so does any call with another randint, a
 * changed random.Random class or an instance given attributes of its own
 * (mock.patch and friends all take the slow, exact path). */
#include "native.h"

static struct {
    bool ok;                  /* the fast draw is this Python's randint */
    PyObject *randint;        /* random.randint at import */
    PyObject *inst;           /* its __self__ (random._inst) */
    PyTypeObject *type;       /* random.Random */
    unsigned int tag;         /* random.Random's version tag then */
    PyObject *inst_dict;      /* the instance's attributes, and their count */
    Py_ssize_t inst_dict_size;
    PyObject *getrandbits;    /* "getrandbits" */
} std; /* set at module import (under the GIL), read only after */

/* getrandbits(k) until below n: *out, or -1 with the exception set. */
static int draw_fast(PyObject *inst, long n, long *out)
{
    int k = 0;
    for (unsigned long v = (unsigned long)n; v; v >>= 1)
        k++;
    PyObject *bits = PyLong_FromLong(k);
    if (!bits)
        return -1;
    for (;;) {
        PyObject *args[2] = {inst, bits};
        PyObject *r = PyObject_VectorcallMethod(std.getrandbits, args, 2, NULL);
        long v = r ? PyLong_AsLong(r) : -1;
        Py_XDECREF(r);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(bits);
            return -1;
        }
        if (v < n) {
            Py_DECREF(bits);
            *out = v;
            return 0;
        }
    }
}

static bool fast_applies(PyObject *randint)
{
    return std.ok && randint == std.randint && Py_IS_TYPE(std.inst, std.type) &&
           (std.type->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) &&
           std.type->tp_version_tag == std.tag &&
           PyDict_GET_SIZE(std.inst_dict) == std.inst_dict_size;
}

int cs_py_draw_repeat(PyObject *randint, long n, long *out)
{
    if (n >= 1 && fast_applies(randint))
        return draw_fast(std.inst, n, out);
    PyObject *bounds[2] = {PyLong_FromLong(0), PyLong_FromLong(n - 1)};
    PyObject *r = bounds[0] && bounds[1] ? PyObject_Vectorcall(randint, bounds, 2, NULL) : NULL;
    Py_XDECREF(bounds[0]);
    Py_XDECREF(bounds[1]);
    long v = r ? PyLong_AsLong(r) : -1;
    Py_XDECREF(r);
    if (v == -1 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

/* Whether draw_fast gives randint's numbers on generators of type `type`
 * seeded alike, over bounds around powers of two: 1 yes, 0 no, -1 error. */
static int fast_matches(PyObject *type)
{
    static const long bounds[] = {1, 2, 3, 4, 5, 7, 8, 9, 100, 1000003};
    for (long seed = 0; seed < 4; seed++) {
        PyObject *a = PyObject_CallFunction(type, "l", seed);
        PyObject *b = a ? PyObject_CallFunction(type, "l", seed) : NULL;
        int same = b ? 1 : -1;
        for (size_t i = 0; same == 1 && i < sizeof bounds / sizeof *bounds; i++)
            for (int d = 0; same == 1 && d < 50; d++) {
                PyObject *r = PyObject_CallMethod(a, "randint", "ll", 0L, bounds[i] - 1);
                long want = r ? PyLong_AsLong(r) : -1, got;
                Py_XDECREF(r);
                if (PyErr_Occurred() || draw_fast(b, bounds[i], &got) < 0)
                    same = -1;
                else if (got != want)
                    same = 0;
            }
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (same != 1)
            return same;
    }
    return 1;
}

int cs_py_draw_init(void)
{
    if (std.getrandbits)
        return 0;
    if (!(std.getrandbits = PyUnicode_InternFromString("getrandbits")))
        return -1;
    PyObject *random = PyImport_ImportModule("random");
    if (!random)
        return -1;
    PyObject *randint = PyObject_GetAttrString(random, "randint");
    PyObject *type = PyObject_GetAttrString(random, "Random");
    Py_DECREF(random);
    int rc = -1;
    if (!randint || !type)
        goto out;
    rc = 0;
    if (!PyMethod_Check(randint) || !PyType_Check(type) ||
        !Py_IS_TYPE(PyMethod_GET_SELF(randint), (PyTypeObject *)type))
        goto out; /* not the layout assumed: always call randint */
    int same = fast_matches(type);
    if (same < 0) {
        PyErr_Clear(); /* the check failed to run: stay exact */
        goto out;
    }
    PyObject *inst = PyMethod_GET_SELF(randint);
    PyObject *dict = same ? PyObject_GenericGetDict(inst, NULL) : NULL;
    if (!dict || !PyDict_Check(dict)) {
        PyErr_Clear();
        Py_XDECREF(dict);
        goto out;
    }
    std.randint = Py_NewRef(randint);
    std.inst = Py_NewRef(inst);
    std.type = (PyTypeObject *)Py_NewRef(type);
    std.inst_dict = dict;
    std.inst_dict_size = PyDict_GET_SIZE(dict);
    /* a method looked up on the type gives it a valid version tag */
    PyObject *m = PyObject_GetAttrString(type, "randint");
    Py_XDECREF(m);
    PyErr_Clear();
    std.tag = std.type->tp_version_tag;
    std.ok = (std.type->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) && std.tag != 0;
out:
    Py_XDECREF(randint);
    Py_XDECREF(type);
    return rc;
}

PyObject *cs_py_draw_fast_enabled(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyBool_FromLong(std.ok);
}
