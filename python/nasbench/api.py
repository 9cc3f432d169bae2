"""The official NAS-Bench-101 API (nasbench.api) over a cellscape store.

    from nasbench import api
    nb = api.NASBench("nasbench_only108.tfrecord")
    spec = api.ModelSpec(matrix=[[0, 1], [0, 0]], ops=["input", "output"])
    data = nb.query(spec)

The same names, answers, errors and randomness as the official API (the
repeat a query returns is random.randint(0, 2) on Python's global random
module, seeded by NASBench(seed=...)), without TensorFlow.  A .tfrecord is
imported once into a cache (CELLSCAPE_CACHE, else ~/.cache/cellscape).
"""
import collections.abc
import copy
import os
import random
import sys
import time

from cellscape import _native
from cellscape._native import OutOfDomainError
from nasbench.lib import config as _config
from nasbench.lib.model_spec import ModelSpec

__all__ = ["NASBench", "ModelSpec", "OutOfDomainError"]


class _StatsView(collections.abc.Mapping):
    """fixed_statistics / computed_statistics: a read-only mapping from
    module hash to the official dict, read from the store on demand."""

    def __init__(self, store, get):
        self._store = store
        self._get = get

    def __getitem__(self, module_hash):
        i = self._store.find_hash(module_hash) if isinstance(module_hash, str) else -1
        if i < 0:
            raise KeyError(module_hash)
        return self._get(i)

    def __iter__(self):
        return iter(self._store.hashes(source_order=True))

    def __len__(self):
        return len(self._store)

    def __contains__(self, module_hash):
        return isinstance(module_hash, str) and self._store.find_hash(module_hash) >= 0


class NASBench(object):
    """User interface to a NAS-Bench-101 dataset file (.tfrecord or store)."""

    def __init__(self, dataset_file, seed=None):
        self.config = _config.build_config()
        random.seed(seed)
        print("Loading dataset from file... This may take a few minutes...")
        sys.stdout.flush()
        start = time.time()
        self._store = _native.Store(os.fspath(dataset_file))
        elapsed = time.time() - start
        print("Loaded dataset in %d seconds (cellscape: %.3f s)" % (int(elapsed), elapsed))
        if self._store.cache_path:
            print("cellscape: the .tfrecord's import is cached in %s (moved by "
                  "$CELLSCAPE_CACHE)" % self._store.cache_path)
        elif self._store.cache_note:
            print("cellscape: not cached (%s); the next load reads the file again"
                  % self._store.cache_note)
        self.valid_epochs = set(self._store.budgets)
        self.fixed_statistics = _StatsView(self._store, self._store.fixed)
        self.computed_statistics = _StatsView(self._store, self._store.computed)
        self.history = {}
        self.training_time_spent = 0.0
        self.total_epochs_spent = 0

    def query(self, model_spec, epochs=108, stop_halfway=False):
        """One random repeat's statistics of the cell at `epochs`, charged
        to the budget counters."""
        if epochs not in self.valid_epochs:
            raise OutOfDomainError("invalid number of epochs, must be one of %s"
                                   % self.valid_epochs)
        # _check_spec, the look-up, random.randint(0, num_repeats - 1) and the
        # answer, in that order, in one native call
        c = self.config
        data, charged = self._store.query_spec(
            model_spec.matrix, model_spec.ops, epochs, stop_halfway, c["module_vertices"],
            c["max_edges"], random.randint, c["num_repeats"])
        self.training_time_spent += data["training_time"]
        self.total_epochs_spent += charged
        return data

    def is_valid(self, model_spec):
        try:
            self._check_spec(model_spec)
        except OutOfDomainError:
            return False
        return True

    def get_budget_counters(self):
        return self.training_time_spent, self.total_epochs_spent

    def reset_budget_counters(self):
        self.training_time_spent = 0.0
        self.total_epochs_spent = 0

    def hash_iterator(self):
        # The reference iterates its dict: the file's order of first records.
        return iter(self._store.hashes(source_order=True))

    def get_metrics_from_hash(self, module_hash):
        # new dicts on every call: the reference returns deep copies
        return self._store.metrics(module_hash)

    def get_metrics_from_spec(self, model_spec):
        i = self._index_of(model_spec)
        return self._store.fixed(i), self._store.computed(i)

    def evaluate(self, model_spec, model_dir):
        raise NotImplementedError(
            "evaluate() trains the cell with TensorFlow; this API (cellscape) only "
            "reads the dataset: use query()")

    def _check_spec(self, model_spec):
        _native.check_spec(model_spec.matrix, model_spec.ops,
                           self.config["module_vertices"], self.config["max_edges"])

    def _hash_spec(self, model_spec):
        return model_spec.hash_spec(self.config["available_ops"])

    def _index_of(self, model_spec):
        # the domain check, then the look-up by canonical form (memoised)
        return self._store.lookup(model_spec.matrix, model_spec.ops,
                                  self.config["module_vertices"], self.config["max_edges"])

    def __deepcopy__(self, memo):
        raise TypeError("a NASBench is not copied; share it")


del copy
