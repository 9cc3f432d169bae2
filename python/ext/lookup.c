/* Store.lookup: the reference's _check_spec and hash look-up of a pruned
 * spec, with a memo from the exact input to the entry.  Clients query the
 * same cells again and again (the official example walks every cell, search
 * loops revisit), and the canonical form behind a look-up costs more than
 * the rest of a query together: a repeated input skips it.  The memo only
 * ever holds inputs that were found, so every error is raised by the full
 * path, with its message; it belongs to one Store and lives under the GIL. */
#include "native.h"

#include <stdlib.h>
#include <string.h>

/* Past this many entries the memo starts again: it bounds memory for
 * clients that query millions of distinct encodings of the same cells. */
#define CS_PY_MEMO_MAX ((size_t)1 << 20)
/* Inputs of up to 8 vertices are keyed (8 x 8 adjacency bits, 3 bits per
 * op); larger ones (outside NAS-Bench-101 anyway) take the full path. */
#define MEMO_MAXV 8

typedef struct memo_slot {
    uint64_t adj;   /* bit i*8+j: edge i -> j */
    uint32_t ops;   /* 3 bits per vertex: op + 3 (input 2, output 1) */
    uint8_t n;      /* 0: empty */
    uint8_t pad[3];
    int64_t entry;
} memo_slot;

struct cs_py_memo {
    memo_slot *slots;
    size_t cap, used;  /* cap: a power of two */
    int max_vertices, max_edges;
};

void cs_py_memo_free(cs_py_memo *m)
{
    if (m) {
        free(m->slots);
        free(m);
    }
}

static uint64_t memo_hash(uint64_t adj, uint32_t ops, uint8_t n)
{
    uint64_t h = adj ^ ((uint64_t)ops << 13) ^ ((uint64_t)n << 58);
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

static memo_slot *memo_find(cs_py_memo *m, uint64_t adj, uint32_t ops, uint8_t n)
{
    size_t mask = m->cap - 1;
    for (size_t s = memo_hash(adj, ops, n) & mask;; s = (s + 1) & mask) {
        memo_slot *x = &m->slots[s];
        if (!x->n || (x->n == n && x->adj == adj && x->ops == ops))
            return x;
    }
}

static void memo_put(cs_py_memo *m, uint64_t adj, uint32_t ops, uint8_t n, int64_t entry)
{
    if (2 * (m->used + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        if (m->used >= CS_PY_MEMO_MAX) {
            cap = m->cap; /* start again at the same size */
            memset(m->slots, 0, cap * sizeof *m->slots);
            m->used = 0;
        } else {
            memo_slot *slots = calloc(cap, sizeof *slots);
            if (!slots)
                return; /* a memo is only a memo */
            memo_slot *old = m->slots;
            size_t oldcap = m->cap;
            m->slots = slots;
            m->cap = cap;
            for (size_t i = 0; i < oldcap; i++)
                if (old[i].n)
                    *memo_find(m, old[i].adj, old[i].ops, old[i].n) = old[i];
            free(old);
        }
    }
    memo_slot *x = memo_find(m, adj, ops, n);
    if (!x->n) {
        *x = (memo_slot){.adj = adj, .ops = ops, .n = n, .entry = entry};
        m->used++;
    }
}

/* The memo key of an input: a 2-D integer or boolean numpy array of at most
 * MEMO_MAXV vertices holding only 0 and 1, and a list or tuple of as
 * many str naming known ops.  Anything else takes the full path. */
static bool memo_key(PyObject *matrix, PyObject *ops, uint64_t *adj, uint32_t *opbits,
                     uint8_t *n)
{
    if (!PyArray_Check(matrix) || !(PyList_CheckExact(ops) || PyTuple_CheckExact(ops)))
        return false;
    PyArrayObject *a = (PyArrayObject *)matrix;
    if (PyArray_NDIM(a) != 2 || PyArray_DIM(a, 0) != PyArray_DIM(a, 1) ||
        PyArray_DIM(a, 0) < 1 || PyArray_DIM(a, 0) > MEMO_MAXV ||
        PySequence_Fast_GET_SIZE(ops) != PyArray_DIM(a, 0))
        return false;
    int kind = PyArray_DESCR(a)->kind, size = (int)PyArray_ITEMSIZE(a);
    if (kind != 'i' && kind != 'u' && kind != 'b')
        return false;
    int nv = (int)PyArray_DIM(a, 0);
    uint64_t bits = 0;
    for (int i = 0; i < nv; i++)
        for (int j = 0; j < nv; j++) {
            const char *p = PyArray_GETPTR2(a, i, j);
            int64_t v;
            switch (size) {
            case 1: v = kind == 'i' ? (int64_t)*(const int8_t *)p : (int64_t)*(const uint8_t *)p; break;
            case 2: v = kind == 'i' ? (int64_t)*(const int16_t *)p : (int64_t)*(const uint16_t *)p; break;
            case 4: v = kind == 'i' ? (int64_t)*(const int32_t *)p : (int64_t)*(const uint32_t *)p; break;
            case 8: v = *(const int64_t *)p; break;
            default: return false;
            }
            if (v != 0 && v != 1)
                return false;
            if (v)
                bits |= UINT64_C(1) << (i * MEMO_MAXV + j);
        }
    PyObject **items = PySequence_Fast_ITEMS(ops);
    uint32_t codes = 0;
    for (int i = 0; i < nv; i++) {
        int code = PyUnicode_CheckExact(items[i]) ? cs_py_op_of(items[i]) : CS_OP_UNKNOWN;
        if (code == CS_OP_UNKNOWN)
            return false;
        codes |= (uint32_t)(code + 3) << (3 * i);
    }
    *adj = bits;
    *opbits = codes;
    *n = (uint8_t)nv;
    return true;
}

int64_t cs_py_store_entry_of(cs_py_store *s, PyObject *matrix, PyObject *ops,
                             const cs_limits *lim)
{
    if (!s->st) {
        PyErr_SetString(PyExc_ValueError, "the store is closed");
        return -1;
    }
    uint64_t adj = 0;
    uint32_t opbits = 0;
    uint8_t n = 0;
    bool keyed = memo_key(matrix, ops, &adj, &opbits, &n);
    cs_py_memo *m = s->memo;
    if (keyed && m && m->cap && m->max_vertices == lim->max_vertices &&
        m->max_edges == lim->max_edges) {
        memo_slot *x = memo_find(m, adj, opbits, n);
        if (x->n)
            return x->entry;
    }
    cs_query_result r;
    memset(&r.spec, 0, sizeof r.spec);
    if (matrix != Py_None && cs_py_spec_from(matrix, ops, &r.spec) < 0)
        return -1;
    cs_error err;
    if (cs_spec_check(&r.spec, lim, &err) || cs_store_lookup_spec(s->st, &r.spec, &r, &err)) {
        cs_py_raise(&err);
        return -1;
    }
    if (r.index < 0) {
        PyObject *h = PyUnicode_FromStringAndSize(r.hash, 32);
        if (h) {
            PyErr_SetObject(PyExc_KeyError, h);
            Py_DECREF(h);
        }
        return -1;
    }
    if (keyed) {
        if (!m && !(m = s->memo = calloc(1, sizeof *m)))
            return r.index;
        if (m->max_vertices != lim->max_vertices || m->max_edges != lim->max_edges) {
            if (m->cap)
                memset(m->slots, 0, m->cap * sizeof *m->slots);
            m->used = 0;
            m->max_vertices = lim->max_vertices;
            m->max_edges = lim->max_edges;
        }
        memo_put(m, adj, opbits, n, r.index);
    }
    return r.index;
}

/* lookup(matrix, ops, max_vertices, max_edges) -> entry. */
PyObject *cs_py_store_lookup(cs_py_store *s, PyObject *args)
{
    PyObject *matrix, *ops;
    cs_limits lim = CS_NB101_LIMITS;
    if (!PyArg_ParseTuple(args, "OOii:lookup", &matrix, &ops, &lim.max_vertices,
                          &lim.max_edges))
        return NULL;
    int64_t i = cs_py_store_entry_of(s, matrix, ops, &lim);
    return i < 0 ? NULL : PyLong_FromLongLong(i);
}
