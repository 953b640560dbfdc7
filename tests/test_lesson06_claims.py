"""Lesson 6's printed numbers and statements, each checked by a second route.

tests/test_hard_classical.py covers the library in general; this file re-runs the lesson's
settings (same seeds and sizes) and checks what its text says against independent
implementations: the networks written out with itertools, scipy integrals, Monte Carlo with
fresh generators, brute force over sign patterns. At the end, the exercise checks of lesson 6
are shown to reject typical wrong answers.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import expit

from csqlab import bounds, gaussian, hard
from csqlab.checks import lesson06


def parity_network(x, psi):
    """f_S with S = all columns of x, written out from the definition Σ_w χ(w) ψ(⟨w, x⟩/√k)."""
    k = x.shape[1]
    total = np.zeros(len(x))
    for w in itertools.product([-1.0, 1.0], repeat=k):
        total += np.prod(w) * psi(x @ np.array(w) / math.sqrt(k))
    return total


def relu(z):
    return np.maximum(z, 0.0)


# ----------------------------------------------------------------- §1 parities of ReLUs


def test_section1_sign_flip_rules_and_monte_carlo_gram():
    """§1: flipping x_0 negates f_{01} and leaves f_{12}; the lesson's Monte Carlo Gram
    (seed 1, 100 000 samples) is within 4 standard errors of I, and an independent Monte Carlo
    of ⟨f_S, f_T⟩ written from the definition agrees."""
    x = np.random.default_rng(0).standard_normal((1000, 6))
    flipped = x.copy()
    flipped[:, 0] *= -1
    np.testing.assert_allclose(parity_network(flipped[:, [0, 1]], relu),
                               -parity_network(x[:, [0, 1]], relu), atol=1e-12)
    np.testing.assert_allclose(parity_network(flipped[:, [1, 2]], relu),
                               parity_network(x[:, [1, 2]], relu), atol=1e-12)
    family = hard.parity_of_activations_family(6, 2)
    estimate = family.gram(method="monte_carlo", n_samples=100_000, seed=1)
    assert np.all(np.abs(estimate.gram - np.eye(15)) <= 4 * estimate.standard_error)
    assert estimate.standard_error.max() < 0.01
    fresh = np.random.default_rng(123).standard_normal((200_000, 3))
    products = parity_network(fresh[:, [0, 1]], relu) * parity_network(fresh[:, [1, 2]], relu)
    assert abs(products.mean()) <= 4 * products.std(ddof=1) / math.sqrt(len(products))


# ----------------------------------------------------------------- §2 the cube


@pytest.mark.parametrize("activation,psi,k", [("relu", relu, 1), ("relu", relu, 2),
                                              ("relu", relu, 4), ("sigmoid", expit, 1),
                                              ("sigmoid", expit, 3), ("tanh", np.tanh, 3)])
def test_section2_cube_constant_by_enumeration(activation, psi, k):
    """§2: f_S / χ_S is the same constant on every point of {±1}^k, equal to c_k(ψ);
    ReLU k = 2 gives √2 and k = 4 gives −2."""
    points = np.array(list(itertools.product([-1.0, 1.0], repeat=k)))
    ratios = parity_network(points, psi) / np.prod(points, axis=1)
    np.testing.assert_allclose(ratios, ratios[0], atol=1e-12)
    assert hard.parity_of_activations_cube_constant(k, activation) == pytest.approx(ratios[0])
    if (activation, k) == ("relu", 2):
        assert ratios[0] == pytest.approx(math.sqrt(2))
    if (activation, k) == ("relu", 4):
        assert ratios[0] == pytest.approx(-2.0)


# ----------------------------------------------------------------- §3 Hermite mass


def test_section3_degree_k_weight_and_norms_by_monte_carlo():
    """§3: W_k = 4^k c_k² k!/k^k (ReLU k = 2: 2/π), the weights sum to the printed norms
    0.72676 and 0.30302, which a fresh Monte Carlo confirms within 4 standard errors."""
    weights = hard.parity_of_activations_degree_weights(2, "relu", 20_000)
    assert weights[2] == pytest.approx(2 / math.pi, rel=1e-12)
    # ReLU: E[ReLU He_4] = (−1)^3 · 1!!/√(2π) (lesson 5), so c_4 = −1/√(2π · 4!)
    c4 = -1 / math.sqrt(2 * math.pi * math.factorial(4))
    assert gaussian.relu_hermite_coefficients(4, normalised=True)[4] == pytest.approx(c4)
    weights4 = hard.parity_of_activations_degree_weights(4, "relu", 20_000)
    assert weights4[4] == pytest.approx(4**4 * c4**2 * math.factorial(4) / 4**4, rel=1e-12)
    for k, printed, w in [(2, 0.72676, weights), (4, 0.30302, weights4)]:
        assert round(w.sum(), 5) == pytest.approx(printed, abs=1e-5)
        assert round(hard.parity_of_activations_norm_squared(k), 5) == pytest.approx(printed)
        x = np.random.default_rng(k).standard_normal((400_000, k))
        squares = parity_network(x, relu) ** 2
        assert abs(squares.mean() - printed) <= 4 * squares.std(ddof=1) / math.sqrt(len(x))


# ----------------------------------------------------------------- §4 the trap


def test_section4_trap_table_matches_library_and_raw_networks():
    """§4 and Exercise 6.2: the even/odd rule (TRAP_CASES) agrees with the library's refusal and
    with the raw network being numerically zero, for every tabulated (activation, k)."""
    for name, psi, table in lesson06.TRAP_CASES:
        for k, vanishes in table.items():
            x = np.random.default_rng(k).standard_normal((300, k)) * 2
            raw = parity_network(x, psi)
            scale = sum(np.abs(psi(x @ np.array(w) / math.sqrt(k)))
                        for w in itertools.product([-1.0, 1.0], repeat=k))
            assert (np.max(np.abs(raw)) <= 1e-9 * np.max(scale)) == vanishes, (name, k)
            if vanishes:
                with pytest.raises(ValueError, match="identically zero"):
                    hard.parity_of_activations_norm_squared(k, psi)
            else:
                assert hard.parity_of_activations_norm_squared(k, psi) > 1e-6, (name, k)


def test_section4_printed_norms_by_independent_routes():
    """§4 table: ReLU k = 1 gives E[x²] = 1; tanh k = 1 is 2 tanh(x), so 4 E[tanh²] (scipy);
    sigmoid k = 1 is 2 sigmoid(x) − 1 = tanh(x/2), so E[tanh(x/2)²]; ReLU k = 6 (0.4292) by
    Monte Carlo; sigmoid norms shrink."""
    assert hard.parity_of_activations_norm_squared(1, "relu") == pytest.approx(1.0)

    def gaussian_mean(fn):
        return integrate.quad(lambda z: fn(z) * stats.norm.pdf(z), -40, 40, limit=200)[0]

    assert hard.parity_of_activations_norm_squared(1, "tanh") == pytest.approx(
        4 * gaussian_mean(lambda z: np.tanh(z) ** 2), rel=1e-8)
    assert hard.parity_of_activations_norm_squared(1, "sigmoid") == pytest.approx(
        gaussian_mean(lambda z: np.tanh(z / 2) ** 2), rel=1e-8)
    x = np.random.default_rng(6).standard_normal((200_000, 6))
    squares = parity_network(x, relu) ** 2
    assert abs(squares.mean() - hard.parity_of_activations_norm_squared(6)) <= (
        4 * squares.std(ddof=1) / math.sqrt(len(x)))
    sigmoid_norms = [hard.parity_of_activations_norm_squared(k, "sigmoid") for k in (1, 3, 5)]
    assert sigmoid_norms[0] > 10 * sigmoid_norms[1] > 10 * sigmoid_norms[2] > 0
    relu_norms = [hard.parity_of_activations_norm_squared(k) for k in (2, 4, 6)]
    assert relu_norms[1] < relu_norms[2]  # "do not decrease monotonically"


# ----------------------------------------------------------------- §5 hidden planes


def test_section5_rotation_fft_frequencies_and_monomials():
    """§5: F(R_{π/4} z) = −F(z); the FFT of g on 4096 angles matches the closed form to 1e-5 with
    non-zero frequencies 4, 12, 20 (≤ 24); F ⊥ monomials of degree < 4 and the printed degree-4
    correlations −0.114, 0, +0.389, 0, −0.114 (normalised), by scipy's 2-D integration in polar
    coordinates as a second route for one of them."""
    k = 4
    frequencies, coefficients = hard.hidden_plane_angular_coefficients(k, 24)
    theta = 2 * np.pi * np.arange(4096) / 4096
    g = hard.hidden_plane_function(np.cos(theta), np.sin(theta), k)
    fft = np.fft.fft(g) / 4096
    assert np.max(np.abs(fft[frequencies % 4096] - coefficients)) < 1e-5
    assert frequencies[(coefficients != 0) & (frequencies >= 0)].tolist() == [4, 12, 20]
    norm = math.sqrt(hard.hidden_plane_norm_squared(k))
    # E[F s^4] = E[r^5] · (1/2π)∫ g cos^4, with E[r^5] = 2^{5/2} Γ(7/2) for the Rayleigh radius
    angular = integrate.quad(lambda a: hard.hidden_plane_function(math.cos(a), math.sin(a), k)
                             * math.cos(a) ** 4, 0, 2 * math.pi, limit=400,
                             points=[math.pi * m / 4 + math.pi / 2 for m in range(8)])[0]
    s4 = 2**2.5 * math.gamma(3.5) * angular / (2 * math.pi) / (norm * math.sqrt(105))
    assert round(s4, 3) == -0.114
    kinks = tuple(math.pi * m / k + math.pi / 2 for m in range(1, k + 1))
    s2t2 = gaussian.polar_expectation(lambda u, v: hard.hidden_plane_function(u, v, k) * u**2 * v**2,
                                      kinks) / (norm * 3)
    assert round(s2t2, 3) == 0.389
    for a in range(k):
        for b in range(k - a):
            value = integrate.quad(
                lambda t, a=a, b=b: hard.hidden_plane_function(math.cos(t), math.sin(t), k)
                * math.cos(t) ** a * math.sin(t) ** b, 0, 2 * math.pi, limit=400,
                points=[math.pi * m / 4 + math.pi / 2 for m in range(8)])[0]
            assert abs(value) < 1e-10, (a, b)  # the angular integral vanishes: frequencies < k


def test_section5_plane_spectra_and_k2_coincidence():
    """§5: Σ_m W_m (m ≤ 4000) prints 0.11678 / 0.04830 vs ‖F‖² 0.11679 / 0.04831; k = 2
    hidden plane = |s| − |t| = rotated parity of two ReLUs (pointwise)."""
    for k, printed_sum, printed_norm in [(4, 0.11678, 0.11679), (6, 0.04830, 0.04831)]:
        weights = hard.hidden_plane_degree_weights(k, 4000)
        assert round(weights.sum(), 5) == pytest.approx(printed_sum)
        assert round(hard.hidden_plane_norm_squared(k), 5) == pytest.approx(printed_norm)
        assert np.all(weights[:k] == 0)
    z = np.random.default_rng(0).standard_normal((500, 2))
    plane = hard.hidden_plane_function(z[:, 0], z[:, 1], 2)
    np.testing.assert_allclose(plane, np.abs(z[:, 0]) - np.abs(z[:, 1]), atol=1e-12)
    x = np.stack([(z[:, 0] + z[:, 1]) / math.sqrt(2), (z[:, 0] - z[:, 1]) / math.sqrt(2)], axis=1)
    np.testing.assert_allclose(parity_network(x, relu), plane, atol=1e-12)


def test_section5_odd_k_plane_is_zero_and_k1_is_linear():
    """§5: odd k ≥ 3 gives F ≡ 0 (written out from the definition), k = 1 gives F(s, t) = s."""
    z = np.random.default_rng(1).standard_normal((300, 2)) * 3
    for k in (3, 5):
        total = sum((-1) ** m * relu(z[:, 0] * math.cos(math.pi * m / k)
                                     + z[:, 1] * math.sin(math.pi * m / k))
                    for m in range(1, 2 * k + 1))
        assert np.max(np.abs(total)) < 1e-12
        with pytest.raises(ValueError, match="identically zero"):
            hard.hidden_plane_norm_squared(k)
    np.testing.assert_allclose(hard.hidden_plane_function(z[:, 0], z[:, 1], 1), z[:, 0], atol=1e-12)


# ----------------------------------------------------------------- §6 planes in R^d


def test_section6_plane_gram_monte_carlo_and_bound():
    """§6: d = 6, k = 4, 8 planes (seed 3): exact γ ≈ 0.4459; an independent Monte Carlo of one
    large entry (networks written out) agrees; Monte Carlo within 4 SE; Hermite bound for the
    lesson's 300 random pairs (seed 5)."""
    family = hard.hidden_plane_family(6, 4, n_planes=8, seed=3)
    exact = family.gram()
    assert round(exact.gamma, 4) == pytest.approx(0.4459)
    estimate = family.gram(method="monte_carlo", n_samples=100_000, seed=4)
    assert np.all(np.abs(estimate.gram - exact.gram) <= 4 * estimate.standard_error + 1e-12)
    planes = hard.random_planes(8, 6, seed=3)
    off = np.abs(exact.gram) - 2 * np.eye(8)
    i, j = np.unravel_index(np.argmax(off), off.shape)
    x = np.random.default_rng(77).standard_normal((200_000, 6))
    norm = math.sqrt(hard.hidden_plane_norm_squared(4))

    def member(plane):
        projected = x @ plane.T
        return sum((-1) ** m * relu(projected[:, 0] * math.cos(math.pi * m / 4)
                                    + projected[:, 1] * math.sin(math.pi * m / 4))
                   for m in range(1, 9)) / norm

    products = member(planes[i]) * member(planes[j])
    assert abs(products.mean() - exact.gram[i, j]) <= 4 * products.std(ddof=1) / math.sqrt(len(x))
    pairs = hard.random_planes(600, 6, seed=5)
    for u, v in zip(pairs[::2], pairs[1::2], strict=True):
        assert abs(hard.hidden_plane_correlation(u, v, 4)) <= np.linalg.norm(u @ v.T, 2) ** 4 + 1e-12


# ----------------------------------------------------------------- §7–8 sizes and curves


def test_section7_overlaps_fall_like_inverse_sqrt_d_and_gamma_like_d_minus_2():
    """§7: for 100 random planes (seed d), √d · max overlap stays within [2, 6] for d ≥ 16 and
    the exact γ falls by about 4 per doubling of d (d^{-2}); γ ≤ max overlap^4; the overlap is
    the largest singular value (numpy SVD)."""
    dims = [16, 32, 64, 128, 256, 512]
    gammas = []
    for d in dims:
        planes = hard.random_planes(100, d, seed=d)
        summary = hard.plane_overlap_summary(planes, 4)
        svd = max(np.linalg.svd(planes[a] @ planes[b].T, compute_uv=False)[0]
                  for a in range(100) for b in range(a))
        assert summary.max_overlap == pytest.approx(svd)
        assert 2 < math.sqrt(d) * summary.max_overlap < 6
        gamma = hard.hidden_plane_family(d, 4, planes=planes).gamma
        assert gamma <= summary.correlation_bound
        gammas.append(gamma)
    slopes = np.diff(np.log(gammas)) / np.diff(np.log(dims))
    assert np.all((slopes > -2.8) & (slopes < -1.4))


def test_section7_family_sizes_table():
    """§7 table: log10 C(n, k) with k = log2 n (even) by exact integer binomials; n^3
    overtaken from n = 256 on; our plane count grows like √d/(4 ln 10) and overtakes the parity
    family between 2^16 and 2^20."""
    parity_sizes, plane_sizes = [], []
    for n in [16, 256, 4096, 2**16, 2**20, 2**22]:
        k = hard.log_degree(n, even=True)
        assert k == 2 * round(math.log2(n) / 2) or k == round(math.log2(n))
        parity_sizes.append(hard.log10_parity_family_size(n, k))
        assert parity_sizes[-1] == pytest.approx(math.log10(math.comb(n, k)), rel=1e-10)
        plane_sizes.append(hard.log10_hidden_plane_family_size(n, n ** -0.25))
        if n >= 256:
            assert parity_sizes[-1] > 3 * math.log10(n)
    assert plane_sizes[3] < parity_sizes[3] and plane_sizes[4] > parity_sizes[4]
    assert plane_sizes[-1] == pytest.approx(math.sqrt(2**22) / (4 * math.log(10)), rel=0.02)


def test_section8_printed_bounds():
    """§8: the counting lemma at n = d = 2^10 and 2^20 as printed, recomputed from m(τ² − γ)/2
    with exact binomials and our plane estimate."""
    for n, parity_log, plane_log in [(2**10, 17.20, 1.07), (2**20, 89.68, 107.29)]:
        k = hard.log_degree(n, even=True)
        exact = math.log10(math.comb(n, k)) + math.log10((1 / n) ** 2 / 2)
        assert round(exact, 2) == pytest.approx(parity_log)
        gamma = (n ** -0.25) ** 4
        log10_m = hard.log10_hidden_plane_family_size(n, n ** -0.25)
        value = log10_m + math.log10((n ** -0.25) ** 2 - gamma) - math.log10(2)
        assert round(value, 2) == pytest.approx(plane_log)
        bound = bounds.counting_lemma(n ** -0.25, gamma, log10_m=log10_m)
        assert bound.log10_min_queries == pytest.approx(value)
    curve = hard.parity_bound_curve(2.0 ** np.arange(4, 23), lambda n: 1 / n,
                                    k=hard.log_degree(2.0 ** np.arange(4, 23), even=True))
    assert np.all(curve.applicable)


# ----------------------------------------------------------------- exercise checks reject wrong answers



def test_exercise_6_1_rejects_plain_mean_and_wrong_normalisation(capsys):
    def plain_mean(f, g, x):  # no symmetrisation: Monte Carlo noise, not an exact zero
        return float(np.mean(f(x) * g(x)))

    def unnormalised(f, g, x):
        total = 0.0
        for signs in itertools.product([-1.0, 1.0], repeat=x.shape[1]):
            total += float(np.sum(f(x * np.array(signs)) * g(x * np.array(signs))))
        return total / len(x)

    def half_flips(f, g, x):  # forgets the identity pattern
        patterns = [s for s in itertools.product([-1.0, 1.0], repeat=x.shape[1])
                    if min(s) < 0]
        return float(np.mean([np.mean(f(x * np.array(s)) * g(x * np.array(s))) for s in patterns]))

    for wrong in (plain_mean, unnormalised, half_flips):
        assert lesson06.ex6_1(wrong).status == "failed", wrong.__name__


def test_exercise_6_2_rejects_plausible_rules():
    def relu_rule_only(activation, k):  # "even k is always fine, odd k always vanishes"
        return k % 2 == 1 and k > 1

    def constant_only(activation, k):  # only checks the constant part
        return False

    assert lesson06.ex6_2(relu_rule_only).status == "failed"
    assert lesson06.ex6_2(constant_only).status == "failed"


def test_exercise_6_3_rejects_wrong_planes():
    def no_alternation(s, t, k):
        return sum(relu(s * math.cos(math.pi * m / k) + t * math.sin(math.pi * m / k))
                   for m in range(1, 2 * k + 1))

    def flipped_signs(s, t, k):  # output signs (−1)^(m+1): −F, still odd under the rotation
        return sum((-1) ** (m + 1) * relu(s * math.cos(math.pi * m / k)
                                          + t * math.sin(math.pi * m / k))
                   for m in range(1, 2 * k + 1))

    def wrong_angles(s, t, k):
        return sum((-1) ** m * relu(s * math.cos(2 * math.pi * m / k)
                                    + t * math.sin(2 * math.pi * m / k)) for m in range(1, 2 * k + 1))

    assert lesson06.ex6_3(no_alternation).status == "failed"
    assert lesson06.ex6_3(wrong_angles).status == "failed"
    assert lesson06.ex6_3(flipped_signs).status == "failed"



def _degree_k_weight_closed_form(k):
    """Exercise 6.4's closed form (notes/answers.md): W_1 = 1, 0 for odd k ≥ 3, and
    4^k ((k − 3)!!)² / (2π k^k) for even k ≥ 2, in exact integers."""
    if k == 1:
        return 1.0
    if k % 2 == 1:
        return 0.0
    return 4**k * math.prod(range(k - 3, 0, -2)) ** 2 / k**k / (2 * math.pi)


def test_exercise_6_4_closed_form_against_the_mehler_sum_and_the_lesson():
    """Exercise 6.4: W_k = 4^k k^{-k} E[ReLU He_k]² equals section 3's 2^k c_k² A_{k,k} for
    k = 1..60 (odd k ≥ 3: the library refuses the zero family), and the lesson's printed
    degree-k weights 0.6366 (k = 2) and 0.1592 (k = 4), i.e. 2/π and 1/(2π)."""
    coefficients = gaussian.relu_hermite_coefficients(60)
    for k in range(1, 61):
        closed = _degree_k_weight_closed_form(k)
        assert closed == pytest.approx(4.0**k * float(k) ** -k * coefficients[k] ** 2,
                                       rel=1e-12, abs=1e-300)
        if k >= 3 and k % 2 == 1:
            with pytest.raises(ValueError):
                hard.parity_of_activations_degree_weights(k, "relu", k)
        else:
            mehler = hard.parity_of_activations_degree_weights(k, "relu", k)[k]
            assert closed == pytest.approx(mehler, rel=1e-12)
    assert _degree_k_weight_closed_form(2) == pytest.approx(2 / math.pi, rel=1e-15)
    assert _degree_k_weight_closed_form(4) == pytest.approx(1 / (2 * math.pi), rel=1e-15)
    assert round(_degree_k_weight_closed_form(2), 4) == 0.6366
    assert round(_degree_k_weight_closed_form(4), 4) == 0.1592


def test_exercise_6_4_stein_route_per_unit_by_quadrature_and_monte_carlo():
    """Exercise 6.4's answer, step by step: one unit gives E[ReLU(⟨w, x⟩/√k) Π x_i] =
    χ(w) k^{-k/2} E[ReLU He_k], so E[f_S Π x_i] = 2^k k^{-k/2} E[ReLU He_k]. At k = 2, in the
    rotated coordinates u = ⟨w, x⟩/√2, v = (w_1 x_1 − w_2 x_2)/√2 (again N(0, I_2)) the unit is
    ReLU(u) and x_1 x_2 = w_1 w_2 (u² − v²)/2: scipy dblquad over u > 0 gives φ(0)/2 times χ(w).
    At k = 4 the sum is −φ(0) = −0.398942, and Monte Carlo with a fresh generator covers it."""
    half_plane, _ = integrate.dblquad(
        lambda v, u: u * (u * u - v * v) / 2 * stats.norm.pdf(u) * stats.norm.pdf(v),
        0, 12, -12, 12, epsabs=1e-12)
    relu_he2 = gaussian.relu_hermite_coefficients(2)[2]
    assert half_plane == pytest.approx(relu_he2 * 2.0 ** -1, abs=1e-10)
    points = np.random.default_rng(7).standard_normal((50, 2))
    for w in itertools.product([-1.0, 1.0], repeat=2):  # the change of coordinates itself
        u = points @ np.array(w) / math.sqrt(2)
        v = (w[0] * points[:, 0] - w[1] * points[:, 1]) / math.sqrt(2)
        assert np.allclose(points[:, 0] * points[:, 1], np.prod(w) * (u**2 - v**2) / 2)
    rng = np.random.default_rng(20240604)
    x = rng.standard_normal((400_000, 4))
    samples = parity_network(x, relu) * np.prod(x, axis=1)
    expected = 2**4 * 4**-2 * gaussian.relu_hermite_coefficients(4)[4]
    assert expected == pytest.approx(-1 / math.sqrt(2 * math.pi), rel=1e-14)
    error = samples.std(ddof=1) / math.sqrt(len(samples))
    assert abs(samples.mean() - expected) < 5 * error
    assert expected**2 == pytest.approx(_degree_k_weight_closed_form(4), rel=1e-14)


def test_exercise_6_4_answer_numbers_shares_of_the_norm():
    """notes/answers.md, exercise 6.4: W_6 = 0.125752; the degree-k share W_k/‖f_S‖² is 0.876,
    0.525, 0.293, 0.160, 0.087 for k = 2..10, while W_k itself grows from k = 6 on
    (0.1258, 0.1399, 0.1840, W_20 = 1.98)."""
    assert round(_degree_k_weight_closed_form(6), 6) == 0.125752
    shares = [_degree_k_weight_closed_form(k) / hard.parity_of_activations_norm_squared(k)
              for k in (2, 4, 6, 8, 10)]
    assert [round(s, 3) for s in shares] == [0.876, 0.525, 0.293, 0.160, 0.087]
    assert [round(_degree_k_weight_closed_form(k), 4) for k in (6, 8, 10)] == [0.1258, 0.1399,
                                                                                 0.1840]
    assert round(_degree_k_weight_closed_form(20), 2) == 1.98
    weights = [_degree_k_weight_closed_form(k) for k in range(6, 61, 2)]
    assert np.all(np.diff(weights) > 0)
    norms = [hard.parity_of_activations_norm_squared(k) for k in range(4, 21, 2)]
    assert np.all(np.diff(norms) > 0)


def test_exercise_6_4_accepts_the_solution_and_rejects_slips():
    def two_to_the_k(k):  # sums the units' correlations but squares only one factor of 2^k
        return _degree_k_weight_closed_form(k) / 2.0**k

    def normalised_coefficient(k):  # uses c_k = E[ReLU He_k]/√k! in place of E[ReLU He_k]
        return _degree_k_weight_closed_form(k) / math.factorial(k)

    def no_scaling(k):  # forgets the 1/√k inside each unit
        return _degree_k_weight_closed_form(k) * float(k) ** k

    def no_trap(k):  # odd k ≥ 3 given ReLU's linear part instead of 0
        return _degree_k_weight_closed_form(k) if k % 2 == 0 or k == 1 else 4.0**k / k**k / 4

    def brute_force(k):  # a sum over the 2^k units by Monte Carlo: noisy, and hopeless at k = 60
        x = np.random.default_rng(k).standard_normal((20_000, k))
        return float(np.mean(parity_network(x, relu) * np.prod(x, axis=1))) ** 2

    for wrong in (two_to_the_k, normalised_coefficient, no_scaling, no_trap, brute_force):
        assert lesson06.ex6_4(wrong).status == "failed", wrong.__name__
    assert lesson06.ex6_4(_degree_k_weight_closed_form).ok


# --------------------------------------------- check your understanding (notes/understanding.md)


def test_understanding_q1_sigmoid_parities_by_k():
    """Q1: sigmoid = 1/2 + tanh(z/2)/2; k = 2 is zero, k = 3 has norm² 0.0098."""
    z = np.linspace(-5, 5, 11)
    assert np.allclose(expit(z), 0.5 + np.tanh(z / 2) / 2)
    with pytest.raises(ValueError):
        hard.parity_of_activations_norm_squared(2, "sigmoid")
    assert round(hard.parity_of_activations_norm_squared(3, "sigmoid"), 4) == 0.0098


def test_understanding_q2_small_plane_family_gives_almost_nothing():
    """Q2: γ = 0.4459 needs τ > 0.67 and gives at most 8(1 − γ)/2 ≈ 2.2 queries; at d = 512
    γ = 1.11e-4 needs only τ > 0.0105."""
    gamma = hard.hidden_plane_family(6, 4, n_planes=8, seed=3).gamma
    assert round(gamma, 4) == 0.4459 and round(math.sqrt(gamma), 2) == 0.67
    assert round(8 * (1 - gamma) / 2, 1) == 2.2
    big = hard.hidden_plane_family(512, 4, planes=hard.random_planes(100, 512, seed=512)).gamma
    assert f"{big:.2e}" == "1.11e-04" and round(math.sqrt(big), 4) == 0.0105


def test_understanding_q3_bounds_recomputed_from_the_printed_values():
    """Q3: 10^23.52·2^-20/2 = 10^17.20; 10^2.89(0.03125 − 0.000977)/2 ≈ 11.7; at 2^20 the
    tolerance costs 12.04 and 3 orders of magnitude; √d/(4 ln 10) ≈ 111."""
    assert round(23.52 + math.log10(2**-20 / 2), 2) == 17.20
    assert round(10**2.89 * (0.03125 - 0.000977) / 2, 1) == 11.7
    assert round(1024**-0.25, 3) == 0.177
    assert round(-math.log10(2**-40), 2) == 12.04 and round(-math.log10(2**-10)) == 3
    assert round(102.03 - 12.04 - 0.30, 1) == 89.7 and round(102.03 + math.log10(2**-41), 1) == 89.7
    assert round(110.60 + math.log10((2**-10 - 2**-20) / 2), 2) == 107.29
    assert round(math.sqrt(2**20) / (4 * math.log(10))) == 111
