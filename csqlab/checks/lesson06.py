"""Checks for lesson 6 (hard functions for plain networks).

Each check tests properties of the learner's answer against an independent reference: the
sign-flip symmetry itself (exact zeros, invariance), the library's parities of activations
and hidden-plane function (:mod:`csqlab.hard.classical`) on random inputs, polar quadrature
(:func:`csqlab.gaussian.polar_expectation`), and the even/odd-part rule for the
activation/degree trap (lessons/notes/glossary.md), whose table is verified against the library in
``tests/test_lesson06_claims.py``; for the derived degree-k weight (6.4), polar quadrature and the
Mehler sum of section 3 (:func:`csqlab.hard.parity_of_activations_degree_weights`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

from csqlab import gaussian
from csqlab.checks._core import Property, run_check
from csqlab.hard import classical

# --------------------------------------------------------------------------- Exercise 6.1


def _parity_network(subset, activation="relu"):
    # the raw evaluation: parity_of_activations would re-validate (a quadrature) on every call
    psi = classical.ACTIVATIONS[activation]
    return lambda x: classical._parity_of_activations_values(np.asarray(x, dtype=float), subset, psi)


def _as_number(value, what: str) -> float:
    number = float(np.asarray(value, dtype=float))
    assert math.isfinite(number), f"{what} is not a finite number"
    return number


def ex6_1(symmetrised_correlation):
    """Exercise 6.1: ``symmetrised_correlation(f, g, x)`` averages ``f·g`` over all sign flips.

    Returns ``(1/(N 2^n)) Σ_i Σ_{ε∈{±1}^n} f(ε∘x_i) g(ε∘x_i)`` for a batch ``x`` of shape
    ``(N, n)``; ``f`` and ``g`` map ``(B, n)`` arrays to ``(B,)``.
    """
    rng = np.random.default_rng(61)
    gaussian_points = rng.standard_normal((40, 4))

    def vanishes_for_different_subsets(fn):
        for s, t in [((0, 1), (2, 3)), ((0, 1), (1, 2)), ((0, 2), (0, 3))]:
            value = _as_number(fn(_parity_network(s), _parity_network(t), gaussian_points),
                               "the correlation")
            assert abs(value) < 1e-10, (
                f"⟨f_S, f_T⟩ for S = {s}, T = {t} came out {value:.3g}, not 0 (to rounding)")
        sigmoid = fn(_parity_network((0, 1, 2), "sigmoid"), _parity_network((1, 2, 3), "sigmoid"),
                     gaussian_points)
        assert abs(_as_number(sigmoid, "the correlation")) < 1e-10, (
            f"sigmoid parities with S = (0, 1, 2), T = (1, 2, 3) gave {float(sigmoid):.3g}, not 0")
        return True

    def positive_for_equal_subsets(fn):
        value = _as_number(fn(_parity_network((0, 1)), _parity_network((0, 1)), gaussian_points),
                           "the correlation")
        assert value > 0.1, f"⟨f_S, f_S⟩ came out {value:.3g}; it is an average of squares"
        return True

    def plain_mean_on_flip_closed_points(fn):
        # points already closed under every sign flip: the symmetrised average is the plain mean
        signs = 1.0 - 2.0 * ((np.arange(16)[:, None] >> np.arange(4)) & 1)
        base = np.array([0.3, -1.2, 0.7, 2.0])
        closed = signs * base

        def f(x):
            return x[:, 0] * x[:, 1] + x[:, 2] ** 2

        def g(x):
            return x[:, 0] * x[:, 1] + np.sin(x[:, 3])

        value = _as_number(fn(f, g, closed), "the correlation")
        expected = float(np.mean(f(closed) * g(closed)))
        assert abs(value - expected) < 1e-10, f"got {value:.6g}, the plain mean is {expected:.6g}"
        return True

    def invariant_under_flipping_the_data(fn):
        def f(x):
            return np.exp(0.3 * x[:, 0]) * x[:, 1] + x[:, 2] * x[:, 3]

        def g(x):
            return x[:, 1] + np.cos(x[:, 0]) * x[:, 2] * x[:, 3]

        flips = np.where(rng.random(gaussian_points.shape) < 0.5, -1.0, 1.0)
        first = _as_number(fn(f, g, gaussian_points), "the correlation")
        second = _as_number(fn(f, g, flips * gaussian_points), "the correlation")
        assert abs(first - second) < 1e-10, (
            f"{first:.6g} on x but {second:.6g} after flipping signs of the points")
        return True

    return run_check(
        "6.1",
        symmetrised_correlation,
        [
            Property("⟨f_S, f_T⟩ = 0 exactly for S ≠ T (ReLU, k = 2; sigmoid, k = 3)",
                     vanishes_for_different_subsets,
                     hint="average f·g over all 2^n sign patterns ε applied to each point; a flip of "
                          "a coordinate in S but not in T changes the sign of the product"),
            Property("⟨f_S, f_S⟩ > 0", positive_for_equal_subsets,
                     hint="the average of f_S² over the flipped points cannot be zero"),
            Property("equals the plain mean when the points are already closed under flips",
                     plain_mean_on_flip_closed_points,
                     hint="divide by N·2^n: every flipped copy of every point counts once"),
            Property("does not change when the data points' signs are flipped",
                     invariant_under_flipping_the_data,
                     hint="use all 2^n sign patterns, including ε = (1, …, 1)"),
        ],
    )


# --------------------------------------------------------------------------- Exercise 6.2


def _softplus(z):
    return np.logaddexp(0.0, z)


#: (name, activation, {k: vanishes}) — the rule: f_S ≡ 0 iff the part of ψ with the parity of
#: k is a polynomial of degree < k (the activation/degree trap, lessons/notes/glossary.md); verified against the library in the tests.
TRAP_CASES = [
    ("ReLU", lambda z: np.maximum(z, 0.0), {1: False, 2: False, 3: True, 4: False, 5: True,
                                            6: False}),
    ("sigmoid", expit, {1: False, 2: True, 3: False, 4: True, 5: False}),
    ("tanh", np.tanh, {1: False, 2: True, 3: False, 4: True}),
    ("|z|", np.abs, {1: True, 2: False, 3: True, 4: False}),
    ("z³", lambda z: z**3, {1: False, 2: True, 3: False, 4: True, 5: True, 6: True}),
    ("z² + z", lambda z: z**2 + z, {1: False, 2: False, 3: True, 4: True, 5: True}),
    ("softplus", _softplus, {1: False, 2: False, 3: True, 4: False}),
    ("exp", np.exp, {1: False, 2: False, 3: False, 4: False, 5: False}),
]


def ex6_2(vanishes):
    """Exercise 6.2: ``vanishes(activation, k)`` is True iff the parity of ``activation`` units
    ``f_S = Σ_w χ(w) ψ(⟨w, x_S⟩/√k)`` with ``|S| = k`` is identically zero."""

    def agrees(names):
        def test(fn):
            for name, activation, table in TRAP_CASES:
                if name not in names:
                    continue
                for k, expected in table.items():
                    got = fn(activation, k)
                    assert isinstance(got, (bool, np.bool_)), (
                        f"vanishes should return True or False, got {got!r}")
                    assert bool(got) == expected, (
                        f"{name}, k = {k}: you said {'zero' if got else 'not zero'}")
            return True

        return test

    return run_check(
        "6.2",
        vanishes,
        [
            Property("ReLU and sigmoid, k = 1..6", agrees({"ReLU", "sigmoid"}),
                     hint="write ψ = even part + odd part; f_S keeps only the part with the parity "
                          "of k"),
            Property("odd and even activations: tanh and |z|", agrees({"tanh", "|z|"}),
                     hint="an odd ψ has no even part at all"),
            Property("polynomial activations z³ and z² + z", agrees({"z³", "z² + z"}),
                     hint="a polynomial part of degree < k is killed as well, not only a constant"),
            Property("softplus and exp", agrees({"softplus", "exp"}),
                     hint="softplus(z) − z/2 is even"),
        ],
    )


# --------------------------------------------------------------------------- Exercise 6.3


def _kink_angles(k: int) -> tuple[float, ...]:
    return tuple(math.pi * m / k + math.pi / 2 for m in range(1, k + 1))


def ex6_3(plane_function):
    """Exercise 6.3: ``plane_function(s, t, k)`` is ``F(s, t) = Σ_{m=1}^{2k} (−1)^m
    ReLU(s cos(πm/k) + t sin(πm/k))`` on arrays ``s, t`` of equal shape."""
    rng = np.random.default_rng(62)
    s, t = rng.standard_normal((2, 200)) * 2.0

    def values(fn, k, s_values=s, t_values=t):
        result = np.asarray(fn(s_values, t_values, k), dtype=float)
        assert result.shape == np.shape(s_values), (
            f"expected one value per point, shape {np.shape(s_values)}, got {result.shape}")
        assert np.all(np.isfinite(result)), "F contains NaN or infinite values"
        return result

    def matches_library(fn):
        for k in (2, 4, 6):
            error = float(np.max(np.abs(values(fn, k) - classical.hidden_plane_function(s, t, k))))
            assert error < 1e-10, f"k = {k}: differs from the construction by up to {error:.3g}"
        return True

    def rotation_flips_sign(fn):
        for k in (2, 4):
            c, sn = math.cos(math.pi / k), math.sin(math.pi / k)
            rotated = values(fn, k, c * s - sn * t, sn * s + c * t)
            assert np.allclose(rotated, -values(fn, k), atol=1e-10), (
                f"k = {k}: F(R_(π/k) z) ≠ −F(z)")
        return True

    def orthogonal_below_degree_k(fn):
        k = 4
        norm = math.sqrt(classical.hidden_plane_norm_squared(k))
        for a in range(k):
            for b in range(k - a):
                value = gaussian.polar_expectation(
                    lambda u, v, a=a, b=b: values(fn, k, u, v) * u**a * v**b, _kink_angles(k),
                    n_angular=16, points_per_panel=12) / norm
                assert abs(value) < 1e-8, f"E[F s^{a} t^{b}]/‖F‖ = {value:.3g} for k = 4"
        return True

    return run_check(
        "6.3",
        plane_function,
        [
            Property("equals F(s, t) for k = 2, 4, 6 at random points", matches_library,
                     hint="2k units, unit m has direction (cos πm/k, sin πm/k) and output sign (−1)^m, "
                          "for m = 1, …, 2k"),
            Property("rotating the plane by π/k flips the sign of F", rotation_flips_sign,
                     hint="the rotation maps unit m to unit m + 1, whose output sign is opposite"),
            Property("k = 4: orthogonal to every monomial s^a t^b with a + b < 4 (quadrature)",
                     orthogonal_below_degree_k, hint="check the angles and the signs of the units"),
        ],
    )


# --------------------------------------------------------------------------- Exercise 6.4


def _relu_parity_of_all_columns(x):
    # f_S with S = every column of x (the k = 2 quadrature below has two)
    return classical._parity_of_activations_values(x, tuple(range(x.shape[1])),
                                                   classical.ACTIVATIONS["relu"])


def _mehler_degree_k_weight(k: int) -> float:
    # section 3's route, W_k = 2^k c_k² A_{k,k}; the library raises for a zero family (odd k ≥ 3)
    if k >= 3 and k % 2 == 1:
        return 0.0
    return float(classical.parity_of_activations_degree_weights(k, "relu", k)[k])


def ex6_4(relu_parity_degree_k_weight):
    """Exercise 6.4 (a derivation): ``relu_parity_degree_k_weight(k)`` returns the weight of the
    parity of ReLU units ``f_S`` (``|S| = k``) at Hermite degree ``k``,
    ``W_k = E[f_S(x) Π_{i∈S} x_i]²`` for ``x ~ N(0, I_n)``, for every ``k ≥ 1``.

    Compared with polar quadrature of ``E[f_S x_1 x_2]`` at ``k = 2``
    (:func:`csqlab.gaussian.polar_expectation`, cut at the units' kinks) and with section 3's
    Mehler sum ``2^k c_k² A_{k,k}`` (:func:`csqlab.hard.parity_of_activations_degree_weights`)
    for ``k = 1..12`` and for even ``k`` up to 60, where no sum over the ``2^k`` units is
    feasible: the answer must be the closed form the derivation gives."""

    def weight(fn, k):
        value = _as_number(fn(k), f"W_{k}")
        assert value >= 0.0, f"W_{k} = {value:.4g} is negative; it is a square"
        return value

    def small_k(fn):
        assert abs(weight(fn, 1) - 1.0) < 1e-12, (
            f"k = 1: f_S(x) = ReLU(x_1) − ReLU(−x_1) = x_1, so W_1 = 1; got {weight(fn, 1):.6g}")
        correlation = gaussian.polar_expectation(
            lambda s, t: _relu_parity_of_all_columns(np.stack([s, t], axis=1)) * s * t,
            (math.pi / 4, 3 * math.pi / 4))
        assert math.isclose(weight(fn, 2), correlation**2, rel_tol=1e-9), (
            f"k = 2: quadrature gives E[f_S x_1 x_2]² = {correlation**2:.6f}, you have "
            f"{weight(fn, 2):.6f}")
        return True

    def mehler_sum(degrees):
        def test(fn):
            for k in degrees:
                expected = _mehler_degree_k_weight(k)
                got = weight(fn, k)
                assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-15), (
                    f"k = {k}: the Mehler sum gives W_k = {expected:.6g}, you have {got:.6g}")
            return True

        return test

    return run_check(
        "6.4",
        relu_parity_degree_k_weight,
        [
            Property("k = 1 and k = 2 (polar quadrature of E[f_S x_1 x_2])", small_k,
                     hint="integrate by parts once in each coordinate of S: E[x_i g] = E[∂_i g], "
                          "then sum the 2^k units with their signs χ(w)"),
            Property("k = 1..12 agree with section 3's Mehler sum", mehler_sum(range(1, 13)),
                     hint="each unit contributes χ(w) k^(−k/2) E[ReLU(z) He_k(z)] (exercise 5.2); "
                          "the odd k ≥ 3 are the trap"),
            Property("even k = 20, 40, 60: the closed form, not a sum over 2^k units",
                     mehler_sum((20, 40, 60)),
                     hint="E[ReLU He_k] = He_{k−2}(0) φ(0) for k ≥ 2; work with math.lgamma or "
                          "exact integers if the factorials overflow"),
        ],
    )
