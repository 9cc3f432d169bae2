"""Graph helpers of the official API, on numpy adjacency matrices."""
import itertools

import numpy as np

from cellscape import _native


def gen_is_edge_fn(bits):
    """A function (x, y) -> 1 when edge x -> y (x < y) is set in bits, the
    enumeration's encoding (bit x + y(y-1)/2), for np.fromfunction."""
    def is_edge(x, y):
        x = np.asarray(x, dtype=np.int64)
        y = np.asarray(y, dtype=np.int64)
        above = x < y
        shift = np.where(above, x + y * (y - 1) // 2, 0)
        return np.where(above, (bits >> shift) & 1, 0)
    return is_edge


def is_full_dag(matrix):
    """Every vertex but the output has an out-edge and every vertex but the
    input an in-edge."""
    matrix = np.asarray(matrix)
    rows = np.any(matrix, axis=1)
    cols = np.any(matrix, axis=0)
    return bool(np.all(rows[:-1]) and np.all(cols[1:]))


def num_edges(matrix):
    return int(np.sum(matrix))


def hash_module(matrix, labeling):
    """The module hash of a matrix and its integer labels (-1 input, -2
    output, op indices): the dataset's key, bit for bit (libcellscape)."""
    return _native.hash_module(matrix, labeling)


def permute_graph(graph, label, permutation):
    """Relabel: vertex i becomes vertex permutation[i].  (matrix, labels)."""
    graph = np.asarray(graph)
    n = len(label)
    perm = np.asarray(permutation)
    new = np.zeros((n, n), dtype=np.int8)
    new[np.ix_(perm, perm)] = graph != 0
    new_label = [None] * n
    for i in range(n):
        new_label[perm[i]] = label[i]
    return new, new_label


def is_isomorphic(graph1, graph2):
    """Whether two (matrix, labels) graphs are isomorphic, labels kept."""
    m1, l1 = np.asarray(graph1[0]), list(graph1[1])
    m2, l2 = np.asarray(graph2[0]), list(graph2[1])
    if m1.shape != m2.shape or len(l1) != len(l2) or sorted(map(str, l1)) != sorted(map(str, l2)):
        return False
    n = len(l1)
    a2 = m2 != 0
    for perm in itertools.permutations(range(n)):
        if any(l1[i] != l2[perm[i]] for i in range(n)):
            continue
        pm, _ = permute_graph(m1, l1, perm)
        if np.array_equal(pm != 0, a2):
            return True
    return False
