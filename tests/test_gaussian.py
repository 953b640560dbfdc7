"""Lesson 5 (Gaussian inputs, Hermite polynomials, Mehler) and the ridge families of lesson 6.

Every value computed by ``csqlab.gaussian`` is checked by a second route: numpy's
``hermite_e`` module, sympy's exact integrals, scipy's normal distribution, closed
forms from the literature, or Monte Carlo within 4 standard errors.
"""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import hermite_e
from scipy import stats

from csqlab import gaussian
from csqlab.gaussian import (
    bivariate_normal_density,
    correlated_expectation,
    gauss_hermite_expectation,
    gauss_hermite_rule,
    half_line_expectation,
    hermite,
    hermite_coefficients,
    hermite_normalised,
    mehler_density,
    mehler_expectation,
    monte_carlo_expectation,
    multivariate_hermite,
    polar_expectation,
    random_unit_vectors,
    relu_hermite_coefficients,
    relu_pair_expectation,
    ridge_correlation,
    ridge_correlation_monte_carlo,
    sign_hermite_coefficients,
)

property_settings = settings(max_examples=25, deadline=None)


def relu(z):
    return np.maximum(z, 0.0)


def numpy_he(k, x):
    """He_k from numpy's own probabilists' Hermite series (the reference implementation)."""
    return hermite_e.hermeval(x, [0.0] * k + [1.0])


# --------------------------------------------------------------------------- He_k and h_k


@property_settings
@given(
    k=st.integers(0, 20),
    x=st.lists(st.floats(-6, 6, allow_nan=False), min_size=1, max_size=8),
)
def test_hermite_matches_numpy_hermite_e(k, x):
    """Lesson 5: He_k is the probabilists' Hermite polynomial and h_k = He_k / sqrt(k!)."""
    x = np.array(x)
    reference = numpy_he(k, x)
    scale = np.maximum(1.0, np.abs(reference))
    np.testing.assert_allclose(hermite(k, x) / scale, reference / scale, atol=1e-10)
    np.testing.assert_allclose(
        hermite_normalised(k, x) * math.sqrt(math.factorial(k)) / scale,
        reference / scale,
        atol=1e-10,
    )


def test_hermite_low_degrees_are_the_textbook_polynomials():
    """Probabilists' Hermite polynomials (lessons/notes/glossary.md): He_2 = x²−1, He_3 = x³−3x, He_4 = x⁴−6x²+3."""
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(hermite(2, x), x**2 - 1)
    np.testing.assert_allclose(hermite(3, x), x**3 - 3 * x)
    np.testing.assert_allclose(hermite(4, x), x**4 - 6 * x**2 + 3)


def test_all_degrees_stacks_every_degree_with_input_shape():
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    stacked = hermite(7, x, normalised=True, all_degrees=True)
    assert stacked.shape == (8, 3, 4)
    for k in range(8):
        np.testing.assert_allclose(stacked[k], hermite_normalised(k, x), atol=1e-13)
    assert np.ndim(hermite(3, 0.5)) == 0


def test_hermite_orthogonality_by_quadrature():
    """E[He_j He_k] = k! δ_jk under N(0, 1): the orthogonality lesson 5 builds on."""
    degree = 12
    nodes, weights = np.polynomial.hermite_e.hermegauss(30)
    weights = weights / math.sqrt(2 * math.pi)
    values = np.array([numpy_he(k, nodes) for k in range(degree + 1)])
    reference_gram = (values * weights) @ values.T  # numpy-only route
    gram = np.array(
        [
            [gauss_hermite_expectation(lambda x, j=j, k=k: hermite(j, x[:, 0]) * hermite(k, x[:, 0]),
                                       dim=1, n_points=30)
             for k in range(degree + 1)]
            for j in range(degree + 1)
        ]
    )
    # compare relative to sqrt(j! k!), the size of the terms that cancel
    roots = np.sqrt([float(math.factorial(k)) for k in range(degree + 1)])
    scale = np.outer(roots, roots)
    np.testing.assert_allclose(gram / scale, np.eye(degree + 1), atol=1e-12)
    np.testing.assert_allclose(reference_gram / scale, np.eye(degree + 1), atol=1e-12)
    np.testing.assert_allclose(np.diag(gram), roots**2, rtol=1e-12)


@property_settings
@given(j=st.integers(0, 25), k=st.integers(0, 25))
def test_normalised_hermite_orthonormal(j, k):
    """E[h_j h_k] = δ_jk (orthonormal basis of L²(γ))."""
    value = gauss_hermite_expectation(
        lambda x: hermite_normalised(j, x[:, 0]) * hermite_normalised(k, x[:, 0]), 1, 40
    )
    assert value == pytest.approx(float(j == k), abs=1e-10)


def test_multivariate_hermite_products_and_orthogonality():
    """He_α(x) = Π He_{α_i}(x_i), and E[He_α He_β] = α! δ_αβ in dimension 2."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    alpha = (2, 0, 3)
    expected = numpy_he(2, x[:, 0]) * numpy_he(0, x[:, 1]) * numpy_he(3, x[:, 2])
    np.testing.assert_allclose(multivariate_hermite(alpha, x), expected, rtol=1e-12)
    np.testing.assert_allclose(
        multivariate_hermite(alpha, x, normalised=True),
        expected / math.sqrt(2 * 6),
        rtol=1e-12,
    )
    multi_indices = [(a, b) for a in range(4) for b in range(4)]
    for alpha in multi_indices:
        for beta in multi_indices:
            value = gauss_hermite_expectation(
                lambda x, a=alpha, b=beta: multivariate_hermite(a, x) * multivariate_hermite(b, x),
                dim=2,
                n_points=10,
            )
            target = math.factorial(alpha[0]) * math.factorial(alpha[1]) if alpha == beta else 0
            assert value == pytest.approx(target, abs=1e-10)


# --------------------------------------------------------------------------- quadrature and Monte Carlo


def test_gauss_hermite_rule_is_normalised_and_exact_to_degree_2n_minus_1():
    """Pitfall: hermegauss weights must be divided by sqrt(2π)."""
    n_points = 8
    nodes, weights = gauss_hermite_rule(n_points)
    assert weights.sum() == pytest.approx(1.0, abs=1e-14)
    z = sympy.Symbol("z")
    density = sympy.exp(-(z**2) / 2) / sympy.sqrt(2 * sympy.pi)
    for degree in range(2 * n_points):
        exact = float(sympy.integrate(z**degree * density, (z, -sympy.oo, sympy.oo)))
        # odd moments vanish up to rounding of terms as large as max|z|^degree ≈ 1e10
        assert weights @ nodes**degree == pytest.approx(exact, rel=1e-12, abs=1e-9)
    # degree 2n is no longer exact: the rule really has n points
    exact = float(sympy.factorial2(2 * n_points - 1))
    assert abs(weights @ nodes ** (2 * n_points) - exact) > 1.0


def test_gauss_hermite_expectation_in_three_dimensions():
    """E[exp(⟨a, x⟩)] = exp(|a|²/2): smooth functions converge spectrally."""
    a = np.array([0.3, -0.5, 0.2])
    value = gauss_hermite_expectation(lambda x: np.exp(x @ a), dim=3, n_points=20)
    assert value == pytest.approx(math.exp(0.5 * a @ a), rel=1e-13)
    value = gauss_hermite_expectation(lambda x: x[:, 0] ** 2 * x[:, 1] ** 4, dim=3, n_points=3)
    assert value == pytest.approx(3.0, rel=1e-13)


def test_gauss_hermite_refuses_huge_grids_naming_dim_and_n_points():
    with pytest.raises(ValueError, match=r"n_points=40 in dim=5"):
        gauss_hermite_expectation(lambda x: x[:, 0], dim=5, n_points=40)


def test_gauss_hermite_checks_output_shape_and_finiteness():
    with pytest.raises(ValueError, match="shape"):
        gauss_hermite_expectation(lambda x: x, dim=2, n_points=4)
    with pytest.raises(ValueError, match="NaN"), np.errstate(invalid="ignore"):
        gauss_hermite_expectation(lambda x: np.log(x[:, 0]), dim=1, n_points=4)


def test_monte_carlo_within_four_standard_errors_and_reproducible():
    """Lesson 1/5: the sample mean is within a few standard errors, error ∝ 1/sqrt(N)."""
    mean, error = monte_carlo_expectation(lambda x: (x**2).sum(axis=1), 4, 40_000, seed=1)
    assert abs(mean - 4.0) < 4 * error
    # Var(chi²_4) = 8: the reported standard error is the textbook one
    assert error == pytest.approx(math.sqrt(8 / 40_000), rel=0.05)
    assert monte_carlo_expectation(lambda x: x[:, 0], 2, 1000, seed=5) == \
        monte_carlo_expectation(lambda x: x[:, 0], 2, 1000, rng=np.random.default_rng(5))
    _, error_small = monte_carlo_expectation(lambda x: x[:, 0], 1, 2_500, seed=2)
    _, error_large = monte_carlo_expectation(lambda x: x[:, 0], 1, 250_000, seed=2)
    assert error_small / error_large == pytest.approx(10.0, rel=0.05)


def test_monte_carlo_chunked_statistics_match_numpy():
    """The streamed mean/variance over chunks equals numpy on the same draws."""
    n_samples = 3 * 2**16 + 17
    mean, error = monte_carlo_expectation(lambda x: 5.0 + x[:, 0] ** 3, 1, n_samples, seed=3)
    # chunks draw sequentially from one generator, so the stream equals one big draw
    draws = np.random.default_rng(3).standard_normal((n_samples, 1))[:, 0]
    values = 5.0 + draws**3
    assert mean == pytest.approx(values.mean(), rel=1e-12)
    assert error == pytest.approx(values.std(ddof=1) / math.sqrt(n_samples), rel=1e-9)


def test_half_line_quadrature_for_kinks_beats_gauss_hermite():
    """Pitfall: kinks converge slowly under Gauss–Hermite; split at the kink instead."""
    exact = math.sqrt(2 / math.pi)  # E|z|
    assert half_line_expectation(np.abs) == pytest.approx(exact, rel=1e-14)
    gauss_hermite_error = abs(gauss_hermite_expectation(lambda x: np.abs(x[:, 0]), 1, 40) - exact)
    assert gauss_hermite_error > 1e-4
    # a kink away from the origin: E[ReLU(z − 1)] = φ(1) − (1 − Φ(1))
    shifted = stats.norm.pdf(1.0) - stats.norm.sf(1.0)
    assert half_line_expectation(lambda z: relu(z - 1), kinks=[1.0]) == pytest.approx(shifted, rel=1e-13)


def test_polar_quadrature_for_kinked_functions_of_two_variables():
    """2-D kinked integrands (hidden-plane style): E[ReLU(s) ReLU(t)] = 1/(2π), sign symmetry."""
    value = polar_expectation(lambda s, t: relu(s) * relu(t), kink_angles=(0.0, math.pi / 2))
    assert value == pytest.approx(1 / (2 * math.pi), rel=1e-13)
    value = polar_expectation(lambda s, t: relu(s) * np.sign(t), kink_angles=(0.0, math.pi / 2))
    assert value == pytest.approx(0.0, abs=1e-14)
    # ReLU(s + 2t) has Gaussian argument of variance 5: E = sqrt(5)/sqrt(2π)
    value = polar_expectation(lambda s, t: relu(s + 2 * t), kink_angles=(math.atan2(-1, 2),))
    assert value == pytest.approx(math.sqrt(5 / (2 * math.pi)), rel=1e-13)
    # smooth integrand, no kinks: the periodic trapezoid route
    assert polar_expectation(lambda s, t: s**2 * t**2 + s) == pytest.approx(1.0, rel=1e-13)


# --------------------------------------------------------------------------- Hermite coefficients


@pytest.mark.parametrize("m", range(9))
def test_relu_and_sign_closed_forms_match_sympy_exact_integrals(m):
    """Closed-form Hermite coefficients (lessons/notes/glossary.md) against exact symbolic integrals."""
    z = sympy.Symbol("z", real=True)
    density = sympy.exp(-(z**2) / 2) / sympy.sqrt(2 * sympy.pi)
    he_m = sympy.hermite_prob(m, z)
    relu_exact = sympy.integrate(z * he_m * density, (z, 0, sympy.oo))
    sign_exact = 2 * sympy.integrate(he_m * density, (z, 0, sympy.oo)) if m % 2 else 0
    assert relu_hermite_coefficients(m)[m] == pytest.approx(float(relu_exact), abs=1e-14)
    assert sign_hermite_coefficients(m)[m] == pytest.approx(float(sign_exact), abs=1e-14)


@pytest.mark.parametrize("name, activation", [("relu", relu), ("sign", np.sign)])
def test_closed_forms_match_half_line_quadrature(name, activation):
    """Closed form vs quadrature to 1e-8, in both normalisations (f̂_k = sqrt(k!) c_k)."""
    closed = hermite_coefficients(name, 40, normalised=True)
    quadrature = hermite_coefficients(activation, 40, normalised=True)
    np.testing.assert_allclose(quadrature, closed, atol=1e-8)
    forced = hermite_coefficients(name, 40, normalised=True, method="quadrature")
    np.testing.assert_allclose(forced, closed, atol=1e-8)
    unnormalised = hermite_coefficients(name, 15)
    factorial_roots = np.sqrt([float(math.factorial(k)) for k in range(16)])
    np.testing.assert_allclose(unnormalised, closed[:16] * factorial_roots, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hermite_coefficients(activation, 15), unnormalised, rtol=1e-8,
                               atol=1e-8)


@pytest.mark.parametrize("name, activation", [("relu", relu), ("sign", np.sign)])
def test_closed_forms_match_monte_carlo(name, activation):
    """Closed form vs Monte Carlo within 4 standard errors, degrees 0..6."""
    closed = hermite_coefficients(name, 6)
    for m in range(7):
        mean, error = monte_carlo_expectation(
            lambda x, m=m: activation(x[:, 0]) * hermite(m, x[:, 0]), 1, 200_000, seed=10 + m
        )
        assert abs(mean - closed[m]) < 4 * error + 1e-12


def test_activation_parity_trap():
    """Lesson 6 / the activation/degree trap: ReLU has no odd Hermite mass beyond degree 1; sign no even mass."""
    relu_coefficients = relu_hermite_coefficients(30)
    sign_coefficients = sign_hermite_coefficients(30)
    assert np.all(relu_coefficients[3::2] == 0) and np.all(relu_coefficients[0::2] != 0)
    assert np.all(sign_coefficients[0::2] == 0) and np.all(sign_coefficients[1::2] != 0)


def test_quadrature_coefficients_of_a_smooth_function_match_generating_function():
    """exp(az) = Σ a^k e^{a²/2} He_k / k!  (generating function), so f̂_k = a^k e^{a²/2}."""
    a = 0.7
    degrees = np.arange(21)
    roots = np.sqrt([float(math.factorial(k)) for k in degrees])
    expected = a**degrees * math.exp(a * a / 2)
    normalised = hermite_coefficients(lambda z: np.exp(a * z), 20, kinks=(), normalised=True)
    np.testing.assert_allclose(normalised, expected / roots, atol=1e-14)
    unnormalised = hermite_coefficients(lambda z: np.exp(a * z), 8, kinks=())
    np.testing.assert_allclose(unnormalised, expected[:9], rtol=1e-11)


def test_tanh_coefficients_quadrature_agrees_with_gauss_hermite_and_parseval():
    """Any callable works: tanh's odd coefficients, and Σ c_k² → E[tanh²]."""
    coefficients = hermite_coefficients(np.tanh, 60, normalised=True)
    for k in (1, 3, 5):
        value = gauss_hermite_expectation(
            lambda x, k=k: np.tanh(x[:, 0]) * hermite_normalised(k, x[:, 0]), 1, 150
        )
        assert coefficients[k] == pytest.approx(value, abs=1e-10)
    assert np.all(np.abs(coefficients[0::2]) < 1e-14)
    second_moment = half_line_expectation(lambda z: np.tanh(z) ** 2)
    assert np.sum(coefficients**2) == pytest.approx(second_moment, abs=1e-6)


# --------------------------------------------------------------------------- Mehler


@property_settings
@given(
    rho=st.floats(-0.99, 0.99),
    j=st.integers(0, 6),
    k=st.integers(0, 6),
)
def test_mehler_orthogonality_on_correlated_gaussians(rho, j, k):
    """Mehler's formula (lessons/notes/glossary.md): E[h_j(X) h_k(Y)] = ρ^k δ_jk, by direct 2-D quadrature."""
    value = correlated_expectation(
        lambda z: hermite_normalised(j, z), lambda z: hermite_normalised(k, z), rho
    )
    assert value == pytest.approx(rho**k if j == k else 0.0, abs=1e-11)


@pytest.mark.parametrize("rho", [-1.0, -0.7, -0.2, 0.0, 0.37, 0.8, 1.0])
def test_relu_relu_mehler_vs_quadrature_vs_closed_form(rho):
    """E[ReLU(X) ReLU(Y)]: Mehler series, 2-D quadrature and the arc-cosine closed form agree."""
    direct = correlated_expectation("relu", "relu", rho)
    closed = relu_pair_expectation(rho)
    assert direct == pytest.approx(closed, abs=1e-13)
    coefficients = relu_hermite_coefficients(200)
    series = mehler_expectation(coefficients, coefficients, rho)
    # the ReLU series converges like K^{-3/2} at |ρ| = 1 and geometrically otherwise
    tolerance = 1e-12 if abs(rho) <= 0.8 else 1e-4
    assert series == pytest.approx(closed, abs=tolerance)
    normalised = relu_hermite_coefficients(200, normalised=True)
    assert mehler_expectation(normalised, normalised, rho, normalised=True) == pytest.approx(
        series, abs=1e-13
    )


@pytest.mark.parametrize("rho", [-0.6, 0.1, 0.5])
def test_other_pairs_against_known_closed_forms(rho):
    """Sheppard: E[sign X sign Y] = (2/π) arcsin ρ; Mehler: E[ReLU(X) sign(Y)] = ρ/sqrt(2π)."""
    sheppard = 2 / math.pi * math.asin(rho)
    assert correlated_expectation("sign", "sign", rho) == pytest.approx(sheppard, abs=1e-13)
    sign_coefficients = sign_hermite_coefficients(301)
    assert mehler_expectation(sign_coefficients, sign_coefficients, rho) == pytest.approx(
        sheppard, abs=1e-12
    )
    mixed = rho / math.sqrt(2 * math.pi)
    assert correlated_expectation(relu, np.sign, rho) == pytest.approx(mixed, abs=1e-13)


def test_bivariate_density_matches_scipy():
    x, y = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-2, 4, 7))
    reference = stats.multivariate_normal(mean=[0, 0], cov=[[1, 0.6], [0.6, 1]]).pdf(
        np.stack([x, y], axis=-1)
    )
    np.testing.assert_allclose(bivariate_normal_density(x, y, 0.6), reference, rtol=1e-12)


@pytest.mark.parametrize("rho", [-0.8, 0.3, 0.6])
def test_mehler_density_converges_to_exact_density(rho):
    """Lesson 5 figure: the truncated Mehler expansion converges to φ_ρ on a grid for |ρ| < 1."""
    x, y = np.meshgrid(np.linspace(-3, 3, 41), np.linspace(-3, 3, 41))
    exact = bivariate_normal_density(x, y, rho)
    errors = [np.max(np.abs(mehler_density(x, y, rho, n) - exact)) for n in (2, 10, 40, 160)]
    for earlier, later in zip(errors, errors[1:], strict=False):
        assert later < earlier or later < 1e-14
    assert errors[-1] < 1e-12
    # one term is the product density φ(x)φ(y)
    np.testing.assert_allclose(mehler_density(x, y, rho, 1), stats.norm.pdf(x) * stats.norm.pdf(y))


# --------------------------------------------------------------------------- ridge functions


def test_random_unit_vectors_are_unit_seeded_and_spread():
    u = random_unit_vectors(400, 50, seed=3)
    assert u.shape == (400, 50)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(u, random_unit_vectors(400, 50, rng=np.random.default_rng(3)))
    assert not np.array_equal(u, random_unit_vectors(400, 50, seed=4))
    # pairwise inner products ≈ N(0, 1/d): variance 1/50
    inner = (u @ u.T)[np.triu_indices(400, 1)]
    assert np.var(inner) == pytest.approx(1 / 50, rel=0.1)


@pytest.mark.parametrize("degree", [1, 2, 3, 4])
def test_ridge_correlation_matches_monte_carlo_and_mehler_quadrature(degree):
    """Lesson 5: E[h_k(⟨u,x⟩) h_k(⟨v,x⟩)] = ⟨u,v⟩^k."""
    u, v = random_unit_vectors(2, 3, seed=degree)
    closed = ridge_correlation(u, v, degree)
    assert closed == pytest.approx(float(u @ v) ** degree, rel=1e-14)
    estimate, error = ridge_correlation_monte_carlo(u, v, degree, 100_000, seed=degree)
    assert abs(estimate - closed) < 4 * error
    direct = correlated_expectation(
        lambda z: hermite_normalised(degree, z), lambda z: hermite_normalised(degree, z), u @ v
    )
    assert direct == pytest.approx(closed, abs=1e-12)


@property_settings
@given(seed=st.integers(0, 10_000), degree=st.integers(0, 6))
def test_ridge_correlation_matrix_form(seed, degree):
    vectors = random_unit_vectors(5, 4, seed=seed)
    matrix = ridge_correlation(vectors, vectors, degree)
    assert matrix.shape == (5, 5)
    np.testing.assert_allclose(np.diag(matrix), 1.0, rtol=1e-12)
    np.testing.assert_allclose(matrix, np.clip(vectors @ vectors.T, -1, 1) ** degree, atol=1e-14)
    np.testing.assert_allclose(ridge_correlation(vectors[0], vectors, degree), matrix[0], atol=0)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: hermite(-1, 0.5), ValueError, "k must be"),
        (lambda: hermite(2.5, 0.5), TypeError, "k must be an integer"),
        (lambda: hermite(True, 0.5), TypeError, "k must be an integer"),
        (lambda: hermite(3, [0.0, np.nan]), ValueError, "x contains NaN"),
        (lambda: hermite(3, "abc"), TypeError, "x must be"),
        (lambda: multivariate_hermite((1, 2), np.zeros((4, 3))), ValueError, "x must have shape"),
        (lambda: multivariate_hermite((1, -2), np.zeros((4, 2))), ValueError, "alpha"),
        (lambda: gauss_hermite_expectation(lambda x: x[:, 0], 0), ValueError, "dim must be"),
        (lambda: gauss_hermite_expectation(lambda x: x[:, 0], 1, 0), ValueError, "n_points"),
        (lambda: gauss_hermite_expectation(3.0, 1), TypeError, "fn must be callable"),
        (lambda: monte_carlo_expectation(lambda x: x[:, 0], 1, 1), ValueError, "n_samples"),
        (lambda: monte_carlo_expectation(lambda x: x[:, 0], 1, 10, rng=1, seed=1), ValueError,
         "either rng or seed"),
        (lambda: monte_carlo_expectation(lambda x: x[:, 0], 1, 10, rng=0.5), TypeError, "rng"),
        (lambda: half_line_expectation(np.abs, kinks=[np.nan]), ValueError, "kinks"),
        (lambda: hermite_coefficients("gelu", 3), ValueError, "activation must be"),
        (lambda: hermite_coefficients("relu", -1), ValueError, "max_degree"),
        (lambda: hermite_coefficients(np.tanh, 3, method="closed_form"), ValueError, "closed_form"),
        (lambda: hermite_coefficients("relu", 3, method="exact"), ValueError, "method"),
        (lambda: relu_hermite_coefficients(2.0), TypeError, "max_degree"),
        (lambda: mehler_expectation([1.0], [1.0], 1.5), ValueError, "rho must be"),
        (lambda: mehler_expectation([1.0], [1.0], np.nan), ValueError, "rho must be finite"),
        (lambda: mehler_expectation([1.0, np.nan], [1.0], 0.5), ValueError, "f_coefficients"),
        (lambda: mehler_expectation([], [1.0], 0.5), ValueError, "f_coefficients"),
        (lambda: correlated_expectation("relu", "relu", -1.01), ValueError, "rho must be"),
        (lambda: correlated_expectation("relu", 2, 0.5), TypeError, "g must be callable"),
        (lambda: relu_pair_expectation("0.5"), TypeError, "rho must be a real number"),
        (lambda: bivariate_normal_density(0.0, 0.0, 1.0), ValueError, r"rho must be in \(-1, 1\)"),
        (lambda: mehler_density(0.0, 0.0, 0.5, 0), ValueError, "n_terms"),
        (lambda: random_unit_vectors(3, 0, seed=0), ValueError, "dim must be"),
        (lambda: random_unit_vectors(0, 3, seed=0), ValueError, "n_vectors"),
        (lambda: ridge_correlation([1.0, 1.0], [1.0, 0.0], 2), ValueError, "u must consist of unit"),
        (lambda: ridge_correlation([1.0, 0.0], [1.0, 0.0, 0.0], 2), ValueError, "same dimension"),
        (lambda: ridge_correlation([1.0, 0.0], [0.0, 1.0], -1), ValueError, "degree"),
        (lambda: polar_expectation(lambda s, t: s, n_angular=1), ValueError, "n_angular"),
    ],
)
def test_bad_input_raises_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_module_exports_exist():
    for name in gaussian.__all__:
        assert hasattr(gaussian, name), name
