"""The numbers of the written answers in lessons/notes/answers.md, each recomputed by routes
independent of the one the answer used. Exercise 11.1 (information and generative exponents of
He_3, h_3 = He_3/sqrt6 and He_4; definitions of Ben Arous, Gheissari and Jagannath 2021 and of
Damian, Pillaud-Vivien, Lee and Bruna 2024)."""

import math
import runpy
from pathlib import Path

import numpy as np
import pytest
from numpy.polynomial import hermite_e
from scipy import integrate

from csqlab import gaussian

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "lessons" / "notes" / "answers.md"
SOLUTION = ROOT / "lessons" / "solutions" / "11_ex1.py"
SQRT3 = math.sqrt(3.0)
PHI0 = 1.0 / math.sqrt(2.0 * math.pi)
# answers.md, exercise 11.1: E[sign(He_3(z)) z] = 2 φ(0) (2 e^{-3/2} - 1)
SIGN_CORRELATION = 2.0 * PHI0 * (2.0 * math.exp(-1.5) - 1.0)


def density(t):
    return math.exp(-0.5 * t * t) * PHI0


def he(k, z):
    """He_k by numpy's own Hermite_e series, not csqlab's recurrence."""
    return hermite_e.hermeval(z, [0.0] * k + [1.0])


def section(title):
    text = ANSWERS.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def gaussian_moment(power):
    """E[z^p] for z ~ N(0, 1): (p-1)!! for even p, 0 for odd p."""
    return 0.0 if power % 2 else float(math.prod(range(power - 1, 0, -2)))


def expectation_of_polynomial(coefficients):
    """E[Σ_p a_p z^p] from the Gaussian moments: exact, no quadrature."""
    return sum(a * gaussian_moment(p) for p, a in enumerate(coefficients))


def hermite_power_coefficients(k):
    return hermite_e.herme2poly([0.0] * k + [1.0])


# --------------------------------------------------------------- exercise 11.1, the sign transform


def test_sign_correlation_closed_form_value():
    """answers.md 11.1: 2 φ(0)(2 e^{-3/2} - 1) ≈ -0.4418 equals 4 φ(√3) - 2 φ(0)."""
    assert SIGN_CORRELATION == pytest.approx(4 * density(SQRT3) - 2 * density(0.0), abs=1e-15)
    assert round(SIGN_CORRELATION, 6) == -0.441820
    assert "2\\varphi(0)\\bigl(2e^{-3/2}-1\\bigr)\\approx-0.441820" in section(
        "Exercise 11.1: information and generative exponents")


def test_sign_of_he3_changes_exactly_at_minus_root3_zero_root3():
    """sign(z³ - 3z) is + on (-√3, 0) and (√3, ∞), - on (-∞, -√3) and (0, √3)."""
    roots = np.sort(np.roots(hermite_power_coefficients(3)[::-1]).real)
    assert np.allclose(roots, [-SQRT3, 0.0, SQRT3], atol=1e-12)
    for point, sign in [(-3.0, -1), (-1.0, 1), (1.0, -1), (3.0, 1)]:
        assert np.sign(he(3, point)) == sign


def test_sign_correlation_by_csqlab_quadrature_split_at_the_kinks():
    """Route 1: csqlab.gaussian.hermite_coefficients (Gauss–Legendre panels cut at ±√3, 0)."""
    coefficients = gaussian.hermite_coefficients(lambda z: np.sign(z**3 - 3 * z), 3,
                                                 method="quadrature",
                                                 kinks=(-SQRT3, 0.0, SQRT3))
    assert coefficients[1] == pytest.approx(SIGN_CORRELATION, abs=1e-12)
    # sign(He_3) is odd: no even coefficients
    assert abs(coefficients[0]) < 1e-12 and abs(coefficients[2]) < 1e-12


def test_sign_correlation_by_scipy_quadrature_over_the_four_intervals():
    """Route 2: scipy.integrate.quad of ±t φ(t) over (-∞,-√3), (-√3,0), (0,√3), (√3,∞)."""
    pieces = [(-np.inf, -SQRT3, -1), (-SQRT3, 0.0, 1), (0.0, SQRT3, -1), (SQRT3, np.inf, 1)]
    total = 0.0
    for lower, upper, sign in pieces:
        value, error = integrate.quad(lambda t, s=sign: s * t * density(t), lower, upper,
                                      epsabs=1e-14)
        assert error < 1e-10
        total += value
    assert total == pytest.approx(SIGN_CORRELATION, abs=1e-12)


def test_sign_correlation_by_monte_carlo_with_a_fixed_seed():
    """Route 3: 2·10⁶ draws, seed 0: -0.4413 ± 0.0006 (answers.md), within 4 standard errors."""
    z = np.random.default_rng(0).standard_normal(2_000_000)
    values = np.sign(z**3 - 3 * z) * z
    mean, error = values.mean(), values.std(ddof=1) / math.sqrt(len(z))
    assert abs(mean - SIGN_CORRELATION) < 4 * error
    assert (round(mean, 4), round(error, 4)) == (-0.4413, 0.0006)


def test_he3_label_reveals_the_sign_of_z_beyond_two():
    """For |y| > 2, z³ - 3z = y has one real root, of the sign of y; He_3(∓1) = ±2."""
    assert he(3, -1.0) == pytest.approx(2.0) and he(3, 1.0) == pytest.approx(-2.0)
    for y in (-50.0, -2.5, 2.01, 7.0):
        roots = np.roots([1.0, 0.0, -3.0, -y])
        real = roots[np.abs(roots.imag) < 1e-9].real
        assert len(real) == 1 and np.sign(real[0]) == np.sign(y)
    assert len(np.roots([1.0, 0.0, -3.0, -1.0])) == 3  # |y| < 2: three real roots
    assert np.all(np.abs(np.roots([1.0, 0.0, -3.0, -1.0]).imag) < 1e-9)


def test_sign_transform_points_along_w_in_d_dimensions():
    """E[sign(y) x] = -0.4418 w for y = h_3(⟨w, x⟩), x ~ N(0, I_8): Monte Carlo, seed 1."""
    rng = np.random.default_rng(1)
    d, n = 8, 400_000
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    x = rng.standard_normal((n, d))
    z = x @ w
    estimate = (np.sign((z**3 - 3 * z) / math.sqrt(6.0))[:, None] * x).mean(axis=0)
    assert np.linalg.norm(estimate - SIGN_CORRELATION * w) < 5 * math.sqrt(d / n)


# --------------------------------------------------------------- exercise 11.1, the exponents


@pytest.mark.parametrize("scale", [1.0, 1.0 / math.sqrt(6.0)], ids=["He3", "h3"])
def test_information_exponent_of_he3_and_h3_is_three(scale):
    """E[σ He_k] = 0 for k = 1, 2 and ≠ 0 for k = 3, by exact moments and by csqlab quadrature."""
    power = scale * hermite_power_coefficients(3)
    exact = [expectation_of_polynomial(np.polynomial.polynomial.polymul(
        power, hermite_power_coefficients(k))) for k in range(1, 5)]
    assert exact == pytest.approx([0.0, 0.0, 6.0 * scale, 0.0], abs=1e-12)
    quadrature = gaussian.hermite_coefficients(lambda z: scale * (z**3 - 3 * z), 4, kinks=())
    assert quadrature[1:] == pytest.approx(exact, abs=1e-10)
    if scale != 1.0:
        assert quadrature[3] == pytest.approx(math.sqrt(6.0), abs=1e-12)  # E[h_3 He_3] = √6


def test_solution_11_1_returns_the_exponents_of_the_answer():
    information_exponent = runpy.run_path(str(SOLUTION))["information_exponent"]
    assert information_exponent(lambda z: z**3 - 3 * z) == 3
    assert information_exponent(lambda z: (z**3 - 3 * z) / math.sqrt(6.0)) == 3
    assert information_exponent(lambda z: z**4 - 6 * z**2 + 3) == 4


def test_polynomial_transform_moments_of_the_answer():
    """E[He_3(z)³ z] = 324 and E[He_4² He_2] = 192: exact moments against Gauss–Hermite."""
    he3, he4, he2 = (hermite_power_coefficients(k) for k in (3, 4, 2))
    cube_times_z = np.polynomial.polynomial.polymul(
        np.polynomial.polynomial.polypow(he3, 3), [0.0, 1.0])
    square_times_he2 = np.polynomial.polynomial.polymul(
        np.polynomial.polynomial.polypow(he4, 2), he2)
    assert expectation_of_polynomial(cube_times_z) == pytest.approx(324.0, abs=1e-9)
    assert expectation_of_polynomial(square_times_he2) == pytest.approx(192.0, abs=1e-9)
    nodes, weights = hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    assert weights @ (he(3, nodes) ** 3 * nodes) == pytest.approx(324.0, rel=1e-12)
    assert weights @ (he(4, nodes) ** 2 * he(2, nodes)) == pytest.approx(192.0, rel=1e-12)


def _level_crossings(power_coefficients, level):
    """Real z with p(z) = ±level, sorted."""
    crossings = []
    for value in (level, -level):
        shifted = np.array(power_coefficients, dtype=float)
        shifted[0] -= value
        roots = np.roots(shifted[::-1])
        crossings += list(roots[np.abs(roots.imag) < 1e-9].real)
    return sorted(crossings)


@pytest.mark.parametrize("degree, scale, expected", [(3, 1 / math.sqrt(6.0), 0.181),
                                                     (4, 1.0, 0.0376)], ids=["h3", "He4"])
def test_clipped_square_transform_reaches_exponent_two(degree, scale, expected):
    """E[min(y², 1) He_2] ≈ 0.181 (h_3) and ≈ 0.0376 (He_4): csqlab quadrature cut where |y| = 1,
    against scipy on the bounded set {|y| < 1}, using E[He_2] = 0:
    E[min(y², 1) He_2] = -E[(1 - y²) He_2 ; |y| < 1]."""
    power = scale * hermite_power_coefficients(degree)

    def link(z):
        return np.polynomial.polynomial.polyval(z, power)

    crossings = _level_crossings(power, 1.0)
    by_panels = gaussian.half_line_expectation(
        lambda z: np.minimum(link(z) ** 2, 1.0) * (z**2 - 1), kinks=tuple(crossings),
        points_per_panel=80)
    inside = 0.0
    for lower, upper in zip(crossings[:-1], crossings[1:], strict=True):
        middle = 0.5 * (lower + upper)
        if abs(link(middle)) < 1:
            inside += integrate.quad(lambda t: (1 - link(t) ** 2) * (t * t - 1) * density(t),
                                     lower, upper, epsabs=1e-15)[0]
    assert by_panels == pytest.approx(-inside, abs=1e-12)
    digits = len(str(expected).split(".")[1])
    assert round(by_panels, digits) == expected


def test_he4_transforms_never_reach_exponent_one():
    """He_4 is even, so E[T(He_4(z)) z] = 0 for any T: checked for sign, clipping and a cube."""
    nodes, weights = hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    y = he(4, nodes)
    for transform in (np.sign, lambda v: np.minimum(v**2, 1.0), lambda v: v**3, np.tanh):
        assert abs(weights @ (transform(y) * nodes)) < 1e-12
