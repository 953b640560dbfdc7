"""Checks for lesson 10 (invariant polynomials; the NP-hardness of proper learning).

Every check tests properties of the learner's answer — agreement with the library on fixed
random inputs, exact norms by quadrature, invariance, the sign and size of Monte Carlo means,
the reduction's defining identity — never a copy of a reference solution.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from csqlab import groups
from csqlab.checks._core import Property, run_check
from csqlab.gaussian import gauss_hermite_rule

_TOLERANCE = 1e-10


def _library():
    from csqlab.hard import polynomials, proper

    return polynomials, proper


# ------------------------------------------------------------------------------ exercise 10.1


def ex10_1(orbit_sum):
    """Exercise 10.1: ``orbit_sum(x, orbit)`` with ``x`` of shape (B, n) and ``orbit`` an integer
    array (o, k) listing the subsets of one orbit returns
    ``p_S(x) = o^{−1/2} Σ_{T∈orbit} Π_{i∈T} x_i``, shape (B,)."""
    polynomials, _ = _library()
    x = np.random.default_rng(10).normal(size=(12, 8))

    def single_monomial(fn):
        got = np.asarray(fn(x, np.array([[1, 4, 6]])), dtype=float)
        assert got.shape == (12,), f"expected shape (12,), got {got.shape}"
        assert np.allclose(got, x[:, 1] * x[:, 4] * x[:, 6], atol=_TOLERANCE), (
            "an orbit with one subset should give the plain monomial")
        return True

    def agrees_with_library(fn):
        for group in (groups.cyclic(8), groups.dihedral(8)):
            family = polynomials.orbit_polynomial_family(8, 3, group)
            for index in (0, len(family) - 1):
                orbit = groups.subset_orbit(group, family.members[index])
                got = np.asarray(fn(x, orbit), dtype=float)
                expected = family.evaluate(x, [index])[:, 0]
                assert np.allclose(got, expected, atol=_TOLERANCE), (
                    f"{group.name}, orbit of {family.members[index]}: values differ")
        return True

    def unit_norm(fn):
        nodes, weights = gauss_hermite_rule(2)  # exact for multilinear squares
        index = (np.arange(2**6)[:, None] >> np.arange(6)) & 1
        points, node_weights = nodes[index], np.prod(weights[index], axis=1)
        orbit = groups.subset_orbit(groups.cyclic(6), (0, 1, 3))
        values = np.asarray(fn(points, orbit), dtype=float)
        norm_squared = float(node_weights @ values**2)
        assert abs(norm_squared - 1.0) < 1e-9, f"E[p_S²] = {norm_squared:.6g}, expected 1"
        return True

    return run_check("10.1", orbit_sum, [
        Property("an orbit with a single subset gives its monomial", single_monomial,
                 hint="multiply the coordinates x_i for i in the subset"),
        Property("agrees with the library's orbit sums for C_8 and D_8", agrees_with_library,
                 hint="sum the monomials of every subset in the orbit"),
        Property("unit norm under N(0, I_n)", unit_norm,
                 hint="distinct multilinear monomials are orthonormal: what is E[(Σ_T x^T)²]?"),
    ])


# ------------------------------------------------------------------------------ exercise 10.2


def ex10_2(support_query):
    """Exercise 10.2: ``support_query(X, y, j, label_scale)`` with ``X`` (N, n, d) and labels
    ``y`` (N,) returns the values of a bounded SQ query (in [−1, 1]) whose mean is exactly 0
    when column ``j`` is not used by the target and positive when it is."""
    polynomials, _ = _library()
    n, d, subset = 2, 4, (0, 1)
    family = polynomials.set_monomial_family(n, d, 2, subsets=[subset])
    X = family.sample(40_000, seed=11)
    y = family.evaluate(X)[:, 0]
    scale = float(np.median(y**2))

    def values(fn, j, data=X):
        out = np.asarray(fn(data, y, j, scale), dtype=float)
        assert out.shape == (len(y),), f"expected shape ({len(y)},), got {out.shape}"
        return out

    def bounded(fn):
        for j in range(d):
            largest = float(np.abs(values(fn, j)).max())
            assert largest <= 1.0 + 1e-12, f"column {j}: a value of size {largest:.4g}"
        return True

    def uses_column_j_only(fn):
        moved = X.copy()
        moved[:, :, 1:] = np.random.default_rng(3).normal(size=moved[:, :, 1:].shape)
        assert np.allclose(values(fn, 0, moved), values(fn, 0)), (
            "the query for column 0 changed when only other columns of X changed")
        return True

    def zero_off_support(fn):
        for j in (2, 3):
            v = values(fn, j)
            error = v.std() / math.sqrt(len(v))
            assert abs(v.mean()) < 4.5 * error + 1e-12, (
                f"column {j} is not in S, yet the mean is {v.mean():.4g} ± {error:.2g}")
        return True

    def positive_on_support(fn):
        for j in subset:
            v = values(fn, j)
            error = v.std() / math.sqrt(len(v))
            assert v.mean() > 6 * error, (
                f"column {j} is in S, yet the mean is only {v.mean():.4g} ± {error:.2g}")
        return True

    return run_check("10.2", support_query, [
        Property("values in [−1, 1]", bounded,
                 hint="bound each factor: min(y², B)/B is in [0, 1]; clip the feature part too"),
        Property("the feature part looks at column j only", uses_column_j_only,
                 hint="average a function of X[:, :, j] over the rows"),
        Property("mean exactly 0 off the support", zero_off_support,
                 hint="off the support X[:, :, j] is independent of y, so the feature part "
                      "must have mean exactly 0: subtract its expectation under N(0, 1), "
                      "computed exactly (not from the data)"),
        Property("positive mean on the support", positive_on_support,
                 hint="both factors should grow with |X_ij| (think y² · He_2)"),
    ])


# ------------------------------------------------------------------------------ exercise 10.3


def ex10_3(to_graphs):
    """Exercise 10.3: ``to_graphs(points)`` maps Boolean samples (N, d) to one-node graphs
    ``(A, X)`` of shapes (N, 1, 1) and (N, 1, d + 1) — adjacency 0, node features ``(x, 1)`` —
    so that the GNN of :func:`csqlab.hard.proper.threshold_gnn` at ``A + I`` equals the
    3-node threshold network with the same weights."""
    _, proper = _library()
    rng = np.random.default_rng(12)
    points = rng.integers(0, 2, size=(10, 3)).astype(float)

    def shapes(fn):
        adjacency, features = (torch.as_tensor(np.asarray(v), dtype=torch.float64)
                               for v in fn(points))
        assert tuple(adjacency.shape) == (10, 1, 1), f"A has shape {tuple(adjacency.shape)}"
        assert tuple(features.shape) == (10, 1, 4), f"X has shape {tuple(features.shape)}"
        assert torch.all(adjacency == 0), "one node and no edges: the adjacency is [0]"
        return True

    def same_predictions(fn):
        adjacency, features = (torch.as_tensor(np.asarray(v), dtype=torch.float64)
                               for v in fn(points))
        for _ in range(20):
            hidden = rng.integers(-2, 3, size=(2, 4))
            output = rng.integers(-2, 3, size=3)
            with torch.no_grad():
                gnn = proper.threshold_gnn(hidden, output)(
                    adjacency + torch.eye(1, dtype=torch.float64), features).numpy()
            network = proper.threshold_network_predict(points, hidden, output)
            assert np.array_equal(gnn.reshape(-1), network), (
                "the GNN and the network disagree for some weights")
        return True

    return run_check("10.3", to_graphs, [
        Property("one-node graphs with d + 1 node features", shapes,
                 hint="A has shape (N, 1, 1); X stacks (x, 1) as the single node's features"),
        Property("the GNN equals the network for every weight", same_predictions,
                 hint="put the constant feature 1 last, so it multiplies the bias weight"),
    ])
