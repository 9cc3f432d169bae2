"""Recompute the paper's headline count through cellscape's native module.

NAS-Bench-101 (Ying et al., 2019) reports 423,624 unique cells: labelled DAGs
of at most 7 vertices and 9 edges over 3 operations, up to isomorphism.  This
script enumerates the space (cellscape.Space), counts its classes, checks
that the module hashes tell them all apart, and breaks the count down by
number of vertices, with the trainable-parameter range of each row:

    PYTHONPATH=build/python /usr/bin/python3 examples/space_census.py

Output: TSV on stdout (vertices, cells, min_params, max_params), then the
total as "cells<TAB>423624" and "distinct_hashes<TAB>423624".
"""

import sys

import numpy as np

import cellscape


def main():
    space = cellscape.Space()
    vertices = space.vertices
    params = space.params
    print("vertices\tcells\tmin_params\tmax_params")
    for v in range(int(vertices.min()), int(vertices.max()) + 1):
        sel = vertices == v
        if sel.any():
            print("%d\t%d\t%d\t%d" % (v, int(sel.sum()), int(params[sel].min()),
                                      int(params[sel].max())))
    print("cells\t%d" % len(space))
    print("distinct_hashes\t%d" % len(np.unique(space.hashes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
