"""Lesson 5's printed numbers and statements, each checked by a second route.

tests/test_gaussian.py covers the library in general; this file re-runs the lesson's
exact settings (same seeds, sizes and grids) and checks what its text says about them
against numpy-only quadrature, scipy integrals and distributions, or exact laws. At the
end, the exercise checks of lesson 5 are shown to reject typical wrong answers.
"""

import math

import numpy as np
import pytest
from numpy.polynomial import hermite_e
from scipy import integrate, stats

from csqlab import gaussian
from csqlab.checks import lesson05

# ----------------------------------------------------------------- section 1: Hermite, quadrature


def test_hermegauss_weights_sum_to_sqrt_2pi_and_normalised_rule_to_one():
    """§1: raw hermegauss weights sum to sqrt(2π) = ∫ exp(−x²/2) dx; the library's sum to 1."""
    _, raw = hermite_e.hermegauss(30)
    gaussian_integral, _ = integrate.quad(lambda t: math.exp(-t * t / 2), -np.inf, np.inf)
    assert raw.sum() == pytest.approx(gaussian_integral, rel=1e-10)
    assert gaussian.gauss_hermite_rule(30)[1].sum() == pytest.approx(1.0, abs=1e-13)


def test_lesson_gram_of_h0_to_h12_with_30_nodes_is_the_identity():
    """§1: 30 nodes integrate degree ≤ 24 products exactly: Gram(h_0..h_12) = I to 1e-12."""
    nodes, weights = gaussian.gauss_hermite_rule(30)
    table = gaussian.hermite_normalised(12, nodes, all_degrees=True)
    gram = (table * weights) @ table.T
    # second route: scipy's adaptive integral of h_j h_k φ for a few entries
    for j, k in [(0, 0), (3, 5), (12, 12), (7, 11)]:
        def integrand(z, j=j, k=k):
            return (hermite_e.hermeval(z, [0] * j + [1]) * hermite_e.hermeval(z, [0] * k + [1])
                    * stats.norm.pdf(z) / math.sqrt(math.factorial(j) * math.factorial(k)))

        value, _ = integrate.quad(integrand, -np.inf, np.inf)
        assert gram[j, k] == pytest.approx(value, abs=1e-8)
    assert np.max(np.abs(gram - np.eye(13))) < 1e-12


# ----------------------------------------------------------------- section 2: kinks

N_POINTS = [5, 10, 20, 40, 80, 160]  # the library allows at most 300 Gauss–Hermite points


def _numpy_gauss_hermite(fn, n):
    nodes, weights = hermite_e.hermegauss(n)
    return float(weights @ fn(nodes) / math.sqrt(2 * math.pi))


def test_gauss_hermite_error_at_a_kink_decays_like_one_over_n():
    """§2: for E|z| the n-point error × n is constant (≈ 0.33) — printed by the lesson."""
    exact = math.sqrt(2 / math.pi)
    scaled = []
    for n in N_POINTS:
        library = gaussian.gauss_hermite_expectation(lambda x: np.abs(x[:, 0]), 1, n)
        assert library == pytest.approx(_numpy_gauss_hermite(np.abs, n), abs=1e-14)
        scaled.append(n * abs(library - exact))
    assert 0.6 < scaled[0] < 0.7
    for value in scaled[1:]:
        assert 0.32 < value < 0.35


def test_smooth_integrand_reaches_machine_precision_with_ten_nodes():
    """§2: E[exp(z/2)] = e^{1/8}: error 3.4e-08 at 5 nodes, below 1e-14 from 10 nodes on."""
    exact = math.exp(1 / 8)
    assert abs(_numpy_gauss_hermite(lambda z: np.exp(z / 2), 5) - exact) == pytest.approx(
        3.4e-8, rel=0.05
    )
    for n in N_POINTS[1:]:
        assert abs(gaussian.gauss_hermite_expectation(lambda x: np.exp(x[:, 0] / 2), 1, n)
                   - exact) < 1e-14


def test_half_line_quadrature_is_exact_at_the_kink_and_cutoff_is_harmless():
    """§2: split at the kink, E|z| to 1e-13; the density beyond |z| = 38 is below 1e-313."""
    assert abs(gaussian.half_line_expectation(np.abs) - math.sqrt(2 / math.pi)) < 1e-13
    assert stats.norm.pdf(38.0) < 1e-313
    assert gaussian._CUTOFF == 38.0


# ----------------------------------------------------------------- section 3: coefficients

MAX_DEGREE = 8


def _scipy_relu_coefficient(m):
    """E[ReLU(z) He_m(z)] = ∫_0^∞ z He_m(z) φ(z) dz by scipy's adaptive quadrature."""
    value, _ = integrate.quad(lambda z: z * hermite_e.hermeval(z, [0] * m + [1]) * stats.norm.pdf(z),
                              0, np.inf, epsabs=1e-12, epsrel=1e-12)
    return value


def _relu_he(m):
    return lambda x: np.maximum(x[:, 0], 0.0) * gaussian.hermite(m, x[:, 0])


def test_relu_coefficient_table_closed_form_and_half_line_agree_with_scipy():
    """§3 table: closed form = half-line quadrature = scipy integral, degrees 0..8."""
    closed = gaussian.relu_hermite_coefficients(MAX_DEGREE)
    half_line = gaussian.hermite_coefficients(lambda z: np.maximum(z, 0.0), MAX_DEGREE)
    for m in range(MAX_DEGREE + 1):
        reference = _scipy_relu_coefficient(m)
        assert closed[m] == pytest.approx(reference, abs=1e-9)
        assert half_line[m] == pytest.approx(reference, abs=1e-9)


def test_plain_gauss_hermite_is_off_in_the_third_decimal_and_worse_at_high_degree():
    """§3: 40-node Gauss–Hermite misses ReLU's coefficients (kink), more at higher degree."""
    closed = gaussian.relu_hermite_coefficients(MAX_DEGREE)
    errors = [abs(gaussian.gauss_hermite_expectation(_relu_he(m), 1, 40) - closed[m])
              for m in range(0, MAX_DEGREE + 1, 2)]
    assert 1e-3 < errors[0] < 1e-2
    assert errors[-1] > 0.1
    assert errors == sorted(errors)


def test_monte_carlo_column_within_three_standard_errors_and_errors_grow_with_degree():
    """§3: the lesson's Monte Carlo (N = 200 000, seed = m) is within 3 s.e. of scipy's value."""
    standard_errors = []
    for m in range(MAX_DEGREE + 1):
        estimate, error = gaussian.monte_carlo_expectation(_relu_he(m), 1, 200_000, seed=m)
        assert abs(estimate - _scipy_relu_coefficient(m)) < 3 * error
        standard_errors.append(error)
        # the reported error is sd/sqrt(N) of the same draws
        draws = np.random.default_rng(m).standard_normal(200_000)
        values = np.maximum(draws, 0) * hermite_e.hermeval(draws, [0] * m + [1])
        assert error == pytest.approx(values.std(ddof=1) / math.sqrt(200_000), rel=1e-8)
    assert standard_errors == sorted(standard_errors)


def test_parseval_missing_weight_relu_fast_sign_slow():
    """§3: Σ_{m≤M} c_m² → E[f²]; ReLU's missing weight falls like M^{-3/2}, sign's like M^{-1/2}."""
    relu_second_moment, _ = integrate.quad(lambda z: z * z * stats.norm.pdf(z), 0, np.inf)
    relu_weights = gaussian.relu_hermite_coefficients(400, normalised=True) ** 2
    sign_weights = gaussian.sign_hermite_coefficients(400, normalised=True) ** 2
    relu_missing = {M: relu_second_moment - relu_weights[:M + 1].sum() for M in (2, 10, 100, 400)}
    sign_missing = {M: 1.0 - sign_weights[:M + 1].sum() for M in (2, 10, 100, 400)}
    assert all(value > 0 for value in [*relu_missing.values(), *sign_missing.values()])
    assert relu_missing[100] / relu_missing[400] == pytest.approx(8.0, rel=0.1)
    assert sign_missing[100] / sign_missing[400] == pytest.approx(2.0, rel=0.05)
    assert relu_missing[400] < 1e-5 < 1e-2 < sign_missing[400]
    # the lesson's printed values (rounded to 2 significant digits)
    assert f"{relu_missing[2]:.1e}" == "1.1e-02" and f"{sign_missing[2]:.1e}" == "3.6e-01"


# ----------------------------------------------------------------- section 4: Mehler

RHO = 0.6


def test_mehler_density_gaps_on_the_lesson_grid_shrink_geometrically():
    """§4: max gap to scipy's bivariate density decreases, at least like ρ^n once n ≥ 10."""
    grid = np.linspace(-3, 3, 121)
    x, y = np.meshgrid(grid, grid)
    exact = stats.multivariate_normal(mean=[0, 0], cov=[[1, RHO], [RHO, 1]]).pdf(
        np.stack([x, y], axis=-1)
    )
    gaps = {n: np.max(np.abs(gaussian.mehler_density(x, y, RHO, n) - exact))
            for n in (1, 2, 3, 5, 10, 20, 40)}
    values = list(gaps.values())
    assert all(later < earlier for earlier, later in zip(values, values[1:], strict=False))
    assert gaps[20] / gaps[10] <= RHO**10 and gaps[40] / gaps[20] <= RHO**20
    assert gaps[40] < 1e-10


def test_mehler_table_at_lesson_rho_by_monte_carlo():
    """§4: E[h_j(X) h_k(Y)] = ρ^k δ_jk at ρ = 0.6, j, k ≤ 4, by sampling (second route)."""
    rng = np.random.default_rng(2024)
    n_samples = 400_000
    x = rng.standard_normal(n_samples)
    y = RHO * x + math.sqrt(1 - RHO**2) * rng.standard_normal(n_samples)
    hx = gaussian.hermite_normalised(4, x, all_degrees=True)
    hy = gaussian.hermite_normalised(4, y, all_degrees=True)
    for j in range(5):
        for k in range(5):
            product = hx[j] * hy[k]
            error = product.std(ddof=1) / math.sqrt(n_samples)
            quadrature = gaussian.correlated_expectation(
                lambda z, j=j: gaussian.hermite_normalised(j, z),
                lambda z, k=k: gaussian.hermite_normalised(k, z), RHO)
            target = RHO**k if j == k else 0.0
            assert abs(product.mean() - target) <= 5 * error + 1e-12
            assert quadrature == pytest.approx(target, abs=1e-10)


def test_relu_pair_at_lesson_rho_three_routes_and_scipy():
    """§4: Mehler series = 2-D quadrature = arc-cosine closed form = scipy conditional integral."""
    coefficients = gaussian.relu_hermite_coefficients(100, normalised=True)
    series = gaussian.mehler_expectation(coefficients, coefficients, RHO, normalised=True)
    sigma = math.sqrt(1 - RHO**2)
    # condition on X = s: E[ReLU(m + σZ)] = m Φ(m/σ) + σ φ(m/σ) with m = ρ s (scipy, 1-D)
    def conditional(s):
        mean = RHO * s
        return mean * stats.norm.cdf(mean / sigma) + sigma * stats.norm.pdf(mean / sigma)

    reference, _ = integrate.quad(lambda s: s * conditional(s) * stats.norm.pdf(s), 0, np.inf,
                                  epsabs=1e-13, epsrel=1e-13)
    for value in (series, gaussian.correlated_expectation("relu", "relu", RHO),
                  gaussian.relu_pair_expectation(RHO)):
        assert value == pytest.approx(reference, abs=1e-11)
    assert f"{series:.8f}" == f"{gaussian.relu_pair_expectation(RHO):.8f}"


# ----------------------------------------------------------------- section 5: ridge functions


def _lesson_ridge_pairs():
    u, w = gaussian.random_unit_vectors(2, 50, seed=5)
    w = (w - (w @ u) * u) / np.linalg.norm(w - (w @ u) * u)
    v = 0.6 * u + math.sqrt(1 - 0.6**2) * w
    a, b = gaussian.random_unit_vectors(2, 50, seed=11)
    return {"u, v": (u, v), "a, b": (a, b)}


def test_lesson_ridge_pairs_have_the_stated_inner_products():
    pairs = _lesson_ridge_pairs()
    u, v = pairs["u, v"]
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-14)
    assert u @ v == pytest.approx(0.6, abs=1e-14)
    a, b = pairs["a, b"]
    assert f"{a @ b:.4f}" == "-0.2542"


def test_ridge_monte_carlo_within_two_standard_errors_and_random_pair_invisible_at_degree_4():
    """§5: every estimate (d = 50, N = 100 000) is within 2 s.e. of ⟨·,·⟩^k, which 2-D
    quadrature of the projected pair confirms; |⟨a,b⟩|^4 is below one standard error."""
    for offset, (p, q) in enumerate(_lesson_ridge_pairs().values()):
        for k in range(1, 5):
            estimate, error = gaussian.ridge_correlation_monte_carlo(p, q, k, 100_000,
                                                                     seed=20 * offset + k)
            direct = gaussian.correlated_expectation(
                lambda z, k=k: gaussian.hermite_normalised(k, z),
                lambda z, k=k: gaussian.hermite_normalised(k, z), float(p @ q))
            assert direct == pytest.approx(float(p @ q) ** k, abs=1e-12)
            assert abs(estimate - direct) < 2 * error
            if offset == 1 and k == 4:
                assert abs(direct) < error


# ----------------------------------------------------------------- section 6: near orthogonality


@pytest.mark.parametrize("dim", [10, 50, 250])
def test_inner_products_of_random_unit_vectors_follow_the_exact_beta_law(dim):
    """§6: (1 + ⟨u,v⟩)/2 ~ Beta((d−1)/2, (d−1)/2), variance 1/d; the lesson's std·sqrt(d) ≈ 1."""
    n_pairs = 5000
    vectors = gaussian.random_unit_vectors(2 * n_pairs, dim, seed=dim)
    inner = np.sum(vectors[:n_pairs] * vectors[n_pairs:], axis=1)
    law = stats.beta((dim - 1) / 2, (dim - 1) / 2, loc=-1, scale=2)
    assert law.var() == pytest.approx(1 / dim, rel=1e-12)
    assert stats.kstest(inner, law.cdf).pvalue > 1e-3
    assert 0.96 < inner.std() * math.sqrt(dim) < 1.04
    exact_median = law.ppf(0.75)  # median of |⟨u,v⟩| by symmetry
    assert np.median(np.abs(inner)) == pytest.approx(exact_median, rel=0.05)


# ----------------------------------------------------------------- section 7: hard families


def _high_degree_relu():
    """ReLU minus its degree 0..3 part, normalised: E[f²] = 1 and no mass below degree 4."""
    c0, c1, c2, _ = gaussian.relu_hermite_coefficients(3, normalised=True)
    norm = math.sqrt(0.5 - c0**2 - c1**2 - c2**2)

    def link(z):
        return (np.maximum(z, 0.0) - c0 - c1 * z - c2 * gaussian.hermite_normalised(2, z)) / norm

    return link


@pytest.mark.parametrize("rho", [0.05, 0.1, 0.2, 0.4, 0.8])
def test_link_without_low_degree_mass_correlates_below_rho_to_the_k(rho):
    """§7: the lesson's Mehler series equals 2-D quadrature of the explicit link, and ≤ ρ^4."""
    coefficients = gaussian.relu_hermite_coefficients(400, normalised=True)
    high = coefficients.copy()
    high[:4] = 0.0
    high /= math.sqrt(0.5 - np.sum(coefficients[:4] ** 2))
    series = gaussian.mehler_expectation(high, high, rho, normalised=True)
    link = _high_degree_relu()
    assert half_line_second_moment(link) == pytest.approx(1.0, abs=1e-10)
    direct = gaussian.correlated_expectation(link, link, rho)
    assert series == pytest.approx(direct, rel=1e-8)
    assert 0 < series <= rho**4
    # for small ρ the ratio tends to the share of the weight at degree exactly 4
    share = high[4] ** 2
    assert series / rho**4 >= share
    if rho <= 0.1:
        assert series / rho**4 == pytest.approx(share, rel=0.01)


def half_line_second_moment(link):
    return gaussian.half_line_expectation(lambda z: link(z) ** 2)


@pytest.mark.parametrize("dim", [10, 100, 1000])
def test_median_correlation_is_a_constant_factor_below_d_to_the_minus_k_over_2(dim):
    """§7 table: median |⟨u,v⟩| ≈ 0.67/sqrt(d) (exact Beta quantile), so median |ρ|^k < d^{-k/2}."""
    vectors = gaussian.random_unit_vectors(4000, dim, seed=100 + dim)
    median_inner = np.median(np.abs(np.sum(vectors[:2000] * vectors[2000:], axis=1)))
    exact = stats.beta((dim - 1) / 2, (dim - 1) / 2, loc=-1, scale=2).ppf(0.75)
    assert median_inner == pytest.approx(exact, rel=0.07)
    # the Gaussian approximation N(0, 1/d): median |ρ| = Φ^{-1}(3/4)/sqrt(d) ≈ 0.67/sqrt(d)
    assert stats.norm.ppf(0.75) == pytest.approx(0.6745, abs=1e-4)
    if dim >= 100:
        assert exact * math.sqrt(dim) == pytest.approx(stats.norm.ppf(0.75), rel=0.02)
    for k in (2, 4, 6):
        assert median_inner**k < dim ** (-k / 2)


# ----------------------------------------------------------------- exercise checks reject wrong answers


def _physicists_table(max_degree, x):
    from numpy.polynomial import hermite

    x = np.asarray(x, dtype=float)
    return np.array([hermite.hermval(x, [0] * k + [1]) / math.sqrt(math.factorial(k))
                     for k in range(max_degree + 1)])


def _unnormalised_table(max_degree, x):
    return np.array([hermite_e.hermeval(np.asarray(x), [0] * k + [1]) for k in range(max_degree + 1)])


@pytest.mark.parametrize("answer", [_physicists_table, _unnormalised_table])
def test_ex5_1_rejects_wrong_conventions(answer):
    assert lesson05.ex5_1(answer).status == "failed"


def _gauss_hermite_relu(max_degree):
    nodes, weights = hermite_e.hermegauss(40)
    weights = weights / math.sqrt(2 * math.pi)
    return np.array([weights @ (np.maximum(nodes, 0) * hermite_e.hermeval(nodes, [0] * m + [1]))
                     for m in range(max_degree + 1)])


def _normalised_relu(max_degree):
    return gaussian.relu_hermite_coefficients(max_degree, normalised=True)


@pytest.mark.parametrize("answer", [_gauss_hermite_relu, _normalised_relu])
def test_ex5_2_rejects_kinked_quadrature_and_wrong_normalisation(answer):
    assert lesson05.ex5_2(answer).status == "failed"


def _wrong_variance_table(rho, max_degree, n_samples, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n_samples)
    y = rho * x + (1 - abs(rho)) * rng.standard_normal(n_samples)
    return (gaussian.hermite_normalised(max_degree, x, all_degrees=True)
            @ gaussian.hermite_normalised(max_degree, y, all_degrees=True).T / n_samples)


def _ignores_sign_table(rho, max_degree, n_samples, seed):
    return np.diag([abs(rho) ** k for k in range(max_degree + 1)])


@pytest.mark.parametrize("answer", [_wrong_variance_table, _ignores_sign_table])
def test_ex5_3_rejects_wrong_correlated_samples(answer):
    assert lesson05.ex5_3(answer).status == "failed"


def _estimate(u, v, degree, n_samples, seed):
    x = np.random.default_rng(seed).standard_normal((n_samples, len(u)))
    values = gaussian.hermite_normalised(degree, x @ u) * gaussian.hermite_normalised(degree, x @ v)
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(n_samples))


@pytest.mark.parametrize(
    "answer",
    [
        lambda u, v, k, n, s: (_estimate(u, v, k, n, s)[0], _estimate(u, v, k, n, s)[1] * math.sqrt(n)),
        lambda u, v, k, n, s: (_estimate(u, v, k, n, s)[0], 0.01),
        lambda u, v, k, n, s: (float(u @ v) ** k, 1e-3),
    ],
    ids=["standard-deviation-not-error", "fixed-error", "closed-form-with-made-up-error"],
)
def test_ex5_4_rejects_dishonest_error_bars(answer):
    assert lesson05.ex5_4(answer).status == "failed"


def test_ex5_4_rejects_unnormalised_hermite():
    def unnormalised(u, v, degree, n_samples, seed):
        x = np.random.default_rng(seed).standard_normal((n_samples, len(u)))
        values = gaussian.hermite(degree, x @ u) * gaussian.hermite(degree, x @ v)
        return float(values.mean()), float(values.std(ddof=1) / math.sqrt(n_samples))

    assert lesson05.ex5_4(unnormalised).status == "failed"


# --------------------------------------------- check your understanding (notes/understanding.md)


def test_understanding_q1_relu_error_is_half_the_kink_error():
    """Q1: at 40 nodes the ReLU error (0.00414) is half the |z| error (8.3e-3)."""
    relu = gaussian.gauss_hermite_expectation(lambda x: np.maximum(x[:, 0], 0.0), 1, 40)
    kink = gaussian.gauss_hermite_expectation(lambda x: np.abs(x[:, 0]), 1, 40)
    relu_error, kink_error = relu - 1 / math.sqrt(2 * math.pi), kink - math.sqrt(2 / math.pi)
    assert relu_error == pytest.approx(kink_error / 2, abs=1e-12)
    assert round(relu_error, 5) == 0.00414 and f"{kink_error:.1e}" == "8.3e-03"


def test_understanding_q2_samples_to_resolve_the_degree_4_correlation():
    """Q2: (0.0058/0.0021)² ≈ 7.6, about 8×10^5 samples."""
    assert round((0.0058 / 0.0021) ** 2, 1) == 7.6
    assert round(1e5 * (0.0058 / 0.0021) ** 2, -5) == 8e5


def test_understanding_q3_limit_ratio_is_the_degree_4_share():
    """Q3: c_4² = 0.00663, 0.5 − (c_0² + c_1² + c_2²) = 0.01127, share 0.589; ReLU's c_5 = 0."""
    c = gaussian.relu_hermite_coefficients(400, normalised=True)
    remaining = 0.5 - float(np.sum(c[:4] ** 2))
    assert c[3] == 0 and c[5] == 0
    assert round(float(c[4] ** 2), 5) == 0.00663 and round(remaining, 5) == 0.01127
    assert round(float(c[4] ** 2) / remaining, 3) == 0.589
