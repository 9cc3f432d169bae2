"""An unmodified client of the official API runs on the drop-in.

The client (examples/nasbench_client.py) is written as users of google-research/nasbench write them
(its example.py and README: build the Inception-like ModelSpec, query it,
print the result; then walk hash_iterator() with get_metrics_from_hash, and
query every cell rebuilt from its fixed statistics).  It runs in its own
Python process, with the test process's interpreter and PYTHONPATH, against a
fixture; its output is checked against the reference's recorded answers
(../shared/fixtures/*.expected.json) and the facts sheet (section 7).
"""

import json
import os
import random
import subprocess
import sys

import numpy as np
import pytest

SEED = 20190212

# The client: examples/nasbench_client.py, as a user runs it.
CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                      "examples", "nasbench_client.py")

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
INCEPTION_REAL_REPEAT = {
    "final_training_time": 1155.85302734375,
    "final_train_accuracy": 1.0,
    "final_validation_accuracy": 0.9376001358032227,
    "final_test_accuracy": 0.9311898946762085,
}


def run_client(tmp_path, dataset_file):
    """Run CLIENT in a subprocess: same interpreter, the test process's
    PYTHONPATH, with the directory of the nasbench package this process
    imports in front so that both use the same package."""
    import nasbench
    env = dict(os.environ)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(nasbench.__file__)))
    paths = [package_root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    proc = subprocess.run([sys.executable, CLIENT, dataset_file, str(SEED)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=str(tmp_path), timeout=300,
                          universal_newlines=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


def parse(stdout):
    lines = stdout.splitlines()
    begin, end = lines.index("BEGIN DATA"), lines.index("END DATA")
    printed = "\n".join(lines[begin + 1:end])
    records = {"cell": []}
    for line in lines:
        if line.startswith("CLIENT "):
            _, tag, value = line.split(" ", 2)
            if tag == "cell":
                records["cell"].append(json.loads(value))
            else:
                records[tag] = json.loads(value)
    return lines, printed, records


@pytest.mark.parametrize("name", ["nb101-mini-full", "nb101-mini-only108"],
                         ids=["mini-full", "mini-108"])
def test_official_style_client(ref, name, tmp_path):
    exp = ref.expected(name)
    stdout = run_client(tmp_path, ref.tfrecord_path(name))
    lines, printed, out = parse(stdout)
    assert lines[0] == "Loading dataset from file... This may take a few minutes..."

    # The Inception-like cell: stored in the representative's vertex order,
    # with its real 108-epoch repeat among the three (facts section 7).
    inc = out["inception"]
    assert inc["valid"] is True
    assert inc["adjacency"] == INCEPTION_STORED_MATRIX
    assert inc["operations"] == INCEPTION_STORED_OPS
    assert type(inc["parameters"]) is int
    if name == "nb101-mini-only108":
        # The real count (facts sections 6, 7); nb101-mini-full stores a
        # synthetic one like the rest of its values (fixtures/README.md).
        assert inc["parameters"] == 2694282
    assert len(inc["repeats108"]) == 3
    assert sum(all(r[k] == v for k, v in INCEPTION_REAL_REPEAT.items())
               for r in inc["repeats108"]) == 1

    # Repeats: random.seed(SEED) at load, one randint(0, 2) per query.
    rng = random.Random(SEED)
    repeat = inc["repeats108"][rng.randint(0, 2)]
    expected_data = {
        "module_adjacency": np.array(INCEPTION_STORED_MATRIX, dtype=np.int8),
        "module_operations": INCEPTION_STORED_OPS,
        "trainable_parameters": inc["parameters"],
        "training_time": repeat["final_training_time"],
        "train_accuracy": repeat["final_train_accuracy"],
        "validation_accuracy": repeat["final_validation_accuracy"],
        "test_accuracy": repeat["final_test_accuracy"],
    }
    # print(data) shows what the reference's dict shows: the same keys in the
    # same order, an int8 array, Python ints and floats.
    assert printed == repr(expected_data)

    # The walk: every hash once, in the file's order, with the recorded values.
    cells = out["cell"]
    hashes = [c["hash"] for c in cells]
    assert len(hashes) == exp["num_models"] == len(set(hashes))
    assert hashes == ref.file_hash_order(name)
    by_probe = {}
    for p in exp["probes"]:
        if p.get("in_dataset"):
            by_probe[p["hash"]] = p
    assert set(by_probe) <= set(hashes)
    checked = 0
    for cell in cells:
        assert cell["rehash"] == cell["hash"]
        assert cell["fixed"]["dtype"] == "int8"
        assert sorted(int(e) for e in cell["computed"]) == sorted(exp["valid_epochs"])
        index = rng.randint(0, 2)
        repeat = cell["computed"]["108"][index]
        assert cell["query"] == [repeat["final_training_time"],
                                 repeat["final_train_accuracy"],
                                 repeat["final_validation_accuracy"],
                                 repeat["final_test_accuracy"]]
        p = by_probe.get(cell["hash"])
        if p is None:
            continue
        checked += 1
        fixed = {k: v for k, v in cell["fixed"].items() if k != "dtype"}
        assert fixed == p["fixed"]
        assert cell["computed"] == p["computed"]
        assert cell["mean_test_accuracy"] == float(np.mean(
            [r["final_test_accuracy"] for r in p["computed"]["108"]]))
    assert checked == len(by_probe)

    # Budget: the Inception query and one 108-epoch query per cell.
    time_spent = 0.0 + expected_data["training_time"]
    for cell in cells:
        time_spent += cell["query"][0]
    assert out["budget"] == [time_spent, 108 * (1 + exp["num_models"])]
