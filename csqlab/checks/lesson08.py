"""Checks for lesson 8 (lower bounds for graph neural networks).

Each check tests properties of the learner's answer against an independent reference:
parities of integers (``t mod 2``), exact enumeration of all directed graphs on 4 nodes
(:func:`csqlab.hard.gnn.degree_parity_correlations_by_enumeration`), the closed forms of
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


@lru_cache(maxsize=1)
def _enumerated_n4():
    return gnn.degree_parity_correlations_by_enumeration(4, (0, 1, 2, 3))


def ex8_2(directed_parity_correlation):
    """Exercise 8.2: ``directed_parity_correlation(n, subset)`` returns ``E[χ_U]`` under
    directed ``G(n, ½)``, ``(1 − 2 p_U)^n`` with ``p_U = P(Bin(n − 1, ½) ∈ U)``."""

    def empty(fn):
        value = _as_float(fn(7, ()), "the value for U = ∅")
        assert abs(value - 1.0) < 1e-12, f"χ_∅ ≡ 1, so E[χ_∅] = 1; got {value}"
        return True

    def enumeration(fn):
        exact = _enumerated_n4()
        for mask, value in enumerate(exact.values):
            subset = exact.subset(mask)
            got = _as_float(fn(4, subset), f"the value for U = {subset}")
            assert abs(got - value) < 1e-10, (
                f"n = 4, U = {subset}: enumeration of all 4096 graphs gives {value:.6f}, got {got:.6f}")
        return True

    def larger(fn):
        rng = np.random.default_rng(82)
        for n in (15, 30, 61):
            for _ in range(3):
                subset = tuple(sorted(rng.choice(n, size=int(rng.integers(1, 5)), replace=False)))
                subset = tuple(int(j) for j in subset)
                got = _as_float(fn(n, subset), f"the value for n = {n}, U = {subset}")
                want = gnn.degree_parity_correlation(n, subset)
                assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (
                    f"n = {n}, U = {subset}: expected {want:.6g}, got {got:.6g}")
        return True

    return run_check("8.2", directed_parity_correlation, [
        Property("E[χ_∅] = 1", empty, "the empty sum of counts is 0"),
        Property("agrees with enumeration of all directed graphs on 4 nodes", enumeration,
                 "out-degrees are independent Bin(n − 1, ½); χ_U is a product over nodes"),
        Property("agrees for larger n and random U", larger,
                 "p_U sums the binomial probabilities of the degrees in U; raise to the power n"),
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
