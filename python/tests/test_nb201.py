"""cellscape.nb201 from Python: the cells as the official API orders and
keys them (checked against real NAS-Bench-201 archs in ../shared/realdata),
and the landscape numbers of `cellscape analyze --space nb201` for the same
data and seed (the CLI's files read as a user reads them)."""

import json
import os
import subprocess

import numpy as np
import pytest

from conftest import realdata
from test_landscape import cellscape_binary, read_tsv


def test_cells_in_api_order():
    from cellscape import nb201
    archs = nb201.archs()
    assert len(archs) == nb201.CELLS == len(set(archs))
    # the API's unique keys: 6,466 distinct (facts of the NB-201 API, cs_nb201.h)
    assert len(set(nb201.api_keys())) == 6466
    for i in (0, 1, 777, 15624):
        assert nb201.index(archs[i]) == i
        ops = [nb201.OPS.index(t.split("~")[0]) for t in archs[i].split("|")
               if "~" in t]
        assert nb201.ops()[i].tolist() == ops
    with pytest.raises(ValueError):
        nb201.index("|nor_conv_3x3~0|+|")
    cls, n = nb201.classes()
    assert cls.shape == (nb201.CELLS,) and cls.max() == n - 1 and cls[0] == 0


def test_real_archs_at_their_api_index():
    """realdata/nb201-archs-cifar10.json: the 15,625 arch strings in the
    official API's index order (SOURCES.md)."""
    from cellscape import nb201
    assert list(nb201.archs()) == realdata("nb201-archs-cifar10.json")["archs"]


def test_neighbours_are_single_edits():
    from cellscape import nb201
    indptr, indices = nb201.neighbours()
    ops = nb201.ops()
    assert indptr[-1] == nb201.CELLS * 24
    for i in (0, 5, 15624):
        nb = indices[indptr[i]:indptr[i + 1]]
        assert len(nb) == 24
        assert ((ops[nb] != ops[i]).sum(axis=1) == 1).all()


@pytest.fixture(scope="module")
def csv_data(tmp_path_factory):
    """Real NAS-Bench-201 CIFAR-10 accuracies (realdata/nb201-archs-cifar10.json,
    one per arch in API order) as the CSV the CLI reads."""
    work = tmp_path_factory.mktemp("nb201")
    path = str(work / "nb201-cifar10.csv")
    data = realdata("nb201-archs-cifar10.json")
    acc = np.array(data["accuracies"], dtype=np.float64)
    with open(path, "w") as f:
        f.write("arch,dataset,metric,value\n")
        for arch, a in zip(data["archs"], data["accuracies"]):
            f.write("%s,cifar10,test-accuracy,%r\n" % (arch, float(a)))
    return work, path, acc, acc


def analyze(work, csv, name, seed=0):
    out = str(work / (name + str(seed)))
    subprocess.run([cellscape_binary(), "analyze", "--space", "nb201", name, "--data", csv,
                    "--seed", str(seed), "-o", out, "-q"], check=True)
    with open(os.path.join(out, name + ".json")) as f:
        return out, json.load(f)


def test_locality_matches_the_cli(csv_data):
    from cellscape import nb201
    work, csv, valid, test = csv_data
    out, j = analyze(work, csv, "locality", seed=7)
    p, s = nb201.fdc(valid)
    assert (p, s) == (j["fdc_pearson"], j["fdc_spearman"])
    header, rows = read_tsv(os.path.join(out, "locality_rwa.tsv"))
    assert header[:4] == ["shift", "pairs", "rwa_fitness", "rwa_score"]
    r = nb201.rwa(valid, seed=7)
    rs = nb201.rwa(valid, seed=7, values=test)
    for row in rows:
        k = int(row[0])
        assert repr(float(r[k])) == row[2]
        assert repr(float(rs[k])) == row[3]


def test_optima_match_the_cli(csv_data):
    from cellscape import nb201
    work, csv, valid, _ = csv_data
    _, j = analyze(work, csv, "optima")
    optima = nb201.local_optima(valid)
    assert len(optima) == j["local_optima"]
    assert len(nb201.local_optima(valid, strict=True)) == j["strict_local_optima"]
    assert optima[0] == j["global_best_cell"]
    b = nb201.basins(valid)
    assert b.size.max() == j["largest_basin"]
    # brute force: an optimum has no better neighbour
    indptr, indices = nb201.neighbours()
    for i in optima:
        assert all(not valid[k] > valid[i] for k in indices[indptr[i]:indptr[i + 1]])


def test_bad_fitness_raises():
    from cellscape import nb201
    for bad in (np.zeros(5), np.zeros((15625, 2)), "x"):
        with pytest.raises((ValueError, TypeError)):
            nb201.local_optima(bad)
        with pytest.raises((ValueError, TypeError)):
            nb201.rwa(bad, walks=1, steps=10)
    with pytest.raises(ValueError):
        nb201.rwa(np.zeros(15625), walks=0)


def test_ctrl_c_interrupts_the_random_walks():
    """NAS-Bench-201's walks poll every 4,096 steps too: one walk of 30
    million steps takes about 5 s uninterrupted (plain build)."""
    from conftest import interrupted
    from cellscape import nb201
    fitness = np.random.default_rng(1).random(15625)
    elapsed = interrupted(0.2, lambda: nb201.rwa(fitness, walks=1, steps=30_000_000))
    assert elapsed < 1.5, elapsed
    assert len(nb201.rwa(fitness, walks=1, steps=1000, max_shift=3)) == 4
