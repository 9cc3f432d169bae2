"""Shared set-up for the Python tests: where the fixtures are, the reference's
recorded answers, a scratch dataset cache, and one parametrisation per probe.

Expected values come from ../shared (the fixtures' .expected.json files hold
what the reference nasbench.api answered, ../shared/docs/nasbench101-facts.md
and ../shared/realdata/ hold published facts and real data), never from the
code under test.  Nothing here imports nasbench or cellscape: collection works
without the packages, and a test that needs them fails when they are missing.
"""

import functools
import json
import os
import struct

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

# The three TFRecord fixtures, with the short names used in test ids.
DATASETS = {
    "nb101-mini-full": "mini-full",
    "nb101-mini-only108": "mini-108",
    "nb101-real30-only108": "real30",
}

AVAILABLE_OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]


def shared_dir():
    """$CS_SHARED, else <repo>/../shared seen from this file."""
    env = os.environ.get("CS_SHARED")
    path = env if env else os.path.join(HERE, os.pardir, os.pardir, os.pardir, "shared")
    path = os.path.abspath(path)
    if not os.path.isdir(os.path.join(path, "fixtures")):
        raise RuntimeError(
            "shared data not found at %s (set CS_SHARED to the directory "
            "holding fixtures/, docs/ and realdata/)" % path)
    return path


def interrupted(delay, call):
    """Run call() with SIGINT sent to this process after delay seconds; it
    must raise KeyboardInterrupt.  Returns the seconds it took.  Python's
    SIGINT handler is installed meanwhile: a process started in the
    background (CI's) inherits SIGINT ignored, and Python then installs
    none, so Ctrl-C would do nothing there at all."""
    import signal
    import threading
    import time
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            call()
        return time.monotonic() - t0
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)


def tfrecord_path(name):
    return os.path.join(shared_dir(), "fixtures", name + ".tfrecord")


@functools.lru_cache(maxsize=None)
def expected(name):
    """The reference's recorded answers for one fixture."""
    with open(os.path.join(shared_dir(), "fixtures", name + ".expected.json")) as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def realdata(filename):
    with open(os.path.join(shared_dir(), "realdata", filename)) as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def tfrecord_rows(name):
    """The fixture's records as the JSON arrays they hold, in file order.

    A plain reading of the framing of facts section 5 (length, its CRC, data,
    its CRC), written here so that the tests know the file's own order of
    hashes and epochs without asking the code under test.  Metrics stay
    base64: the tests take metric values from .expected.json.
    """
    rows = []
    with open(tfrecord_path(name), "rb") as f:
        data = f.read()
    offset = 0
    while offset < len(data):
        (length,) = struct.unpack_from("<Q", data, offset)
        start = offset + 12
        rows.append(json.loads(data[start:start + length].decode("utf-8")))
        offset = start + length + 4
    assert offset == len(data), "trailing bytes in %s" % name
    return tuple(tuple(r) for r in rows)


def file_hash_order(name):
    """Module hashes in the order of their first record (the order of the
    reference's fixed_statistics dict, hence of hash_iterator())."""
    seen = {}
    for row in tfrecord_rows(name):
        seen.setdefault(row[0], None)
    return list(seen)


def file_epoch_set(name):
    """valid_epochs as the reference builds it: set.add in record order (its
    repr, which the reference puts in an error message, follows from that)."""
    epochs = set()
    for row in tfrecord_rows(name):
        epochs.add(row[1])
    return epochs


class Probe(object):
    """One probe of one fixture: the queried cell and the reference's answer."""

    def __init__(self, dataset, index, data):
        self.dataset = dataset
        self.index = index
        self.data = data
        self.valid_epochs = sorted(expected(dataset)["valid_epochs"])

    @property
    def id(self):
        return "%s-%03d-%s" % (DATASETS[self.dataset], self.index, self.data["kind"])

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default)

    def __contains__(self, key):
        return key in self.data

    def __repr__(self):
        return "Probe(%s)" % self.id


def _kinds(*kinds):
    return lambda probes: [p for p in probes if p["kind"] in kinds]


def _where(keep):
    return lambda probes: [p for p in probes if keep(p)]


# Parameter name -> which probes of one fixture it runs over.  A test asks for
# one of these names as an argument and gets one test id per matching probe.
PROBE_SELECTORS = {
    "probe": _where(lambda p: True),
    # ModelSpec() succeeds (no ValueError recorded).
    "spec_probe": _where(lambda p: p.get("error") != "ValueError"),
    "construction_error_probe": _where(lambda p: p.get("error") == "ValueError"),
    "domain_error_probe": _where(lambda p: p.get("error") == "OutOfDomainError"),
    # In the domain, with the reference's hash of the pruned cell.
    "hashed_probe": _where(lambda p: "hash" in p),
    "dataset_probe": _where(lambda p: p.get("in_dataset") is True),
    # In the domain but not in this file.
    "absent_probe": _where(lambda p: p.get("in_dataset") is False),
    # Interior vertices reordered: the stored cell is isomorphic to it.
    "permuted_probe": _kinds("permuted"),
    # The first few of those (for checks that may try all V! orders).
    "permuted_probe_sample": lambda probes: _kinds("permuted")(probes)[:4],
}


def pytest_generate_tests(metafunc):
    for argname, select in PROBE_SELECTORS.items():
        if argname in metafunc.fixturenames:
            cases = []
            for name in DATASETS:
                probes = [Probe(name, i, p)
                          for i, p in enumerate(expected(name)["probes"])]
                cases.extend(select(probes))
            metafunc.parametrize(argname, cases, ids=[p.id for p in cases])


@pytest.fixture(scope="session", autouse=True)
def cellscape_cache(tmp_path_factory):
    """Point the package's TFRecord import cache at a scratch directory for
    the whole session (the fixtures' own directory is read-only)."""
    path = str(tmp_path_factory.mktemp("cellscape-cache"))
    old = os.environ.get("CELLSCAPE_CACHE")
    os.environ["CELLSCAPE_CACHE"] = path
    yield path
    if old is None:
        os.environ.pop("CELLSCAPE_CACHE", None)
    else:
        os.environ["CELLSCAPE_CACHE"] = old


class Reference(object):
    """What the tests know without the code under test, as one fixture."""

    datasets = DATASETS
    available_ops = AVAILABLE_OPS
    shared_dir = staticmethod(shared_dir)
    tfrecord_path = staticmethod(tfrecord_path)
    expected = staticmethod(expected)
    realdata = staticmethod(realdata)
    tfrecord_rows = staticmethod(tfrecord_rows)
    file_hash_order = staticmethod(file_hash_order)
    file_epoch_set = staticmethod(file_epoch_set)


@pytest.fixture(scope="session")
def ref():
    """Paths and recorded answers: ref.tfrecord_path(name), ref.expected(name),
    ref.realdata(file), ref.tfrecord_rows(name), ref.file_hash_order(name),
    ref.file_epoch_set(name)."""
    shared_dir()
    return Reference


@pytest.fixture(scope="session")
def load_nasbench(cellscape_cache):
    """load_nasbench(name) -> one NASBench per fixture for the session.

    For tests that do not depend on a fresh object's counters; a test that
    checks the counters resets them first, one that checks the random
    sequence builds its own object with a seed.
    """
    cache = {}

    def load(name):
        if name not in cache:
            from nasbench import api
            cache[name] = api.NASBench(tfrecord_path(name))
        return cache[name]

    return load
