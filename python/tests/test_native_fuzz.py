"""Property and fuzz tests of the native layer's entry points (hypothesis).

Whatever Python hands the binding (any shape, dtype, length or type, a
closed store, a file that is no dataset) it answers or raises a Python
exception: never a crash.  And the memoised look-up behind query() answers
exactly as the full path does, for inputs seen once or many times.
"""

import os

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import tfrecord_path

OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]
SETTINGS = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def store():
    import cellscape
    return cellscape.Store(tfrecord_path("nb101-mini-full"))


@pytest.fixture(scope="module")
def space():
    import cellscape
    return cellscape.Space(max_vertices=5)


@st.composite
def specs(draw):
    """Upper-triangular 0/1 matrices of 1..8 vertices, ops mostly known,
    sometimes not; as numpy arrays of several dtypes or as lists."""
    n = draw(st.integers(1, 8))
    bits = draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))
    m = np.triu(np.array(bits, dtype=np.int64).reshape(n, n), 1)
    names = OPS + ["input", "output", "conv5x5", ""]
    ops = ["input"] + [draw(st.sampled_from(names)) for _ in range(max(n - 2, 0))]
    ops = (ops + ["output"])[:n]
    form = draw(st.sampled_from(["int64", "int8", "uint8", "bool", "list"]))
    matrix = m.tolist() if form == "list" else m.astype(form)
    return matrix, ops


def outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # the type and message are what is compared
        return (type(e).__name__, str(e))


@SETTINGS
@given(spec=specs())
def test_memoised_lookup_answers_as_the_full_path(store, spec):
    from cellscape import _native
    matrix, ops = spec
    kept = outcome(lambda: _native.prune(matrix, ops))

    def full():
        if kept[0] != "ok" or kept[1] is None:
            return store.lookup(None, None, 7, 9)
        pm = np.asarray(matrix)[np.ix_(kept[1], kept[1])]
        po = [ops[i] for i in kept[1]]
        # nested lists are never memoised: the full path every time
        return store.lookup(pm.tolist(), po, 7, 9)

    def memoised():
        if kept[0] != "ok" or kept[1] is None:
            return store.lookup(None, None, 7, 9)
        pm = np.asarray(matrix)[np.ix_(kept[1], kept[1])]
        if isinstance(matrix, np.ndarray):
            pm = pm.astype(matrix.dtype)
        return store.lookup(pm, [ops[i] for i in kept[1]], 7, 9)

    want = outcome(full)
    assert outcome(memoised) == want
    assert outcome(memoised) == want  # the second time from the memo, if found


def test_stored_cells_found_again_and_again(store):
    """Every stored cell, looked up three times over as int8 and int64 arrays:
    always its own entry (the memo holds many keys at once)."""
    n = len(store)
    for _ in range(3):
        for i in range(n):
            fixed = store.fixed(i)
            for dtype in (np.int8, np.int64):
                m = np.asarray(fixed["module_adjacency"], dtype=dtype)
                assert store.lookup(m, fixed["module_operations"], 7, 9) == i


junk = st.one_of(st.none(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                 st.text(max_size=8), st.binary(max_size=8),
                 st.lists(st.integers(-3, 3), max_size=10),
                 st.lists(st.lists(st.integers(-3, 3), max_size=9), max_size=9))


@SETTINGS
@given(a=junk, b=junk)
def test_spec_functions_take_any_input(a, b):
    from cellscape import _native
    for fn in (lambda: _native.prune(a, b), lambda: _native.check_spec(a, b),
               lambda: _native.hash_module(a, b)):
        outcome(fn)


@SETTINGS
@given(a=junk, b=junk, i=st.integers(-2**63, 2**63 - 1))
def test_store_methods_take_any_input(store, a, b, i):
    for fn in (lambda: store.lookup(a, b, 7, 9),
               lambda: store.query_spec(a, b, 108, False, 7, 9, random.randint, 3),
               lambda: store.find_hash(a), lambda: store.metrics(a), lambda: store.fixed(i),
               lambda: store.computed(i), lambda: store.query(i, 108, 0, False),
               lambda: store.hash(a)):
        outcome(fn)


arrays = st.one_of(
    st.integers(0, 3000).map(lambda n: np.zeros(n)),
    st.integers(0, 3000).map(lambda n: np.ones((n, 2))),
    st.sampled_from([np.zeros(0), np.array(["a", "b"]), np.array([[1, 2], [3, 4]]),
                     None, 3.0, "fitness"]))


@SETTINGS
@given(fit=arrays, other=arrays, seed=st.integers(-5, 2**64 + 5))
def test_landscape_functions_take_any_input(space, fit, other, seed):
    from cellscape import _native
    calls = [lambda: _native.optima(space, fit), lambda: _native.fdc(space, fit),
             lambda: _native.rwa(space, fit, walks=2, steps=64, seed=seed, max_shift=4),
             lambda: _native.distance_to(space, fit),
             lambda: _native.rank_correlation(fit, other),
             lambda: _native.optimizers(space, fit, other, fit, ["random"], runs=1,
                                        budget=10, seed=seed)]
    for fn in calls:
        outcome(fn)


def test_landscape_on_the_right_length_works(space):
    from cellscape import landscape
    n = len(space)
    fitness = np.linspace(0, 1, n)
    optima = landscape.local_optima(space, fitness)
    # brute force over the neighbour graph: no neighbour of an optimum is better
    indptr, indices = space.neighbours()
    for i in optima:
        assert all(fitness[j] <= fitness[i] for j in indices[indptr[i]:indptr[i + 1]])
    better = [i for i in range(n)
              if all(fitness[j] <= fitness[i] for j in indices[indptr[i]:indptr[i + 1]])]
    assert sorted(optima.tolist()) == better
    p, s = landscape.fdc(space, fitness)
    assert -1 <= p <= 1 and -1 <= s <= 1


def test_closed_store_raises(tmp_path):
    import cellscape
    s = cellscape.Store(tfrecord_path("nb101-mini-only108"))
    s.close()
    for fn in (lambda: len(s), lambda: s.fixed(0), lambda: s.metrics("0" * 32),
               lambda: s.lookup([[0]], ["input"], 7, 9), lambda: s.hashes()):
        with pytest.raises(ValueError, match="closed"):
            fn()


@SETTINGS
@given(data=st.binary(max_size=600))
def test_files_that_are_no_dataset_raise(tmp_path_factory, data):
    import cellscape
    path = str(tmp_path_factory.mktemp("junk") / "junk.tfrecord")
    with open(path, "wb") as f:
        f.write(data)
    try:
        cellscape.Store(path, cache=False)
    except (ValueError, OSError, LookupError, MemoryError) as e:
        assert "junk.tfrecord" in str(e) or "empty" in str(e).lower(), str(e)
