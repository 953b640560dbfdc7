"""Tests for csqlab.models: every symmetric architecture of lessons 7–10 computes the
paper's formula (checked against an explicit numpy evaluation) and is invariant or
equivariant to 1e-10 in float64 under its group, while the plain MLP is not."""

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab import groups as G
from csqlab import models as M

SETTINGS = settings(max_examples=10, deadline=None)
TOL = 1e-10


def random_graphs(batch, n, d, seed):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.integers(0, 2, size=(batch, n, n)), 1)
    A = (upper + upper.transpose(0, 2, 1)).astype(float)
    X = rng.normal(size=(batch, n, d))
    return torch.tensor(A), torch.tensor(X)


def relu(z):
    return np.maximum(z, 0.0)


# ----------------------------------------------------------------------------- GNNs


@SETTINGS
@given(st.integers(0, 10_000), st.sampled_from(["sum", "mean"]), st.sampled_from(["sum", "mean"]),
       st.sampled_from(["relu", "tanh"]))
def test_shallow_gnn_is_permutation_invariant(seed, aggregation, readout, activation):
    """Lesson 8: f(PAPᵀ, PX) = f(A, X) to 1e-10 in float64; node outputs are equivariant."""
    A, X = random_graphs(4, 7, 3, seed)
    gnn = M.ShallowGNN(3, 6, aggregation=aggregation, readout=readout, activation=activation,
                       seed=seed)
    result = M.equivariance_error(gnn, G.symmetric(7), (A, X), "graphs", seed=seed)
    assert result.ok and result.max_error < TOL and result.n_elements == 16
    nodes = M.equivariance_error(gnn.node_outputs, G.symmetric(7), (A, X), "graphs", "vectors")
    assert nodes.max_error < TOL
    # node outputs are equivariant, not invariant: the check detects the difference
    assert not M.equivariance_error(gnn.node_outputs, G.symmetric(7), (A, X), "graphs").ok


def test_shallow_gnn_computes_the_paper_formula():
    """Theorem B: f(A, X) = 1ᵀ σ(A X W) a; mean variants use D⁻¹AX and a node average."""
    A, X = random_graphs(3, 6, 4, 1)
    A[0, 2, :] = 0.0
    A[0, :, 2] = 0.0  # an isolated node: mean aggregation must give 0 there
    rng = np.random.default_rng(2)
    W, a = rng.normal(size=(4, 6)), rng.normal(size=6)
    An, Xn = A.numpy(), X.numpy()
    expected = relu(An @ Xn @ W) @ a
    gnn = M.ShallowGNN(4, 6, W=W, a=a)
    assert np.allclose(gnn(A, X).detach().numpy(), expected.sum(axis=1), atol=1e-13)
    degree = np.maximum(An.sum(axis=2, keepdims=True), 1)
    mean_nodes = relu(An @ Xn / degree @ W) @ a
    mean_gnn = M.ShallowGNN(4, 6, aggregation="mean", readout="mean").set_weights(W, a)
    assert np.allclose(mean_gnn(A, X).detach().numpy(), mean_nodes.mean(axis=1), atol=1e-13)
    # unbatched inputs give a scalar
    assert gnn(A[0], X[0]).shape == () and torch.isclose(gnn(A[0], X[0]), gnn(A, X)[0])


def test_degree_histogram_gnn_counts_degrees():
    """Theorem A [ours]: the exact ReLU node MLP + sum readout gives h_j(A) = #{deg = j}."""
    A, _ = random_graphs(6, 9, 1, 3)
    histogram_gnn = M.MessagePassingGNN(M.degree_indicator_mlp(8))
    counts = histogram_gnn(A).detach().numpy()
    degrees = A.numpy().sum(axis=2).astype(int)
    expected = np.array([np.bincount(row, minlength=9) for row in degrees])
    assert np.array_equal(counts, expected)
    assert M.equivariance_error(histogram_gnn, G.symmetric(9), (A,), "graphs").max_error == 0.0


def test_message_passing_gnn_with_head_is_invariant():
    """General one-layer GNN: head(readout node_mlp(agg(A, X))) is invariant."""
    A, X = random_graphs(4, 6, 2, 4)
    gnn = M.MessagePassingGNN(M.MLP(2, (8,), out_features=5, seed=1, flatten=False),
                              head=M.MLP(5, (4,), seed=2), aggregation="mean", readout="mean")
    out = gnn(A, X)
    assert out.shape == (4,)
    assert M.equivariance_error(gnn, G.symmetric(6), (A, X), "graphs").max_error < TOL


# ----------------------------------------------------------------------------- CNNs


def explicit_group_average(X, W, a, elements):
    """(1/|G|) Σ_g aᵀ relu(Wᵀ g⁻¹X) 1_d with g⁻¹X = X[g], in plain numpy."""
    total = 0.0
    for g in elements:
        total = total + np.einsum("bmd,m->b", relu(np.einsum("nm,bnd->bmd", W, X[:, g])), a)
    return total / len(elements)


@SETTINGS
@given(st.integers(0, 10_000))
def test_circular_cnn_is_shift_invariant_and_matches_the_formula(seed):
    """Lesson 9: the CNN (conv1d path) equals the paper's group average over C_n and is
    invariant under cyclic shifts of the rows to 1e-10."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(5, 8, 3))
    W, a = rng.normal(size=(8, 4)), rng.normal(size=4)
    cnn = M.CircularCNN(8, 4, W=W, a=a)
    expected = explicit_group_average(X, W, a, G.cyclic(8).elements())
    assert np.allclose(cnn(torch.tensor(X)).detach().numpy(), expected, atol=1e-12)
    slow = M.GroupAveragedNetwork(8, 4, fast_path=False, W=W, a=a)
    assert np.allclose(slow(X).detach().numpy(), expected, atol=1e-12)
    assert M.equivariance_error(cnn, G.cyclic(8), torch.tensor(X), "rows").max_error < TOL


@pytest.mark.parametrize("group", [G.dihedral(6), G.direct_product(G.cyclic(3), G.cyclic(3)),
                                   G.generated_group([[1, 2, 0, 3, 4, 5], [0, 1, 2, 4, 5, 3]]),
                                   G.grid_shifts(2, 3)], ids=lambda g: g.name)
def test_group_averaged_network_for_other_groups(group):
    """The same class for any permutation group: formula and invariance; not invariant
    under a larger group (the check can fail)."""
    n = group.degree
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, n, 2))
    W, a = rng.normal(size=(n, 5)), rng.normal(size=5)
    net = M.GroupAveragedNetwork(n, 5, group=group, W=W, a=a)
    expected = explicit_group_average(X, W, a, group.elements())
    assert np.allclose(net(X).detach().numpy(), expected, atol=1e-12)
    assert M.equivariance_error(net, group, torch.tensor(X), "rows").max_error < TOL
    assert not M.equivariance_error(net, G.symmetric(n), torch.tensor(X), "rows").ok


def test_two_dimensional_circular_cnn_on_a_torus():
    """A 2-D circular CNN = group average over grid shifts: invariant under np.roll of
    the image along both axes."""
    group = G.grid_shifts(3, 4)
    net = M.GroupAveragedNetwork(12, 4, group=group, seed=3)
    images = np.random.default_rng(1).normal(size=(5, 3, 4))
    value = net(images.reshape(5, 12)).detach().numpy()
    for shift in [(1, 0), (0, 3), (2, 1)]:
        rolled = np.roll(images, shift, axis=(1, 2)).reshape(5, 12)
        assert np.allclose(net(rolled).detach().numpy(), value, atol=TOL)


# ----------------------------------------------------------------------------- frames


@pytest.mark.parametrize("frame", [G.argmax_frame(G.cyclic(7)), G.canonical_frame(G.dihedral(7)),
                                   G.sort_frame(7), G.canonical_frame(
                                       G.generated_group([[1, 2, 0, 3, 4, 5, 6],
                                                          [0, 1, 2, 3, 5, 6, 4]]))],
                         ids=lambda f: f.name)
def test_frame_averaged_mlp_is_invariant_and_trains(frame):
    """Lesson 9: ⟨φ⟩_F is invariant under the frame's group (exactly, here 1e-10) for an
    arbitrary MLP φ, gradients reach φ, and the backbone alone is not invariant."""
    x = torch.tensor(np.random.default_rng(2).normal(size=(12, 7)))
    model = M.FrameAveragedMLP(frame, hidden=(16,), seed=1)
    assert M.equivariance_error(model, frame.group, x).max_error < TOL
    assert not M.equivariance_error(model.backbone, frame.group, x).ok
    model(x).sum().backward()
    assert all(p.grad is not None for p in model.backbone.parameters())
    ties = torch.tensor(np.random.default_rng(3).integers(0, 2, size=(12, 7)).astype(float))
    assert M.equivariance_error(model, frame.group, ties).max_error < TOL


def test_frame_averaged_mlp_of_an_invariant_backbone_is_the_backbone():
    """The paper's lifting argument: if φ is already G-invariant, frame averaging with any frame returns φ."""
    x = torch.tensor(np.random.default_rng(4).normal(size=(10, 6)))
    backbone = M.InvariantPolynomial(6, 3)
    for frame in [G.argmax_frame(G.cyclic(6)), G.sort_frame(6)]:
        model = M.FrameAveragedMLP(frame, backbone=backbone)
        assert torch.allclose(model(x), backbone(x), atol=1e-12)


# ----------------------------------------------------------------------------- polynomials


def test_power_sum_polynomial_formula_and_symmetric_invariance():
    """Lesson 10: f(x) = c_0 + Σ_j c_j Σ_i x_i^j, invariant under all of S_n."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(7, 9))
    coefficients = rng.normal(size=4)
    model = M.InvariantPolynomial(9, 4, coefficients=coefficients)
    model.set_weights(coefficients, 0.5)
    expected = 0.5 + sum(c * (x ** (j + 1)).sum(axis=1) for j, c in enumerate(coefficients))
    assert np.allclose(model(x).detach().numpy(), expected, atol=1e-12)
    assert M.equivariance_error(model, G.symmetric(9), torch.tensor(x), seed=1).max_error < TOL


def test_orbit_sum_features_are_orthonormal_and_invariant():
    """The paper's invariant polynomials [ours]: |Orb(S)|^{-1/2} Σ_{T∈Orb(S)} x^T are orthonormal (exact, uniform
    cube: distinct multilinear monomials are orthonormal) and G-invariant — but not
    invariant under S_n when G = C_n."""
    n = 8
    model = M.InvariantPolynomial(n, 3, features="orbit_sum", group=G.cyclic(n))
    assert model.n_features == sum(G.cyclic_subset_orbit_count(n, k) for k in (1, 2, 3))
    cube = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=n)), dtype=torch.float64)
    features = model.features(cube)
    gram = features.T @ features / len(cube)
    assert torch.allclose(gram, torch.eye(model.n_features, dtype=torch.float64), atol=1e-12)
    x = torch.tensor(np.random.default_rng(6).normal(size=(5, n)))
    assert M.equivariance_error(model, G.cyclic(n), x).max_error < TOL
    assert not M.equivariance_error(model, G.symmetric(n), x).ok


def test_orbit_sums_under_symmetric_group_are_elementary_symmetric_polynomials():
    """Under S_n the orbit sum of degree k is e_k(x)/√C(n,k) (numpy.poly gives e_k)."""
    n = 6
    x = np.random.default_rng(7).normal(size=(4, n))
    model = M.InvariantPolynomial(n, 3, features="orbit_sum")
    features = model.features(x).detach().numpy()
    for b in range(4):
        elementary = np.poly(-x[b])  # coefficients of Π (t + x_i) = Σ_k e_k t^{n−k}
        expected = [elementary[k] / math.sqrt(math.comb(n, k)) for k in (1, 2, 3)]
        assert np.allclose(features[b], expected, atol=1e-12)


def test_newton_identities_give_elementary_symmetric_polynomials():
    """Lesson 7: e_k from power sums by Newton's identities equals the direct sum over
    k-subsets of products (itertools) and the coefficients of Π (t + x_i) (numpy.poly);
    e_k = 0 for k > n."""
    rng = np.random.default_rng(11)
    n = 5
    x = rng.normal(size=(4, n))
    power = M.power_sums(x, n + 2)
    assert np.allclose(power[:, 2], (x**3).sum(axis=1), atol=1e-12)
    elementary = M.elementary_from_power_sums(power)
    assert elementary.shape == (4, n + 3)
    for b in range(4):
        direct = [sum(math.prod(x[b, list(c)]) for c in itertools.combinations(range(n), k))
                  for k in range(n + 1)]
        assert np.allclose(elementary[b, : n + 1], direct, atol=1e-10)
        assert np.allclose(elementary[b, : n + 1], np.poly(-x[b]), atol=1e-10)
        assert np.allclose(elementary[b, n + 1 :], 0.0, atol=1e-10)


def test_newton_identities_on_integers_are_exact():
    """x = (1, 2, 3): p = (6, 14, 36) and e = (1, 6, 11, 6) (textbook values)."""
    assert M.power_sums([1.0, 2.0, 3.0], 3).tolist() == [6.0, 14.0, 36.0]
    assert M.elementary_from_power_sums([6.0, 14.0, 36.0]).tolist() == [1.0, 6.0, 11.0, 6.0]


def test_power_sum_helpers_validate_their_arguments():
    with pytest.raises(ValueError, match="power_sums"):
        M.elementary_from_power_sums([1.0, np.nan])
    with pytest.raises(ValueError, match="power_sums"):
        M.elementary_from_power_sums(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="degree"):
        M.power_sums(np.ones(3), 0)
    with pytest.raises(ValueError, match="x must"):
        M.power_sums([np.inf, 1.0], 2)


# ----------------------------------------------------------------------------- baseline


def test_plain_mlp_is_not_invariant():
    """The baseline: an MLP is not shift- or permutation-invariant, so the check fails."""
    x = torch.tensor(np.random.default_rng(8).normal(size=(10, 8)))
    mlp = M.MLP(8, (32,), seed=0)
    for group in [G.cyclic(8), G.symmetric(8)]:
        result = M.equivariance_error(mlp, group, x)
        assert not result.ok and result.max_error > 1e-3
    A, X = random_graphs(3, 5, 2, 0)
    graph_mlp = M.MLP(25 + 10, (16,))
    assert not M.equivariance_error(lambda a, f: graph_mlp(torch.cat([a.flatten(1), f.flatten(1)], 1)),
                                    G.symmetric(5), (A, X), "graphs").ok


def test_mlp_formula_weights_and_seeds():
    """set_weights installs exact weights; the same seed gives the same network."""
    rng = np.random.default_rng(9)
    W1, b1, W2, b2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(1, 5)), rng.normal(size=1)
    mlp = M.MLP(3, (5,)).set_weights([(W1, b1), (W2, b2)])
    x = rng.normal(size=(4, 3))
    assert np.allclose(mlp(x).detach().numpy(), (relu(x @ W1.T + b1) @ W2.T + b2)[:, 0], atol=1e-13)
    assert torch.equal(M.MLP(3, (5,), seed=4)(x), M.MLP(3, (5,), seed=4)(x))
    assert not torch.equal(M.MLP(3, (5,), seed=4)(x), M.MLP(3, (5,), seed=5)(x))
    assert M.CircularCNN(6, 3, seed=1).W.dtype == torch.float64


def test_equivariance_error_reports_dtype_tolerance_and_uses_all_small_group_elements():
    """float64 tolerance 1e-10, float32 1e-4 (scaled by the output size); groups with at
    most n_elements elements are checked exhaustively."""
    x = torch.tensor(np.random.default_rng(10).normal(size=(6, 5)))
    cnn64 = M.CircularCNN(5, 3)
    result = M.equivariance_error(cnn64, G.cyclic(5), x, "vectors")
    assert result.n_elements == 5 and result.tolerance >= 1e-10 and result.ok
    cnn32 = M.CircularCNN(5, 3, dtype=torch.float32)
    result32 = M.equivariance_error(cnn32, G.cyclic(5), x.float())
    assert result32.ok and result32.tolerance >= 1e-4
    sampled = M.equivariance_error(cnn64, G.symmetric(5), x, n_elements=7, seed=3)
    assert sampled.n_elements == 7 and not sampled.ok


# ----------------------------------------------------------------------------- bad input


def test_bad_inputs_raise_naming_the_argument():
    gnn = M.ShallowGNN(2, 3)
    with pytest.raises(ValueError, match="adjacency must be square"):
        gnn(torch.zeros(2, 3, 4), torch.zeros(2, 3, 2))
    with pytest.raises(ValueError, match="features must have shape"):
        gnn(torch.zeros(2, 3, 3), torch.zeros(2, 4, 2))
    with pytest.raises(ValueError, match="features must have d = 2"):
        gnn(torch.zeros(2, 3, 3), torch.zeros(2, 3, 5))
    with pytest.raises(ValueError, match="W must have shape"):
        gnn.set_weights(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="X must have shape"):
        M.CircularCNN(5, 2)(torch.zeros(3, 4, 1))
    with pytest.raises(ValueError, match="group must act on n = 5"):
        M.GroupAveragedNetwork(5, 2, group=G.cyclic(4))
    with pytest.raises(ValueError, match="x must not contain NaN"):
        M.MLP(2)(torch.tensor([[0.0, float("nan")]]))
    with pytest.raises(ValueError, match="aggregation must be one of"):
        M.ShallowGNN(2, 3, aggregation="max")
    with pytest.raises(ValueError, match="activation must be one of"):
        M.MLP(2, activation="swish")
    with pytest.raises(TypeError, match="dtype must be a floating"):
        M.MLP(2, dtype=torch.int64)
    with pytest.raises(ValueError, match=r"adjacency must have n = 3 nodes \(the degree of g\)"):
        G.act_on_graph(np.arange(3), torch.zeros(4, 4))
    with pytest.raises(ValueError, match="action_in must be"):
        M.equivariance_error(M.MLP(3), G.cyclic(3), torch.zeros(2, 3), action_in="columns")
    with pytest.raises(ValueError, match="x must have shape"):
        M.InvariantPolynomial(4, 2)(torch.zeros(3, 5))
