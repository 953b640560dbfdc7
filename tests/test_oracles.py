"""Lesson 1 (learning from statistics): SQ and CSQ oracles.

Second routes: direct numpy sums over the explicit cube points, Monte Carlo from
``csqlab.gaussian`` against quadrature, the 1/√N rate fitted on a log–log plot, and
the ±τ band checked for every adversarial answer.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab.boolean import cube, parity
from csqlab.gaussian import monte_carlo_expectation
from csqlab.oracles import (
    AdversarialOracle,
    Cube,
    Discrete,
    ExactOracle,
    Gaussian,
    QueryRecord,
    SampleOracle,
    Sampler,
    decompose_sq,
    zero_adversary,
)

SETTINGS = settings(max_examples=30, deadline=None)


def parity_target(subset):
    return lambda x: parity(subset, x)


def tanh_query(weights):
    """A bounded query h(x) = tanh(⟨w, x⟩) ∈ (−1, 1)."""
    weights = np.asarray(weights, dtype=float)
    return lambda x: np.tanh(x @ weights)


# --------------------------------------------------------------------------- exact oracle


def test_exact_csq_on_parities_is_the_kronecker_delta():
    """Lesson 1/2: ⟨χ_S, χ_T⟩ = 1[S = T], asked as CSQs with target χ_T."""
    oracle = ExactOracle(Cube(4), parity_target((0, 2)))
    for mask in range(16):
        subset = tuple(j for j in range(4) if mask >> j & 1)
        expected = 1.0 if subset == (0, 2) else 0.0
        assert oracle.csq(lambda x, s=subset: parity(s, x)) == expected
    assert oracle.n_queries == 16
    assert all(record.kind == "CSQ" and record.true_value == record.answer
               for record in oracle.log)


@SETTINGS
@given(st.lists(st.floats(-2, 2), min_size=5, max_size=5),
       st.lists(st.floats(-2, 2), min_size=5, max_size=5))
def test_exact_answers_equal_direct_sums_over_the_points(query_weights, label_weights):
    points = cube(5, np.float64)
    target = tanh_query(label_weights)  # a real-valued target in (−1, 1)
    oracle = ExactOracle(Cube(5), target)
    h = tanh_query(query_weights)
    assert np.isclose(oracle.csq(h), np.mean(h(points) * target(points)), atol=1e-14)

    def phi(x, y):
        return np.cos(3 * y + x[:, 0]) * h(x)

    assert np.isclose(oracle.sq(phi), np.mean(phi(points, target(points))), atol=1e-14)


def test_exact_cube_enumeration_walks_blocks_for_larger_n():
    """n = 17 needs two blocks of 2^16 rows: E[x_0 x_16] = 0 and E[x_3²] = 1 exactly."""
    oracle = ExactOracle(Cube(17), lambda x: x[:, 16])
    assert oracle.csq(lambda x: x[:, 0]) == 0.0
    assert oracle.csq(lambda x: x[:, 16]) == 1.0
    assert oracle.label_free_expectation(lambda x: x[:, 3] ** 2) == 1.0


def test_exact_gaussian_oracle_uses_quadrature_and_agrees_with_monte_carlo():
    target = lambda x: x[:, 0] * x[:, 1]  # noqa: E731
    oracle = ExactOracle(Gaussian(2), target)
    # exact for polynomials: E[x_0² x_1²] = 1
    assert np.isclose(oracle.label_free_expectation(lambda x: x[:, 0] ** 2 * x[:, 1] ** 2), 1.0,
                      rtol=1e-12)
    h = lambda x: np.tanh(x[:, 0]) * np.tanh(x[:, 1])  # noqa: E731
    answer = oracle.csq(h)
    mean, standard_error = monte_carlo_expectation(lambda x: h(x) * target(x), 2, 200_000,
                                                   seed=3)
    assert abs(answer - mean) < 4 * standard_error
    assert oracle.log[-1].true_value == answer


def test_discrete_distribution_weights_the_points():
    points = np.array([[1.0], [-1.0], [2.0]])
    oracle = ExactOracle(Discrete(points, [0.5, 0.25, 0.25]), lambda x: x[:, 0])
    assert np.isclose(oracle.csq(lambda x: x[:, 0] / 2), 0.5 * 0.5 + 0.25 * 0.5 + 0.25 * 2.0)


# --------------------------------------------------------------------------- sample oracle


def test_sample_oracle_error_shrinks_like_one_over_root_n():
    """Lesson 1 claim: tolerance ≈ 1/√N — fitted log–log slope of the error vs N ≈ −1/2."""
    target = parity_target((0, 1, 2))
    h = lambda x: 0.5 * (parity((0, 1, 2), x) + x[:, 3])  # noqa: E731
    truth = ExactOracle(Cube(6), target).csq(h)
    sizes = np.array([64, 256, 1024, 4096, 16384])
    mean_errors = []
    for n_samples in sizes:
        oracle = SampleOracle(Cube(6), target, int(n_samples), seed=int(n_samples))
        errors = [abs(oracle.csq(h) - truth) for _ in range(200)]
        mean_errors.append(np.mean(errors))
        assert oracle.n_queries == 200
    slope = np.polyfit(np.log(sizes), np.log(mean_errors), 1)[0]
    assert -0.6 <= slope <= -0.4, slope
    # and the level matches the heuristic: mean |error| ≤ τ = 1/√N
    assert np.all(np.array(mean_errors) <= 1 / np.sqrt(sizes))


def test_sample_oracle_is_seeded_and_logs_unknown_truth():
    target = parity_target((1,))
    first = SampleOracle(Gaussian(3), lambda x: np.sign(x[:, 1]), 500, seed=4)
    second = SampleOracle(Gaussian(3), lambda x: np.sign(x[:, 1]), 500,
                          rng=np.random.default_rng(4))
    h = lambda x: np.tanh(x[:, 1])  # noqa: E731
    assert first.csq(h) == second.csq(h)
    assert first.csq(h) != first.csq(h)  # every query draws fresh samples
    assert first.log[0] == QueryRecord("CSQ", first.log[0].answer, None)
    assert first.tolerance == pytest.approx(1 / np.sqrt(500))
    oracle = SampleOracle(Cube(3), target, 10, seed=0)
    answers = {oracle.csq(lambda x: x[:, 1]) for _ in range(5)}
    assert answers == {1.0}  # χ_{1} · χ_{1} = 1 on every sample


def test_sample_oracle_accepts_any_sampler():
    def draw(n_samples, rng):
        return rng.uniform(-1, 1, size=(n_samples, 2))

    oracle = SampleOracle(Sampler(draw), lambda x: x[:, 0], 40_000, seed=1)
    # E[x_0²] = 1/3 for the uniform distribution on [−1, 1]
    assert abs(oracle.csq(lambda x: x[:, 0]) - 1 / 3) < 4 / np.sqrt(40_000)
    assert abs(oracle.label_free_expectation(lambda x: x[:, 1])) < 4 / np.sqrt(40_000)
    assert oracle.n_queries == 1  # label-free expectations are free


# --------------------------------------------------------------------------- adversarial oracle


@SETTINGS
@given(st.lists(st.floats(-3, 3), min_size=4, max_size=4),
       st.floats(1e-3, 1.0),
       st.sampled_from(["zero", "exact", "random"]),
       st.integers(0, 2**32 - 1))
def test_adversarial_answers_always_lie_in_the_band(weights, tolerance, adversary, seed):
    """Lesson 3's adversary is legal: |answer − E[h f*]| ≤ τ for every query."""
    oracle = AdversarialOracle(Cube(4), parity_target((0, 1)), tolerance, adversary, seed=seed)
    h = tanh_query(weights)
    answer = oracle.csq(h)
    truth = np.mean(h(cube(4, float)) * parity((0, 1), cube(4, float)))
    assert abs(answer - truth) <= tolerance * (1 + 1e-12) + 1e-15
    assert oracle.log[-1].true_value == pytest.approx(truth, abs=1e-14)
    if adversary == "zero":
        assert (answer == 0.0) == (abs(truth) <= tolerance)


def test_zero_adversary_answers_zero_when_legal_else_the_closest_legal_value():
    assert zero_adversary(0.05, 0.1) == 0.0
    assert zero_adversary(-0.1, 0.1) == 0.0
    assert zero_adversary(0.7, 0.1) == pytest.approx(0.6)
    assert zero_adversary(-0.7, 0.25) == pytest.approx(-0.45)
    oracle = AdversarialOracle(Cube(3), parity_target((0,)), 0.3)
    assert oracle.csq(lambda x: x[:, 0]) == pytest.approx(0.7)
    assert oracle.csq(lambda x: x[:, 1]) == 0.0


@pytest.mark.parametrize("tolerance", [1e-15, 1e-12, 1e-8, 1e-4])
def test_zero_adversary_is_legal_for_tiny_tolerances(tolerance):
    """Lesson 4's τ → 0 limit: 'truth − τ' rounds to within an ulp of the truth, still legal."""
    oracle = AdversarialOracle(Cube(6), parity_target((0,)), tolerance)
    for weights in np.random.default_rng(0).normal(size=(50, 6)):
        h = tanh_query(weights)
        answer = oracle.csq(h)
        truth = oracle.log[-1].true_value
        assert abs(answer - truth) <= tolerance + 4 * np.spacing(abs(truth))


def test_an_adversary_outside_the_band_is_caught():
    oracle = AdversarialOracle(Cube(3), parity_target((0,)), 0.1, lambda truth, tau: truth + 2 * tau)
    with pytest.raises(ValueError, match="outside the band"):
        oracle.csq(lambda x: x[:, 0])


# --------------------------------------------------------------------------- SQ = CSQ for ±1 labels


@SETTINGS
@given(st.lists(st.floats(-1, 1), min_size=64, max_size=64), st.integers(0, 31))
def test_sq_decomposes_into_label_free_part_plus_csq_for_boolean_labels(table, target_mask):
    """Lesson 1 claim: for ±1 labels E[φ(x, f*)] = E[label-free] + one CSQ."""
    table = np.array(table).reshape(32, 2)  # φ(x, y) for each point x and y ∈ {+1, −1}

    def phi(x, y):
        rows = ((x < 0) * (1 << np.arange(5))).sum(axis=1)
        return np.where(y > 0, table[rows, 0], table[rows, 1])

    subset = tuple(j for j in range(5) if target_mask >> j & 1)
    oracle = ExactOracle(Cube(5), parity_target(subset))
    label_free, correlational = decompose_sq(phi)
    points = cube(5, float)
    assert np.all(np.abs(label_free(points)) <= 1) and np.all(np.abs(correlational(points)) <= 1)
    assert np.isclose(oracle.sq(phi),
                      oracle.label_free_expectation(label_free) + oracle.csq(correlational),
                      atol=1e-14)


def test_the_decomposition_fails_for_real_valued_labels():
    """Pitfall 6: with real labels an SQ can use y² and the identity breaks."""
    oracle = ExactOracle(Cube(3), lambda x: 0.5 * x[:, 0])  # labels ±1/2
    phi = lambda x, y: y**2  # noqa: E731
    label_free, correlational = decompose_sq(phi)
    direct = oracle.sq(phi)  # E[y²] = 1/4
    via_csq = oracle.label_free_expectation(label_free) + oracle.csq(correlational)  # = 1
    assert direct == pytest.approx(0.25) and via_csq == pytest.approx(1.0)


# --------------------------------------------------------------------------- counting and bad input


def test_queries_are_counted_logged_and_reset():
    oracle = ExactOracle(Cube(3), parity_target((2,)))
    oracle.sq(lambda x, y: y * x[:, 2])
    oracle.csq(lambda x: x[:, 0])
    assert oracle.n_queries == 2
    assert [record.kind for record in oracle.log] == ["SQ", "CSQ"]
    assert [record.true_value for record in oracle.log] == [1.0, 0.0]
    oracle.label_free_expectation(lambda x: x[:, 0])
    assert oracle.n_queries == 2
    oracle.reset()
    assert oracle.n_queries == 0 and oracle.log == []


@SETTINGS
@given(st.floats(1.0001, 100.0), st.sampled_from(["sq", "csq"]))
def test_unbounded_queries_are_refused(scale, kind):
    oracle = ExactOracle(Cube(3), parity_target((0,)))
    with pytest.raises(ValueError, match=r"must take values in \[-1, 1\]"):
        if kind == "csq":
            oracle.csq(lambda x: scale * x[:, 0])
        else:
            oracle.sq(lambda x, y: scale * y)


@SETTINGS
@given(st.one_of(st.floats(-10, 0), st.floats(1.0 + 1e-9, 10), st.just(float("nan"))))
def test_tolerance_outside_zero_one_is_refused(tolerance):
    with pytest.raises(ValueError, match="tolerance"):
        AdversarialOracle(Cube(3), parity_target((0,)), tolerance)


@SETTINGS
@given(st.integers(-4, 0))
def test_sizes_below_one_are_refused(size):
    with pytest.raises(ValueError, match="n must be"):
        Cube(size)
    with pytest.raises(ValueError, match="dim must be"):
        Gaussian(size)
    with pytest.raises(ValueError, match="n_samples must be"):
        SampleOracle(Cube(2), parity_target((0,)), size)


def test_bad_shapes_nans_and_types_are_refused_with_the_argument_named():
    oracle = ExactOracle(Cube(3), parity_target((0,)))
    with pytest.raises(ValueError, match="query h must return an array of shape"):
        oracle.csq(lambda x: x)
    with pytest.raises(ValueError, match="query h returned NaN"):
        oracle.csq(lambda x: np.full(x.shape[0], np.nan))
    with pytest.raises(ValueError, match="target returned NaN"):
        ExactOracle(Cube(3), lambda x: np.full(x.shape[0], np.nan)).csq(lambda x: x[:, 0])
    with pytest.raises(TypeError, match="h must be callable"):
        oracle.csq(0.5)
    with pytest.raises(TypeError, match="target must be"):
        ExactOracle(Cube(3), "x0")
    with pytest.raises(TypeError, match="distribution must allow exact"):
        ExactOracle(Sampler(lambda n, rng: rng.normal(size=(n, 1))), lambda x: x[:, 0])
    with pytest.raises(TypeError, match="distribution must be"):
        ExactOracle("cube", lambda x: x[:, 0])
    with pytest.raises(ValueError, match="adversary must be"):
        AdversarialOracle(Cube(3), parity_target((0,)), 0.1, "lazy")
    with pytest.raises(ValueError, match="weights must be non-negative"):
        Discrete([[0.0], [1.0]], [0.7, 0.7])
    with pytest.raises(ValueError, match="points contains NaN"):
        Discrete([[np.nan]])
    with pytest.raises(ValueError, match="draw must return shape"):
        SampleOracle(Sampler(lambda n, rng: np.zeros(n)), parity_target((0,)), 5).csq(
            lambda x: x[:, 0])
