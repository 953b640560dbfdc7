"""Tests for csqlab.hard (the HardFamily object) and csqlab.hard.classical: parities,
orbit-averaged parities, parities of activations and hidden planes (lessons 2–3, 6–10;
the families the paper lifts, Theorems C and D). Every closed form is checked by a second route: enumeration of the
cube, Monte Carlo with standard errors, polar quadrature, Mehler series, brute force."""

import itertools
import math
import time
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab import groups as G
from csqlab.boolean import cube, parity
from csqlab.gaussian import (
    hermite_coefficients,
    hermite_normalised,
    polar_expectation,
    relu_hermite_coefficients,
)
from csqlab.hard import FamilyGram, HardFamily
from csqlab.hard import classical as C
from csqlab.hard.classical import _alternating_relu_sum, _parity_of_activations_values

SETTINGS = settings(max_examples=10, deadline=None)


def assert_within_errors(estimate: FamilyGram, expected, n_errors=4.0):
    """Monte Carlo Gram within n_errors standard errors of the exact one, entrywise."""
    deviation = np.abs(estimate.gram - expected)
    assert np.all(deviation <= n_errors * estimate.standard_error + 1e-12), deviation.max()


POLAR = {"n_angular": 32, "points_per_panel": 16}  # spectrally accurate per sector


def plane_kink_angles(k):
    # ReLU(⟨θ_m, z⟩) is kinked on the line perpendicular to θ_m
    return tuple(math.pi * m / k + math.pi / 2 for m in range(1, k + 1))


# --------------------------------------------------------------------------- parities


def test_parity_gram_is_identity_by_enumeration_lesson2():
    """Lesson 2: the C(8, 3) degree-3 parities are exactly orthonormal on the cube."""
    family = C.parity_family(8, 3)
    assert family.size == math.comb(8, 3) == len(family)
    enumerated = family.gram(method="enumeration")
    np.testing.assert_allclose(enumerated.gram, np.eye(56), atol=1e-12)
    np.testing.assert_array_equal(family.gram().gram, np.eye(56))
    assert family.gamma == 0.0 and enumerated.gamma < 1e-12
    # the members are the parities themselves
    x = cube(8, np.float64)
    np.testing.assert_array_equal(family.evaluate(x, [5])[:, 0], parity(family.members[5], x))


def test_parity_family_holds_a_few_members_of_a_huge_family():
    """Lesson 3: the bound counts all C(n, k) members even when only a few are held."""
    family = C.parity_family(200, 10, subsets=[tuple(range(10)), tuple(range(5, 15))])
    assert family.size == math.comb(200, 10)
    assert family.log10_size == pytest.approx(math.log10(math.comb(200, 10)))
    assert len(family) == 2
    with pytest.raises(ValueError, match="MAX_MEMBERS"):
        C.parity_family(200, 10)


@pytest.mark.parametrize("group_name", ["cyclic", "dihedral", "generated"])
def test_orbit_averaged_parities_orthonormal_and_invariant_lesson7(group_name):
    """Lesson 7 / the group averaging identity (lessons/notes/glossary.md): √|Orb| R_G χ_S, one per orbit, are exactly orthonormal
    (Gram by enumeration of {±1}^8) and G-invariant (every group element)."""
    n, k = 8, 3
    group = {"cyclic": G.cyclic(n), "dihedral": G.dihedral(n),
             "generated": G.generated_group([np.array([1, 0, 3, 2, 5, 4, 7, 6]),
                                             np.array([2, 3, 0, 1, 6, 7, 4, 5])])}[group_name]
    family = C.parity_family(n, k, group)
    np.testing.assert_allclose(family.gram(method="enumeration").gram, np.eye(len(family)),
                               atol=1e-12)
    x = cube(n, np.float64)
    values = family.evaluate(x)
    for g in group.elements():
        np.testing.assert_allclose(family.evaluate(G.act_on_vectors(g, x)), values, atol=1e-12)
    # second route for the member itself: groups.reynolds on χ_S, times √|Orb(S)|
    representative = family.members[-1]
    orbit_size = len(G.subset_orbit(group, representative))
    averaged = G.reynolds(lambda points: parity(representative, points), group)(x)
    np.testing.assert_allclose(values[:, -1], math.sqrt(orbit_size) * averaged, atol=1e-12)


def brute_force_orbit_count(group, k):
    elements = group.elements()
    canonical = {min(tuple(sorted(int(g[i]) for i in subset)) for g in elements)
                 for subset in itertools.combinations(range(group.degree), k)}
    return len(canonical)


@pytest.mark.parametrize("n,k", [(5, 2), (6, 2), (7, 3), (8, 4)])
def test_orbit_count_shrinks_by_at_most_group_order(n, k):
    """Lesson 7: #orbits = Burnside = brute force ≥ C(n, k)/|G|; S_n collapses the family
    to one member, C_n does not."""
    for group in (G.cyclic(n), G.dihedral(n), G.symmetric(n)):
        family = C.parity_family(n, k, group)
        assert family.size == G.burnside_count(group, k=k)
        if group.order <= 1000:  # brute force over S_8 would take seconds
            assert family.size == brute_force_orbit_count(group, k)
        assert family.size >= math.comb(n, k) / group.order
    assert C.parity_family(n, k, G.cyclic(n)).size == G.cyclic_subset_orbit_count(n, k) > 1
    assert C.parity_family(n, k, G.symmetric(n)).size == 1


@SETTINGS
@given(n=st.integers(3, 7), k=st.integers(1, 3), seed=st.integers(0, 10**6))
def test_orbit_parities_orthonormal_for_random_groups(n, k, seed):
    """Property (lesson 7): for a group generated by a random permutation, orbit-averaged
    parities are orthonormal on the cube and invariant under the generators."""
    k = min(k, n)
    generator = np.random.default_rng(seed).permutation(n)
    group = G.generated_group([generator])
    family = C.parity_family(n, k, group)
    np.testing.assert_allclose(family.gram(method="enumeration").gram, np.eye(len(family)),
                               atol=1e-12)
    x = cube(n, np.float64)
    np.testing.assert_allclose(family.evaluate(G.act_on_vectors(generator, x)),
                               family.evaluate(x), atol=1e-12)


# --------------------------------------------------------------------------- parities of activations


def test_relu_parities_monte_carlo_gram_is_identity_lesson6():
    """Lesson 6 / Goel et al.: parities of ReLUs (n = 6, k = 2) are orthonormal under N(0, I):
    the Monte Carlo Gram is within 4 standard errors of I (diagonal: the exact norm)."""
    family = C.parity_of_activations_family(6, 2)
    assert family.norm == pytest.approx(math.sqrt(0.7267604552648372))
    estimate = family.gram(method="monte_carlo", n_samples=200_000, seed=1)
    assert_within_errors(estimate, np.eye(15))
    assert estimate.standard_error.max() < 0.01


@pytest.mark.parametrize("activation,k", [("relu", 2), ("relu", 4), ("sigmoid", 3),
                                          ("tanh", 3), ("relu", 1)])
def test_parities_of_activations_equal_c_times_parity_on_cube(activation, k):
    """Lesson 6 ("parity in disguise"): on {±1}^n, f_S = c_k(ψ) χ_S with the closed-form c_k;
    hence exactly orthogonal on the cube (enumeration)."""
    n = 6
    constant = C.parity_of_activations_cube_constant(k, activation)
    x = cube(n, np.float64)
    for subset in [tuple(range(k)), tuple(range(n - k, n))]:
        values = C.parity_of_activations(x, subset, activation)
        np.testing.assert_allclose(values, constant * parity(subset, x), atol=1e-12)
    family = C.parity_of_activations_family(n, k, activation, distribution="cube")
    np.testing.assert_allclose(family.gram(method="enumeration").gram, np.eye(len(family)),
                               atol=1e-12)
    if (activation, k) == ("relu", 2):
        assert constant == pytest.approx(math.sqrt(2.0))  # Goel et al. 2020


def mehler_norm_squared(k, coefficients):
    """‖f_S‖² = 2^k Σ_m c_m² A_{k,m}, A_{k,m} = Σ_h C(k,h)(−1)^h (1 − 2h/k)^m (Mehler)."""
    degrees = np.arange(len(coefficients))
    rho = 1.0 - 2.0 * np.arange(k + 1) / k
    weights = np.array([math.comb(k, h) * (-1.0) ** h for h in range(k + 1)])
    alternating = (weights[:, None] * rho[:, None] ** degrees[None, :]).sum(axis=0)
    return 2.0**k * float(np.sum(coefficients**2 * alternating))


def test_alternating_sum_vanishes_below_k_and_for_wrong_parity():
    """The identity behind the parity trap: A_{k,m} = 0 for m < k or m ≢ k (mod 2), and
    A_{k,k} = 2^k k!/k^k (checked against brute force over {±1}^k)."""
    for k in range(1, 7):
        for m in range(0, k + 4):
            brute = sum(math.prod(u) * sum(u) ** m
                        for u in itertools.product([-1, 1], repeat=k)) / k**m
            coefficients = np.zeros(m + 1)
            coefficients[m] = 1.0
            assert mehler_norm_squared(k, coefficients) / 2**k == pytest.approx(brute, abs=1e-12)
            if m < k or (m - k) % 2:
                assert abs(brute) < 1e-12
        assert mehler_norm_squared(k, np.eye(k + 1)[k]) / 2**k == pytest.approx(
            2**k * math.factorial(k) / k**k)


@pytest.mark.parametrize("activation,k", [("sigmoid", 1), ("sigmoid", 3), ("sigmoid", 5),
                                          ("tanh", 3)])
def test_norm_formula_matches_mehler_series_smooth(activation, k):
    """Lesson 6: the kernel-sum norm equals the Mehler/Hermite series (smooth ψ: fast decay)."""
    fn = {"sigmoid": C.ACTIVATIONS["sigmoid"], "tanh": np.tanh}[activation]
    coefficients = hermite_coefficients(fn, 60, normalised=True)
    assert C.parity_of_activations_norm_squared(k, activation) == pytest.approx(
        mehler_norm_squared(k, coefficients), rel=1e-7)


@pytest.mark.parametrize("k", [2, 4])
def test_relu_norm_formula_matches_mehler_series_and_hermite_lower_bound(k):
    """Lesson 6: ReLU norm by the arc-cosine kernel vs the Mehler series (closed-form Hermite
    coefficients, slow m^{-3/2} tail) and ≥ the degree-k term 4^k c_k² k!/k^k."""
    exact = C.parity_of_activations_norm_squared(k)
    coefficients = relu_hermite_coefficients(20_000, normalised=True)
    assert exact == pytest.approx(mehler_norm_squared(k, coefficients), rel=1e-4)
    lower = 4.0**k * coefficients[k] ** 2 * math.factorial(k) / k**k
    assert lower <= exact
    if k == 2:
        assert lower == pytest.approx(0.798**2, rel=1e-2)  # Goel et al. 2020


@pytest.mark.parametrize("activation,k", [("relu", 4), ("sigmoid", 3)])
def test_norm_formula_matches_monte_carlo(activation, k):
    """Lesson 6: ‖f_S‖² closed form vs Monte Carlo under N(0, I_k) within 4 standard errors."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((400_000, k))
    squares = _parity_of_activations_values(x, tuple(range(k)), C.ACTIVATIONS[activation]) ** 2
    error = squares.std(ddof=1) / math.sqrt(len(squares))
    exact = C.parity_of_activations_norm_squared(k, activation)
    assert abs(squares.mean() - exact) <= 4 * error


@pytest.mark.parametrize("activation,k", [("relu", 3), ("relu", 5), ("sigmoid", 2),
                                          ("sigmoid", 4), ("tanh", 2)])
def test_zero_family_raises_and_really_is_zero(activation, k):
    """The activation/degree trap (lessons/notes/glossary.md): with the wrong activation/degree parity f_S ≡ 0; the library refuses
    to build such a family, and the raw network is numerically zero."""
    with pytest.raises(ValueError, match="identically zero"):
        C.parity_of_activations_norm_squared(k, activation)
    with pytest.raises(ValueError, match="identically zero"):
        C.parity_of_activations_family(k + 2, k, activation)
    with pytest.raises(ValueError, match="identically zero"):
        C.parity_of_activations(np.zeros((1, k)), tuple(range(k)), activation)
    x = np.random.default_rng(0).standard_normal((1000, k + 1)) * 3
    values = _parity_of_activations_values(x, tuple(range(k)), C.ACTIVATIONS[activation])
    assert np.max(np.abs(values)) < 1e-12


def test_relu_parity_with_k_equal_one_is_the_coordinate():
    """ReLU(x) − ReLU(−x) = x: k = 1 is allowed and gives the linear function."""
    x = np.random.default_rng(0).standard_normal((10, 3))
    np.testing.assert_allclose(C.parity_of_activations(x, (1,)), x[:, 1], atol=1e-15)


# ------------------------------------------------- large k: the alternating sums cancel (issue 13)


def mpmath_relu_norm_squared(mp, k):
    """‖f_S‖² = 2^k Σ_{h=0}^k C(k,h)(−1)^h κ(1 − 2h/k) at 60 + k digits, written straight from
    the definition: the full sum over h, the arc-cosine kernel with mpmath's acos and pi."""
    with mp.workdps(60 + k):
        def kernel(rho):
            return (mp.sqrt(1 - rho**2) + rho * (mp.pi - mp.acos(rho))) / (2 * mp.pi)
        terms = [mp.mpf(2) ** k * mp.binomial(k, h) * (-1) ** h * kernel(mp.mpf(k - 2 * h) / k)
                 for h in range(k + 1)]
        return mp.fsum(terms), mp.fsum(abs(term) for term in terms)


def test_relu_norm_squared_matches_mpmath_for_every_k_up_to_40():
    """Issue 13: the alternating kernel sum cancels ~0.3 k digits (float: 1e-10 relative error
    at k = 16, 2e-8 at k = 20, "identically zero" from k = 22). Every k ≤ 40 (and 100, 200)
    against mpmath to 1e-12; odd k ≥ 3 raise, and mpmath confirms those sums are 0."""
    mp = pytest.importorskip("mpmath")
    for k in [*range(1, 41), 100, 200]:
        exact, scale = mpmath_relu_norm_squared(mp, k)
        if k % 2 == 1 and k >= 3:
            assert abs(exact) < mp.mpf(10) ** -(50 + k) * scale, k
            with pytest.raises(ValueError, match="identically zero"):
                C.parity_of_activations_norm_squared(k)
        else:
            value = C.parity_of_activations_norm_squared(k)
            assert abs(value - exact) <= 1e-12 * abs(exact), (k, value, exact)


def test_relu_norm_squared_quoted_large_k_values_and_speed():
    """Issue 13 numbers: k = 22 → 1673.44, k = 24 → 5627.05, k = 30 → 2.32e5; all k ≤ 40
    from an empty cache well under a second; ReLU k is capped at MAX_RELU_DEGREE."""
    assert C.parity_of_activations_norm_squared(22) == pytest.approx(1673.44, abs=0.005)
    assert C.parity_of_activations_norm_squared(24) == pytest.approx(5627.05, abs=0.005)
    assert C.parity_of_activations_norm_squared(30) == pytest.approx(2.32051e5, rel=1e-5)
    C._relu_norm_squared.cache_clear()
    start = time.perf_counter()
    values = [C.parity_of_activations_norm_squared(k) for k in range(2, 41, 2)]
    assert time.perf_counter() - start < 1.0
    assert all(b > a for a, b in zip(values[2:], values[3:], strict=False))  # grows from k = 6
    with pytest.raises(ValueError, match=f"k must be at most MAX_RELU_DEGREE = {C.MAX_RELU_DEGREE}"):
        C.parity_of_activations_norm_squared(C.MAX_RELU_DEGREE + 2)
    with pytest.raises(TypeError, match="k must be an integer"):
        C.parity_of_activations_norm_squared(22.0)
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        C.parity_of_activations_norm_squared(0)


def exact_alternating_moment(k, m):
    """A_{k,m} = k^{−m} Σ_{h=0}^k C(k,h)(−1)^h (k − 2h)^m as an exact Fraction (full sum)."""
    return Fraction(sum(math.comb(k, h) * (-1) ** h * (k - 2 * h) ** m for h in range(k + 1)),
                    k**m)


@pytest.mark.parametrize("k", [2, 4, 10, 16, 20, 22, 24, 30, 40])
def test_relu_degree_weights_match_exact_moments_at_large_k(k):
    """Issue 13: W_m = 2^k c_m² A_{k,m}, with A_{k,m} from exact integers (the float alternating
    sum loses ~0.4 k digits near m = k); W_k = 4^k c_k² k!/k^k. Summed to m = 20000 the
    weights approach ‖f_S‖² from below (m^{-3/2} tail). k ≥ 22 used to raise."""
    max_degree = 20_000
    weights = C.parity_of_activations_degree_weights(k, "relu", max_degree)
    coefficients = relu_hermite_coefficients(max_degree, normalised=True)
    for m in range(3 * k + 1):
        expected = 2.0**k * coefficients[m] ** 2 * float(exact_alternating_moment(k, m))
        assert weights[m] == pytest.approx(expected, rel=1e-13, abs=0.0), (k, m)
    assert weights[k] == pytest.approx(4.0**k * coefficients[k] ** 2 * math.factorial(k) / k**k,
                                       rel=1e-13)
    for m in (3 * k + 2, 10 * k, 1000, max_degree):  # the float branch, well conditioned
        expected = 2.0**k * coefficients[m] ** 2 * float(exact_alternating_moment(k, m))
        assert weights[m] == pytest.approx(expected, rel=1e-11), (k, m)
    norm_squared = C.parity_of_activations_norm_squared(k)
    assert 0 < norm_squared - weights.sum() < 1e-3 * norm_squared


def test_large_k_families_and_networks_are_built_for_relu():
    """Issue 13: the Gaussian family, the cube family and the network at k = 22, 24, 30 used to
    raise "identically zero"; the norm is ‖f_S‖, odd k still raise (decided exactly)."""
    for k in (22, 24, 30):
        family = C.parity_of_activations_family(k, k)
        assert family.size == 1
        assert family.norm == pytest.approx(math.sqrt(C.parity_of_activations_norm_squared(k)))
        cube_family = C.parity_of_activations_family(k, k, distribution="cube")
        assert cube_family.norm == abs(C.parity_of_activations_cube_constant(k))
    # the network itself has 2^22 units (a 740 MB sign table): check only that it is allowed
    called = []
    original = C._parity_of_activations_values
    try:
        C._parity_of_activations_values = lambda x, subset, psi: called.append(len(subset))
        C.parity_of_activations(np.zeros((1, 22)), tuple(range(22)))
    finally:
        C._parity_of_activations_values = original
    assert called == [22]
    for k in (21, 23, 39):
        with pytest.raises(ValueError, match="identically zero"):
            C.parity_of_activations_family(k, k)
        with pytest.raises(ValueError, match="identically zero"):
            C.parity_of_activations_degree_weights(k)
        with pytest.raises(ValueError, match="identically zero"):
            C.parity_of_activations(np.zeros((1, k)), tuple(range(k)))


def test_relu_cube_constant_matches_mpmath_and_vanishes_exactly_for_odd_k():
    """c_k(ReLU) = Σ_h C(k,h)(−1)^h ReLU((k − 2h)/√k) is an integer over √k: correctly rounded
    for every k ≤ 40 (float terms reach 2^k); exactly 0 for odd k ≥ 3 (the same parity trap as
    under N(0, I)), where the cube family is refused."""
    mp = pytest.importorskip("mpmath")
    for k in range(1, 41):
        with mp.workdps(60 + k):
            terms = [mp.binomial(k, h) * (-1) ** h * max(mp.mpf(k - 2 * h), 0) / mp.sqrt(k)
                     for h in range(k + 1)]
            exact, scale = mp.fsum(terms), mp.fsum(abs(term) for term in terms)
        value = C.parity_of_activations_cube_constant(k)
        if k % 2 == 1 and k >= 3:
            assert value == 0.0 and abs(exact) < mp.mpf(10) ** -(50 + k) * scale, k
            with pytest.raises(ValueError, match="zero on the cube"):
                C.parity_of_activations_family(k, k, distribution="cube")
        else:
            assert value == float(exact), k
    assert C.parity_of_activations_cube_constant(2) == math.sqrt(2.0)


def test_smooth_activations_zero_is_exact_and_large_k_is_refused_by_name():
    """sigmoid and tanh: even k vanish (decided exactly, at any k); odd k whose quadrature sum
    would cancel below 1e-6 relative accuracy raise ValueError naming k and the limit instead of
    the old, false "identically zero"; those that remain match the Mehler series."""
    for activation in ("sigmoid", "tanh"):
        for k in (2, 16, 20, 40):
            with pytest.raises(ValueError, match="identically zero"):
                C.parity_of_activations_norm_squared(k, activation)
    for activation, k in [("sigmoid", 11), ("sigmoid", 13), ("tanh", 17), ("tanh", 21)]:
        with pytest.raises(ValueError, match=f"k = {k} is too large .* above the limit 1e-06"):
            C.parity_of_activations_norm_squared(k, activation)
        weights = C.parity_of_activations_degree_weights(k, activation, 3 * k)  # still allowed
        assert weights[k] > 0 and np.all(weights[:k] == 0.0)
    coefficients = hermite_coefficients(np.tanh, 80, normalised=True)
    for k in (7, 9):
        assert C.parity_of_activations_norm_squared(k, "tanh") == pytest.approx(
            2.0**k * float(np.sum(coefficients**2 * C._alternating_moments(k, 80))), rel=1e-6)


def test_orbit_averaged_relu_parities_lesson9():
    """Theorem D: R_G f_S (one per C_6-orbit of 2-subsets) are orthogonal across orbits with
    ‖R_G f_S‖² = ‖f_S‖²/|Orb(S)| (Monte Carlo Gram ≈ I within 4 SE), G-invariant, and equal
    to groups.reynolds applied to f_S."""
    n, k = 6, 2
    group = G.cyclic(n)
    family = C.parity_of_activations_family(n, k, group=group)
    orbit_sizes = np.array([len(G.subset_orbit(group, s)) for s in family.members])
    assert sorted(orbit_sizes.tolist()) == [3, 6, 6]
    norm_squared = C.parity_of_activations_norm_squared(k)
    np.testing.assert_allclose(family.norm**2, norm_squared / orbit_sizes)
    assert_within_errors(family.gram(method="monte_carlo", n_samples=200_000, seed=3),
                         np.eye(len(family)))
    x = family.sample(500, seed=4)
    values = family.evaluate(x)
    for g in group.elements():
        np.testing.assert_allclose(family.evaluate(G.act_on_vectors(g, x)), values, atol=1e-12)
    subset = family.members[1]
    averaged = G.reynolds(lambda p: C.parity_of_activations(p, subset), group)(x)
    np.testing.assert_allclose(family.evaluate(x, [1], normalised=False)[:, 0], averaged,
                               atol=1e-12)
    # on the cube the same construction is exactly orthonormal (enumeration)
    cube_family = C.parity_of_activations_family(8, 2, group=G.cyclic(8), distribution="cube")
    np.testing.assert_allclose(cube_family.gram(method="enumeration").gram,
                               np.eye(len(cube_family)), atol=1e-12)


# --------------------------------------------------------------------------- hidden planes


@pytest.mark.parametrize("k", [2, 4, 6])
def test_hidden_plane_orthogonal_to_polynomials_of_degree_below_k(k):
    """Diakonikolas et al. 2020, the low-degree lemma: F ⊥ every monomial s^a t^b with a + b < k (polar quadrature,
    to 1e-10), but NOT to every degree-k monomial (test '< k', not '≤ k')."""
    angles = plane_kink_angles(k)
    norm = math.sqrt(C.hidden_plane_norm_squared(k))
    for a in range(k):
        for b in range(k - a):
            value = polar_expectation(
                lambda s, t, a=a, b=b: C.hidden_plane_function(s, t, k) * s**a * t**b, angles,
                **POLAR)
            assert abs(value) < 1e-10, (a, b, value)
    degree_k = [polar_expectation(lambda s, t, a=a: C.hidden_plane_function(s, t, k) * s**a
                                  * t ** (k - a), angles, **POLAR) / norm for a in range(k + 1)]
    assert max(abs(v) for v in degree_k) > 0.05


def test_hidden_plane_degree_four_correlation_value():
    """k = 4: the un-normalised ⟨F, s⁴⟩ = −‖F‖ · 1.1674 ≈ −0.399, the "≈ 0.40 at degree 4" of
    Diakonikolas, Kane, Kontonis, Zarifis 2020 (cross-checked by Monte Carlo); also F flips sign under the rotation by π/k."""
    k = 4
    angles = plane_kink_angles(k)
    value = polar_expectation(lambda s, t: C.hidden_plane_function(s, t, k) * s**4, angles)
    assert value == pytest.approx(-0.40, abs=0.005)
    z = np.random.default_rng(1).standard_normal((400_000, 2))
    products = C.hidden_plane_function(z[:, 0], z[:, 1], k) * z[:, 0] ** 4
    assert abs(products.mean() - value) <= 4 * products.std(ddof=1) / math.sqrt(len(z))
    z = np.random.default_rng(0).standard_normal((100, 2))
    c, s = math.cos(math.pi / k), math.sin(math.pi / k)
    rotated = z @ np.array([[c, -s], [s, c]]).T
    np.testing.assert_allclose(C.hidden_plane_function(rotated[:, 0], rotated[:, 1], k),
                               -C.hidden_plane_function(z[:, 0], z[:, 1], k), atol=1e-12)


@pytest.mark.parametrize("k", [1, 2, 4, 6, 8])
def test_hidden_plane_norm_closed_form_vs_quadrature_and_monte_carlo(k):
    """‖F‖² by the arc-cosine kernel sum vs polar quadrature (1e-10) vs Monte Carlo (4 SE)."""
    exact = C.hidden_plane_norm_squared(k)
    quadrature = polar_expectation(lambda s, t: C.hidden_plane_function(s, t, k) ** 2,
                                   plane_kink_angles(k))
    assert quadrature == pytest.approx(exact, abs=1e-10)
    z = np.random.default_rng(k).standard_normal((200_000, 2))
    squares = C.hidden_plane_function(z[:, 0], z[:, 1], k) ** 2
    assert abs(squares.mean() - exact) <= 4 * squares.std(ddof=1) / math.sqrt(len(squares))


def test_paper_section_4_3_check_norm_and_group_average():
    """Our check (lesson 9): n = 32, k = 4: ‖F‖² ≈ 0.117 and ‖R_G f_U‖² ≈ ‖f_U‖²/32 under cyclic shifts,
    computed exactly (Σ_g ⟨f_U, f_{U P_g}⟩/|G|) and by Monte Carlo through groups.reynolds."""
    n, k = 32, 4
    assert C.hidden_plane_norm_squared(k) == pytest.approx(0.117, abs=5e-4)
    group = G.cyclic(n)
    plane = C.random_planes(1, n, seed=0)[0]
    # (f∘g)(x) = F(U P_g x)/‖F‖ = f_{U P_g}(x)
    exact = np.mean([C.hidden_plane_correlation(plane, plane @ G.permutation_matrix(g), k)
                     for g in group.elements()])
    assert 0.5 / n < exact < 2.0 / n
    family = C.hidden_plane_family(n, k, planes=plane[None])
    x = family.sample(40_000, seed=5)
    averaged = G.reynolds(lambda p: family.evaluate(p)[:, 0], group)(x)
    squares = averaged**2
    assert abs(squares.mean() - exact) <= 4 * squares.std(ddof=1) / math.sqrt(len(x))


def test_hidden_plane_correlation_exact_vs_monte_carlo_and_hermite_bound():
    """Lesson 8: exact ⟨f_U, f_V⟩ (kernel sum) vs the family's Monte Carlo Gram (4 SE), and
    the Hermite bound |⟨f_U, f_V⟩| ≤ ‖UVᵀ‖_op^k on random pairs."""
    d, k = 5, 4
    family = C.hidden_plane_family(d, k, n_planes=6, seed=2)
    exact = family.gram()
    np.testing.assert_allclose(np.diag(exact.gram), 1.0, atol=1e-12)
    assert family.gamma == pytest.approx(exact.gamma)
    estimate = family.gram(method="monte_carlo", n_samples=200_000, seed=6)
    assert_within_errors(estimate, exact.gram)
    assert exact.gamma > 0.05  # small d: the correlations are really there to be checked
    overlaps = C.plane_overlaps(C.random_planes(6, d, seed=2))
    bound = overlaps**k
    assert np.all(np.abs(exact.gram) <= bound + 1e-12)
    planes = C.random_planes(400, 4, seed=9)
    for u, v in zip(planes[::2], planes[1::2], strict=True):
        correlation = C.hidden_plane_correlation(u, v, k)
        assert abs(correlation) <= np.linalg.norm(u @ v.T, 2) ** k + 1e-12


def test_hidden_plane_family_members_are_f_U():
    """The family evaluates F(Ux)/‖F‖ (compare with hidden_plane_function on U x)."""
    family = C.hidden_plane_family(7, 4, n_planes=3, seed=0)
    planes = C.random_planes(3, 7, seed=0)
    x = family.sample(50, seed=1)
    projected = x @ planes[2].T
    expected = C.hidden_plane_function(projected[:, 0], projected[:, 1], 4) / family.norm
    np.testing.assert_allclose(family.evaluate(x, [2])[:, 0], expected, atol=1e-12)
    assert family.correlation(0, 1) == pytest.approx(
        C.hidden_plane_correlation(planes[0], planes[1], 4))


def test_odd_k_hidden_plane_is_zero_and_refused():
    """Diakonikolas et al. 2020 and the activation/degree trap (lessons/notes/glossary.md): ReLU with odd k ≥ 3 gives F ≡ 0; the library refuses it."""
    for k in (3, 5):
        z = np.random.default_rng(k).standard_normal((1000, 2)) * 3
        assert np.max(np.abs(_alternating_relu_sum(z[:, 0], z[:, 1], k))) < 1e-12
        with pytest.raises(ValueError, match="identically zero"):
            C.hidden_plane_norm_squared(k)
        with pytest.raises(ValueError, match="identically zero"):
            C.hidden_plane_family(8, k, n_planes=2)


def test_random_planes_and_overlaps():
    """random_planes gives orthonormal rows; plane_overlaps equals the top singular value;
    the summary's correlation bound is max_overlap^k."""
    planes = C.random_planes(20, 10, seed=3)
    np.testing.assert_allclose(planes @ planes.transpose(0, 2, 1), np.broadcast_to(np.eye(2),
                               (20, 2, 2)), atol=1e-12)
    overlaps = C.plane_overlaps(planes)
    i, j = 3, 11
    assert overlaps[i, j] == pytest.approx(np.linalg.svd(planes[i] @ planes[j].T)[1][0])
    np.testing.assert_allclose(np.diag(overlaps), 1.0)
    summary = C.plane_overlap_summary(planes, 4)
    off = overlaps[~np.eye(20, dtype=bool)]
    assert summary.max_overlap == pytest.approx(off.max())
    assert summary.correlation_bound == pytest.approx(off.max() ** 4)


def test_overlap_tail_bound_and_beta_law():
    """Our counting estimate: ‖P_U v‖² ~ Beta(1, (d−2)/2) (survival (1−s)^{(d−2)/2}, checked by
    Monte Carlo), and the union bound 2(1 − t²/2)^{(d−2)/2} dominates the empirical tail."""
    d = 12
    rng = np.random.default_rng(11)
    v = rng.standard_normal((200_000, d))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    projection = (v[:, :2] ** 2).sum(axis=1)  # U = first two coordinates
    for s in (0.1, 0.3, 0.5):
        empirical = np.mean(projection > s)
        exact = (1 - s) ** ((d - 2) / 2)
        assert abs(empirical - exact) <= 4 * math.sqrt(exact * (1 - exact) / len(v))
    planes = C.random_planes(2000, d, seed=12)
    overlaps = np.linalg.norm(np.einsum("iad,ibd->iab", planes[::2], planes[1::2]), 2, axis=(1, 2))
    for t in (0.5, 0.7, 0.9):
        assert np.mean(overlaps > t) <= C.random_plane_overlap_tail(d, t) + 0.02
    sizes = C.log10_hidden_plane_family_size(np.array([100, 1000, 10_000]),
                                             np.array([100, 1000, 10_000]) ** -0.25)
    assert np.all(np.diff(sizes) > 0)
    # ≈ d^{2c}/(4 ln 10) − log10 4 with c = 1/4: √d/(4 ln 10) − log10 4
    assert sizes[-1] == pytest.approx(100 / (4 * math.log(10)) - math.log10(4), rel=0.01)


# --------------------------------------------------------------------------- sizes and curves


def test_family_size_curves_feed_bound_curve():
    """Lesson 3/9: log10 sizes match math.comb; C(n, log n) is superpolynomial (log10 m /
    log10 n grows); the orbit family loses at most log10|G|; bound curves use γ = 0 / t^k."""
    ns = np.array([16, 64, 256, 1024])
    ks = C.log_degree(ns)
    np.testing.assert_array_equal(ks, [4, 6, 8, 10])
    expected = [math.log10(math.comb(int(n), int(k))) for n, k in zip(ns, ks, strict=True)]
    np.testing.assert_allclose(C.log10_parity_family_size(ns), expected, rtol=1e-10)
    assert np.all(np.diff(C.log10_parity_family_size(ns) / np.log10(ns)) > 0)
    lower = C.log10_orbit_family_size_lower_bound(ns, group_order=lambda n: n)
    np.testing.assert_allclose(lower, np.array(expected) - np.log10(ns), rtol=1e-10)
    curve = C.parity_bound_curve(ns, 0.01, group_order=lambda n: n)
    np.testing.assert_allclose(curve.log10_min_queries, lower + math.log10(1e-4 / 2), rtol=1e-10)
    plane_curve = C.hidden_plane_bound_curve(np.array([100.0, 10_000.0]), 4, 0.25, 0.5)
    np.testing.assert_allclose(plane_curve.gamma, np.array([100.0, 10_000.0]) ** (-1.0))
    assert np.all(plane_curve.applicable)
    assert C.log_degree(10, even=True) == 4


# --------------------------------------------------------------------------- the object and bad input


def test_torch_input_gives_torch_output():
    family = C.parity_of_activations_family(5, 2)
    x = torch.randn(4, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    out = family.evaluate(x)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    np.testing.assert_allclose(out.numpy(), family.evaluate(x.numpy()))


def test_bad_input_raises_clear_errors():
    """Validation at the public boundary: the message names the argument."""
    with pytest.raises(ValueError, match="k must be at most n"):
        C.parity_family(3, 4)
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        C.parity_of_activations_family(5, 0)
    with pytest.raises(ValueError, match="orthonormal"):
        C.hidden_plane_correlation(np.ones((2, 4)), np.eye(2, 4), 4)
    with pytest.raises(ValueError, match="orthonormal"):
        C.hidden_plane_family(4, 4, planes=np.ones((1, 2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        C.hidden_plane_correlation(np.full((2, 4), np.nan), np.eye(2, 4), 4)
    family = C.parity_family(4, 2)
    with pytest.raises(ValueError, match="x contains NaN"):
        family.evaluate(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 4\)"):
        family.evaluate(np.ones((2, 5)))
    with pytest.raises(ValueError, match="members must be positions"):
        family.evaluate(np.ones((2, 4)), [7])
    with pytest.raises(ValueError, match="x contains NaN"):
        C.parity_of_activations(np.full((1, 3), np.nan), (0, 1))
    with pytest.raises(ValueError, match="group must act on n = 5"):
        C.parity_family(5, 2, G.cyclic(4))
    with pytest.raises(ValueError, match="subsets cannot be given with a group"):
        C.parity_family(5, 2, G.cyclic(5), subsets=[(0, 1)])
    with pytest.raises(ValueError, match="subsets must hold k = 2"):
        C.parity_family(5, 2, subsets=[(0, 1, 2)])
    with pytest.raises(ValueError, match="activation must be"):
        C.parity_of_activations_family(5, 2, "softplus")
    with pytest.raises(ValueError, match="distribution must be"):
        C.parity_of_activations_family(5, 2, distribution="sphere")
    with pytest.raises(ValueError, match="exactly one of n_planes or planes"):
        C.hidden_plane_family(4, 4)
    with pytest.raises(ValueError, match="method must be"):
        family.gram(method="guess")
    with pytest.raises(ValueError, match="needs a cube family"):
        C.parity_of_activations_family(4, 2).gram(method="enumeration")
    with pytest.raises(ValueError, match="overlap must be in"):
        C.random_plane_overlap_tail(10, 2.0)
    with pytest.raises(ValueError, match="members must hold at least one member"):
        HardFamily("empty", [], lambda x, i: x, (2,), "cube", lambda n, g: None)
    no_exact = HardFamily("no exact", [0], lambda x, i: x[:, :1], (2,), "gaussian",
                          lambda n, g: g.standard_normal((n, 2)))
    with pytest.raises(ValueError, match="no exact correlation"):
        no_exact.correlation(0, 0)


# --------------------------------------------------------------------------- Hermite spectra (lesson 6)


def test_parity_of_activations_degree_weights_vanish_below_k_and_sum_to_the_norm():
    """Lesson 6: f_S has no Hermite mass below degree k nor at m ≢ k (mod 2) (exact zeros);
    the weights sum to ‖f_S‖² from the arc-cosine kernel (a second route)."""
    for activation, k, max_degree, rel in [("relu", 2, 20_000, 1e-4), ("relu", 4, 20_000, 1e-4),
                                           ("sigmoid", 3, 60, 1e-7), ("tanh", 1, 60, 1e-7)]:
        weights = C.parity_of_activations_degree_weights(k, activation, max_degree)
        degrees = np.arange(max_degree + 1)
        assert np.all(weights[(degrees < k) | ((degrees - k) % 2 == 1)] == 0.0)
        assert weights[k] > 0
        assert weights.sum() == pytest.approx(C.parity_of_activations_norm_squared(k, activation),
                                              rel=rel)
    with pytest.raises(ValueError, match="identically zero"):
        C.parity_of_activations_degree_weights(3, "relu")


def test_relu_parity_degree_weights_match_quadrature_projections():
    """Lesson 6, k = 2: W_2 = ⟨f_S, h_1 ⊗ h_1⟩² and W_4 = ⟨f_S, h_1 ⊗ h_3⟩² + ⟨f_S, h_3 ⊗ h_1⟩²
    (the only degree-2, 4 Hermite monomials odd in both coordinates), by polar quadrature."""
    weights = C.parity_of_activations_degree_weights(2, "relu", 4)
    kinks = (math.pi / 4, 3 * math.pi / 4)  # ReLU((±s ± t)/√2) is kinked on the diagonals

    def projection(a, b):
        return polar_expectation(
            lambda s, t: C.parity_of_activations(np.stack([s, t], axis=1), (0, 1))
            * hermite_normalised(a, s) * hermite_normalised(b, t), kinks, **POLAR)

    assert weights[2] == pytest.approx(projection(1, 1) ** 2, rel=1e-9)
    assert weights[4] == pytest.approx(projection(1, 3) ** 2 + projection(3, 1) ** 2, rel=1e-9)
    assert abs(projection(2, 0)) < 1e-12 and abs(projection(0, 0)) < 1e-12


@pytest.mark.parametrize("k", [1, 2, 4, 6])
def test_hidden_plane_angular_coefficients_match_fft(k):
    """Lesson 6: the closed-form ĝ_j equal the discrete Fourier transform of g(θ) = F(cos θ,
    sin θ) on a fine grid; only j ≡ k (mod 2k) survive."""
    frequencies, coefficients = C.hidden_plane_angular_coefficients(k, 30)
    n_points = 2**14
    theta = 2 * np.pi * np.arange(n_points) / n_points
    transform = np.fft.fft(C.hidden_plane_function(np.cos(theta), np.sin(theta), k)) / n_points
    np.testing.assert_allclose(transform[frequencies % n_points], coefficients, atol=1e-7)
    assert np.all(coefficients[(frequencies - k) % (2 * k) != 0] == 0.0)
    assert coefficients[frequencies == k][0] != 0.0
    # odd k ≥ 3: every surviving frequency is odd and ≥ 3, where ReLU(cos θ) has no mass
    assert np.all(C.hidden_plane_angular_coefficients(3, 30)[1] == 0.0)


@pytest.mark.parametrize("k,max_degree", [(2, 6), (4, 6)])
def test_hidden_plane_degree_weights_match_polar_quadrature(k, max_degree):
    """Lesson 6: the Laguerre closed form of W_m equals Σ_{a+b=m} ⟨F, h_a ⊗ h_b⟩² by polar
    quadrature; zero below degree k (DKKZ: F ⊥ polynomials of degree < k)."""
    weights = C.hidden_plane_degree_weights(k, max_degree)
    quadrature = np.zeros(max_degree + 1)
    angles = plane_kink_angles(k)
    for a in range(max_degree + 1):
        for b in range(max_degree + 1 - a):
            value = polar_expectation(lambda s, t, a=a, b=b: C.hidden_plane_function(s, t, k)
                                      * hermite_normalised(a, s) * hermite_normalised(b, t),
                                      angles, n_angular=16, points_per_panel=12)
            quadrature[a + b] += value**2
    np.testing.assert_allclose(weights, quadrature, rtol=1e-8, atol=1e-14)
    assert np.all(weights[:k] == 0.0) and weights[k] > 0


@pytest.mark.parametrize("k", [1, 2, 4, 6])
def test_hidden_plane_degree_weights_sum_to_the_norm(k):
    """Parseval: Σ_m W_m = ‖F‖² (arc-cosine kernel route), up to the m^{−3/2} tail."""
    weights = C.hidden_plane_degree_weights(k, 4000)
    assert weights.sum() == pytest.approx(C.hidden_plane_norm_squared(k), rel=1e-4)
    if k == 2:  # the k = 2 plane function is |s| − |t|, a rotated parity of two ReLUs
        np.testing.assert_allclose(weights[:50],
                                   C.parity_of_activations_degree_weights(2, "relu", 49),
                                   rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_parities_of_activations_evaluated_together_equal_the_defining_sum(activation):
    """The teachers of an experiment are evaluated for all members (and all subsets of an
    orbit) in one pass: the values equal the defining sum Σ_w χ(w) ψ(⟨w, x_S⟩/√k) written
    out over w ∈ {±1}^k one term at a time, and the orbit averages equal the mean of the
    one-subset values over the orbit — bit for bit, so shipped results stay reproducible."""
    psi = {"relu": lambda t: np.maximum(t, 0.0), "sigmoid": lambda t: 1 / (1 + np.exp(-t))}[
        activation]
    n, k = 9, 3 if activation == "sigmoid" else 4
    x = np.random.default_rng(3).standard_normal((64, n))
    family = C.parity_of_activations_family(n, k, activation=activation)
    members = [0, 5, 17, len(family) - 1]
    together = family.evaluate(x, members, normalised=False)
    for column, position in enumerate(members):
        subset = list(family.members[position])
        direct = sum(np.prod(w) * psi(x[:, subset] @ np.array(w) / math.sqrt(k))
                     for w in itertools.product([1.0, -1.0], repeat=k))
        np.testing.assert_allclose(together[:, column], direct, rtol=1e-12, atol=1e-12)
        assert np.array_equal(together[:, column], _parity_of_activations_values(
            x, tuple(subset), C.ACTIVATIONS[activation]))
    group = G.cyclic(n)
    averaged = C.parity_of_activations_family(n, k, activation=activation, group=group)
    values = averaged.evaluate(x, normalised=False)
    for column, representative in enumerate(averaged.members):
        orbit = G.subset_orbit(group, representative)
        total = 0.0
        for subset in orbit:
            total = total + _parity_of_activations_values(x, tuple(subset),
                                                          C.ACTIVATIONS[activation])
        assert np.array_equal(values[:, column], total / len(orbit))


def test_members_asked_for_twice_are_the_same_columns_as_each_member_alone():
    """Lesson 9's teachers for more seeds than orbits: a repeated member (computed once)
    gives exactly the column of that member evaluated alone, in the order asked."""
    family = C.parity_of_activations_family(8, 4, group=G.cyclic(8))
    x = family.sample(50, seed=3)
    chosen = [4, 1, 4, 0, 1, 9]
    together = family.evaluate(x, chosen)
    alone = np.stack([family.evaluate(x, [i])[:, 0] for i in chosen], axis=1)
    assert together.shape == (50, 6)
    assert np.array_equal(together, alone)
