"""cellscape.landscape from Python: the same numbers as `cellscape analyze`
for the same data and seed (the CLI's files are read as a user reads them),
on fixtures of real NAS-Bench-101 results, and clear errors for bad input.

The computations themselves are checked against brute-force reference
implementations in the C suite (tests/analysis_*_cases.c); here the point is
that the binding passes the data through unchanged.
"""

import os
import subprocess

import numpy as np
import pytest

from conftest import interrupted, tfrecord_path


def cellscape_binary():
    builddir = os.environ.get("CS_BUILDDIR")
    path = os.path.join(builddir, "cellscape") if builddir else None
    if not path or not os.access(path, os.X_OK):
        pytest.fail("CS_BUILDDIR/cellscape not found (make check sets CS_BUILDDIR)")
    return path


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    import cellscape
    work = tmp_path_factory.mktemp("landscape")
    store = str(work / "mini.store")
    subprocess.run([cellscape_binary(), "import", tfrecord_path("nb101-mini-full"), "-o",
                    store], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return work, cellscape.default_space(), cellscape.Store(store)


def read_tsv(path):
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return rows[0], rows[1:]


def test_optimizers_match_the_cli(mini):
    from cellscape import landscape
    work, space, store = mini
    out = str(work / "opt")
    subprocess.run([cellscape_binary(), "analyze", "optimizers", "--data", store.path,
                    "--runs", "4", "--seed", "3", "-o", out, "-q"], check=True)
    header, rows = read_tsv(os.path.join(out, "optimizers_final.tsv"))
    assert header[:7] == ["method", "run", "final_regret", "queries", "incumbent_class",
                          "incumbent_validation_accuracy", "incumbent_mean_test_accuracy"]
    got = landscape.optimizers(
        space, store.metric("validation_accuracy", reduce="none", space=space),
        store.metric("training_time", reduce="none", space=space),
        store.metric("test_accuracy", space=space), runs=4, seed=3)
    assert sorted(got) == ["evolution", "local", "random", "reinforce"]
    assert len(rows) == 16
    for row in rows:
        r, k = got[row[0]], int(row[1])
        # The CLI prints shortest round-trip doubles: equal text, equal bits.
        assert repr(float(r.final_regret[k])) == row[2]
        assert int(r.queries[k]) == int(row[3])
        assert int(r.incumbent[k]) == int(row[4])
        assert repr(float(r.incumbent_fitness[k])) == row[5]
        assert repr(float(r.incumbent_score[k])) == row[6]
    assert got["local"].regret.shape == (4, len(got["local"].grid))


def test_one_optimiser_on_a_fitness_of_our_own(mini):
    """A fitness no store holds (parameters, scaled), a cost of one per
    query: every incumbent is a class that has that fitness, and the regret
    is measured against the best of it."""
    from cellscape import landscape
    work, space, store = mini
    val = store.metric("validation_accuracy", space=space)
    fitness = np.where(np.isfinite(val), space.params / 1e8, np.nan)
    r = landscape.random_search(space, fitness, cost=1.0, runs=3, budget=500, seed=1)
    have = np.flatnonzero(np.isfinite(fitness))
    assert r.classes_with_data == len(have)
    assert r.best_score == fitness[have].max()
    assert set(r.incumbent.tolist()) <= set(have.tolist())
    np.testing.assert_array_equal(r.incumbent_fitness, fitness[r.incumbent])
    np.testing.assert_array_equal(r.final_regret, r.best_score - fitness[r.incumbent])
    assert (r.queries <= 500).all()
    again = landscape.random_search(space, fitness, cost=1.0, runs=3, budget=500, seed=1)
    np.testing.assert_array_equal(again.regret, r.regret)


@pytest.mark.parametrize("kwargs, message", [
    ({"methods": ("annealing",)}, "unknown optimiser"),
    ({"methods": ()}, "methods is empty"),
    ({"sampler": "magic"}, "sampler must be"),
    ({"runs": 0}, "runs"),
])
def test_optimizer_arguments_are_checked(mini, kwargs, message):
    from cellscape import landscape
    _, space, store = mini
    fitness = store.metric("validation_accuracy", space=space)
    with pytest.raises(ValueError, match=message):
        landscape.optimizers(space, fitness, 1.0, **kwargs)


def test_optimizer_data_shapes_are_checked(mini):
    from cellscape import landscape
    _, space, store = mini
    with pytest.raises(ValueError, match="one value"):
        landscape.optimizers(space, np.zeros(5), 1.0)
    fitness = store.metric("validation_accuracy", space=space)
    with pytest.raises(ValueError):
        landscape.optimizers(space, np.stack([fitness] * 4, axis=1), 1.0)
    with pytest.raises(LookupError):
        landscape.optimizers(space, np.full(len(space), np.nan), 1.0, runs=2)



def test_ctrl_c_interrupts_the_optimizers(mini):
    """SIGINT while the optimisers run (GIL released, on threads): they stop
    between runs and KeyboardInterrupt reaches the caller; the module works
    on afterwards.  Uninterrupted, the call takes 15-20 s (plain build)."""
    from cellscape import landscape
    _, space, store = mini
    fitness = store.metric("validation_accuracy", space=space)
    elapsed = interrupted(0.3, lambda: landscape.optimizers(space, fitness, 1.0, runs=2000,
                                                            budget=2000, seed=0))
    assert elapsed < 10, elapsed
    r = landscape.random_search(space, fitness, runs=2, budget=500)
    assert len(r.final_regret) == 2


def test_ctrl_c_interrupts_the_space_walk():
    """Building a Space polls for Ctrl-C while it walks and hashes: 8
    vertices and 10 edges take 10 s uninterrupted (plain build)."""
    import cellscape
    elapsed = interrupted(0.3, lambda: cellscape.Space(max_vertices=8, max_edges=10))
    assert elapsed < 5, elapsed


def test_ctrl_c_interrupts_the_neighbour_graph():
    """The raw space and the neighbour graph stop between their phases; the
    Space builds them whole on the next call, the same graph as a Space
    that was never interrupted."""
    import time
    import cellscape
    space = cellscape.Space()
    t0 = time.monotonic()
    indptr, indices = cellscape.Space().neighbours()
    whole = time.monotonic() - t0
    elapsed = interrupted(0.1, space.neighbours)
    assert elapsed < whole, (elapsed, whole)
    again_indptr, again_indices = space.neighbours()
    assert np.array_equal(again_indptr, indptr)
    assert np.array_equal(again_indices, indices)


def test_ctrl_c_interrupts_the_random_walks():
    """The walks poll every few thousand steps: two walks of 12 million
    steps take 3-4 s uninterrupted (plain build)."""
    from cellscape import landscape
    space = __import__("cellscape").default_space()
    fitness = np.random.default_rng(0).random(len(space))
    elapsed = interrupted(0.2, lambda: landscape.rwa(space, fitness, walks=2,
                                                     steps=12_000_000))
    assert elapsed < 1.5, elapsed
    assert len(landscape.rwa(space, fitness, walks=2, steps=1000, max_shift=5)) == 6
