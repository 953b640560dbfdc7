"""Lesson 1's claims, each checked by a second route (enumeration, closed forms, scipy
quadrature), and the lesson's exercise checks rejecting typical wrong answers."""

import math

import numpy as np
import pytest
from scipy import integrate

from csqlab import boolean, oracles
from csqlab.checks import lesson01
from csqlab.widgets.tolerance_explorer import QUERIES, TARGETS, tolerance_state

CUBE = oracles.Cube(10)
POINTS = boolean.cube(10, np.float64)
PARITY, MAJORITY = TARGETS["parity x1·x4·x8"], TARGETS["majority of x1..x9"]


def _gaussian_reference(fn):
    """E[fn(z)] for z ~ N(0, 1) by adaptive quadrature (scipy), the route independent of
    the Gauss–Hermite rule the lesson uses."""
    density = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return integrate.quad(lambda t: fn(t) * density(t), -np.inf, np.inf,
                          epsabs=1e-12, epsrel=1e-12)[0]


# --------------------------------------------------------------------------- section 2


def test_majority_first_coefficient_by_walsh_hadamard():
    """Section 2: the CSQ x1 on the majority is Maj_9's first Fourier coefficient C(8,4)/2^8."""
    coefficients = boolean.fourier_coefficients(boolean.majority_on_cube(9))
    first = coefficients[boolean.subset_to_mask((0,), 9)]
    assert first == pytest.approx(math.comb(8, 4) / 2**8, abs=1e-12)
    assert oracles.ExactOracle(CUBE, MAJORITY).csq(QUERIES["CSQ h(x) = x1"][1]) == \
        pytest.approx(first, abs=1e-12)


def test_parity_is_invisible_to_every_single_coordinate_and_seen_by_itself():
    oracle = oracles.ExactOracle(CUBE, PARITY)
    assert all(oracle.csq(lambda x, i=i: x[:, i]) == 0.0 for i in range(10))
    assert oracle.csq(lambda x: boolean.parity((0, 3, 7), x)) == 1.0


def test_adversaries_stay_in_the_band():
    """Section 2: the exact, random and zero adversaries are all legal at tolerance 0.1."""
    for adversary in ["exact", "random", "zero"]:
        oracle = oracles.AdversarialOracle(CUBE, MAJORITY, 0.1, adversary, seed=2)
        oracle.csq(QUERIES["CSQ h(x) = x1"][1])
        oracle.csq(QUERIES["CSQ h(x) = x1·x4·x8"][1])
        assert all(abs(r.answer - r.true_value) <= 0.1 + 1e-12 for r in oracle.log)
    # zero adversary: legal value closest to 0 (true 0.2734 → 0.1734; true −0.0391 → 0)
    zero = oracles.AdversarialOracle(CUBE, MAJORITY, 0.1, "zero")
    assert zero.csq(QUERIES["CSQ h(x) = x1"][1]) == pytest.approx(math.comb(8, 4) / 2**8 - 0.1)
    assert zero.csq(QUERIES["CSQ h(x) = x1·x4·x8"][1]) == 0.0


# --------------------------------------------------------------------------- section 3


def test_error_against_samples_has_slope_minus_one_half_and_the_predicted_constant():
    """Section 3: the lesson's sweep (same seeds) has slope ≈ −1/2 and RMS·√N ≈ sd(x1·Maj)."""
    sizes = np.round(np.logspace(1, 4, 7)).astype(int)
    states = [tolerance_state("majority of x1..x9", "CSQ h(x) = x1", int(n), 200, 3)
              for n in sizes]
    rms = np.array([s.rms_error for s in states])
    slope = np.polyfit(np.log(sizes), np.log(rms), 1)[0]
    assert -0.55 < slope < -0.45
    standard_deviation = math.sqrt(1 - (math.comb(8, 4) / 2**8) ** 2)
    assert np.mean(rms * np.sqrt(sizes)) == pytest.approx(standard_deviation, rel=0.05)
    # the band ±1/√N is about one standard deviation: normal mass 2Φ(1/sd) − 1
    within_one = np.mean([np.mean(np.abs(s.errors) <= 1 / math.sqrt(s.n_samples)) for s in states])
    normal_mass = math.erf(1 / standard_deviation / math.sqrt(2))
    assert within_one == pytest.approx(normal_mass, abs=0.05)
    within_two = np.mean([np.mean(np.abs(s.errors) <= 2 / math.sqrt(s.n_samples)) for s in states])
    assert within_two > 0.93


# --------------------------------------------------------------------------- section 4


def test_zero_adversary_gives_majority_and_parity_the_same_transcript():
    """Section 4: every |E[x_i f*]| ≤ 0.3 for both targets (Fourier route), so answers are all 0."""
    majority_coefficients = boolean.fourier_coefficients(boolean.majority_on_cube(9))
    largest = max(abs(majority_coefficients[1 << i]) for i in range(9))  # x10 has coefficient 0
    assert largest < 0.3
    for target in (PARITY, MAJORITY):
        oracle = oracles.AdversarialOracle(CUBE, target, 0.3, "zero")
        assert [oracle.csq(lambda x, i=i: x[:, i]) for i in range(10)] == [0.0] * 10


# --------------------------------------------------------------------------- section 5


def _mixed_query(x, y):
    label_part = 0.3 + 0.4 * x[:, 0] + 0.5 * x[:, 1] + x[:, 0] * x[:, 3] * x[:, 7]
    return np.tanh(0.5 + x[:, 0] - 0.7 * x[:, 2] + y * label_part)


@pytest.mark.parametrize("target", [PARITY, MAJORITY])
def test_sq_equals_label_free_part_plus_one_csq(target):
    """Section 5: E[φ(x, f(x))] (explicit sum over the cube) = E[a] + E[b f] (oracles)."""
    direct = float(np.mean(_mixed_query(POINTS, target(POINTS))))
    a, b = oracles.decompose_sq(_mixed_query)
    oracle = oracles.ExactOracle(CUBE, target)
    assert direct == pytest.approx(oracle.label_free_expectation(a) + oracle.csq(b), abs=1e-12)
    assert oracle.sq(_mixed_query) == pytest.approx(direct, abs=1e-12)


def test_label_free_part_is_the_same_for_every_target():
    a, _ = oracles.decompose_sq(_mixed_query)
    values = {oracles.ExactOracle(CUBE, t).label_free_expectation(a) for t in TARGETS.values()}
    assert len(values) == 1 and abs(values.pop()) > 0.1  # not trivially zero


def test_decomposition_formula_fails_for_three_valued_labels():
    """Section 5: y = x1 + x2, E[y²/4] = (2 + 2E[x1x2])/4 = 1/2, the ±1 formula says 1/4."""
    oracle = oracles.ExactOracle(CUBE, lambda x: x[:, 0] + x[:, 1])
    assert oracle.sq(lambda x, y: y**2 / 4) == pytest.approx(0.5, abs=1e-12)
    a, b = oracles.decompose_sq(lambda x, y: y**2 / 4)
    assert oracle.label_free_expectation(a) + oracle.csq(b) == pytest.approx(0.25, abs=1e-12)


# --------------------------------------------------------------------------- section 6

LINE = oracles.Gaussian(1, n_points=300)


def _h2(x):
    return (x[:, 0] ** 2 - 1) / math.sqrt(2)


def _h2_scalar(t):
    return (t * t - 1) / math.sqrt(2)


@pytest.mark.parametrize("query, scalar", [
    (lambda x: np.ones(len(x)), lambda t: 1.0),
    (lambda x: np.tanh(x[:, 0]), math.tanh),
    (lambda x: np.sin(x[:, 0]), math.sin),
])
def test_constant_plus_odd_queries_see_nothing_of_h2(query, scalar):
    """Section 6: E[h h_2] = 0 for h = constant + odd (quadrature and scipy agree)."""
    assert oracles.ExactOracle(LINE, _h2).csq(query) == pytest.approx(0.0, abs=1e-12)
    assert _gaussian_reference(lambda t: scalar(t) * _h2_scalar(t)) == pytest.approx(0.0, abs=1e-9)


def test_label_transform_and_even_query_see_h2():
    """Section 6: the SQ y²/(1+y²) and the CSQ x²/(1+x²) both see h_2; y = 0 gives 0."""
    label_size = oracles.ExactOracle(LINE, _h2).sq(lambda x, y: y**2 / (1 + y**2))
    reference = _gaussian_reference(lambda t: _h2_scalar(t) ** 2 / (1 + _h2_scalar(t) ** 2))
    assert label_size == pytest.approx(reference, abs=1e-8)
    assert round(label_size, 4) > 0.25
    even = oracles.ExactOracle(LINE, _h2).csq(lambda x: x[:, 0] ** 2 / (1 + x[:, 0] ** 2))
    assert even == pytest.approx(_gaussian_reference(lambda t: t * t / (1 + t * t) * _h2_scalar(t)),
                                 abs=1e-8)
    null = oracles.ExactOracle(LINE, lambda x: np.zeros(len(x)))
    assert null.sq(lambda x, y: y**2 / (1 + y**2)) == 0.0


# --------------------------------------------------------------------------- exercise checks


def test_ex1_1_rejects_wrong_distribution_and_reused_samples(capsys):
    def from_zero_one(phi, target, n, n_samples, rng):
        x = rng.choice([0.0, 1.0], size=(n_samples, n))
        return float(np.mean(phi(x, target(x))))

    fixed = np.random.default_rng(0).choice([-1.0, 1.0], size=(100, 10))

    def reused(phi, target, n, n_samples, rng):
        return float(np.mean(phi(fixed, target(fixed))))

    assert lesson01.ex1_1(from_zero_one).status == "failed"
    assert lesson01.ex1_1(reused).status == "failed"


def test_ex1_2_rejects_swapped_parts(capsys):
    def swapped(phi):
        def a(x):
            return 0.5 * (phi(x, np.ones(len(x))) - phi(x, -np.ones(len(x))))

        def b(x):
            return 0.5 * (phi(x, np.ones(len(x))) + phi(x, -np.ones(len(x))))

        return a, b

    assert lesson01.ex1_2(swapped).status == "failed"


@pytest.mark.parametrize("phi", [
    lambda x, y: y / 10,                                  # a CSQ with h = 1/10
    lambda x, y: y * x[:, 0] ** 2 / (10 + x[:, 0] ** 2),  # a CSQ, degree-2-like h
    lambda x, y: 2 * y**2,                                # unbounded
    lambda x, y: 0.01 * np.tanh(y) ** 2,                  # too weak to separate
])
def test_ex1_3_rejects_correlational_unbounded_or_weak_queries(phi, capsys):
    assert lesson01.ex1_3(phi).status == "failed"


def test_ex1_3_accepts_other_label_transforms(capsys):
    assert lesson01.ex1_3(lambda x, y: np.tanh(y) ** 2).ok
    assert lesson01.ex1_3(lambda x, y: 1 - np.exp(-(y**2))).ok


# --------------------------------------------- check your understanding (notes/understanding.md)


def test_understanding_q1_normal_masses_of_the_two_bands():
    """Q1: sd(x1·Maj) = sqrt(1 − 0.2734²) = 0.9619, so ±1/√N and ±2/√N are 1.04 and 2.08
    standard deviations wide, normal masses ≈ 70% and 96%, near the printed 0.68 and 0.97."""
    coefficient = math.comb(8, 4) / 2**8
    sd = math.sqrt(1 - coefficient**2)
    assert round(sd, 4) == 0.9619
    assert round(1 / sd, 2) == 1.04 and round(2 / sd, 2) == 2.08
    assert round(math.erf(1 / sd / math.sqrt(2)), 2) == 0.70
    assert round(math.erf(2 / sd / math.sqrt(2)), 2) == 0.96


def test_understanding_q2_x1_separates_exactly_below_half_the_coefficient():
    """Q2: the bands [−τ, τ] and [0.2734 − τ, 0.2734 + τ] are disjoint iff τ < 0.1367; between
    0.1367 and 0.2734 the zero adversary still separates, from 0.2734 on it does not."""
    coefficient = oracles.ExactOracle(CUBE, MAJORITY).csq(lambda x: x[:, 0])
    assert coefficient == pytest.approx(70 / 256) and round(coefficient / 2, 4) == 0.1367
    for tolerance, disjoint, zero_separates in [(0.13, True, True), (0.14, False, True),
                                                (0.2, False, True), (0.3, False, False)]:
        assert (coefficient - tolerance > tolerance) == disjoint
        answers = [oracles.AdversarialOracle(CUBE, target, tolerance, "zero").csq(lambda x: x[:, 0])
                   for target in (PARITY, MAJORITY)]
        assert (answers[0] != answers[1]) == zero_separates


def test_understanding_q3_three_valued_labels_have_mean_square_two():
    """Q3: y = x1 + x2 is ±2 with probability 1/2 and 0 otherwise, so E[y²/4] = 0.5."""
    y = POINTS[:, 0] + POINTS[:, 1]
    assert np.mean(y**2 == 4) == 0.5 and np.mean(y**2 / 4) == 0.5
