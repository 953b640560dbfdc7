"""Checks for lesson 8 (lower bounds for graph neural networks).

Each check tests properties of the learner's answer against an independent reference:
parities of integers (``t mod 2``), exact enumeration of all even-sum degree tuples, the
closed forms of
:mod:`csqlab.hard.gnn`, Cauchy–Schwarz and node relabellings.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import numpy as np

from csqlab.checks._core import Property, run_check
from csqlab.groups import act_on_graph
from csqlab.hard import gnn


def _as_float(value, what: str) -> float:
    value = float(value)
    assert math.isfinite(value), f"{what} is not a finite number"
    return value


# --------------------------------------------------------------------------- Exercise 8.1


def ex8_1(triangle_wave_coefficients):
    """Exercise 8.1: ``triangle_wave_coefficients(n)`` returns ``c_0..c_{n−1}`` with
    ``Σ_r c_r ReLU(t − r) = t mod 2`` for every integer ``t`` in ``0..n``."""

    def wave(n):
        coefficients = np.asarray(triangle_wave_coefficients(n), dtype=float)
        assert coefficients.ndim == 1, f"expected a 1-D array, got shape {coefficients.shape}"
        assert np.all(np.isfinite(coefficients)), "the coefficients contain NaN or inf"
        t = np.arange(n + 1)
        knots = np.arange(len(coefficients))
        return coefficients, np.maximum(t[:, None] - knots[None, :], 0.0) @ coefficients

    def length(fn):
        coefficients, _ = wave(6)
        assert len(coefficients) == 6, f"expected n = 6 coefficients (r = 0..5), got {len(coefficients)}"
        return True

    def first_values(fn):
        _, values = wave(3)
        assert np.allclose(values, [0, 1, 0, 1]), (
            f"for n = 3 the wave at t = 0, 1, 2, 3 should be 0, 1, 0, 1, got {np.round(values, 3)}")
        return True

    def all_sizes(fn):
        for n in (1, 2, 5, 10, 17):
            _, values = wave(n)
            assert np.allclose(values, np.arange(n + 1) % 2), f"wrong values for n = {n}"
        return True

    return run_check("8.1", triangle_wave_coefficients, [
        Property("one coefficient per knot r = 0..n−1", length,
                 "the hidden layer has one ReLU(t − r) per integer r from 0 to n − 1"),
        Property("the wave is 0, 1, 0, 1 at t = 0..3 (n = 3)", first_values,
                 "start with slope +1 at r = 0; what happens to the slope at t = 1?"),
        Property("Σ_r c_r ReLU(t − r) = t mod 2 for t = 0..n, several n", all_sizes,
                 "a coefficient at knot r changes the slope by c_r; the slope alternates +1, −1"),
    ])


# --------------------------------------------------------------------------- Exercise 8.2


@lru_cache(maxsize=4)
def _conditioned_tuples(n: int) -> tuple[np.ndarray, np.ndarray]:
    """All ``n``-tuples of degrees in ``0..n−1`` with an even sum, and their probabilities
    under independent ``Bin(n − 1, ½)`` degrees conditioned on that even sum."""
    degrees = np.array(list(itertools.product(range(n), repeat=n)))
    degrees = degrees[degrees.sum(axis=1) % 2 == 0]
    pmf = np.array([math.comb(n - 1, j) for j in range(n)]) / 2.0 ** (n - 1)
    weights = pmf[degrees].prod(axis=1)
    return degrees, weights / weights.sum()


def _conditioned_by_enumeration(n: int, subset) -> float:
    degrees, weights = _conditioned_tuples(n)
    signs = (-1.0) ** np.isin(degrees, list(subset)).sum(axis=1)
    return float(signs @ weights)


def ex8_2(conditioned_parity_correlation):
    """Exercise 8.2: ``conditioned_parity_correlation(n, subset)`` returns ``E[χ_U]`` when the
    ``n`` degrees are independent ``Bin(n − 1, ½)`` conditioned on an even sum (the
    approximation of undirected ``G(n, ½)`` that lesson 8 uses); the learner derives it on
    paper first (model answer in lessons/notes/answers.md). Checked against enumeration of all
    conditioned degree tuples for ``n = 5, 6`` and :func:`csqlab.hard.gnn.conditioned_binomial_correlation`."""

    def empty(fn):
        value = _as_float(fn(7, ()), "the value for U = ∅")
        assert abs(value - 1.0) < 1e-12, f"χ_∅ ≡ 1, so E[χ_∅] = 1; got {value}"
        return True

    def handshake(fn):
        for n in (6, 7):
            value = _as_float(fn(n, tuple(range(1, n, 2))), f"the value for n = {n}, U = odd degrees")
            assert abs(value - 1.0) < 1e-9, (
                f"n = {n}, U = all odd degrees: an even degree sum has an even number of odd "
                f"degrees, so E[χ_U] = 1; got {value:.6f}")
        return True

    def enumeration(fn):
        for n, subsets in ((5, ((2,), (1, 2), (0, 3), (2, 3, 4))), (6, ((2,), (2, 3), (1, 4), (0, 2, 5)))):
            for subset in subsets:
                want = _conditioned_by_enumeration(n, subset)
                got = _as_float(fn(n, subset), f"the value for n = {n}, U = {subset}")
                assert abs(got - want) < 1e-10, (
                    f"n = {n}, U = {subset}: enumeration of all degree tuples with an even sum "
                    f"gives {want:.6f}, got {got:.6f}")
        return True

    def larger(fn):
        rng = np.random.default_rng(82)
        for n in (15, 30, 61):
            for _ in range(3):
                subset = tuple(sorted(rng.choice(n, size=int(rng.integers(1, 5)), replace=False)))
                subset = tuple(int(j) for j in subset)
                got = _as_float(fn(n, subset), f"the value for n = {n}, U = {subset}")
                want = gnn.conditioned_binomial_correlation(n, subset)
                assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (
                    f"n = {n}, U = {subset}: expected {want:.6g}, got {got:.6g}")
        return True

    return run_check("8.2", conditioned_parity_correlation, [
        Property("E[χ_∅] = 1", empty, "the empty sum of counts is 0"),
        Property("U = all odd degrees gives 1 (handshake)", handshake,
                 "the directed formula (1 − 2p_U)^n alone gives 0 here: the even-sum condition "
                 "adds a second term"),
        Property("agrees with enumeration of all even-sum degree tuples (n = 5, 6)", enumeration,
                 "write 1[Σ d_i even] = (1 + Π_i (−1)^{d_i})/2; P(Σ d_i even) = ½; then "
                 "E[(−1)^{d} (−1)^{1[d∈U]}] = Σ_j (−1)^j p_j (1 − 2·1[j ∈ U])"),
        Property("agrees for larger n and random U", larger,
                 "p_j = C(n − 1, j)/2^{n−1}; both terms are raised to the power n"),
    ])


# --------------------------------------------------------------------------- Exercise 8.3


def _cycle(n: int) -> np.ndarray:
    adjacency = np.zeros((n, n))
    for i in range(n):
        adjacency[i, (i + 1) % n] = adjacency[(i + 1) % n, i] = 1.0
    return adjacency


def ex8_3(graph_factor):
    """Exercise 8.3: ``graph_factor(adjacency)`` returns ``(Σ_i √deg_i)² / Σ_i deg_i``."""

    def regular(fn):
        for n in (4, 7):
            got = _as_float(fn(_cycle(n)), "the factor of a cycle")
            assert abs(got - n) < 1e-9, f"a cycle on {n} nodes is regular: expected {n}, got {got}"
        return True

    def star(fn):
        adjacency = np.zeros((6, 6))
        adjacency[0, 1:] = adjacency[1:, 0] = 1.0
        got = _as_float(fn(adjacency), "the factor of a star")
        want = (math.sqrt(5) + 5) ** 2 / 10
        assert abs(got - want) < 1e-9, f"star with 5 leaves: expected {want:.4f}, got {got:.4f}"
        return True

    def random_graphs(fn):
        graphs = gnn.sample_graphs(8, 6, directed=False, seed=83)
        for graph in graphs:
            if not graph.any():
                continue
            got = _as_float(fn(graph), "the factor")
            assert got <= 8 + 1e-9, f"Cauchy–Schwarz gives at most n = 8, got {got}"
            assert abs(got - gnn.graph_factor(graph)) < 1e-9, "wrong value on a random graph"
            for permutation in itertools.islice(itertools.permutations(range(8)), 1, 4):
                moved, _ = act_on_graph(np.array(permutation), graph)
                assert abs(_as_float(fn(moved), "the factor") - got) < 1e-9, (
                    "relabelling the nodes changed the factor")
        return True

    return run_check("8.3", graph_factor, [
        Property("equals n for regular graphs (cycles)", regular,
                 "in a regular graph every degree is equal: compute both sums"),
        Property("star graph", star, "the centre has degree n − 1, every leaf degree 1"),
        Property("random graphs: value, ≤ n, invariant under relabelling", random_graphs,
                 "degrees are row sums of the adjacency matrix"),
    ])
