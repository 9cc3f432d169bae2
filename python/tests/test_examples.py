"""The examples/ scripts run as a user runs them (the client script has its
own test, test_client_script.py)."""

import os
import subprocess
import sys

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                        "examples")

# ../shared/docs/nasbench101-facts.md section 1: the paper's headline count.
PAPER_CELLS = 423624


def run(script, *args):
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, script)] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


def test_space_census_recomputes_the_headline_count():
    rows = [line.split("\t") for line in run("space_census.py").splitlines()]
    assert rows[0] == ["vertices", "cells", "min_params", "max_params"]
    totals = {r[0]: int(r[1]) for r in rows if r[0] in ("cells", "distinct_hashes")}
    assert totals == {"cells": PAPER_CELLS, "distinct_hashes": PAPER_CELLS}
    by_vertices = {int(r[0]): int(r[1]) for r in rows[1:] if r[0].isdigit()}
    assert sum(by_vertices.values()) == PAPER_CELLS
    # Two vertices: input -> output, the one cell without an interior op.
    assert by_vertices[2] == 1
    assert max(by_vertices) == 7
