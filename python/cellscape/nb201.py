"""NAS-Bench-201 (Dong and Yang, ICLR 2020): its 15,625 cells in the
official API's index order, and the landscape computations of
`cellscape analyze --space nb201` on any fitness of 15,625 values (NaN: no
value).  The same fitness and seed give the same numbers as the CLI.

    from cellscape import nb201
    archs = nb201.archs()                    # arch strings, API index order
    indptr, indices = nb201.neighbours()     # cells one edit apart
    optima = nb201.local_optima(fitness)
"""
import collections
import functools

import numpy as np

from cellscape import _native
from cellscape import _readonly
from cellscape.landscape import Basins

__all__ = ["CELLS", "archs", "api_keys", "ops", "classes", "index", "neighbours",
           "local_optima", "basins", "fdc", "rwa", "OPS"]

CELLS = 15625
# The operations, in the API's order (ops() holds their indices).
OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")

_Cells = collections.namedtuple("_Cells", "archs api_keys ops classes nclasses")


@functools.lru_cache(maxsize=None)
def _cells():
    archs, keys, ops, classes, n = _native.nb201_cells()
    return _Cells(tuple(archs), tuple(keys), _readonly(ops), _readonly(classes), n)


def archs():
    """The 15,625 arch strings ("|nor_conv_3x3~0|+|...|"), API index order."""
    return _cells().archs


def api_keys():
    """Per cell the API's unique key (to_unique_str): 6,466 distinct."""
    return _cells().api_keys


def ops():
    """15,625 x 6 uint8: each edge's op (an index into OPS), edge order of
    the arch string."""
    return _cells().ops


def classes():
    """(class per cell, number of classes): cells in one class compute the
    same network (isomorphic computation graphs), numbered in index order."""
    c = _cells()
    return c.classes, c.nclasses


def index(arch):
    """The API index of an arch string (ValueError naming the byte at fault)."""
    return _native.nb201_index(arch)


@functools.lru_cache(maxsize=None)
def _neighbours():
    return tuple(_readonly(a) for a in _native.nb201_neighbours())


def neighbours():
    """(indptr, indices): the cells one edit (one edge's op) apart, CSR."""
    return _neighbours()


def local_optima(fitness, strict=False):
    """Indices of the local optima on the edit graph, best first (strict:
    every neighbour with a value is worse), as analyze optima."""
    r = _native.nb201_optima(fitness)
    return r["optima"][r["strict"]] if strict else r["optima"]


def basins(fitness):
    """Basins under steepest ascent on the edit graph: Basins(optima, size,
    attractor, steps), as cellscape.landscape.basins."""
    r = _native.nb201_optima(fitness)
    return Basins(r["optima"], r["basin"][r["optima"]].astype(np.int64), r["optimum"],
                  r["steps"])


def fdc(fitness):
    """(pearson, spearman): fitness against the edit distance to the best
    cell (the first in index order with the largest value), over the cells
    with a value, as analyze locality."""
    f = np.asarray(fitness, dtype=np.float64)
    if f.shape != (CELLS,):
        raise ValueError("an NB-201 fitness has %d values, got shape %r" % (CELLS, f.shape))
    have = np.flatnonzero(~np.isnan(f))
    if not len(have):
        raise ValueError("no cell has a fitness")
    best = have[np.argmax(f[have])]
    o = ops()
    distance = (o[have] != o[best]).sum(axis=1).astype(np.float64)
    p, s, _ = _native.fdc_of(f[have], distance)
    return p, s


def rwa(fitness, walks=16, steps=65536, seed=0, max_shift=100, values=None):
    """Random-walk autocorrelation at shifts 0..max_shift along walks of
    single edits over the cells with a fitness, of fitness (or of values
    along the same walks: analyze locality's score column)."""
    r, _, _, _ = _native.nb201_rwa(fitness, walks, steps, seed, max_shift, values)
    return r
