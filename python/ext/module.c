/* The module cellscape._native: its functions, types and exceptions. */
#define CS_PY_IMPORT_ARRAY
#include "native.h"

static PyMethodDef native_functions[] = {
    {"prune", cs_py_prune, METH_VARARGS,
     "prune(matrix, ops) -> the vertices pruning keeps, or None if disconnected.\n"
     "ValueError with the reference ModelSpec's messages for a malformed spec."},
    {"check_spec", (PyCFunction)(void (*)(void))cs_py_check_spec, METH_VARARGS | METH_KEYWORDS,
     "check_spec(matrix, ops, max_vertices=7, max_edges=9): the reference's domain check\n"
     "of a pruned spec (matrix None: disconnected); raises OutOfDomainError."},
    {"hash_module", cs_py_hash_module, METH_VARARGS,
     "hash_module(matrix, labeling) -> the reference module hash."},
    {"optima", cs_py_optima, METH_VARARGS,
     "optima(space, fitness) -> local optima and basins under steepest ascent."},
    {"fdc", cs_py_fdc, METH_VARARGS,
     "fdc(space, fitness) -> (pearson, spearman, pairs, max_distance, best)."},
    {"rwa", (PyCFunction)(void (*)(void))cs_py_rwa, METH_VARARGS | METH_KEYWORDS,
     "rwa(space, fitness, walks=16, steps=65536, seed=0, max_shift=100) -> (rwa, npairs)."},
    {"distance_to", (PyCFunction)(void (*)(void))cs_py_distance_to,
     METH_VARARGS | METH_KEYWORDS,
     "distance_to(space, targets, valid_only=False) -> (distance, reached, reached_valid)."},
    {"rank_correlation", cs_py_rank_correlation, METH_VARARGS,
     "rank_correlation(x, y, method='spearman') -> (rho, pairs)."},
    {"optimizers", (PyCFunction)(void (*)(void))cs_py_optimizers, METH_VARARGS | METH_KEYWORDS,
     "optimizers(space, fitness, cost, score, methods, runs=500, budget=1e7, seed=0, ...)\n"
     "-> the simulated NAS optimisers' runs on the caller's data."},
    {"nb201_cells", cs_py_nb201_cells, METH_NOARGS,
     "nb201_cells() -> (archs, api_keys, ops, classes, nclasses) in API index order."},
    {"nb201_index", cs_py_nb201_index, METH_O, "nb201_index(arch) -> the API index."},
    {"nb201_neighbours", cs_py_nb201_neighbours, METH_NOARGS,
     "nb201_neighbours() -> (indptr, indices): the graph of single edits."},
    {"nb201_optima", cs_py_nb201_optima, METH_O,
     "nb201_optima(fitness) -> local optima and basins on the graph of single edits."},
    {"nb201_rwa", (PyCFunction)(void (*)(void))cs_py_nb201_rwa, METH_VARARGS | METH_KEYWORDS,
     "nb201_rwa(fitness, walks=16, steps=65536, seed=0, max_shift=100, values=None)\n"
     "-> (rwa, npairs, restarts, visited)."},
    {"fdc_of", cs_py_fdc_of, METH_VARARGS,
     "fdc_of(fitness, distance) -> (pearson, spearman, n)."},
    {"_draw_fast_enabled", cs_py_draw_fast_enabled, METH_NOARGS,
     "Whether Store.query_spec draws random.randint's repeat itself (tests)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, "cellscape._native",
    "cellscape's native layer over libcellscape (use the cellscape package).", -1,
    native_functions, NULL, NULL, NULL, NULL,
};

/* The one exported symbol: CPython finds it by name when importing. */
PyMODINIT_FUNC PyInit__native(void);

PyMODINIT_FUNC PyInit__native(void)
{
    import_array();
    if (cs_py_op_names_init() < 0 || cs_py_draw_init() < 0 || cs_py_store_keys_init() < 0 ||
        PyType_Ready(&cs_py_space_type) < 0 || PyType_Ready(&cs_py_store_type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&native_module);
    if (!m)
        return NULL;
    if (cs_py_errors_init(m) < 0 ||
        PyModule_AddObjectRef(m, "Space", (PyObject *)&cs_py_space_type) < 0 ||
        PyModule_AddObjectRef(m, "Store", (PyObject *)&cs_py_store_type) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
