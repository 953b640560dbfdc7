"""Checks for lesson 11 (watching gradient descent on the hard families, and what succeeds)."""

from __future__ import annotations

import numpy as np

from csqlab import contrast
from csqlab.checks._core import Property, run_check
from csqlab.gaussian import hermite


def _probabilists_hermite(k):
    return lambda z: hermite(k, z)


def ex11_1(information_exponent):
    """Exercise 11.1: the information exponent k* = min{k ≥ 1 : E[σ(z) He_k(z)] ≠ 0}."""

    def exponent_of(link, expected):
        def test(fn):
            got = fn(link)
            assert isinstance(got, (int, np.integer)), f"expected an integer, got {got!r}"
            assert got == expected, f"got {got}"
            return True

        return test

    return run_check("11.1", information_exponent, [
        Property("He_1(z) = z has information exponent 1", exponent_of(lambda z: z, 1),
                 "the first Hermite coefficient of z is E[z·z] = 1"),
        Property("He_3 has information exponent 3", exponent_of(_probabilists_hermite(3), 3),
                 "compute E[σ(z) He_k(z)] for k = 1, 2, 3, … by Gauss–Hermite quadrature"),
        Property("He_4 has information exponent 4", exponent_of(_probabilists_hermite(4), 4),
                 "orthogonality: E[He_j He_k] = 0 for j ≠ k"),
        Property("z² has information exponent 2 (the constant part does not count)",
                 exponent_of(lambda z: z**2, 2), "start at k = 1, not k = 0"),
        Property("He_2 + He_5 has information exponent 2",
                 exponent_of(lambda z: hermite(2, z) + hermite(5, z), 2),
                 "return the smallest k whose coefficient is nonzero (up to rounding)"),
        Property("z³ (= He_3 + 3 He_1) has information exponent 1",
                 exponent_of(lambda z: z**3, 1),
                 "a monomial is not a Hermite polynomial: expand it"),
    ])


def ex11_2(transformed_direction):
    """Exercise 11.2: recover w from y = h_3(⟨w, x⟩) with a label transform."""

    def recovers(d, ratio, seed):
        def test(fn):
            x, y, w = contrast.hermite3_single_index(d, ratio * d, seed=seed)
            estimate = np.asarray(fn(x, y), dtype=float)
            assert estimate.shape == (d,), f"expected shape ({d},), got {estimate.shape}"
            assert abs(np.linalg.norm(estimate) - 1) < 1e-8, "return a unit vector"
            overlap = contrast.direction_overlap(estimate, w)
            assert overlap > 0.9, f"overlap |⟨ŵ, w⟩| = {overlap:.3f} with N = {ratio}·d samples"
            return True

        return test

    def uses_the_labels(fn):
        x, _, w = contrast.hermite3_single_index(30, 60 * 30, seed=5)
        moved = np.roll(w, 7)
        z = x @ moved
        a = np.asarray(fn(x, (z**3 - 3 * z) / np.sqrt(6.0)), dtype=float)
        assert contrast.direction_overlap(a, moved) > 0.9, (
            "the estimate did not follow the hidden direction when it moved")
        return True

    return run_check("11.2", transformed_direction, [
        Property("finds w in d = 20 from N = 64·d samples", recovers(20, 64, 1),
                 "correlate a transformed label T(y) with x xᵀ − I: E[T(y) He_2(⟨w, x⟩)] ≠ 0"),
        Property("finds w in d = 60 from N = 64·d samples", recovers(60, 64, 2),
                 "a bounded transform such as min(y², 1), centred, keeps the noise small"),
        Property("follows the hidden direction", uses_the_labels,
                 "the answer must depend on y"),
    ])


def ex11_3(invariant_kernel):
    """Exercise 11.3: the C_n-averaged quadratic kernel."""
    generator = np.random.default_rng(3)
    x = generator.standard_normal((6, 7))
    x2 = generator.standard_normal((5, 7))

    def matches(fn):
        got = np.asarray(fn(x, x2), dtype=float)
        assert got.shape == (6, 5), f"expected shape (6, 5), got {got.shape}"
        error = np.max(np.abs(got - contrast.cyclic_quadratic_kernel(x, x2)))
        assert error < 1e-9, f"largest difference from (1/n) Σ_s (1 + ⟨x, shift_s x'⟩)²: {error:.3g}"
        return True

    def invariant(fn):
        base = np.asarray(fn(x, x2), dtype=float)
        for shift in (1, 3):
            assert np.allclose(fn(np.roll(x, shift, axis=1), x2), base, atol=1e-9), (
                "not invariant when the first argument is shifted")
            assert np.allclose(fn(x, np.roll(x2, shift, axis=1)), base, atol=1e-9), (
                "not invariant when the second argument is shifted")
        return True

    def positive_semidefinite(fn):
        gram = np.asarray(fn(x, x), dtype=float)
        assert np.allclose(gram, gram.T, atol=1e-9), "the Gram matrix is not symmetric"
        assert np.linalg.eigvalsh(gram).min() > -1e-8, "the Gram matrix has a negative eigenvalue"
        return True

    return run_check("11.3", invariant_kernel, [
        Property("is invariant under cyclic shifts of either argument", invariant,
                 "average k(x, g·x') over all n cyclic shifts g"),
        Property("is a positive semidefinite kernel", positive_semidefinite,
                 "an average of kernels k(x, g·x') over a group is again a kernel"),
        Property("equals the C_n average of (1 + ⟨x, x'⟩)²", matches,
                 "np.roll(x2, s, axis=1) shifts the coordinates; divide by n"),
    ])
