"""Checks for lesson 5 (Gaussian inputs and Hermite polynomials).

Each check tests properties of the learner's answer against an independent reference:
numpy's probabilists' Hermite series, Gauss–Hermite quadrature, the closed forms and
half-line quadrature of :mod:`csqlab.gaussian`, and exact standard errors obtained from
Mehler's formula (``Var[h_j(X) h_k(Y)] = E[h_j(X)² h_k(Y)²] − (ρ^k δ_jk)²``).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.polynomial import hermite_e

from csqlab import gaussian
from csqlab.checks._core import Property, run_check

# Monte Carlo properties allow this many (exact) standard errors: a correct answer fails
# one entry with probability below 1e-6, a wrong correlation structure fails at once.
_STANDARD_ERRORS = 5.0


def _as_float_array(value, name: str) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    assert np.all(np.isfinite(array)), f"{name} contains NaN or infinite values"
    return array


@lru_cache(maxsize=8)
def _squared_hermite_coefficients(degree: int) -> np.ndarray:
    """Orthonormal Hermite coefficients of ``h_degree(z)²`` (a polynomial of degree 2·degree)."""
    return gaussian.hermite_coefficients(
        lambda z: gaussian.hermite_normalised(degree, z) ** 2, 2 * degree, kinks=(),
        normalised=True,
    )


def _product_standard_deviation(j: int, k: int, rho: float) -> float:
    """Exact standard deviation of ``h_j(X) h_k(Y)`` for ρ-correlated standard Gaussians."""
    second_moment = gaussian.mehler_expectation(
        _squared_hermite_coefficients(j), _squared_hermite_coefficients(k), rho, normalised=True
    )
    mean = rho**k if j == k else 0.0
    return math.sqrt(max(second_moment - mean**2, 0.0))


def _unit_pair(dim: int, inner_product: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors u, v in R^dim with ⟨u, v⟩ = inner_product, in random directions."""
    u, w = gaussian.random_unit_vectors(2, dim, seed=seed)
    w = w - (w @ u) * u
    w /= np.linalg.norm(w)
    return u, inner_product * u + math.sqrt(1.0 - inner_product**2) * w


# --------------------------------------------------------------------------- Exercise 5.1


def ex5_1(hermite_normalised_table):
    """Exercise 5.1: ``hermite_normalised_table(max_degree, x)`` returns ``h_0..h_max_degree`` at x.

    ``h_k = He_k / sqrt(k!)`` by the three-term recurrence; result shape ``(max_degree + 1, len(x))``.
    """
    rng = np.random.default_rng(51)
    points = rng.uniform(-4.0, 4.0, size=9)

    def shape_and_first_rows(fn):
        table = _as_float_array(fn(3, points), "the table")
        assert table.shape == (4, len(points)), (
            f"expected shape (4, {len(points)}) for max_degree = 3, got {table.shape}"
        )
        assert np.allclose(table[0], 1.0) and np.allclose(table[1], points), (
            "rows 0 and 1 should be h_0 = 1 and h_1 = x"
        )
        return True

    def matches_numpy(fn):
        table = _as_float_array(fn(10, points), "the table")
        for k in range(11):
            reference = hermite_e.hermeval(points, [0.0] * k + [1.0]) / math.sqrt(math.factorial(k))
            assert np.allclose(table[k], reference, rtol=1e-9, atol=1e-9), (
                f"degree {k} differs from numpy.polynomial.hermite_e (He_k / sqrt(k!))"
            )
        return True

    def orthonormal(fn):
        nodes, weights = gaussian.gauss_hermite_rule(40)
        table = _as_float_array(fn(30, nodes), "the table")
        gram = (table * weights) @ table.T
        error = float(np.max(np.abs(gram - np.eye(31))))
        assert error < 1e-8, f"max |E[h_j h_k] − δ_jk| = {error:.1e} for degrees up to 30"
        return True

    return run_check(
        "5.1",
        hermite_normalised_table,
        [
            Property("shape (max_degree + 1, len(x)), h_0 = 1, h_1 = x", shape_and_first_rows,
                     hint="row k of the table holds h_k at every point; start the recurrence from "
                          "h_0 and h_1"),
            Property("agrees with numpy.polynomial.hermite_e divided by sqrt(k!)", matches_numpy,
                     hint="write the recurrence He_{k+1} = x He_k − k He_{k−1} in terms of "
                          "h_k = He_k / sqrt(k!)"),
            Property("orthonormal under N(0, 1) up to degree 30 (40-node Gauss–Hermite rule)",
                     orthonormal,
                     hint="the normalised recurrence never forms k!, so it stays accurate"),
        ],
    )


# --------------------------------------------------------------------------- Exercise 5.2


def ex5_2(relu_hermite):
    """Exercise 5.2: ``relu_hermite(max_degree)`` returns ``E[ReLU(z) He_m(z)]`` for m = 0..max_degree."""

    def first_two(fn):
        values = _as_float_array(fn(1), "the coefficients")
        assert values.shape == (2,), f"max_degree = 1 should give 2 coefficients, got shape {values.shape}"
        # E[ReLU(z)] = φ(0) = 1/sqrt(2π); E[ReLU(z) z] = E[z²; z > 0] = 1/2
        assert math.isclose(values[0], 1 / math.sqrt(2 * math.pi), rel_tol=1e-6), (
            f"m = 0: got {values[0]:.6f}"
        )
        assert math.isclose(values[1], 0.5, rel_tol=1e-6), f"m = 1: got {values[1]:.6f}"
        return True

    def closed_form(fn):
        values = _as_float_array(fn(12), "the coefficients")
        assert values.shape == (13,), f"max_degree = 12 should give 13 coefficients, got {values.shape}"
        reference = gaussian.relu_hermite_coefficients(12)
        scale = np.sqrt([float(math.factorial(m)) for m in range(13)])
        bad = np.flatnonzero(np.abs(values - reference) > 1e-6 * scale)
        assert bad.size == 0, f"degree {int(bad[0])} differs from the closed form"
        return True

    def quadrature(fn):
        values = _as_float_array(fn(20), "the coefficients")
        reference = gaussian.hermite_coefficients(lambda z: np.maximum(z, 0.0), 20,
                                                  method="quadrature")
        scale = np.sqrt([float(math.factorial(m)) for m in range(21)])
        bad = np.flatnonzero(np.abs(values - reference) > 1e-6 * scale)
        assert bad.size == 0, f"degree {int(bad[0])} differs from half-line quadrature"
        return True

    return run_check(
        "5.2",
        relu_hermite,
        [
            Property("degrees 0 and 1: E[ReLU] and E[ReLU·z]", first_two,
                     hint="the mean of ReLU(z) is the density at 0; for m = 1 use symmetry of z²"),
            Property("degrees 0..12 agree with the library's closed form", closed_form,
                     hint="either integrate z·He_m(z)·φ(z) over z > 0 accurately (split the "
                          "integral at the kink), or use E[g He_m] = E[g^{(m)}] with ReLU'' = δ_0"),
            Property("degrees 0..20 agree with half-line quadrature", quadrature,
                     hint="Gauss–Hermite nodes straddle the kink at 0 and converge slowly"),
        ],
    )


# --------------------------------------------------------------------------- Exercise 5.3


def ex5_3(mehler_table):
    """Exercise 5.3: ``mehler_table(rho, max_degree, n_samples, seed)`` estimates ``E[h_j(X) h_k(Y)]``.

    From ``n_samples`` ρ-correlated standard Gaussian pairs; Mehler: the answer is ``ρ^k δ_jk``.
    """
    n_samples = 200_000

    def shape_and_reproducible(fn):
        table = _as_float_array(fn(0.5, 3, 10_000, 7), "the table")
        assert table.shape == (4, 4), f"max_degree = 3 should give a 4 × 4 table, got {table.shape}"
        again = _as_float_array(fn(0.5, 3, 10_000, 7), "the table")
        assert np.array_equal(table, again), "the same seed must give the same table"
        assert math.isclose(table[0, 0], 1.0, rel_tol=1e-9), "entry (0, 0) is E[h_0 h_0] = 1"
        return True

    def agrees(rho):
        def test(fn):
            table = _as_float_array(fn(rho, 3, n_samples, 11), "the table")
            for j in range(4):
                for k in range(4):
                    target = rho**k if j == k else 0.0
                    error = _product_standard_deviation(j, k, rho) / math.sqrt(n_samples)
                    assert abs(table[j, k] - target) <= _STANDARD_ERRORS * error + 1e-12, (
                        f"ρ = {rho}: entry ({j}, {k}) = {table[j, k]:.4f}, Mehler gives "
                        f"{target:.4f} ± {error:.4f} (one standard error)"
                    )
            return True

        return test

    return run_check(
        "5.3",
        mehler_table,
        [
            Property("a (max_degree + 1) × (max_degree + 1) table, reproducible from its seed",
                     shape_and_reproducible,
                     hint="draw from np.random.default_rng(seed) and average h_j(X)·h_k(Y)"),
            Property("ρ = 0: the table is the identity (independent X, Y)", agrees(0.0),
                     hint="each entry is a sample mean of h_j(X)·h_k(Y) over the same pairs"),
            Property("ρ = 0.5: the table is diag(ρ^k) within Monte Carlo error", agrees(0.5),
                     hint="Y must be a standard Gaussian whose correlation with X is ρ: "
                          "mix X with an independent Gaussian, keeping Var(Y) = 1"),
            Property("ρ = −0.7: the signs alternate with the degree", agrees(-0.7),
                     hint="a negative correlation flips the sign of odd degrees"),
        ],
    )


# --------------------------------------------------------------------------- Exercise 5.4


def ex5_4(ridge_correlation_estimate):
    """Exercise 5.4: ``ridge_correlation_estimate(u, v, degree, n_samples, seed)`` → (estimate, error).

    Monte Carlo estimate of ``E_{x~N(0,I)}[h_k(⟨u,x⟩) h_k(⟨v,x⟩)]`` and its standard error
    ``s / sqrt(N)``; Mehler gives ``⟨u, v⟩^k``.
    """
    dim, inner_product = 20, 0.7
    u, v = _unit_pair(dim, inner_product, seed=54)

    def result(fn, degree, n_samples, seed):
        answer = fn(u, v, degree, n_samples, seed)
        assert isinstance(answer, tuple) and len(answer) == 2, (
            "return a pair (estimate, standard_error)"
        )
        estimate, error = (float(a) for a in answer)
        assert math.isfinite(estimate) and math.isfinite(error), "got NaN or infinity"
        assert error > 0, f"the standard error must be positive, got {error}"
        return estimate, error

    def pair_and_reproducible(fn):
        assert result(fn, 2, 5_000, 3) == result(fn, 2, 5_000, 3), (
            "the same seed must give the same estimate"
        )
        return True

    def covers(fn):
        for degree in (1, 2, 3):
            estimate, error = result(fn, degree, 50_000, 10 + degree)
            target = inner_product**degree
            assert abs(estimate - target) <= _STANDARD_ERRORS * error, (
                f"degree {degree}: {estimate:.4f} ± {error:.4f} does not cover ⟨u,v⟩^k = {target:.4f}"
            )
        return True

    def honest_error(fn):
        for degree in (1, 2):
            _, error = result(fn, degree, 50_000, 20 + degree)
            exact = _product_standard_deviation(degree, degree, inner_product) / math.sqrt(50_000)
            assert 0.85 < error / exact < 1.15, (
                f"degree {degree}: standard error {error:.5f}, but sd/sqrt(N) is {exact:.5f}"
            )
        return True

    def shrinks_like_root_n(fn):
        _, small = result(fn, 1, 10_000, 31)
        _, large = result(fn, 1, 160_000, 32)
        ratio = small / large
        assert 3.4 < ratio < 4.6, f"16 × more samples shrank the error by {ratio:.2f}, expected ≈ 4"
        return True

    return run_check(
        "5.4",
        ridge_correlation_estimate,
        [
            Property("returns (estimate, standard_error), reproducible from its seed",
                     pair_and_reproducible,
                     hint="draw x ~ N(0, I_d) from np.random.default_rng(seed)"),
            Property("estimate ± 5 standard errors covers ⟨u,v⟩^k (d = 20, k = 1, 2, 3)", covers,
                     hint="use the normalised h_k of both projections ⟨u,x⟩ and ⟨v,x⟩"),
            Property("the standard error is the sample standard deviation / sqrt(N)",
                     honest_error, hint="the error of a mean of N i.i.d. values"),
            Property("the standard error shrinks like 1/sqrt(N)", shrinks_like_root_n,
                     hint="compute the error from the samples, do not fix it in advance"),
        ],
    )
