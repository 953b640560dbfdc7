"""Checks for lesson 11b (recap: every lower bound along its proof map).

The check tests properties of the learner's derived query count — the library's per-query
count, the rounded form, the orthonormal case and the case where the lemma says nothing —
never a copy of a reference solution.
"""

from __future__ import annotations

import math

from csqlab import bounds
from csqlab.checks._core import Property, run_check

_CASES = [(2**10, 0.0, 0.1), (5000, 0.002, 0.05), (64, 0.3, 0.8), (10**6, 1e-4, 0.02)]


def _value(fn, m, gamma, tau) -> float:
    got = fn(m, gamma, tau)
    assert isinstance(got, (int, float)) and math.isfinite(got), (
        f"expected a finite number for (m, γ, τ) = ({m}, {gamma}, {tau}), got {got!r}")
    return float(got)


def ex11b_1(exact_min_queries):
    """Exercise 11b.1 (derivation): ``exact_min_queries(m, gamma, tau)`` is the number of
    queries the counting lemma's proof forces, ``0.0`` when ``τ² ≤ γ``."""

    def agrees_with_per_query(fn):
        for m, gamma, tau in _CASES:
            per_query = bounds.counting_lemma(tau, gamma, m).per_query
            got = _value(fn, m, gamma, tau)
            assert math.isclose(got * per_query, m - 1, rel_tol=1e-9), (
                f"(m, γ, τ) = ({m}, {gamma}, {tau}): q·(members ruled out per query) = "
                f"{got * per_query:.6g}, but the adversary must rule out m − 1 = {m - 1}")
        return True

    def between_rounded_forms(fn):
        for m, gamma, tau in _CASES:
            got, rounded = _value(fn, m, gamma, tau), m * (tau**2 - gamma) / 2
            assert rounded - 0.5 - 1e-9 <= got <= rounded / (1 - gamma) + 1e-9, (
                f"(m, γ, τ) = ({m}, {gamma}, {tau}): got {got:.6g}, outside "
                f"[m(τ² − γ)/2 − 1/2, m(τ² − γ)/(2(1 − γ))]")
        return True

    def nothing_when_not_applicable(fn):
        for m, gamma, tau in [(100, 0.05, 0.2), (100, 0.5, 0.3), (10, 0.9, 0.1)]:
            got = _value(fn, m, gamma, tau)
            assert got == 0.0, f"τ² ≤ γ at (m, γ, τ) = ({m}, {gamma}, {tau}): expected 0.0, got {got}"
        return True

    return run_check("11b.1", exact_min_queries, [
        Property("q times the members one query rules out is m − 1", agrees_with_per_query,
                 hint="each query rules out at most 2(1 − γ)/(τ² − γ) members; stop at one left"),
        Property("between the rounded forms", between_rounded_forms,
                 hint="(m − 1)/(1 − γ) lies between m − 1 and m/(1 − γ)"),
        Property("0.0 when τ² ≤ γ", nothing_when_not_applicable,
                 hint="step 1 needs τ² > γ: otherwise one query may see every member"),
    ])
