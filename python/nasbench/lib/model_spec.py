"""ModelSpec: a cell as the official API takes it, pruned on construction."""
import copy

import numpy as np

from cellscape import _native
from nasbench.lib import graph_util


class ModelSpec(object):
    """A cell: an upper-triangular adjacency matrix and one op per vertex.

    Construction checks the matrix (ValueError with the official messages)
    and prunes the vertices not on an input-to-output path; valid_spec is
    False (and matrix, ops None) when input and output are disconnected.
    """

    def __init__(self, matrix, ops, data_format="channels_last"):
        kept = _native.prune(matrix, ops)
        if not isinstance(matrix, np.ndarray):
            matrix = np.array(matrix)
        self.original_matrix = copy.deepcopy(matrix)
        self.original_ops = copy.deepcopy(ops)
        self.matrix = copy.deepcopy(matrix)
        self.ops = copy.deepcopy(ops)
        self.valid_spec = True
        self.data_format = data_format
        if kept is None:
            self.matrix = None
            self.ops = None
            self.valid_spec = False
        elif len(kept) < len(ops):
            self.matrix = matrix[np.ix_(kept, kept)]
            self.ops = [ops[i] for i in kept]

    def hash_spec(self, canonical_ops):
        """The module hash, ops numbered by their place in canonical_ops."""
        labeling = [-1] + [canonical_ops.index(op) for op in self.ops[1:-1]] + [-2]
        return graph_util.hash_module(self.matrix, labeling)

    def visualize(self):
        """A graphviz Digraph of the pruned cell (needs the graphviz module)."""
        import graphviz  # optional, as in the official API
        g = graphviz.Digraph()
        for v, op in enumerate(self.ops):
            g.node(str(v), op)
        for s, d in zip(*np.nonzero(self.matrix)):
            g.edge(str(s), str(d))
        return g


def is_upper_triangular(matrix):
    """True when every entry on or below the diagonal is 0."""
    return not np.tril(np.asarray(matrix)).any()
