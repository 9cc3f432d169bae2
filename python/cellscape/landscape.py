"""The fitness landscape of a space's raw encodings, for any fitness.

fitness is one float per class of the space (NaN: no value).  Each function
gives the numbers `cellscape analyze` gives for the same fitness and seed.
"""
import collections

import numpy as np

from cellscape import _native

__all__ = ["local_optima", "basins", "fdc", "rwa", "distance_to", "rank_correlation"]

Basins = collections.namedtuple("Basins", "optima size attractor steps")


def local_optima(space, fitness, strict=False):
    """Class indices of the local optima of the neighbour graph, best first.

    An optimum has a value and no neighbour with a better one (strict: every
    neighbour with a value is worse).  Classes without a neighbour with a
    value are not optima.
    """
    r = _native.optima(space, fitness)
    return r["optima"][r["strict"]] if strict else r["optima"]


def basins(space, fitness):
    """Basins under steepest ascent: Basins(optima, size, attractor, steps).

    optima as local_optima(); size[k] the classes whose ascent ends at
    optima[k]; attractor[i] the optimum class i's ascent ends at (-1: none);
    steps[i] the ascent's length.
    """
    r = _native.optima(space, fitness)
    return Basins(r["optima"], r["basin"][r["optima"]].astype(np.int64),
                  r["optimum"], r["steps"])


def fdc(space, fitness):
    """Fitness-distance correlation (pearson, spearman): the distance of a
    class is its edit distance to the best class over the raw encodings."""
    pearson, spearman, _, _, _ = _native.fdc(space, fitness)
    return pearson, spearman


def rwa(space, fitness, walks=16, steps=65536, seed=0, max_shift=100):
    """Random-walk autocorrelation at shifts 0..max_shift (a float64 array)."""
    r, _ = _native.rwa(space, fitness, walks, steps, seed, max_shift)
    return r


def distance_to(space, targets, valid_only=False):
    """Per class, the edit distance of its nearest encoding to an encoding of
    a target class (class indices or a boolean mask); -1 if none is reached.
    valid_only: paths through valid encodings only."""
    d, _, _ = _native.distance_to(space, targets, valid_only)
    out = d.astype(np.int16)
    out[d == 255] = -1
    return out


def rank_correlation(x, y, method="spearman"):
    """Spearman's rho (or Kendall's tau-b) over the pairs where both are numbers."""
    rho, _ = _native.rank_correlation(x, y, method)
    return rho
