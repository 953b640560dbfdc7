"""Checks for lesson 2 (Boolean Fourier analysis and parities).

Each check compares the learner's function with an independent computation: explicit
enumeration of the cube, ``scipy.linalg.hadamard``, :mod:`csqlab.boolean`'s transform, and
the closed form of Majority's Fourier weights.
"""

from __future__ import annotations

import math

import numpy as np

from csqlab import boolean
from csqlab.checks._core import Property, run_check


def _as_float(value, what: str) -> float:
    value = float(np.asarray(value).reshape(()))
    assert math.isfinite(value), f"{what} is not a finite number"
    return value


def ex2_1(inner_product):
    """Exercise 2.1: ``inner_product(f, g, n) = E_x[f(x) g(x)]`` over the uniform cube, by enumeration."""

    def constant_one(fn):
        got = _as_float(fn(lambda x: 1.0, lambda x: 1.0, 3), "inner_product(1, 1, 3)")
        assert abs(got - 1.0) < 1e-12, f"⟨1, 1⟩ should be 1, you got {got}"
        return True

    def second_moment(fn):
        for n in [2, 5]:
            got = _as_float(fn(np.sum, np.sum, n), "the inner product")
            assert abs(got - n) < 1e-9, f"E[(Σ_i x_i)²] should be {n} for n = {n}, got {got}"
        return True

    def majority_coordinate(fn):
        majority = boolean.majority_on_cube(5)
        points = boolean.cube(5)
        lookup = {tuple(point): value for point, value in zip(points.tolist(), majority, strict=True)}
        got = _as_float(fn(lambda x: lookup[tuple(int(v) for v in x)], lambda x: x[0], 5),
                        "the inner product")
        expected = float(boolean.fourier_coefficients(majority)[1])
        assert abs(got - expected) < 1e-12, f"E[Maj_5(x)·x_0] should be {expected}, got {got}"
        return True

    def orthonormal(fn):
        rng = np.random.default_rng(2)
        n = 6
        pairs = [(0, 0), (5, 5), (0, 1), (3, 6)]
        pairs += [tuple(int(m) for m in rng.integers(0, 1 << n, size=2)) for _ in range(8)]
        for mask_s, mask_t in pairs:
            s, t = list(boolean.mask_to_subset(mask_s)), list(boolean.mask_to_subset(mask_t))
            got = _as_float(fn(lambda x, s=s: np.prod(x[s]), lambda x, t=t: np.prod(x[t]), n),
                            "the inner product")
            expected = 1.0 if mask_s == mask_t else 0.0
            assert abs(got - expected) < 1e-12, (
                f"E[χ_S χ_T] for S = {set(s) or '∅'}, T = {set(t) or '∅'} should be "
                f"{expected:g}, got {got}")
        return True

    return run_check(
        "2.1",
        inner_product,
        [
            Property("⟨1, 1⟩ = 1", constant_one,
                     hint="average f(x)·g(x) over all 2**n points x of {-1,+1}^n"),
            Property("E[(Σ x_i)²] = n (every point counted once, with weight 2^-n)", second_moment,
                     hint="pass each point as a numpy array of length n with entries ±1"),
            Property("E[Maj_5 · x_0] agrees with the library", majority_coordinate,
                     hint="the functions receive one point at a time"),
            Property("parities are orthonormal on random S, T (n = 6)", orthonormal,
                     hint="enumerate the cube, e.g. with itertools.product([1, -1], repeat=n)"),
        ],
    )


def ex2_2(fwht_butterfly):
    """Exercise 2.2: the fast Walsh–Hadamard butterfly equals ``H_n · values``."""
    import scipy.linalg

    def evaluate(fn, values):
        result = np.asarray(fn(np.array(values, dtype=float)), dtype=float)
        assert result.shape == np.shape(values), (
            f"expected an array of shape {np.shape(values)}, got shape {result.shape}")
        return result

    def one_bit(fn):
        got = evaluate(fn, [3.0, 5.0])
        assert np.allclose(got, [8.0, -2.0]), f"H_1·(3, 5) should be (8, -2), got {got}"
        return True

    def matches_hadamard(fn):
        rng = np.random.default_rng(0)
        for n in range(1, 9):
            values = rng.normal(size=1 << n)
            expected = scipy.linalg.hadamard(1 << n) @ values
            got = evaluate(fn, values)
            assert np.allclose(got, expected, atol=1e-9), (
                f"n = {n}: largest difference from scipy.linalg.hadamard(2**n) @ values is "
                f"{np.max(np.abs(got - expected)):.3g}")
        return True

    def matches_library(fn):
        values = np.random.default_rng(1).normal(size=1 << 8)
        expected = boolean.walsh_hadamard(values)
        assert np.allclose(evaluate(fn, values), expected, atol=1e-9), (
            "n = 8: differs from csqlab.boolean.walsh_hadamard")
        return True

    def parseval(fn):
        n = 8
        values = boolean.random_boolean_on_cube(n, seed=3)
        coefficients = evaluate(fn, values) / 2**n
        total = float(np.sum(coefficients**2))
        assert abs(total - 1.0) < 1e-9, f"Σ f̂(S)² should be 1 for a ±1 function, got {total}"
        return True

    return run_check(
        "2.2",
        fwht_butterfly,
        [
            Property("n = 1: (a, b) ↦ (a + b, a − b)", one_bit,
                     hint="H_1 = [[1, 1], [1, -1]]"),
            Property("equals scipy.linalg.hadamard(2**n) @ values for n = 1..8", matches_hadamard,
                     hint="pass j pairs entries whose indices differ only in bit j (distance 2**j)"),
            Property("equals csqlab.boolean.walsh_hadamard (n = 8)", matches_library,
                     hint="do not change the order of the output entries"),
            Property("Parseval: Σ f̂(S)² = 1 for a random Boolean function", parseval,
                     hint="f̂ = H_n f / 2**n"),
        ],
    )


def ex2_3(majority_weights):
    """Exercise 2.3: Majority's weight per degree from its symmetry, without the transform."""

    def evaluate(fn, n):
        got = np.asarray(fn(n), dtype=float)
        assert got.shape == (n + 1,), f"majority_weights({n}) should have shape ({n + 1},), got {got.shape}"
        return got

    def three(fn):
        got = evaluate(fn, 3)
        assert np.allclose(got, [0.0, 0.75, 0.0, 0.25], atol=1e-12), (
            f"Maj_3 = ½x_0 + ½x_1 + ½x_2 − ½x_0x_1x_2 has W = (0, 0.75, 0, 0.25), got {got}")
        return True

    def level_one(fn):
        for n in [5, 7, 21]:
            coefficient = math.comb(n - 1, (n - 1) // 2) / 2 ** (n - 1)
            got = evaluate(fn, n)[1]
            assert abs(got - n * coefficient**2) < 1e-12, (
                f"n = {n}: W¹ = {got}, the derivation gives n·(C(n−1, (n−1)/2)/2^(n−1))² = "
                f"{n * coefficient**2}" + (" = 45/64" if n == 5 else ""))
        return True

    def small(fn):
        for n in [5, 9, 13]:
            expected = boolean.degree_weights(boolean.majority_on_cube(n))
            got = evaluate(fn, n)
            assert np.allclose(got, expected, atol=1e-12), (
                f"n = {n}: your weights differ from the transform's by up to "
                f"{np.max(np.abs(got - expected)):.3g}")
        return True

    def large(fn):
        n = 51
        expected = boolean.majority_fourier_weights(n)
        got = evaluate(fn, n)
        assert np.allclose(got, expected, rtol=1e-9, atol=1e-14), (
            f"n = {n}: largest difference from the closed form is {np.max(np.abs(got - expected)):.3g}")
        return True

    def sums_to_one(fn):
        got = evaluate(fn, 75)
        assert abs(got.sum() - 1.0) < 1e-9, f"the weights of Maj_75 should sum to 1, got {got.sum()}"
        assert 2 / math.pi < got[1] < 2 / math.pi + 0.01, (
            f"W¹[Maj_75] should lie just above 2/π ≈ 0.6366, got {got[1]}")
        return True

    return run_check(
        "2.3",
        majority_weights,
        [
            Property("n = 3 gives (0, 3/4, 0, 1/4)", three,
                     hint="W^k = C(n, k)·f̂_k², where f̂_k = E[Maj(x)·x_0⋯x_{k-1}]"),
            Property("level 1 matches the derivation: W¹[Maj_5] = 45/64, and n = 7, 21", level_one,
                     hint="x_0 decides the vote exactly when the other n − 1 votes tie"),
            Property("agrees with the transform for n = 5, 9, 13", small,
                     hint="count points by how many −1s fall inside and outside {0..k−1}"),
            Property("n = 51 (no enumeration possible) agrees with the closed form", large,
                     hint="a sum over two counts with binomial multiplicities needs O(n²) terms per k"),
            Property("n = 75: weights sum to 1 and W¹ is just above 2/π", sums_to_one,
                     hint="use exact integers (math.comb) before dividing by 2**n"),
        ],
    )
