"""Checks for lesson 1 (learning from statistics, not samples)."""

from __future__ import annotations

import numpy as np

from csqlab import oracles
from csqlab.checks._core import Property, run_check

_CUBE_N = 10


def _majority(x):
    # majority of the first 9 coordinates (odd, so no ties)
    return np.sign(np.sum(x[:, :9], axis=1))


def _correlation_query(x, y):
    return y * x[:, 0]


# --------------------------------------------------------------------------- exercise 1.1


def ex1_1(sample_answer):
    """Exercise 1.1: ``sample_answer(phi, target, n, n_samples, rng)`` is the empirical mean
    of ``φ(x, f*(x))`` over ``n_samples`` uniform points of ``{−1,+1}^n``; its error falls
    like ``1/√N``."""
    exact = oracles.ExactOracle(oracles.Cube(_CUBE_N), _majority).sq(_correlation_query)

    def answer(fn, n_samples, seed):
        value = fn(_correlation_query, _majority, _CUBE_N, n_samples, np.random.default_rng(seed))
        value = float(value)
        assert np.isfinite(value), f"your answer is {value}"
        return value

    def is_a_mean_of_the_query(fn):
        constant = float(fn(lambda x, y: np.ones(len(x)), _majority, _CUBE_N, 20,
                            np.random.default_rng(0)))
        assert abs(constant - 1.0) < 1e-12, f"the query φ = 1 gave {constant}, expected 1"
        value = answer(fn, 50, 1)
        assert -1.0 <= value <= 1.0, f"an average of values in [-1, 1] gave {value}"
        return True

    def is_seeded(fn):
        first, second = answer(fn, 64, 7), answer(fn, 64, 7)
        assert first == second, f"two calls with the same seed gave {first} and {second}"
        return True

    def is_unbiased(fn):
        values = np.array([answer(fn, 50, 100 + i) for i in range(400)])
        # one answer has sd sqrt(1 − exact²)/√50; the mean of 400 has that / 20
        allowed = 5 * np.sqrt(1 - exact**2) / np.sqrt(50) / 20
        assert abs(values.mean() - exact) < allowed, (
            f"the average of 400 answers is {values.mean():.4f}, the exact value is {exact:.4f}")
        return True

    def error_falls_like_root_n(fn):
        sizes = np.array([16, 256, 4096])
        rms = np.array([
            np.sqrt(np.mean([(answer(fn, int(size), 1000 * j + i) - exact) ** 2
                             for i in range(60)]))
            for j, size in enumerate(sizes)
        ])
        assert np.all(rms > 0), "your answers have no sampling error at all: draw fresh samples"
        slope = np.polyfit(np.log(sizes), np.log(rms), 1)[0]
        assert -0.65 < slope < -0.35, f"the log–log slope of the error is {slope:.2f}"
        return True

    return run_check(
        "1.1",
        sample_answer,
        [
            Property("the answer is the average of φ(x, f*(x)) over the sample",
                     is_a_mean_of_the_query,
                     hint="evaluate the target on the points to get the labels, then average φ"),
            Property("the answer depends only on the generator passed in", is_seeded,
                     hint="draw every random number from rng"),
            Property("the answers are centred on the exact expectation", is_unbiased,
                     hint="points must be uniform on {-1,+1}^n, each coordinate ±1 with "
                          "probability 1/2"),
            Property("the error falls like 1/√N (log–log slope near −1/2)",
                     error_falls_like_root_n,
                     hint="use exactly n_samples fresh points for each answer"),
        ],
    )


# --------------------------------------------------------------------------- exercise 1.2


def _random_table_query(rng, n):
    """A random bounded φ on {−1,+1}^n × {−1,+1}, given by a table of values."""
    table = rng.uniform(-1, 1, size=(2**n, 2))
    powers = 2 ** np.arange(n)

    def phi(x, y):
        x = np.asarray(x, dtype=float)
        index = (((1 - x) / 2) @ powers).astype(int)
        column = ((1 - np.broadcast_to(np.asarray(y, dtype=float), index.shape)) / 2).astype(int)
        return table[index, column]

    return phi


def ex1_2(decompose):
    """Exercise 1.2: ``decompose(phi)`` returns ``(a, b)`` with ``φ(x, y) = a(x) + y·b(x)``
    for ``y = ±1``; then ``E[φ(x, f(x))] = E[a] + E[f b]`` for every ±1 target."""
    n = 4
    points = oracles.Cube(n)
    x_all = np.array([[1 - 2 * ((i >> j) & 1) for j in range(n)] for i in range(2**n)], float)

    def parts(fn, seed):
        phi = _random_table_query(np.random.default_rng(seed), n)
        result = fn(phi)
        assert isinstance(result, tuple) and len(result) == 2, (
            "decompose must return a pair (a, b)")
        a, b = result
        assert callable(a) and callable(b), "a and b must be functions of x"
        values_a = np.asarray(a(x_all), dtype=float).reshape(-1)
        values_b = np.asarray(b(x_all), dtype=float).reshape(-1)
        assert values_a.shape == (2**n,) and values_b.shape == (2**n,), (
            f"a(x) and b(x) must return one value per point, got shapes "
            f"{values_a.shape} and {values_b.shape}")
        return phi, a, b, values_a, values_b

    def reconstructs(fn):
        for seed in range(3):
            phi, _, _, a, b = parts(fn, seed)
            for label in (1.0, -1.0):
                expected = phi(x_all, np.full(2**n, label))
                error = np.max(np.abs(a + label * b - expected))
                assert error < 1e-12, f"for y = {label:+.0f}, a + y·b differs from φ by {error:.3g}"
        return True

    def stays_bounded(fn):
        for seed in range(3):
            _, _, _, a, b = parts(fn, seed)
            assert np.max(np.abs(a)) <= 1 + 1e-12 and np.max(np.abs(b)) <= 1 + 1e-12, (
                "a or b leaves [-1, 1]")
        return True

    def expectations_split(fn):
        rng = np.random.default_rng(11)
        powers = 2 ** np.arange(n)
        for seed in range(3):
            phi, a, b, _, _ = parts(fn, seed)
            signs = rng.choice([-1.0, 1.0], size=2**n)

            def target(x, signs=signs):
                return signs[(((1 - x) / 2) @ powers).astype(int)]

            oracle = oracles.ExactOracle(points, target)
            direct = oracle.sq(phi)
            split = oracle.label_free_expectation(a) + oracle.csq(b)
            assert abs(direct - split) < 1e-12, (
                f"E[φ(x, f(x))] = {direct:.6f} but E[a] + E[f b] = {split:.6f}")
        return True

    return run_check(
        "1.2",
        decompose,
        [
            Property("φ(x, y) = a(x) + y·b(x) for y = +1 and y = −1", reconstructs,
                     hint="write the identity at y = +1 and at y = −1: two equations, "
                          "two unknowns a(x), b(x)"),
            Property("a and b take values in [-1, 1] when φ does", stays_bounded,
                     hint="each part is an average of two values of φ, up to sign"),
            Property("E[φ(x, f(x))] = E[a] + E[f·b] for random ±1 targets",
                     expectations_split,
                     hint="a and b must be functions of x alone, evaluated on the points given"),
        ],
    )


# --------------------------------------------------------------------------- exercise 1.3


def _second_hermite(x):
    # the normalised h_2(x) = (x² − 1)/√2 of the first coordinate
    return (x[:, 0] ** 2 - 1) / np.sqrt(2)


def _zero(x):
    return np.zeros(x.shape[0])


def ex1_3(phi):
    """Exercise 1.3: an SQ ``φ(x, y)`` that tells the real-valued target ``y = h_2(x)``
    from ``y = 0`` (x ~ N(0, 1)), although every correlational query of degree ≤ 1
    sees 0 for both, and that is not of the correlational form ``a(x) + y·b(x)``."""
    gaussian = oracles.Gaussian(1, n_points=200)
    x_grid = np.linspace(-4, 4, 17)[:, None]
    y_grid = np.linspace(-3, 3, 13)

    def values(fn, x, y):
        result = np.asarray(fn(x, y), dtype=float)
        assert result.shape == (x.shape[0],), (
            f"phi must return one value per point, got shape {result.shape}")
        return result

    def on_grid(fn, label):
        return values(fn, x_grid, np.full(x_grid.shape[0], label))

    def bounded(fn):
        for label in y_grid:
            largest = np.max(np.abs(on_grid(fn, label)))
            assert largest <= 1 + 1e-12, f"|φ| reaches {largest:.3g} at y = {label:.2f}"
        return True

    def remainder(fn):
        # φ minus its linear interpolation between y = 0 and y = 1: zero for a(x) + y·b(x)
        def rest(x, y):
            at_zero = values(fn, x, np.zeros(x.shape[0]))
            at_one = values(fn, x, np.ones(x.shape[0]))
            return values(fn, x, y) - at_zero - y * (at_one - at_zero)

        return rest

    def not_correlational(fn):
        largest = max(np.max(np.abs(remainder(fn)(x_grid, np.full(x_grid.shape[0], label))))
                      for label in y_grid)
        assert largest > 1e-3, "φ is linear in y, so it is a(x) + y·b(x): a correlational query"
        return True

    def separates(fn):
        signal = oracles.ExactOracle(gaussian, _second_hermite).sq(lambda x, y: values(fn, x, y))
        null = oracles.ExactOracle(gaussian, _zero).sq(lambda x, y: values(fn, x, y))
        assert abs(signal - null) >= 0.05, (
            f"E[φ] is {signal:.4f} for y = h_2(x) and {null:.4f} for y = 0")
        return True

    def nonlinear_part_separates(fn):
        rest = remainder(fn)
        signal = gaussian.expectation(lambda x: rest(x, _second_hermite(x)))
        null = gaussian.expectation(lambda x: rest(x, _zero(x)))
        assert abs(signal - null) >= 0.05, (
            f"the part of φ that is not linear in y has expectation {signal:.4f} vs {null:.4f}")
        return True

    return run_check(
        "1.3",
        phi,
        [
            Property("φ takes values in [-1, 1] (an SQ must be bounded)", bounded,
                     hint="squash an unbounded expression, e.g. t ↦ t/(1 + |t|) or t²/(1 + t²)"),
            Property("φ is not of the form a(x) + y·b(x)", not_correlational,
                     hint="a correlational query is linear in the label: transform y"),
            Property("E[φ] differs by at least 0.05 between y = h_2(x) and y = 0", separates,
                     hint="what does y = h_2(x) have that y = 0 does not, whatever x is?"),
            Property("the part of φ that is not linear in y alone tells the targets apart",
                     nonlinear_part_separates,
                     hint="let the nonlinearity in y do the work, not a correlation with x²"),
        ],
    )
