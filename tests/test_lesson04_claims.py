"""Lesson 4's printed claims, each checked by a second route.

The lesson's setting: the cube {±1}^10, a width-16 two-layer ReLU network (seed 0), τ = 0.01,
learning rate 0.2, 100 steps; targets x1·x2 (degree 2) and x1···x10 (degree 10).
"""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from lesson_shape import check_lesson_shape

from csqlab import bounds, oracles
from csqlab.boolean import cube, fourier_coefficients, mask_to_subset, parity, subset_to_mask
from csqlab.training import gd

N, WIDTH, TOLERANCE, LR, STEPS = 10, 16, 0.01, 0.2, 100
NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "04_gd_is_csq.ipynb"
CUBE = oracles.Cube(N)
LOW = (0, 1)
HIGH = tuple(range(N))


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def target(subset):
    return lambda x: parity(subset, x)


@pytest.fixture(scope="module")
def start():
    return gd.two_layer_network(N, WIDTH, zero_output=True, seed=0)


def test_parameter_count_is_width_times_n_plus_two_plus_one():
    model = gd.two_layer_network(N, WIDTH, seed=0)
    assert gd.n_parameters(model) == sum(p.numel() for p in model.parameters()) == 193


@pytest.mark.parametrize("label_fn", [target(LOW), target(HIGH),
                                      lambda x: x[:, 0] - 0.5 * x[:, 1] * x[:, 2]])
def test_section1_query_gradient_equals_autograd(label_fn):
    model = gd.two_layer_network(N, WIDTH, seed=0)
    oracle = oracles.ExactOracle(CUBE, label_fn)
    pieces = gd.gradient_as_queries(model, oracle)
    assert oracle.n_queries == 193
    assert np.max(np.abs(pieces.gradient - gd.autograd_gradient(model, CUBE, label_fn))) < 1e-12


def readout_correlations_by_fourier(model, subset):
    """E[ReLU(⟨w_i,x⟩+b_i) χ_S] / max_x ReLU(...) from the Walsh–Hadamard transform of each unit."""
    points = cube(N, np.float64)
    weight = model[0].weight.detach().numpy()
    bias = model[0].bias.detach().numpy()
    units = np.maximum(points @ weight.T + bias, 0.0)  # (2^n, width)
    coefficients = fourier_coefficients(units.T)[:, subset_to_mask(subset, N)]
    return coefficients / units.max(axis=0)


@pytest.mark.parametrize("subset, above", [(LOW, True), (HIGH, False)])
def test_section3_correlations_at_initialisation(start, subset, above):
    """Degree 10: every |E[q_j f*]| < τ (the adversary may answer 0); degree 2: some exceed τ.
    177 correlations are exactly 0: 176 first-layer queries (factor a_i = 0) and c's constant."""
    pieces = gd.gradient_as_queries(start, oracles.ExactOracle(CUBE, target(subset)))
    readout = slice(WIDTH * (N + 1), WIDTH * (N + 2))
    np.testing.assert_allclose(pieces.true_correlations[readout],
                               readout_correlations_by_fourier(start, subset), atol=1e-15)
    assert np.sum(pieces.true_correlations == 0) == WIDTH * (N + 1) + 1
    assert (pieces.max_abs_correlation > TOLERANCE) == above
    if subset == LOW:
        assert np.sum(np.abs(pieces.true_correlations) > TOLERANCE) == 10
        assert round(pieces.max_abs_correlation, 4) == 0.0405
    else:
        assert round(pieces.max_abs_correlation, 4) == 0.0022


def test_section4_adversarial_run_on_the_degree10_parity_never_moves(start):
    """Induction: θ_1 = θ_0 with the same premises (h ≡ 0, all correlations ≤ τ), so a few steps
    prove it for all 100; every answer is 0 and the test error stays exactly 1."""
    oracle = oracles.AdversarialOracle(CUBE, target(HIGH), TOLERANCE)
    run = gd.csq_gradient_descent(start, oracle, 3, LR)
    assert np.array_equal(gd.flat_parameters(run.model), gd.flat_parameters(start))
    assert np.all(run.loss == 1.0)
    assert all(record.answer == 0.0 for record in oracle.log)


def test_section4_degree2_parity_is_learned_exactly_and_through_the_adversary(start):
    exact = gd.exact_gradient_descent(start, CUBE, target(LOW), STEPS, LR)
    oracle = oracles.AdversarialOracle(CUBE, target(LOW), TOLERANCE)
    adversarial = gd.csq_gradient_descent(start, oracle, STEPS, LR)
    assert exact.loss[0] == adversarial.loss[0] == 1.0
    assert round(exact.loss[-1], 3) == 0.005 and round(exact.loss[50], 3) == 0.263
    assert round(adversarial.loss[-1], 3) == 0.020 and round(adversarial.loss[50], 3) == 0.582
    assert adversarial.n_queries[-1] == oracle.n_queries == STEPS * 193
    zeros = np.mean([record.answer == 0.0 for record in oracle.log])
    assert 0.2 < zeros < 0.8  # the adversary answered 0 often, but not always


def test_section4_exact_gd_on_the_degree10_parity_stays_at_the_trivial_level(start):
    run = gd.exact_gradient_descent(start, CUBE, target(HIGH), STEPS, LR)
    assert np.all(np.abs(run.loss - 1.0) < 5e-4)


def test_section4_tiny_tolerance_equals_exact_descent(start):
    tiny = gd.csq_gradient_descent(start, oracles.AdversarialOracle(CUBE, target(LOW), 1e-12), 20, LR)
    exact = gd.exact_gradient_descent(start, CUBE, target(LOW), 20, LR)
    assert np.max(np.abs(gd.flat_parameters(tiny.model) - gd.flat_parameters(exact.model))) < 1e-9


def test_section5_counting_lemma_at_n10_is_vacuous():
    required = bounds.counting_lemma(TOLERANCE, 0.0, m=2**N).min_queries
    assert required == pytest.approx(float(Fraction(2**N) * Fraction(1, 100) ** 2 / 2), rel=1e-12)
    assert required < 1 < STEPS * 193


@pytest.mark.parametrize("width, steps, expected", [(16, 100, 30), (16, 200, 31), (32, 100, 31),
                                                    (16, 1000, 34)])
def test_section5_thresholds(width, steps, expected):
    """2^n τ²/2 > T·p(n) first holds at the printed n (checked with exact fractions)."""
    def exceeds(n):
        return Fraction(2**n) * Fraction(1, 100) ** 2 / 2 > steps * (width * (n + 2) + 1)

    assert exceeds(expected) and not exceeds(expected - 1)
    assert gd.hard_dimension_for_budget(steps, lambda n: width * (n + 2) + 1, TOLERANCE) == expected


# --------------------------------------------- check your understanding (notes/understanding.md)


def test_shape_opening_question_summary_questions_and_length():
    check_lesson_shape(NOTEBOOK, "Lesson 4 — Gradient descent is a CSQ algorithm")


@pytest.mark.parametrize("subset", [LOW, HIGH])
def test_understanding_q1_the_177_zero_correlations_are_first_layer_and_constant(start, subset):
    """Q1: the 176 first-layer query functions (w then b) are identically 0 at a = 0, the c
    query is the constant 1 (mean of χ_S is 0); only the 16 readout queries can be non-zero."""
    points = cube(N, np.float64)
    _, gradients = gd.per_example_gradients(start, points)  # (2^n, p), parameter order w, b, a, c
    assert gradients.shape == (2**N, 193)
    assert np.all(gradients[:, :WIDTH * (N + 1)] == 0) and np.all(gradients[:, -1] == 1)
    assert np.mean(parity(subset, points)) == 0
    correlations = gd.gradient_as_queries(start, oracles.ExactOracle(CUBE, target(subset))).true_correlations
    zero = np.flatnonzero(correlations == 0)
    assert len(zero) == 177
    assert zero.tolist() == list(range(WIDTH * (N + 1))) + [192]


def test_understanding_q2_asking_every_parity_singles_out_the_target():
    """Q2: through the zero adversary with τ = 0.01, the query χ_S answers ≥ 1 − τ for the
    target and 0 for each of the other 1023 subsets; GD's largest correlation is 0.0022 < τ."""
    oracle = oracles.AdversarialOracle(CUBE, target(HIGH), TOLERANCE)
    answers = np.array([oracle.csq(lambda x, m=m: parity(mask_to_subset(m), x)) for m in range(2**N)])
    assert answers[subset_to_mask(HIGH, N)] >= 1 - TOLERANCE
    assert np.count_nonzero(answers) == 1 and oracle.n_queries == 2**N
    start = gd.two_layer_network(N, WIDTH, zero_output=True, seed=0)
    largest = gd.gradient_as_queries(start, oracles.ExactOracle(CUBE, target(HIGH))).max_abs_correlation
    assert round(largest, 4) == 0.0022 < TOLERANCE


def test_understanding_q3_budget_grows_linearly_requirement_doubles():
    """Q3: p(30) = 513, p(31) = 529; at 1000 steps n = 33 needs 4.29e5 > budget 561,000 fails
    and n = 34 needs 8.59e5 > 577,000 holds; log2 10 = 3.32."""
    def p(n):
        return WIDTH * (n + 2) + 1

    def required(n):
        return bounds.counting_lemma(TOLERANCE, 0.0, m=2**n).min_queries

    assert (p(30), p(31)) == (513, 529)
    assert f"{required(33):.3g}" == "4.29e+05" and 1000 * p(33) == 561_000 > required(33)
    assert f"{required(34):.3g}" == "8.59e+05" and 1000 * p(34) == 577_000 < required(34)
    assert round(float(np.log2(10)), 2) == 3.32
