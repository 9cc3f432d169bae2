"""cellscape from Python: the NAS-Bench-101 space, its data and its landscape.

    import cellscape
    space = cellscape.Space()                 # 423,624 classes, `cellscape enum` order
    store = cellscape.Store("nasbench_only108.tfrecord")
    fitness = store.metric("validation_accuracy", epochs=108)   # aligned with space
    optima = cellscape.landscape.local_optima(space, fitness)

Every computation is libcellscape's; arrays are numpy.  Any fitness of the
right length works (a predictor's score, accuracy minus a cost): NaN marks a
class without a value.
"""
import functools

import numpy as np

from cellscape import _native
from cellscape._native import Error, OutOfDomainError

__all__ = ["Space", "Store", "Error", "OutOfDomainError", "landscape", "nb201", "default_space"]


class Space(_native.Space):
    """The classes of a NAS-Bench-101-style space, in `cellscape enum` order.

    Arrays over the class index: hashes (module hashes, str), matrices
    (N x V x V int8), ops (N x V int8: -1 input, -2 output, 0..num_ops-1 the
    operations, -3 past the cell's vertices), vertices, edges, params (exact
    trainable parameters).  index(matrix, ops) gives any spec's class after
    pruning; cell(i) a class's representative; neighbours() the neighbour
    graph of `cellscape analyze neighbours` as CSR arrays.
    """

    def __init__(self, max_vertices=7, max_edges=9, num_ops=3):
        super().__init__(max_vertices, max_edges, num_ops)

    @functools.cached_property
    def hashes(self):
        return _readonly(self._hashes())

    @functools.cached_property
    def _cell_arrays(self):
        return tuple(_readonly(a) for a in self._cells())

    @property
    def matrices(self):
        return self._cell_arrays[0]

    @property
    def ops(self):
        return self._cell_arrays[1]

    @property
    def vertices(self):
        return self._cell_arrays[2]

    @property
    def edges(self):
        return self._cell_arrays[3]

    @functools.cached_property
    def params(self):
        return _readonly(self._params())

    @functools.cached_property
    def _csr(self):
        return tuple(_readonly(a) for a in self._neighbours())

    def neighbours(self):
        """(indptr, indices): class i's neighbours are indices[indptr[i]:indptr[i+1]]."""
        return self._csr

    def __repr__(self):
        v, e, o = self.limits
        return "cellscape.Space(max_vertices=%d, max_edges=%d, num_ops=%d): %d classes" % (
            v, e, o, len(self))


def _readonly(a):
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=None)
def default_space():
    """The NAS-Bench-101 space (7 vertices, 9 edges, 3 ops), built once."""
    return Space()


class Store(_native.Store):
    """A cellscape store, or an official NAS-Bench-101 .tfrecord (imported first).

    Store(path, cache=True, cache_dir=None): a .tfrecord's import is kept in
    cache_dir (default $CELLSCAPE_CACHE, else $XDG_CACHE_HOME/cellscape, else
    ~/.cache/cellscape) and reused while the file is unchanged; cache_path
    names it, cache_note says why a cache could not be written.

    synthetic: True for made-up data (cellscape synth); budgets: the epoch
    budgets it holds; metric(...) a metric as a float64 array over a space's
    classes.
    """

    def metric(self, name, epochs=108, reduce="mean", space=None):
        """A metric over the classes of space (default: default_space()).

        name: validation_accuracy, test_accuracy, train_accuracy,
        training_time (final, or halfway_*), or trainable_parameters.
        reduce: 'mean' over the repeats, 'none' (an N x 3 array, one column
        per repeat) or a repeat index.  NaN where the store has no value.
        """
        space = default_space() if space is None else space
        if isinstance(reduce, str):
            if reduce == "mean":
                return self._native_metric(space, name, epochs, -1)
            if reduce == "none":
                return np.stack([self._native_metric(space, name, epochs, r)
                                 for r in range(3)], axis=1)
            raise ValueError("reduce must be 'mean', 'none' or a repeat index, got %r"
                             % (reduce,))
        return self._native_metric(space, name, epochs, int(reduce))

    def _native_metric(self, space, name, epochs, repeat):
        return _native.Store.metric(self, space, name, epochs, repeat)


from cellscape import landscape, nb201  # noqa: E402  (need Space above)
