"""nasbench.lib.graph_util (and model_spec.is_upper_triangular) of the drop-in.

Expected values: the probes' hashes recorded from the reference
(../shared/fixtures/*.expected.json), the reference enumeration's own output
files and real module hashes (../shared/realdata/), and small hand-made
matrices whose answers follow from the definitions in
../shared/docs/nasbench101-facts.md (sections 1-3).
"""

import itertools

import numpy as np
import pytest

try:
    from hypothesis import given, settings, strategies as st
except ImportError:  # the property test below then fails, not the module
    given = None

AVAILABLE_OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]


def graph_util():
    from nasbench.lib import graph_util as gu
    return gu


def labeling(ops):
    """Integer labels of facts section 3: input -1, output -2, ops 0..2."""
    return [-1] + [AVAILABLE_OPS.index(op) for op in ops[1:-1]] + [-2]


def permutations_for(n):
    """A few permutations of range(n): interior reversed (input and output
    fixed, as isomorphic cells are), a rotation, all reversed."""
    perms = []
    if n > 3:
        perms.append([0] + list(range(n - 2, 0, -1)) + [n - 1])
    perms.append([(v + 1) % n for v in range(n)])
    perms.append(list(range(n - 1, -1, -1)))
    return perms


# ---------------------------------------------------------------------------
# hash_module

def test_graph_functions_on_probe(spec_probe):
    """num_edges of every constructible probe; for a cell in the domain,
    is_full_dag of the pruned cell and its hash_module with the labels
    [-1, op indices..., -2] equal to the recorded hash; for a stored cell,
    the dataset's own (int8) module hashes to the same key."""
    gu = graph_util()
    p = spec_probe
    assert gu.num_edges(np.array(p["matrix"])) == sum(map(sum, p["matrix"]))
    if "hash" not in p:
        return
    matrix = np.array(p["pruned_matrix"])
    labels = labeling(p["pruned_ops"])
    assert gu.is_full_dag(matrix)
    h = gu.hash_module(matrix, labels)
    assert type(h) is str
    assert h == p["hash"]
    assert gu.hash_module(matrix.astype(np.int8), labels) == p["hash"]
    if len(labels) > 2:
        # Another op at vertex 1 changes the multiset of labels: not the same
        # cell, not the same hash.
        other = list(labels)
        other[1] = (other[1] + 1) % 3
        assert gu.hash_module(matrix, other) != p["hash"]
    if p.get("in_dataset"):
        fixed = p["fixed"]
        stored = gu.hash_module(np.array(fixed["module_adjacency"], dtype=np.int8),
                                labeling(fixed["module_operations"]))
        assert stored == p["hash"]


@pytest.mark.parametrize("filename", ["generated_graphs_4V9E.json",
                                      "generated_graphs_5V9E.json"])
def test_hash_module_on_reference_enumeration(ref, filename):
    """Each entry of the reference enumeration's output file is
    hash -> [matrix, labels]: the hash of its own representative."""
    gu = graph_util()
    graphs = ref.realdata(filename)
    for h, (matrix, labels) in graphs.items():
        assert gu.hash_module(np.array(matrix), labels) == h, (matrix, labels)


def _real_1k_cells(ref):
    data = ref.realdata("nb101-real-1k.json")
    for h, adjacency, operations in zip(data["key"], data["adjacency"],
                                        data["operations"]):
        n = sum(1 for o in operations if o != -3)  # -3: padding after output
        matrix = np.array(adjacency, dtype=np.int64)[:n, :n]
        yield h, matrix, list(operations[:n])


def test_hash_module_on_real_hashes(ref):
    """1,000 real module hashes (realdata/nb101-real-1k.json)."""
    gu = graph_util()
    count = 0
    for h, matrix, labels in _real_1k_cells(ref):
        assert gu.hash_module(matrix, labels) == h
        count += 1
    assert count == 1000


def test_model_spec_hash_on_real_hashes(ref):
    from nasbench.lib import model_spec
    names = {-1: "input", -2: "output"}
    names.update(enumerate(AVAILABLE_OPS))
    for h, matrix, labels in _real_1k_cells(ref):
        spec = model_spec.ModelSpec(matrix, [names[l] for l in labels])
        assert spec.hash_spec(AVAILABLE_OPS) == h


# ---------------------------------------------------------------------------
# gen_is_edge_fn, is_full_dag, num_edges and the enumeration they drive

def _edge_matrix(bits, n):
    return np.fromfunction(graph_util().gen_is_edge_fn(bits), (n, n), dtype=np.int8)


def test_gen_is_edge_fn_bit_order():
    # Bit x + y*(y-1)/2 is the edge x -> y (facts section 2): for FEDCBA on a
    # 4 x 4 matrix, row 0 is [0, A, B, D], row 1 [0, 0, C, E], row 2 [0, 0, 0, F].
    positions = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
    for index, (x, y) in enumerate(positions):
        expected = np.zeros((4, 4), dtype=int)
        expected[x, y] = 1
        assert _edge_matrix(1 << index, 4).astype(int).tolist() == expected.tolist()
    full = np.triu(np.ones((4, 4), dtype=int), 1)
    assert _edge_matrix(0b111111, 4).astype(int).tolist() == full.tolist()
    # The same bits on a larger matrix leave the new rows and columns empty.
    five = np.zeros((5, 5), dtype=int)
    five[:4, :4] = full
    assert _edge_matrix(0b111111, 5).astype(int).tolist() == five.tolist()
    assert _edge_matrix(0, 3).astype(int).tolist() == [[0, 0, 0]] * 3
    # Nothing on or below the diagonal, whatever the bits.
    m = _edge_matrix((1 << 21) - 1, 7).astype(int)
    assert m.tolist() == np.triu(np.ones((7, 7), dtype=int), 1).tolist()


def test_gen_is_edge_fn_as_a_function():
    fn = graph_util().gen_is_edge_fn(0b000101)  # edges 0->1 and 1->2
    assert bool(fn(0, 1)) and bool(fn(1, 2))
    assert not fn(0, 2) and not fn(1, 0) and not fn(2, 2)


FULL_DAG_CASES = [
    # (matrix, is_full_dag, num_edges)
    ([[0, 1], [0, 0]], True, 1),
    ([[0, 0], [0, 0]], False, 0),
    ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], True, 3),
    ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], True, 2),
    ([[0, 0, 1], [0, 0, 0], [0, 0, 0]], False, 1),   # vertex 1: no in-, no out-edge
    ([[0, 1, 1], [0, 0, 0], [0, 0, 0]], False, 2),   # vertex 1: no out-edge
    ([[0, 0, 1], [0, 0, 1], [0, 0, 0]], False, 2),   # vertex 1: no in-edge
    ([[0, 1, 0], [0, 0, 0], [0, 0, 0]], False, 1),   # output unreachable
    ([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], True, 4),
    ([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]], False, 2),
    ([[0, 1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0]], True, 9),
]


@pytest.mark.parametrize("matrix,full,edges", FULL_DAG_CASES,
                         ids=["case%d" % i for i in range(len(FULL_DAG_CASES))])
def test_is_full_dag_and_num_edges(matrix, full, edges):
    gu = graph_util()
    m = np.array(matrix)
    assert bool(gu.is_full_dag(m)) is full
    assert gu.num_edges(m) == edges
    assert int(gu.num_edges(m)) == edges
    assert gu.num_edges(m.astype(np.int8)) == edges


@pytest.mark.parametrize("vertices,filename", [(4, "generated_graphs_4V9E.json"),
                                               (5, "generated_graphs_5V9E.json")])
def test_enumeration_reproduces_reference_output(ref, vertices, filename):
    """Walk the space as the reference enumeration does (facts section 2:
    V = 2.., every bit mask through gen_is_edge_fn, keep full DAGs of at most
    9 edges, labelings in itertools.product order, first hash wins) and get
    exactly the reference's output file: the same hashes, the same
    representatives."""
    gu = graph_util()
    buckets = {}
    for n in range(2, vertices + 1):
        for bits in range(2 ** (n * (n - 1) // 2)):
            matrix = _edge_matrix(bits, n)
            if not gu.is_full_dag(matrix) or gu.num_edges(matrix) > 9:
                continue
            for labels in itertools.product(range(3), repeat=n - 2):
                labels = [-1] + list(labels) + [-2]
                h = gu.hash_module(matrix, labels)
                if h not in buckets:
                    buckets[h] = [np.asarray(matrix).astype(int).tolist(), labels]
    reference = ref.realdata(filename)
    assert len(buckets) == len(reference)
    assert buckets == reference


# ---------------------------------------------------------------------------
# permute_graph, is_isomorphic

def test_permute_graph_on_probes(hashed_probe):
    """Vertex permutation[v] of the new graph is vertex v of the old one; the
    hash is an isomorphism invariant (facts section 3)."""
    gu = graph_util()
    p = hashed_probe
    matrix = np.array(p["pruned_matrix"])
    labels = labeling(p["pruned_ops"])
    n = len(labels)
    for perm in permutations_for(n):
        new_matrix, new_labels = gu.permute_graph(matrix, labels, perm)
        new_matrix = np.asarray(new_matrix)
        assert new_matrix.shape == (n, n)
        assert type(new_labels) is list
        for x in range(n):
            assert new_labels[perm[x]] == labels[x]
            for y in range(n):
                assert int(new_matrix[perm[x], perm[y]]) == matrix[x, y]
        assert gu.hash_module(new_matrix, new_labels) == p["hash"]


def test_permute_graph_identity_and_inverse():
    gu = graph_util()
    matrix = np.array(FULL_DAG_CASES[-1][0])
    labels = [-1, 0, 1, 2, 0, 0, -2]
    same, same_labels = gu.permute_graph(matrix, labels, list(range(7)))
    assert np.asarray(same).astype(int).tolist() == matrix.tolist()
    assert same_labels == labels
    perm = [0, 3, 5, 1, 4, 2, 6]
    inverse = [perm.index(v) for v in range(7)]
    there, there_labels = gu.permute_graph(matrix, labels, perm)
    back, back_labels = gu.permute_graph(np.asarray(there).astype(int),
                                         there_labels, inverse)
    assert np.asarray(back).astype(int).tolist() == matrix.tolist()
    assert back_labels == labels


def test_permuted_probe_is_isomorphic_to_stored(permuted_probe_sample):
    """A permuted probe and the module the dataset stores for it (a sample:
    is_isomorphic may try all V! vertex orders)."""
    gu = graph_util()
    p = permuted_probe_sample
    fixed = p["fixed"]
    mine = (np.array(p["pruned_matrix"]), labeling(p["pruned_ops"]))
    stored = (np.array(fixed["module_adjacency"], dtype=np.int8),
              labeling(fixed["module_operations"]))
    assert gu.is_isomorphic(mine, stored) is True
    # Lists too, as the reference enumeration passes them.
    assert gu.is_isomorphic((p["pruned_matrix"], mine[1]),
                            (fixed["module_adjacency"], stored[1])) is True


def test_is_isomorphic_small_cases():
    gu = graph_util()
    a = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert gu.is_isomorphic((a, [-1, 0, 1, -2]), (a, [-1, 1, 0, -2])) is True
    assert gu.is_isomorphic((a, [-1, 0, 0, -2]), (a, [-1, 0, 1, -2])) is False
    chain = [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert gu.is_isomorphic((a, [-1, 0, 0, -2]), (chain, [-1, 0, 0, -2])) is False
    assert gu.is_isomorphic((chain, [-1, 0, 2, -2]), (chain, [-1, 2, 0, -2])) is False
    # Isomorphism may move any vertex (the function does not fix input/output).
    rev = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    assert gu.is_isomorphic((chain, [-1, 0, 2, -2]), (rev, [-2, 2, 0, -1])) is True


def test_is_isomorphic_stored_vs_other_ops(ref):
    """A stored probe and a 'space' probe of the same matrix with other ops."""
    gu = graph_util()
    probes = ref.expected("nb101-mini-full")["probes"]
    stored = next(p for p in probes if p["kind"] == "stored")
    other = next(p for p in probes if p["kind"] == "space"
                 and p["pruned_matrix"] == stored["pruned_matrix"]
                 and sorted(p["pruned_ops"]) != sorted(stored["pruned_ops"]))
    assert gu.is_isomorphic((stored["pruned_matrix"], labeling(stored["pruned_ops"])),
                            (other["pruned_matrix"], labeling(other["pruned_ops"]))) is False


# ---------------------------------------------------------------------------
# is_upper_triangular

@pytest.mark.parametrize("matrix,upper", [
    ([[0]], True),
    ([[1]], False),
    ([[0, 1], [0, 0]], True),
    ([[0, 0], [0, 0]], True),
    ([[0, 1], [1, 0]], False),
    ([[0, 1, 1], [0, 1, 0], [0, 0, 0]], False),   # diagonal
    ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], True),
    ([[0, 1, 1], [0, 0, 1], [1, 0, 0]], False),   # corner below
    ([[0, 2, 0], [0, 0, -1], [0, 0, 0]], True),   # only zeros on/below matter
])
def test_is_upper_triangular(matrix, upper):
    from nasbench.lib import model_spec
    assert bool(model_spec.is_upper_triangular(np.array(matrix))) is upper


# ---------------------------------------------------------------------------
# Property: the hash does not see vertex order

if given is not None:
    @st.composite
    def _cells(draw):
        n = draw(st.integers(min_value=2, max_value=7))
        bits = draw(st.integers(min_value=0, max_value=2 ** (n * (n - 1) // 2) - 1))
        labels = [-1] + draw(st.lists(st.integers(0, 2), min_size=n - 2,
                                      max_size=n - 2)) + [-2]
        perm = draw(st.permutations(list(range(n))))
        return n, bits, labels, list(perm)

    @settings(max_examples=150, deadline=None)
    @given(_cells())
    def test_hash_invariant_under_permutation(cell):
        gu = graph_util()
        n, bits, labels, perm = cell
        matrix = np.asarray(_edge_matrix(bits, n)).astype(int)
        new_matrix, new_labels = gu.permute_graph(matrix, labels, perm)
        assert gu.hash_module(np.asarray(new_matrix), new_labels) == \
            gu.hash_module(matrix, labels)
else:
    def test_hash_invariant_under_permutation():
        pytest.fail("hypothesis is not installed (python3-hypothesis)")
