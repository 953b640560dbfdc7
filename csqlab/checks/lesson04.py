"""Checks for lesson 4 (gradient descent is a CSQ algorithm)."""

from __future__ import annotations

import numpy as np
import torch

from csqlab import oracles
from csqlab.boolean import cube, parity
from csqlab.checks._core import Property, run_check
from csqlab.training import gd


def _majority(x):
    return np.sign(np.sum(x, axis=1))


def _logistic_reference(model, n: int, target) -> np.ndarray:
    """Autograd's gradient of E[log(1 + exp(−y h_θ(x)))] on the cube (the second route)."""
    points = torch.as_tensor(cube(n, np.float64))
    labels = torch.as_tensor(target(points.numpy()))
    loss = torch.nn.functional.softplus(-labels * model(points)[:, 0]).mean()
    gradients = torch.autograd.grad(loss, list(model.parameters()))
    return torch.cat([g.reshape(-1) for g in gradients]).numpy()


def ex4_1(logistic_gradient_as_queries):
    """Exercise 4.1: the logistic-loss gradient from a label-free term and p CSQ answers."""

    def matches(n, width, activation, target, seed):
        def test(fn):
            model = gd.two_layer_network(n, width, activation=activation, seed=seed)
            oracle = oracles.ExactOracle(oracles.Cube(n), target)
            got = np.asarray(fn(model, oracle), dtype=float)
            p = gd.n_parameters(model)
            assert got.shape == (p,), f"expected a flat gradient of shape ({p},), got {got.shape}"
            expected = _logistic_reference(model, n, target)
            error = float(np.max(np.abs(got - expected)))
            assert error < 1e-10, f"largest difference from autograd's gradient: {error:.3g}"
            return True

        return test

    def only_correlational(fn):
        model = gd.two_layer_network(4, 3, activation="tanh", seed=3)
        oracle = oracles.ExactOracle(oracles.Cube(4), lambda x: parity((0, 1), x))
        fn(model, oracle)
        kinds = {record.kind for record in oracle.log}
        p = gd.n_parameters(model)
        assert kinds <= {"CSQ"}, f"the oracle received queries of kinds {sorted(kinds)}"
        assert oracle.n_queries == p, f"{oracle.n_queries} queries for {p} parameters"
        return True

    return run_check(
        "4.1",
        logistic_gradient_as_queries,
        [
            Property("agrees with autograd (tanh network, parity target on {±1}^4)",
                     matches(4, 3, "tanh", lambda x: parity((0, 2, 3), x), 0),
                     hint="for y in {-1, +1}, write the derivative of log(1 + exp(-y h)) in h as "
                          "a part without y plus y times a part without y"),
            Property("uses exactly p correlational queries and nothing else", only_correlational,
                     hint="the correlational part asks the same queries as for the square loss"),
            Property("agrees with autograd (ReLU network, majority target on {±1}^5)",
                     matches(5, 4, "relu", _majority, 1),
                     hint="check the factor in front of the correlational term"),
        ],
    )


def _one_unit_reference(w, b, a, c, x) -> np.ndarray:
    """Per-example gradients of h(x) = a·ReLU(⟨w, x⟩ + b) + c by torch.func (second route)."""
    model = gd.two_layer_network(len(w), 1)
    with torch.no_grad():
        model[0].weight.copy_(torch.as_tensor(np.asarray(w, dtype=float))[None, :])
        model[0].bias.fill_(float(b))
        model[2].weight.fill_(float(a))
        model[2].bias.fill_(float(c))
    return gd.per_example_gradients(model, x)[1]


def ex4_2(one_unit_gradients):
    """Exercise 4.2: the p = n + 3 query functions of a one-hidden-unit ReLU model."""

    def matches(n, seed, shift=0.0):
        def test(fn):
            rng = np.random.default_rng(seed)
            w = rng.normal(size=n)
            b, a, c = rng.normal() + shift, rng.normal(), rng.normal()
            x = cube(n, np.float64)
            got = np.asarray(fn(w, b, a, c, x), dtype=float)
            assert got.shape == (2**n, n + 3), f"expected shape {(2**n, n + 3)}, got {got.shape}"
            expected = _one_unit_reference(w, b, a, c, x)
            error = float(np.max(np.abs(got - expected)))
            assert error < 1e-12, f"largest difference from autograd: {error:.3g}"
            return True

        return test

    return run_check(
        "4.2",
        one_unit_gradients,
        [
            Property("shape and values on {±1}^3", matches(3, 0),
                     hint="columns in the order w_1..w_n, b, a, c; the chain rule through ReLU"),
            Property("a unit that is inactive on most points", matches(4, 1, shift=-2.5),
                     hint="ReLU's derivative is 1 where its input is positive and 0 elsewhere"),
            Property("a unit that is active on most points", matches(5, 2, shift=2.5),
                     hint="the derivative in a is the unit's output, the derivative in c is 1"),
        ],
    )


def _smallest_hard_dimension(width: int, steps: int, tolerance: float) -> int:
    """The library route: first n where the counting lemma's 2^n τ²/2 exceeds T·p(n)."""
    return gd.hard_dimension_for_budget(steps, lambda n: width * (n + 2) + 1, tolerance)


def ex4_3(smallest_hard_dimension):
    """Exercise 4.3: when does the counting lemma forbid a GD run's T·p queries?"""

    def matches(cases):
        def test(fn):
            for width, steps, tolerance in cases:
                got = fn(width, steps, tolerance)
                expected = _smallest_hard_dimension(width, steps, tolerance)
                assert got == expected, (
                    f"width {width}, {steps} steps, τ = {tolerance}: you found n = {got}, "
                    f"expected {expected}")
            return True

        return test

    return run_check(
        "4.3",
        smallest_hard_dimension,
        [
            Property("the lesson's run (width 16, 100 steps, τ = 0.01)",
                     matches([(16, 100, 0.01)]),
                     hint="p = width·(n + 2) + 1 grows with n; the lemma needs 2^n τ²/2 > T·p"),
            Property("other budgets and tolerances",
                     matches([(4, 10, 0.1), (32, 200, 0.01), (8, 1000, 0.001), (1, 1, 1.0)]),
                     hint="return the smallest n where the requirement strictly exceeds the "
                          "queries used"),
        ],
    )
