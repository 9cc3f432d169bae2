"""The fitness landscape of a space's raw encodings, for any fitness.

fitness is one float per class of the space (NaN: no value).  Each function
gives the numbers `cellscape analyze` gives for the same fitness and seed.
"""
import collections

import numpy as np

from cellscape import _native

__all__ = ["local_optima", "basins", "fdc", "rwa", "distance_to", "rank_correlation",
           "optimizers", "random_search", "regularized_evolution", "local_search",
           "reinforce"]

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


Runs = collections.namedtuple(
    "Runs", "grid regret final_regret queries incumbent incumbent_fitness "
            "incumbent_score best_score best_class classes_with_data")


def _per_repeat(values, n, what):
    a = np.asarray(values, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] != n:
        raise ValueError("%s must have one value (or one per repeat) per class: %d rows, "
                         "got shape %r" % (what, n, a.shape))
    return a


def optimizers(space, fitness, cost=1.0, score=None,
               methods=("random", "evolution", "local", "reinforce"), runs=500,
               budget=1e7, seed=0, **options):
    """The simulated NAS optimisers (the paper's Fig. 7) on your data.

    fitness: what a query of a class returns, one value per class or an
    N x R array (R <= 3 repeats; a query draws one of a class's repeats);
    cost: what a query charges (a number, per class, or N x R like
    fitness), > 0; score: what the regret is measured with (default: the
    mean fitness).  A class can be queried for its leading repeats with a
    finite fitness and positive cost.  options: grid_points (200), grid_min
    (100), population (100), tournament (10), mutation_rate (1.0),
    learning_rate (0.1), momentum (0.9), sampler ('auto', 'reject',
    'table'), threads (0: one per core).  With a store's validation
    accuracies, training times (reduce='none') and mean test accuracies this
    is `cellscape analyze optimizers` with the same seed.

    Returns {method: Runs}: grid times, regret (runs x grid), per run the
    final regret, queries, incumbent class and its fitness and score.
    """
    n = len(space)
    fit = _per_repeat(fitness, n, "fitness")
    c = np.asarray(cost, dtype=np.float64)
    c = np.broadcast_to(c if c.ndim != 1 else c[:, None], fit.shape)
    if score is None:
        score = _mean_leading(fit)
    if isinstance(methods, str):
        methods = (methods,)
    r = _native.optimizers(space, np.ascontiguousarray(fit), np.ascontiguousarray(c),
                           score, list(methods), runs=runs, budget=budget, seed=seed,
                           **options)
    out = {}
    for name, m in r["methods"].items():
        out[name] = Runs(r["grid"], m["regret"], m["final_regret"], m["queries"],
                         m["incumbent"], m["incumbent_fitness"], m["incumbent_score"],
                         r["best_score"], r["best_class"], r["classes_with_data"])
    return out


def _mean_leading(fit):
    """Per class, the mean over its finite values (NaN for none)."""
    ok = np.isfinite(fit)
    total = np.where(ok, fit, 0.0).sum(axis=1)
    count = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _one(method):
    def run(space, fitness, cost=1.0, score=None, runs=500, budget=1e7, seed=0, **options):
        return optimizers(space, fitness, cost, score, (method,), runs, budget, seed,
                          **options)[method]
    run.__name__ = {"random": "random_search", "evolution": "regularized_evolution",
                    "local": "local_search", "reinforce": "reinforce"}[method]
    run.__doc__ = ("%s on your data: optimizers(..., methods=(%r,)) for one method; "
                   "returns its Runs." % (run.__name__, method))
    return run


random_search = _one("random")
regularized_evolution = _one("evolution")
local_search = _one("local")
reinforce = _one("reinforce")
