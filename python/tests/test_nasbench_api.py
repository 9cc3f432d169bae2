"""The drop-in nasbench.api against the reference's recorded answers.

Every probe of every fixture (../shared/fixtures/*.expected.json) is its own
test id.  Expected values are the reference's answers recorded there, the facts
in ../shared/docs/nasbench101-facts.md (sections 4, 7 and 8) and the real data
in ../shared/realdata/; none is produced by the code under test.  The
reference's semantics followed here are those of google-research/nasbench
api.py and lib/model_spec.py (version b942470) as the facts sheet states them.
"""

import collections.abc
import copy
import os
import random
import re
import shutil

import numpy as np
import pytest

DATASETS = {
    "nb101-mini-full": "mini-full",
    "nb101-mini-only108": "mini-108",
    "nb101-real30-only108": "real30",
}
AVAILABLE_OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]
QUERY_KEYS = {
    "module_adjacency", "module_operations", "trainable_parameters",
    "training_time", "train_accuracy", "validation_accuracy", "test_accuracy",
}
REPEAT_KEYS = {
    "halfway_training_time", "halfway_train_accuracy",
    "halfway_validation_accuracy", "halfway_test_accuracy",
    "final_training_time", "final_train_accuracy",
    "final_validation_accuracy", "final_test_accuracy",
}
FIXED_KEYS = {"module_adjacency", "module_operations", "trainable_parameters"}
NUM_REPEATS = 3

# nasbench101-facts.md section 8: the reference's config (lib/config.py flags).
EXPECTED_CONFIG = {
    "train_data_files": [],
    "valid_data_file": "",
    "test_data_file": "",
    "sample_data_file": "",
    "data_format": "channels_last",
    "num_labels": 10,
    "module_vertices": 7,
    "max_edges": 9,
    "available_ops": ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"],
    "stem_filter_size": 128,
    "num_stacks": 3,
    "num_modules_per_stack": 3,
    "batch_size": 256,
    "train_epochs": 108,
    "train_seconds": 14400.0,
    "learning_rate": 0.1,
    "lr_decay_method": "COSINE_BY_STEP",
    "momentum": 0.9,
    "weight_decay": 0.0001,
    "max_attempts": 5,
    "intermediate_evaluations": ["0.5"],
    "num_repeats": 3,
    "use_tpu": True,
    "tpu_iterations_per_loop": 100,
    "tpu_num_shards": 2,
}

# The official example's Inception-like cell as a client writes it
# (facts section 7 / realdata nb101-quoted-datapoints.json) ...
INCEPTION_QUERY_MATRIX = [[0, 1, 1, 1, 0, 1, 0],
                          [0, 0, 0, 0, 0, 0, 1],
                          [0, 0, 0, 0, 0, 0, 1],
                          [0, 0, 0, 0, 1, 0, 0],
                          [0, 0, 0, 0, 0, 0, 1],
                          [0, 0, 0, 0, 0, 0, 1],
                          [0, 0, 0, 0, 0, 0, 0]]
INCEPTION_QUERY_OPS = ["input", "conv1x1-bn-relu", "conv3x3-bn-relu",
                       "conv3x3-bn-relu", "conv3x3-bn-relu", "maxpool3x3",
                       "output"]
# ... and as the dataset stores it (a different vertex order).
INCEPTION_STORED_MATRIX = [[0, 1, 1, 1, 1, 0, 0],
                           [0, 0, 0, 0, 0, 0, 1],
                           [0, 0, 0, 0, 0, 0, 1],
                           [0, 0, 0, 0, 0, 0, 1],
                           [0, 0, 0, 0, 0, 1, 0],
                           [0, 0, 0, 0, 0, 0, 1],
                           [0, 0, 0, 0, 0, 0, 0]]
INCEPTION_STORED_OPS = ["input", "conv3x3-bn-relu", "conv1x1-bn-relu",
                        "maxpool3x3", "conv3x3-bn-relu", "conv3x3-bn-relu",
                        "output"]
# Its real parameter count (facts sections 6, 7).  Only nb101-mini-only108
# stores it: nb101-mini-full's parameter counts are synthetic like the rest of
# its values (fixtures/README.md), so no number is asserted for it there.
INCEPTION_PARAMS = {"nb101-mini-only108": 2694282}
# Its real 108-epoch repeat (one of the three in both mini fixtures).
INCEPTION_REAL_REPEAT = {
    "final_training_time": 1155.85302734375,
    "final_train_accuracy": 1.0,
    "final_validation_accuracy": 0.9376001358032227,
    "final_test_accuracy": 0.9311898946762085,
}
INCEPTION_DATASETS = ["nb101-mini-full", "nb101-mini-only108"]


def nasbench_api():
    from nasbench import api
    return api


def make_spec(probe, **kwargs):
    api = nasbench_api()
    return api.ModelSpec(matrix=copy.deepcopy(probe["matrix"]),
                         ops=list(probe["ops"]), **kwargs)


def dataset_params(names=None):
    names = list(DATASETS) if names is None else names
    return pytest.mark.parametrize("name", names, ids=[DATASETS[n] for n in names])


def check_fixed(actual, recorded):
    """fixed_stat as the reference gives it: an int8 V x V ndarray, a list of
    str, an int, and nothing else."""
    assert isinstance(actual, dict)
    assert set(actual) == set(recorded) == FIXED_KEYS
    adj = actual["module_adjacency"]
    assert isinstance(adj, np.ndarray)
    assert adj.dtype == np.int8
    assert adj.shape == (len(recorded["module_adjacency"]),) * 2
    assert adj.tolist() == recorded["module_adjacency"]
    ops = actual["module_operations"]
    assert type(ops) is list
    assert all(type(op) is str for op in ops)
    assert ops == recorded["module_operations"]
    assert type(actual["trainable_parameters"]) is int
    assert actual["trainable_parameters"] == recorded["trainable_parameters"]


def check_computed(actual, recorded):
    """computed_stat: {epochs (int): [one dict of 8 floats per repeat, in file
    order]}; JSON keys are strings in the record, ints in the API."""
    assert isinstance(actual, dict)
    assert all(type(e) is int for e in actual)
    assert set(actual) == {int(e) for e in recorded}
    for e, repeats in recorded.items():
        got = actual[int(e)]
        assert type(got) is list
        assert len(got) == len(repeats) == NUM_REPEATS
        for got_rep, rep in zip(got, repeats):
            assert set(got_rep) == set(rep) == REPEAT_KEYS
            for key, value in rep.items():
                assert type(got_rep[key]) is float, key
                assert got_rep[key] == value, (e, key)


def check_query(data, fixed, repeat, stop_halfway):
    assert isinstance(data, dict)
    assert set(data) == QUERY_KEYS
    check_fixed({k: data[k] for k in FIXED_KEYS}, fixed)
    prefix = "halfway_" if stop_halfway else "final_"
    for key in ("training_time", "train_accuracy", "validation_accuracy",
                "test_accuracy"):
        assert type(data[key]) is float, key
        assert data[key] == repeat[prefix + key], key


def same_numbers(a, b):
    assert a == b and type(a) is type(b)


# ---------------------------------------------------------------------------
# Layout and names

def test_public_names():
    api = nasbench_api()
    from nasbench.lib import graph_util, model_spec
    assert api.ModelSpec is model_spec.ModelSpec
    assert issubclass(api.OutOfDomainError, Exception)
    assert callable(api.NASBench)
    assert callable(model_spec.is_upper_triangular)
    for name in ("hash_module", "is_full_dag", "num_edges", "permute_graph",
                 "is_isomorphic", "gen_is_edge_fn"):
        assert callable(getattr(graph_util, name)), name


def test_import_as_module_attributes():
    import nasbench.api
    import nasbench.lib.graph_util
    import nasbench.lib.model_spec
    assert nasbench.api.ModelSpec is nasbench.lib.model_spec.ModelSpec


# ---------------------------------------------------------------------------
# ModelSpec, per probe

def test_construction_error(construction_error_probe):
    """ModelSpec rejects the cell with the reference's ValueError and text,
    from nested lists and from an ndarray alike."""
    api = nasbench_api()
    p = construction_error_probe
    for matrix in (copy.deepcopy(p["matrix"]), np.array(p["matrix"])):
        with pytest.raises(ValueError) as info:
            api.ModelSpec(matrix=matrix, ops=list(p["ops"]))
        assert str(info.value) == p["message"]


def test_model_spec(spec_probe):
    """original_*, the pruned matrix/ops, valid_spec, data_format and the hash
    of the pruned cell, as the reference recorded them."""
    api = nasbench_api()
    p = spec_probe
    spec = make_spec(p)
    assert isinstance(spec.original_matrix, np.ndarray)
    assert spec.original_matrix.tolist() == p["matrix"]
    assert spec.original_ops == p["ops"]
    assert spec.data_format == "channels_last"
    if "pruned_matrix" in p:
        assert spec.valid_spec is True
        assert isinstance(spec.matrix, np.ndarray)
        assert spec.matrix.tolist() == p["pruned_matrix"]
        assert spec.ops == p["pruned_ops"]
    elif p["kind"] == "disconnected":
        # Pruning leaves fewer than two vertices: the reference sets both to None.
        assert spec.valid_spec is False
        assert spec.matrix is None
        assert spec.ops is None
    else:
        # eight-vertices: no pruned cell recorded (the reference crashed later,
        # in _check_spec).  Row 0 reaches every vertex and the chain 1..7 reaches
        # the output, so pruning keeps all eight (facts section 4).
        assert p["kind"] == "eight-vertices"
        assert spec.valid_spec is True
        assert spec.matrix.tolist() == p["matrix"]
        assert spec.ops == p["ops"]

    if "hash" in p:
        h = spec.hash_spec(AVAILABLE_OPS)
        assert type(h) is str
        assert h == p["hash"]
        # Clients rebuild specs from fixed_stat['module_adjacency'] (int8).
        again = api.ModelSpec(np.array(p["matrix"], dtype=np.int8), list(p["ops"]),
                              data_format="channels_first")
        assert again.data_format == "channels_first"
        assert again.matrix.tolist() == p["pruned_matrix"]
        assert again.ops == p["pruned_ops"]
        assert again.hash_spec(AVAILABLE_OPS) == p["hash"]


def test_spec_keeps_its_own_copies():
    api = nasbench_api()
    matrix = copy.deepcopy(INCEPTION_QUERY_MATRIX)
    ops = list(INCEPTION_QUERY_OPS)
    spec = api.ModelSpec(matrix=matrix, ops=ops)
    matrix[0][1] = 0
    ops[1] = "maxpool3x3"
    assert spec.original_matrix.tolist() == INCEPTION_QUERY_MATRIX
    assert spec.original_ops == INCEPTION_QUERY_OPS
    assert spec.matrix.tolist() == INCEPTION_QUERY_MATRIX
    assert spec.ops == INCEPTION_QUERY_OPS

    array = np.array(INCEPTION_QUERY_MATRIX)
    spec = api.ModelSpec(array, list(INCEPTION_QUERY_OPS))
    array[0, 1] = 0
    assert spec.original_matrix.tolist() == INCEPTION_QUERY_MATRIX
    assert spec.matrix.tolist() == INCEPTION_QUERY_MATRIX


def test_is_upper_triangular_in_model_spec():
    from nasbench.lib import model_spec
    assert model_spec.is_upper_triangular(np.array(INCEPTION_QUERY_MATRIX))
    assert not model_spec.is_upper_triangular(np.array([[0, 1], [1, 0]]))
    assert not model_spec.is_upper_triangular(np.array([[1, 1], [0, 0]]))


# ---------------------------------------------------------------------------
# NASBench, per probe

def test_check_and_hash(spec_probe, load_nasbench):
    """is_valid is the recorded validity; in the domain _check_spec passes and
    _hash_spec is the recorded hash; none of it charges or draws."""
    p = spec_probe
    nb = load_nasbench(p.dataset)
    spec = make_spec(p)
    nb.reset_budget_counters()
    state = random.getstate()
    assert nb.is_valid(spec) is p["valid"]
    if "hash" in p:
        assert nb._check_spec(spec) is None
        assert nb._hash_spec(spec) == p["hash"]
        assert spec.hash_spec(nb.config["available_ops"]) == p["hash"]
    assert nb.get_budget_counters() == (0.0, 0)
    assert random.getstate() == state


def test_domain_error(domain_error_probe, load_nasbench):
    """_check_spec, get_metrics_from_spec and query raise the reference's
    OutOfDomainError and message (eight-vertices: the message the reference
    meant, facts section 8); nothing is charged and no repeat is drawn."""
    api = nasbench_api()
    p = domain_error_probe
    nb = load_nasbench(p.dataset)
    spec = make_spec(p)
    nb.reset_budget_counters()
    state = random.getstate()
    calls = [nb._check_spec, nb.get_metrics_from_spec, nb.query,
             lambda s: nb.query(s, stop_halfway=True)]
    for epochs in p.valid_epochs:
        calls.append(lambda s, e=epochs: nb.query(s, epochs=e))
    for call in calls:
        with pytest.raises(api.OutOfDomainError) as info:
            call(spec)
        assert str(info.value) == p["message"]
    assert nb.is_valid(spec) is False
    assert nb.get_budget_counters() == (0.0, 0)
    assert random.getstate() == state


def test_metrics(dataset_probe, load_nasbench):
    """get_metrics_from_spec, get_metrics_from_hash and the statistics
    mappings give the recorded (fixed, computed), free of charge."""
    p = dataset_probe
    nb = load_nasbench(p.dataset)
    nb.reset_budget_counters()
    state = random.getstate()
    result = nb.get_metrics_from_spec(make_spec(p))
    assert isinstance(result, tuple) and len(result) == 2
    check_fixed(result[0], p["fixed"])
    check_computed(result[1], p["computed"])

    fixed, computed = nb.get_metrics_from_hash(p["hash"])
    check_fixed(fixed, p["fixed"])
    check_computed(computed, p["computed"])
    assert nb.get_budget_counters() == (0.0, 0)
    assert random.getstate() == state

    assert p["hash"] in nb.fixed_statistics
    assert p["hash"] in nb.computed_statistics
    check_fixed(nb.fixed_statistics[p["hash"]], p["fixed"])
    check_computed(nb.computed_statistics[p["hash"]], p["computed"])


def test_query(dataset_probe, load_nasbench):
    """One query per budget and stop_halfway: the repeat is
    random.randint(0, 2) on the global random module, and the counters grow
    by the returned time and the epochs (half of them when stopping halfway).
    query(spec) means epochs=108, stop_halfway=False."""
    p = dataset_probe
    nb = load_nasbench(p.dataset)
    spec = make_spec(p)
    k = 0
    for epochs in p.valid_epochs:
        for stop_halfway in (False, True):
            seed = 7919 * p.index + k
            k += 1
            nb.reset_budget_counters()
            random.seed(seed)
            data = nb.query(spec, epochs=epochs, stop_halfway=stop_halfway)
            repeat = random.Random(seed).randint(0, NUM_REPEATS - 1)
            check_query(data, p["fixed"], p["computed"][str(epochs)][repeat],
                        stop_halfway)
            spent = nb.get_budget_counters()
            assert type(spent) is tuple
            same_numbers(spent[0], 0.0 + data["training_time"])
            same_numbers(spent[1], epochs // 2 if stop_halfway else epochs)
            same_numbers(nb.training_time_spent, spent[0])
            same_numbers(nb.total_epochs_spent, spent[1])

    seed = 104729 + p.index
    random.seed(seed)
    data = nb.query(spec)
    repeat = random.Random(seed).randint(0, NUM_REPEATS - 1)
    check_query(data, p["fixed"], p["computed"]["108"][repeat], False)


def test_absent_cell(absent_probe, load_nasbench):
    """A valid cell the file lacks: the reference's dictionary look-up raises
    KeyError (api.py get_metrics_from_hash); nothing charged, nothing drawn."""
    p = absent_probe
    nb = load_nasbench(p.dataset)
    spec = make_spec(p)
    assert nb.is_valid(spec) is True
    assert p["hash"] not in nb.fixed_statistics
    assert p["hash"] not in nb.computed_statistics
    nb.reset_budget_counters()
    state = random.getstate()
    with pytest.raises(KeyError):
        nb.query(spec)
    with pytest.raises(KeyError):
        nb.query(spec, epochs=108, stop_halfway=True)
    with pytest.raises(KeyError):
        nb.get_metrics_from_spec(spec)
    with pytest.raises(KeyError):
        nb.get_metrics_from_hash(p["hash"])
    assert nb.get_budget_counters() == (0.0, 0)
    assert random.getstate() == state


# ---------------------------------------------------------------------------
# NASBench, per fixture

@dataset_params()
def test_config(name, load_nasbench):
    nb = load_nasbench(name)
    assert isinstance(nb.config, dict)
    assert nb.config == EXPECTED_CONFIG
    for key, value in EXPECTED_CONFIG.items():
        assert type(nb.config[key]) is type(value), key


@dataset_params()
def test_valid_epochs(name, ref, load_nasbench):
    nb = load_nasbench(name)
    assert isinstance(nb.valid_epochs, set)
    assert nb.valid_epochs == set(ref.expected(name)["valid_epochs"])
    assert all(type(e) is int for e in nb.valid_epochs)


@dataset_params()
def test_hash_iterator(name, ref, load_nasbench):
    nb = load_nasbench(name)
    hashes = list(nb.hash_iterator())
    assert len(hashes) == ref.expected(name)["num_models"]
    assert all(type(h) is str for h in hashes)
    # The reference returns its dict's keys: the file's order of first appearance.
    assert hashes == ref.file_hash_order(name)
    assert list(nb.hash_iterator()) == hashes
    probes = ref.expected(name)["probes"]
    present = set(hashes)
    for p in probes:
        if p.get("in_dataset") is True:
            assert p["hash"] in present
        elif p.get("in_dataset") is False:
            assert p["hash"] not in present


@dataset_params()
def test_statistics_mappings(name, ref, load_nasbench):
    nb = load_nasbench(name)
    num = ref.expected(name)["num_models"]
    for stats in (nb.fixed_statistics, nb.computed_statistics):
        assert isinstance(stats, collections.abc.Mapping)
        assert len(stats) == num
        assert set(stats.keys()) == set(ref.file_hash_order(name))
    # Every cell has every budget, three repeats each, in both mappings.
    budgets = set(ref.expected(name)["valid_epochs"])
    for h in ref.file_hash_order(name)[:20]:
        assert set(nb.computed_statistics[h]) == budgets
        assert all(len(r) == NUM_REPEATS for r in nb.computed_statistics[h].values())
        assert set(nb.fixed_statistics[h]) == FIXED_KEYS


@dataset_params()
def test_unknown_hash(name, load_nasbench):
    nb = load_nasbench(name)
    for h in ("ffffffffffffffffffffffffffffffff", "0" * 32, "not a hash", ""):
        with pytest.raises(KeyError):
            nb.get_metrics_from_hash(h)
        assert h not in nb.fixed_statistics


@dataset_params()
def test_metrics_are_copies(name, ref, load_nasbench):
    """get_metrics_from_hash and query hand out deep copies: a client that
    edits what it got does not change the dataset."""
    p = next(p for p in ref.expected(name)["probes"] if p.get("in_dataset"))
    nb = load_nasbench(name)
    fixed, computed = nb.get_metrics_from_hash(p["hash"])
    fixed["module_adjacency"][0, 1] = 9
    fixed["module_operations"].append("x")
    fixed["trainable_parameters"] = -1
    computed[108][0]["final_test_accuracy"] = -1.0
    computed[108].clear()
    del computed[108]
    data = nb.query(make_spec(p))
    data["module_adjacency"][0, 1] = 9
    data["module_operations"].append("x")
    fixed, computed = nb.get_metrics_from_hash(p["hash"])
    check_fixed(fixed, p["fixed"])
    check_computed(computed, p["computed"])
    check_fixed(nb.get_metrics_from_spec(make_spec(p))[0], p["fixed"])


@dataset_params()
def test_invalid_epochs(name, ref, load_nasbench):
    """An epoch budget the file lacks: OutOfDomainError('invalid number of
    epochs, must be one of %s' % valid_epochs), checked before the spec."""
    api = nasbench_api()
    nb = load_nasbench(name)
    message = "invalid number of epochs, must be one of %s" % ref.file_epoch_set(name)
    assert message == "invalid number of epochs, must be one of %s" % nb.valid_epochs
    probes = ref.expected(name)["probes"]
    stored = next(p for p in probes if p.get("in_dataset"))
    absent = next(p for p in probes if p.get("in_dataset") is False)
    broken = next(p for p in probes if p["kind"] == "disconnected")
    bad_epochs = [0, 5, 107, 109, 216, -108]
    bad_epochs += [e for e in (4, 12, 36, 108) if e not in nb.valid_epochs]
    nb.reset_budget_counters()
    state = random.getstate()
    for p in (stored, absent, broken):
        spec = make_spec(p)
        for epochs in bad_epochs:
            for stop_halfway in (False, True):
                with pytest.raises(api.OutOfDomainError) as info:
                    nb.query(spec, epochs=epochs, stop_halfway=stop_halfway)
                assert str(info.value) == message
    assert nb.get_budget_counters() == (0.0, 0)
    assert random.getstate() == state


@dataset_params()
def test_evaluate_not_implemented(name, ref, load_nasbench, tmp_path):
    nb = load_nasbench(name)
    p = next(p for p in ref.expected(name)["probes"] if p.get("in_dataset"))
    with pytest.raises(NotImplementedError) as info:
        nb.evaluate(make_spec(p), str(tmp_path))
    assert str(info.value).strip()
    with pytest.raises(NotImplementedError):
        nb.evaluate(make_spec(p), model_dir=str(tmp_path))


@dataset_params()
def test_real_repeats(name, ref, load_nasbench):
    """Real data: where a fixture cell is one of the 30 real cells of
    realdata/nb101-real-30-repeats.json, its values are those."""
    real = ref.realdata("nb101-real-30-repeats.json")
    nb = load_nasbench(name)
    matched = 0
    for h in nb.hash_iterator():
        if h not in real:
            continue
        matched += 1
        fixed, computed = nb.get_metrics_from_hash(h)
        check_fixed(fixed, {k: real[h][k] for k in FIXED_KEYS})
        assert computed[108] == real[h]["computed_stats"]["108"]
    if name == "nb101-real30-only108":
        assert matched == len(real) == 30


# ---------------------------------------------------------------------------
# A fresh object: loading, counters, randomness

@dataset_params()
def test_loading_prints_and_fresh_state(name, ref, capsys):
    api = nasbench_api()
    nb = api.NASBench(ref.tfrecord_path(name))
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Loading dataset from file... This may take a few minutes..."
    assert re.search(r"^Loaded dataset in \d+ seconds", out, re.M), out
    assert nb.history == {}
    same_numbers(nb.training_time_spent, 0.0)
    same_numbers(nb.total_epochs_spent, 0)
    assert nb.get_budget_counters() == (0.0, 0)
    same_numbers(nb.get_budget_counters()[0], 0.0)
    same_numbers(nb.get_budget_counters()[1], 0)


def test_seed_reseeds_global_random(ref):
    """NASBench(seed=S) calls random.seed(S) and draws nothing while loading."""
    api = nasbench_api()
    api.NASBench(ref.tfrecord_path("nb101-real30-only108"), seed=2019)
    assert random.random() == random.Random(2019).random()
    api.NASBench(ref.tfrecord_path("nb101-mini-full"), seed="a string seed")
    assert random.random() == random.Random("a string seed").random()


def _scripted_session(ref, name, seed):
    """A search loop as clients write it, with failures mixed in.  Returns the
    (probe, epochs, stop_halfway) of every successful query in order and the
    query results, checking counters and errors on the way."""
    api = nasbench_api()
    exp = ref.expected(name)
    probes = exp["probes"]
    stored = [p for p in probes if p.get("in_dataset")]
    absent = [p for p in probes if p.get("in_dataset") is False]
    broken = [p for p in probes if p.get("error") == "OutOfDomainError"]
    epochs_list = sorted(exp["valid_epochs"])

    nb = api.NASBench(ref.tfrecord_path(name), seed=seed)
    rng = random.Random(seed)
    time_spent, epochs_spent = 0.0, 0
    results = []
    for i in range(60):
        p = stored[(i * 7) % len(stored)]
        epochs = epochs_list[i % len(epochs_list)]
        stop_halfway = i % 3 == 1
        if i % 5 == 0:
            data = nb.query(make_spec(p), epochs, stop_halfway)  # positional
        else:
            data = nb.query(make_spec(p), epochs=epochs, stop_halfway=stop_halfway)
        repeat = rng.randint(0, NUM_REPEATS - 1)
        check_query(data, p["fixed"], p["computed"][str(epochs)][repeat], stop_halfway)
        results.append(data)
        time_spent += data["training_time"]
        epochs_spent += epochs // 2 if stop_halfway else epochs
        assert nb.get_budget_counters() == (time_spent, epochs_spent)

        # Failures and free calls draw no repeat and charge nothing.
        if i % 4 == 0:
            with pytest.raises(KeyError):
                nb.query(make_spec(absent[i % len(absent)]))
        if i % 4 == 1:
            q = broken[i % len(broken)]
            with pytest.raises(api.OutOfDomainError) as info:
                nb.query(make_spec(q))
            assert str(info.value) == q["message"]
        if i % 4 == 2:
            with pytest.raises(api.OutOfDomainError):
                nb.query(make_spec(p), epochs=7)
        if i % 4 == 3:
            assert nb.is_valid(make_spec(p))
            nb.get_metrics_from_spec(make_spec(p))
            nb.get_metrics_from_hash(p["hash"])
        assert nb.get_budget_counters() == (time_spent, epochs_spent)
        if i == 29:
            nb.reset_budget_counters()
            assert nb.get_budget_counters() == (0.0, 0)
            same_numbers(nb.training_time_spent, 0.0)
            same_numbers(nb.total_epochs_spent, 0)
            time_spent, epochs_spent = 0.0, 0
    same_numbers(nb.training_time_spent, time_spent)
    same_numbers(nb.total_epochs_spent, epochs_spent)
    return results


@dataset_params()
def test_seeded_repeat_sequence(name, ref):
    """After NASBench(seed=S), the k-th successful query uses repeat
    random.randint(0, 2) drawn k-th from random.seed(S)."""
    _scripted_session(ref, name, 12345)


def test_same_seed_same_answers(ref):
    """The reference's promise: two objects with the same seed return the same
    data points for the same queries in the same order."""
    first = _scripted_session(ref, "nb101-mini-full", 777)
    second = _scripted_session(ref, "nb101-mini-full", 777)
    assert len(first) == len(second)
    for a, b in zip(first, second):
        assert a.keys() == b.keys()
        for key in a:
            if key == "module_adjacency":
                assert np.array_equal(a[key], b[key])
            else:
                assert a[key] == b[key]


def _draws_match(ref, load_nasbench, patch=None, count=40, seed=4242):
    """count queries after random.seed(seed): each answers with the repeat
    random.Random(seed) draws in turn, and the global generator ends where
    that one does (later draws stay in step)."""
    nb = load_nasbench("nb101-mini-full")
    stored = [p for p in ref.expected("nb101-mini-full")["probes"] if p.get("in_dataset")]
    specs = [make_spec(p) for p in stored]
    rng = random.Random(seed)
    random.seed(seed)
    for i in range(count):
        p = stored[i % len(stored)]
        data = nb.query(specs[i % len(stored)], epochs=(108, 36, 12, 4)[i % 4])
        check_query(data, p["fixed"], p["computed"][str((108, 36, 12, 4)[i % 4])]
                    [rng.randint(0, NUM_REPEATS - 1)], False)
    assert random.random() == rng.random()


def test_repeat_draw_fast_path(ref, load_nasbench):
    """The native query draws random.randint's numbers itself when randint is
    the random module's own (draw.c); on this Python it does."""
    from cellscape import _native
    assert _native._draw_fast_enabled() is True
    _draws_match(ref, load_nasbench)


def test_repeat_draw_patched_class(ref, load_nasbench, monkeypatch):
    """random.Random changed (its _randbelow wrapped): the draw goes through
    randint, which calls the wrapper, and the numbers stay the same."""
    calls = []
    original = random.Random._randbelow

    def counted(self, n):
        if self is random.randint.__self__:  # not the test's own Random
            calls.append(n)
        return original(self, n)
    monkeypatch.setattr(random.Random, "_randbelow", counted)
    _draws_match(ref, load_nasbench)
    assert calls == [NUM_REPEATS] * 40


def test_repeat_draw_patched_instance(ref, load_nasbench, monkeypatch):
    """random._inst given a getrandbits of its own: randint uses it, so must we."""
    calls = []
    inst = random.randint.__self__
    original = inst.getrandbits

    def counted(k):
        calls.append(k)
        return original(k)
    monkeypatch.setattr(inst, "getrandbits", counted)
    _draws_match(ref, load_nasbench)
    assert len(calls) >= 40 and set(calls) == {2}


def test_repeat_draw_patched_randint(ref, load_nasbench, monkeypatch):
    """random.randint replaced (mock.patch style): query calls the new one,
    with the reference's arguments, and uses what it returns."""
    nb = load_nasbench("nb101-mini-full")
    p = next(p for p in ref.expected("nb101-mini-full")["probes"] if p.get("in_dataset"))
    seen = []
    nb.reset_budget_counters()
    monkeypatch.setattr(random, "randint", lambda a, b: seen.append((a, b)) or b)
    data = nb.query(make_spec(p))
    assert seen == [(0, NUM_REPEATS - 1)]
    check_query(data, p["fixed"], p["computed"]["108"][NUM_REPEATS - 1], False)
    monkeypatch.setattr(random, "randint", lambda a, b: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        nb.query(make_spec(p))
    assert nb.get_budget_counters()[1] == 108


def test_query_float_epochs(ref, load_nasbench):
    """epochs=108.0 is in valid_epochs (108.0 == 108) and the reference's dict
    look-up finds it: the same answer as epochs=108."""
    nb = load_nasbench("nb101-mini-full")
    p = next(p for p in ref.expected("nb101-mini-full")["probes"] if p.get("in_dataset"))
    random.seed(5)
    a = nb.query(make_spec(p), epochs=108.0)
    random.seed(5)
    b = nb.query(make_spec(p), epochs=108)
    assert a["test_accuracy"] == b["test_accuracy"]
    with pytest.raises(nasbench_api().OutOfDomainError):
        nb.query(make_spec(p), epochs=108.5)


# ---------------------------------------------------------------------------
# The Inception-like cell of the official example (facts section 7)

def _inception_hash(ref, name):
    adjacency = "".join(str(v) for row in INCEPTION_STORED_MATRIX for v in row)
    ops = ",".join(INCEPTION_STORED_OPS)
    hashes = {r[0] for r in ref.tfrecord_rows(name) if r[2] == adjacency and r[3] == ops}
    assert len(hashes) == 1
    return hashes.pop()


@dataset_params(INCEPTION_DATASETS)
def test_inception_cell(name, ref, load_nasbench):
    api = nasbench_api()
    nb = load_nasbench(name)
    spec = api.ModelSpec(matrix=INCEPTION_QUERY_MATRIX, ops=INCEPTION_QUERY_OPS)
    assert spec.matrix.tolist() == INCEPTION_QUERY_MATRIX
    assert nb.is_valid(spec)
    h = nb._hash_spec(spec)
    assert h == _inception_hash(ref, name)
    fixed, computed = nb.get_metrics_from_spec(spec)
    # Stored in the representative's vertex order, not the query's.
    assert fixed["module_adjacency"].dtype == np.int8
    assert fixed["module_adjacency"].tolist() == INCEPTION_STORED_MATRIX
    assert fixed["module_operations"] == INCEPTION_STORED_OPS
    assert type(fixed["trainable_parameters"]) is int
    if name in INCEPTION_PARAMS:
        assert fixed["trainable_parameters"] == INCEPTION_PARAMS[name]
    real = [r for r in computed[108]
            if all(r[k] == v for k, v in INCEPTION_REAL_REPEAT.items())]
    assert len(real) == 1

    random.seed(31)
    data = nb.query(spec)
    repeat = computed[108][random.Random(31).randint(0, NUM_REPEATS - 1)]
    assert data["trainable_parameters"] == fixed["trainable_parameters"]
    assert data["module_adjacency"].tolist() == INCEPTION_STORED_MATRIX
    assert data["test_accuracy"] == repeat["final_test_accuracy"]
    assert data["training_time"] == repeat["final_training_time"]


# ---------------------------------------------------------------------------
# The import cache

def _cache_state(path):
    state = {}
    for root, _, files in os.walk(path):
        for f in files:
            st = os.stat(os.path.join(root, f))
            state[os.path.join(root, f)] = (st.st_size, st.st_mtime_ns)
    return state


def _check_answers(ref, nb, name):
    assert list(nb.hash_iterator()) == ref.file_hash_order(name)
    for p in ref.expected(name)["probes"][:12]:
        if p.get("in_dataset"):
            fixed, computed = nb.get_metrics_from_spec(make_spec(p))
            check_fixed(fixed, p["fixed"])
            check_computed(computed, p["computed"])


def test_cache_is_reused(ref, tmp_path, monkeypatch):
    api = nasbench_api()
    cache = tmp_path / "cache"
    monkeypatch.setenv("CELLSCAPE_CACHE", str(cache))
    name = "nb101-mini-only108"
    _check_answers(ref, api.NASBench(ref.tfrecord_path(name)), name)
    state = _cache_state(str(cache))
    assert state, "the .tfrecord import left nothing in $CELLSCAPE_CACHE"
    _check_answers(ref, api.NASBench(ref.tfrecord_path(name)), name)
    assert _cache_state(str(cache)) == state


def test_changed_file_is_not_served_from_cache(ref, tmp_path, monkeypatch):
    """Same path, new content (and the old modification time, as cp -p or
    rsync -t leave it): the answers are the new file's."""
    api = nasbench_api()
    monkeypatch.setenv("CELLSCAPE_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "nasbench.tfrecord"
    shutil.copyfile(ref.tfrecord_path("nb101-mini-only108"), str(data))
    _check_answers(ref, api.NASBench(str(data)), "nb101-mini-only108")
    st = os.stat(str(data))
    shutil.copyfile(ref.tfrecord_path("nb101-real30-only108"), str(data))
    os.utime(str(data), ns=(st.st_atime_ns, st.st_mtime_ns))
    _check_answers(ref, api.NASBench(str(data)), "nb101-real30-only108")
    shutil.copyfile(ref.tfrecord_path("nb101-mini-full"), str(data))
    _check_answers(ref, api.NASBench(str(data)), "nb101-mini-full")


def test_unusable_cache_location_falls_back(ref, tmp_path, monkeypatch):
    """A cache path that cannot be created (its parent is a regular file, which
    stops root too) still gives a working NASBench."""
    api = nasbench_api()
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("CELLSCAPE_CACHE", str(blocker / "cache"))
    name = "nb101-real30-only108"
    _check_answers(ref, api.NASBench(ref.tfrecord_path(name)), name)
    assert blocker.read_text() == "x"
