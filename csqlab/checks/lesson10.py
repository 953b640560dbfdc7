"""Checks for lesson 10 (invariant polynomials; the NP-hardness of proper learning is lesson 10b).

Every check tests properties of the learner's answer — agreement with the library on fixed
random inputs, exact norms by quadrature, invariance, the sign and size of Monte Carlo means,
exact Gaussian expectations by Gauss–Hermite quadrature — never a copy of a reference solution.
"""

from __future__ import annotations

import math

import numpy as np

from csqlab import groups
from csqlab.checks._core import Property, run_check
from csqlab.gaussian import gauss_hermite_rule

_TOLERANCE = 1e-10


def _product_rule(n_nodes: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """The tensor-product Gauss–Hermite rule on ``R^dim``: nodes ``(n_nodes^dim, dim)`` and
    weights; exact for polynomials of degree ``≤ 2 n_nodes − 1`` in each variable."""
    nodes, weights = gauss_hermite_rule(n_nodes)
    index = np.array(np.unravel_index(np.arange(n_nodes**dim), (n_nodes,) * dim)).T
    return nodes[index], np.prod(weights[index], axis=1)


def _library():
    from csqlab.hard import polynomials

    return polynomials


# ------------------------------------------------------------------------------ exercise 10.1


def ex10_1(orbit_sum):
    """Exercise 10.1: ``orbit_sum(x, orbit)`` with ``x`` of shape (B, n) and ``orbit`` an integer
    array (o, k) listing the subsets of one orbit returns
    ``p_S(x) = o^{−1/2} Σ_{T∈orbit} Π_{i∈T} x_i``, shape (B,)."""
    polynomials = _library()
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
        points, node_weights = _product_rule(2, 6)  # exact for multilinear squares
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
    polynomials = _library()
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


def _support_statistic_by_quadrature(orbit: np.ndarray, n: int) -> np.ndarray:
    """``E[p_S(x)² He_2(x_j)]`` for every ``j``, by the 3-point Gauss–Hermite rule on all
    ``3^n`` nodes: exact, since the integrand has degree ≤ 4 in each variable."""
    points, node_weights = _product_rule(3, n)
    p = sum(np.prod(points[:, list(T)], axis=1) for T in orbit) / math.sqrt(len(orbit))
    return node_weights @ (p[:, None] ** 2 * (points**2 - 1))


def ex10_3(support_statistic):
    """Exercise 10.3 (derivation): ``support_statistic(orbit, n)`` returns, for the orbit
    (o, k) of ``S`` (as from :func:`csqlab.groups.subset_orbit`), the vector
    ``E[p_S(x)² He_2(x_j)]``, ``j = 0..n−1``, from the learner's closed form; checked against
    exact 3-point Gauss–Hermite quadrature."""
    swap = groups.generated_group([[1, 0, 2, 3, 4, 5]], name="<(0 1)>")

    def values(fn, orbit, n):
        got = np.asarray(fn(np.asarray(orbit), n), dtype=float)
        assert got.shape == (n,), f"expected shape ({n},), got {got.shape}"
        return got

    def single_monomial(fn):
        got = values(fn, np.array([[0, 2, 3]]), 6)
        assert np.allclose(got, [2, 0, 2, 2, 0, 0], atol=1e-9), (
            f"one monomial x_0 x_2 x_3 on n = 6: got {np.round(got, 4)}")
        return True

    def matches_quadrature(fn):
        for group in (groups.cyclic(6), groups.dihedral(6), swap):
            for subset in ((0, 1, 3), (0, 2), (0, 2, 4)):
                orbit = groups.subset_orbit(group, subset)
                got, exact = values(fn, orbit, 6), _support_statistic_by_quadrature(orbit, 6)
                assert np.allclose(got, exact, atol=1e-9), (
                    f"{group.name}, S = {subset}: got {np.round(got, 4)}, the exact value differs")
        return True

    def constant_for_transitive(fn):
        for subset in ((0, 1, 2, 3), (0, 2, 4, 6), (0, 1, 4, 5)):
            got = values(fn, groups.subset_orbit(groups.cyclic(8), subset), 8)
            assert np.allclose(got, 2 * 4 / 8, atol=1e-9), (
                f"C_8, S = {subset}: got {np.round(got, 4)}; a transitive group should give "
                "the same value at every j")
        return True

    return run_check("10.3", support_statistic, [
        Property("a single monomial gives 2·1[j ∈ S]", single_monomial,
                 hint="expand y² = Σ_T Σ_T' x^T x^T' and use E[z^a He_2(z)] = 0, 0, 2 for a = 0, 1, 2"),
        Property("exact for orbits of C_6, D_6 and a transposition", matches_quadrature,
                 hint="only the diagonal T = T' survives; count the subsets of the orbit that contain j"),
        Property("constant 2k/n for the transitive C_8", constant_for_transitive,
                 hint="double counting: Σ_j c_j = k·|orbit|, and a transitive group makes c_j the same for all j"),
    ])
