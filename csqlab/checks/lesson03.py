"""Checks for lesson 3 (the counting lemma).

Each check compares the learner's function with the library (``csqlab.bounds``) on a grid
of inputs and, where it is a count, with brute-force counts on families whose pairwise
correlation ``γ`` is known exactly.
"""

from __future__ import annotations

import math

import numpy as np

from csqlab import boolean, bounds
from csqlab.checks._core import Property, run_check

_GRID = [(tolerance, gamma) for tolerance in (0.05, 0.1, 0.2, 0.3, 0.5, 0.9)
         for gamma in (0.0, 0.001, 0.02, 0.07, 0.2)]


def _correlated_family(gamma: float, n: int = 6) -> np.ndarray:
    """``f_i = √(1−γ) χ_{S_i} + √γ`` over the non-empty ``S_i``: unit norm, ``⟨f_i, f_j⟩ = γ``."""
    parities = boolean.parities_on_cube(range(1, 1 << n), n)
    return math.sqrt(1.0 - gamma) * parities + math.sqrt(gamma)


def _one_sided_counts(family: np.ndarray, tolerances, seed: int):
    """``(τ, #{i: ⟨h, f_i⟩ > τ})`` for sign-of-sum queries that aim at a few members."""
    rng = np.random.default_rng(seed)
    size = family.shape[1]
    for _ in range(40):
        chosen = rng.choice(family.shape[0], size=rng.integers(1, 8), replace=False)
        query = np.sign(family[chosen].sum(axis=0) + 1e-9 * rng.standard_normal(size))
        correlations = family @ query / size
        for tolerance in tolerances:
            yield tolerance, int(np.sum(correlations > tolerance))


def ex3_1(max_hits):
    """Exercise 3.1: the largest one-sided count ``s`` allowed by ``s τ² < 1 + (s − 1)γ``."""

    def agrees_with_the_closed_form(fn):
        for tolerance, gamma in _GRID:
            if tolerance**2 <= gamma:
                continue
            limit = bounds.counting_lemma(tolerance, gamma, 1).per_query / 2  # (1−γ)/(τ²−γ)
            got = fn(tolerance, gamma)
            assert got < limit <= got + 1 + 1e-9, (
                f"τ = {tolerance}, γ = {gamma}: you return {got}; s must be a whole number "
                f"strictly below (1 − γ)/(τ² − γ) = {limit:.6g}, and the largest such")
        return True

    def infinite_when_not_applicable(fn):
        for tolerance, gamma in [(0.1, 0.02), (0.1, 0.05), (0.2, 0.3)]:
            got = fn(tolerance, gamma)
            assert got == math.inf, f"τ = {tolerance}, γ = {gamma}: expected math.inf, got {got}"
        return True

    def never_exceeded_by_brute_force(fn):
        for gamma in (0.0, 0.02, 0.1):
            family = _correlated_family(gamma)
            tolerances = [t for t in (0.15, 0.25, 0.35, 0.5) if t**2 > gamma]
            for tolerance, count in _one_sided_counts(family, tolerances, seed=3):
                allowed = fn(tolerance, gamma)
                assert count <= allowed, (
                    f"γ = {gamma}, τ = {tolerance}: a query has {count} members above τ, "
                    f"more than your {allowed}")
        # a bent query has correlation 2^{-4} with all 2^8 parities: many are above τ
        bent = boolean.bent_on_cube(range(8), 8)
        correlations = boolean.fourier_coefficients(bent)
        tolerance = 0.99 / 16
        count = int(np.sum(correlations > tolerance))
        assert count <= fn(tolerance, 0.0), (
            f"the bent query on 8 bits has {count} parities above τ = {tolerance:.4g}, "
            f"more than your {fn(tolerance, 0.0)}")
        return True

    return run_check(
        "3.1",
        max_hits,
        [
            Property("agrees with the inequality s τ² < 1 + (s − 1)γ on a grid of (τ, γ)",
                     agrees_with_the_closed_form,
                     hint="solve the inequality for s; you want the largest whole s that "
                          "satisfies it strictly"),
            Property("returns math.inf when τ² ≤ γ", infinite_when_not_applicable,
                     hint="when τ² ≤ γ, does any s violate the inequality?"),
            Property("brute-force counts on families with known γ never exceed it",
                     never_exceeded_by_brute_force,
                     hint="count members with ⟨h, f_i⟩ > τ on one side only"),
        ],
    )


def ex3_2(query_bound):
    """Exercise 3.2: ``m(τ² − γ)/2`` queries, or "not applicable" when ``τ² ≤ γ``."""

    def agrees_with_the_library(fn):
        for m in (1, 40, 1024, 10**9):
            for tolerance, gamma in _GRID:
                expected = bounds.counting_lemma(tolerance, gamma, m).min_queries
                got = fn(m, tolerance, gamma)
                if expected is None:
                    continue
                assert isinstance(got, (int, float)) and math.isclose(got, expected,
                                                                      rel_tol=1e-9), (
                    f"m = {m}, τ = {tolerance}, γ = {gamma}: got {got!r}")
        return True

    def not_applicable(fn):
        for m, tolerance, gamma in [(100, 0.1, 0.02), (100, 0.2, 0.2**2), (5, 0.3, 0.5)]:
            got = fn(m, tolerance, gamma)
            assert got == "not applicable", (
                f"m = {m}, τ = {tolerance}, γ = {gamma}: expected 'not applicable', got {got!r}")
        return True

    def all_parities(fn):
        got = fn(2**10, 0.1, 0.0)
        assert math.isclose(got, 5.12), f"all 2^10 parities at τ = 0.1: got {got!r}"
        return True

    return run_check(
        "3.2",
        query_bound,
        [
            Property("all 2^10 parities (γ = 0) at τ = 0.1", all_parities,
                     hint="an orthonormal family has γ = 0"),
            Property("agrees with the standard form on a grid of (m, τ, γ)",
                     agrees_with_the_library, hint="q ≥ m(τ² − γ)/2"),
            Property("says 'not applicable' when τ² ≤ γ (never a negative count)",
                     not_applicable, hint="compare τ² with γ before computing anything"),
        ],
    )


def ex3_3(samples_needed):
    """Exercise 3.3: samples ``N ≈ 1/τ²`` at which ``n_queries`` queries stop being ruled out."""

    def agrees_with_the_library(fn):
        for n in (10, 20, 50):
            for n_queries in (1, 100, 10**6):
                tolerance = bounds.max_tolerance_for_queries(n_queries, 0.0, 2**n)
                expected = bounds.samples_for_tolerance(tolerance)
                got = fn(n, n_queries)
                assert math.isclose(got, expected, rel_tol=1e-9), (
                    f"n = {n}, n_queries = {n_queries}: expected about {expected:.4g}, got {got!r}")
        return True

    def at_least_one(fn):
        got = fn(4, 10**3)
        assert math.isclose(got, 1.0), (
            f"n = 4 with 1000 queries: every tolerance is allowed, so 1 sample; got {got!r}")
        return True

    def halves(fn):
        ratio = fn(40, 1000) / fn(40, 2000)
        assert math.isclose(ratio, 2.0), f"doubling the queries changed N by a factor {ratio}"
        return True

    return run_check(
        "3.3",
        samples_needed,
        [
            Property("doubling the number of queries halves the samples", halves,
                     hint="solve q ≥ m τ²/2 for τ², then use N ≈ 1/τ²"),
            Property("agrees with csqlab.bounds for n = 10, 20, 50", agrees_with_the_library,
                     hint="m = 2^n parities, γ = 0"),
            Property("never below 1 sample", at_least_one,
                     hint="a tolerance above 1 is no constraint at all"),
        ],
    )
