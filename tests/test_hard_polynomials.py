"""Tests for csqlab.hard.polynomials: invariant polynomials, hard for CSQ and easy for a label
transform (lesson 10; the paper's invariant polynomials, our construction). Every claim is checked by a second
route: Hermite orthonormality vs monomial expansion vs 2-point Gauss–Hermite quadrature vs
Monte Carlo with standard errors; realising networks vs the family's own evaluation."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab import bounds, groups, models
from csqlab.gaussian import gauss_hermite_expectation, half_line_expectation, hermite
from csqlab.hard import HardFamily
from csqlab.hard import polynomials as P
from csqlab.training import members

SETTINGS = settings(max_examples=8, deadline=None)


def within_errors(estimate, expected, n_errors=4.5):
    deviation = np.abs(estimate.gram - expected)
    return bool(np.all(deviation <= n_errors * estimate.standard_error + 1e-12))


# --------------------------------------------------------------------------- orbit sums


@pytest.mark.parametrize("group_name", ["trivial", "cyclic", "dihedral"])
def test_orbit_sums_orthonormal_by_three_routes_lesson10(group_name):
    """Lesson 10: orbit sums are exactly orthonormal — Hermite argument (exact), monomial
    expansion, and the 2-point Gauss–Hermite rule (exact for multilinear products) agree."""
    n, k = 7, 3
    group = getattr(groups, group_name)(n)
    family = P.orbit_polynomial_family(n, k, group)
    identity = np.eye(len(family))
    np.testing.assert_array_equal(family.gram(method="exact").gram, identity)
    terms = [P.orbit_sum_terms(group, member) for member in family.members]
    np.testing.assert_allclose(P.multilinear_gram_by_monomials(terms), identity, atol=1e-12)
    np.testing.assert_allclose(P.multilinear_gram_by_quadrature(family), identity, atol=1e-12)
    assert family.gamma == 0.0 and family.distribution == "gaussian"


def test_orbit_sums_monte_carlo_gram_within_error_bars_lesson10():
    """Lesson 10: the Monte Carlo Gram (with error bars) is within a few standard errors of I."""
    family = P.orbit_polynomial_family(8, 4, groups.cyclic(8))
    estimate = family.gram(method="monte_carlo", n_samples=40_000, seed=3)
    assert within_errors(estimate, np.eye(len(family)))
    assert estimate.standard_error.max() > 0


def test_quadrature_route_detects_correlation():
    """The 2-point quadrature Gram is a real second route: for the family {p, (p + q)/√2} it
    reports ⟨p, (p + q)/√2⟩ = 1/√2, as does the monomial expansion."""
    base = P.orbit_polynomial_family(5, 2)
    mixed = HardFamily(
        name="p and (p + q)/sqrt 2", members=["p", "mix"], input_shape=(5,),
        evaluate_members=lambda x, idx: np.stack(
            [base.evaluate(x, [0])[:, 0], base.evaluate(x, [0, 1]).sum(axis=1) / math.sqrt(2)],
            axis=1)[:, idx],
        distribution="gaussian", sampler=base.sampler)
    gram = P.multilinear_gram_by_quadrature(mixed)
    np.testing.assert_allclose(gram, [[1, 2**-0.5], [2**-0.5, 1]], atol=1e-12)
    terms_p = P.orbit_sum_terms(groups.trivial(5), base.members[0])
    terms_q = P.orbit_sum_terms(groups.trivial(5), base.members[1])
    terms_mix = {key: value / math.sqrt(2) for key, value in {**terms_p, **terms_q}.items()}
    assert P.multilinear_inner_product(terms_p, terms_mix) == pytest.approx(2**-0.5)


@given(st.integers(4, 9), st.integers(1, 4), st.sampled_from(["cyclic", "dihedral", "trivial"]))
@SETTINGS
def test_orbit_family_size_counts_orbits_lesson10(n, k, group_name):
    """Lesson 10: one member per orbit; at least C(n, k)/|G| of them (Burnside/closed form)."""
    k = min(k, n)
    group = getattr(groups, group_name)(n)
    family = P.orbit_polynomial_family(n, k, group)
    assert family.size == groups.subset_orbit_count(group, k) == len(family)
    assert family.size >= math.comb(n, k) / group.order


@pytest.mark.parametrize("group_name", ["cyclic", "dihedral"])
def test_orbit_sums_invariant_and_realised_by_invariant_polynomial_lesson10(group_name):
    """Lesson 10: every member is G-invariant (float64) and equals the InvariantPolynomial
    model with one-hot orbit-sum coefficients."""
    n, k = 8, 3
    group = getattr(groups, group_name)(n)
    family = P.orbit_polynomial_family(n, k, group)
    x = family.sample(64, seed=1)
    assert models.equivariance_error(lambda z: family.evaluate(z), group, x).ok
    for index in (0, len(family) // 2, len(family) - 1):
        model = P.orbit_sum_model(family, index)
        np.testing.assert_allclose(model(torch.as_tensor(x)).detach().numpy(),
                                   family.evaluate(x, [index])[:, 0], atol=1e-12)
        assert models.equivariance_error(model, group, torch.as_tensor(x)).ok


def test_cyclic_orbit_sum_is_not_fully_symmetric():
    """The invariance check can fail: a C_n orbit sum is not S_n-invariant."""
    family = P.orbit_polynomial_family(7, 2, groups.cyclic(7))
    x = family.sample(32, seed=0)
    assert not models.equivariance_error(lambda z: family.evaluate(z), groups.symmetric(7), x).ok


@pytest.mark.parametrize("group_name, subset", [("trivial", (0, 2)), ("cyclic", (0, 1)),
                                                 ("dihedral", (0, 1, 3)), ("trivial", (1, 3, 4))])
def test_orbit_support_statistic_matches_quadrature_lesson10(group_name, subset):
    """Lesson 10: E[p_S² He_2(x_j)] = 2 c_j/|Orb(S)| (2·1[j∈S] for one monomial), checked
    by 3-point Gauss–Hermite quadrature (exact for degree ≤ 5 per variable)."""
    n = 5
    group = getattr(groups, group_name)(n)
    family = P.orbit_polynomial_family(n, len(subset), group)
    index = family.members.index(groups.canonical_subset(group, subset))
    expected = P.orbit_support_statistic(group, subset)
    for j in range(n):
        value = gauss_hermite_expectation(
            lambda x, j=j: family.evaluate(x, [index])[:, 0] ** 2 * hermite(2, x[:, j]), n,
            n_points=3)
        assert value == pytest.approx(expected[j], abs=1e-10)
    if group_name == "trivial":
        np.testing.assert_array_equal(expected, 2.0 * np.isin(np.arange(n), subset))
    else:  # transitive: the first-order transform sees nothing
        np.testing.assert_allclose(expected, 2 * len(subset) / n)


# --------------------------------------------------------------------------- the set variant


def test_set_family_orthonormal_by_three_routes_lesson10():
    """Lesson 10: the C(d, k) set monomials are orthonormal (exact, monomials, quadrature)."""
    n, d, k = 2, 5, 2
    family = P.set_monomial_family(n, d, k)
    assert family.size == math.comb(d, k) == len(family)
    identity = np.eye(len(family))
    terms = [P.set_monomial_terms(n, d, member) for member in family.members]
    np.testing.assert_allclose(P.multilinear_gram_by_monomials(terms), identity, atol=1e-12)
    np.testing.assert_allclose(P.multilinear_gram_by_quadrature(family), identity, atol=1e-12)
    assert within_errors(family.gram(method="monte_carlo", n_samples=30_000, seed=2), identity)


def test_set_family_row_invariant_not_column_invariant_lesson10():
    """Lesson 10: members are invariant under S_n on the rows, not under column permutations."""
    family = P.set_monomial_family(4, 5, 2)
    X = family.sample(32, seed=0)
    assert models.equivariance_error(lambda z: family.evaluate(z), family.group, X,
                                     action_in="rows").ok
    assert not models.equivariance_error(lambda z: family.evaluate(z), groups.cyclic(5), X,
                                         action_in="vectors").ok


@pytest.mark.parametrize("subset", [(1,), (0, 3), (0, 2, 4), (0, 1, 2, 3)])
def test_set_monomial_network_realises_member_lesson10(subset):
    """Lesson 10: the DeepSets network (node MLP with activation t^k, sum readout) computes
    f_S exactly, and is invariant under row permutations."""
    n, d = 3, 5
    family = P.set_monomial_family(n, d, len(subset), subsets=[subset])
    X = family.sample(64, seed=4)
    network = P.set_monomial_network(n, d, subset)
    outputs = P.set_network_on_sets(network, X).detach().numpy()
    np.testing.assert_allclose(outputs, family.evaluate(X)[:, 0], atol=1e-10)
    assert models.equivariance_error(lambda z: P.set_network_on_sets(network, z), family.group,
                                     torch.as_tensor(X), action_in="rows").ok


def test_set_support_statistic_matches_quadrature_lesson10():
    """Lesson 10: E[f_S² Σ_i He_2(X_ij)] = 2·1[j∈S] for every n (3-point quadrature)."""
    n, d, subset = 2, 3, (0, 2)
    family = P.set_monomial_family(n, d, 2, subsets=[subset])
    expected = P.set_support_statistic(d, subset)
    np.testing.assert_array_equal(expected, [2.0, 0.0, 2.0])
    for j in range(d):
        def integrand(x, j=j):
            X = x.reshape(-1, n, d)
            return family.evaluate(X)[:, 0] ** 2 * hermite(2, X[:, :, j]).sum(axis=1)

        assert gauss_hermite_expectation(integrand, n * d, n_points=3) == pytest.approx(
            expected[j], abs=1e-10)


# --------------------------------------------------------------------------- the SQ algorithm


@pytest.mark.parametrize("c", [0.25, 1.0, 4.0])
def test_truncated_square_mean_closed_form(c):
    """m_c = E[min(z², c)] in closed form vs piecewise quadrature (kinks at ±√c)."""
    a = math.sqrt(c)
    reference = half_line_expectation(lambda z: np.minimum(z**2, c), kinks=(-a, a))
    assert P.truncated_square_mean(c) == pytest.approx(reference, abs=1e-12)
    assert P.truncated_square_mean(1e6) == pytest.approx(1.0, abs=1e-9)


def test_bounded_support_query_zero_off_support_positive_on_lesson10():
    """Lesson 10: the bounded query T_B(y)·ḡ_j(X) lies in [−1, 1], has mean 0 off the support
    (independence) and a positive mean on it (Monte Carlo with error bars)."""
    n, d, subset = 2, 6, (0, 1, 2)
    family = P.set_monomial_family(n, d, 3, subsets=[subset])
    X = family.sample(200_000, seed=5)
    y = family.evaluate(X)[:, 0]
    B = float(np.median(y**2))
    g = P._feature_transform(1.0)
    values = np.minimum(y**2, B)[:, None] / B * g(X).mean(axis=1)
    assert np.abs(values).max() <= 1.0
    means = values.mean(axis=0)
    errors = values.std(axis=0) / math.sqrt(len(values))
    assert np.all(means[:3] > 8 * errors[:3])
    assert np.all(np.abs(means[3:]) < 4.5 * errors[3:])


def test_sq_algorithm_recovers_support_and_coefficient_lesson10():
    """Lesson 10: d + O(1) bounded queries recover S exactly and fit the coefficient."""
    n, d, subset = 2, 10, (1, 4, 7)
    oracle = P.set_monomial_oracle(n, d, subset, 20_000, coefficient=-0.7, seed=0)
    result = P.sq_learn_set_monomial(oracle, n, d, 3)
    assert result.support == subset
    assert result.coefficient == pytest.approx(-0.7, abs=0.1)
    assert result.n_sq_queries == d + 12 and result.n_csq_queries == 1
    assert oracle.n_queries == result.n_queries


def test_sq_success_rate_needs_enough_samples_lesson10():
    """Lesson 10: with N = 100·d samples per query the support is recovered at d = 12, k = 6;
    with N = 20 it is not (the success rate is a real measurement)."""
    assert P.sq_success_rate(2, 12, 6, 1200, 6, seed=0) >= 5 / 6
    assert P.sq_success_rate(2, 12, 6, 20, 6, seed=0) <= 2 / 6


def test_sq_algorithm_validates():
    oracle = P.set_monomial_oracle(2, 4, (0, 1), 100, seed=0)
    with pytest.raises(ValueError, match="quantile"):
        P.sq_learn_set_monomial(oracle, 2, 4, 2, quantile=1.5)
    with pytest.raises(ValueError, match="k must be at most d"):
        P.sq_learn_set_monomial(oracle, 2, 4, 5)
    with pytest.raises(ValueError, match="subset"):
        P.set_monomial_oracle(2, 4, (0, 4), 100)
    with pytest.raises(ValueError, match="c must be positive"):
        P.truncated_square_mean(0.0)


# --------------------------------------------------------------------------- bounds


def test_orbit_bound_curve_exponential_in_n_lesson10():
    """Lesson 10: for k = n/2 and G = C_n, log2 #members grows like n (fitted rate near 1),
    the curve's family size is a valid lower bound on the exact orbit count, and the symmetry
    costs at most log10 |G| = log10 n against the plain monomials."""
    ns = np.arange(40, 401, 40)
    curve = P.orbit_polynomial_bound_curve(ns, 0.01, group_order=lambda n: n)
    plain = P.orbit_polynomial_bound_curve(ns, 0.01)
    assert 0.95 < P.fit_exponential_rate(ns, curve.log10_m) < 1.0
    np.testing.assert_allclose(plain.log10_m - curve.log10_m, np.log10(ns), atol=1e-9)
    for n in (10, 16, 22):
        exact = groups.cyclic_subset_orbit_count(n, n // 2)
        small = P.orbit_polynomial_bound_curve([n], 0.01, group_order=n)
        assert 10 ** small.log10_m[0] <= exact + 1e-9
    np.testing.assert_allclose(curve.log10_min_queries, curve.log10_m + math.log10(1e-4 / 2))


def test_set_bound_curve_matches_binomial_lesson10():
    """Lesson 10: the set variant keeps all C(d, d/2) members (γ = 0)."""
    ds = np.array([8, 16, 32])
    curve = P.set_monomial_bound_curve(ds, 0.05)
    np.testing.assert_allclose(10**curve.log10_m, [math.comb(d, d // 2) for d in ds], rtol=1e-9)
    lemma = bounds.counting_lemma(0.05, 0.0, m=math.comb(32, 16))
    assert curve.log10_min_queries[-1] == pytest.approx(lemma.log10_min_queries)


def test_fit_exponential_rate_recovers_known_rate():
    ns = np.arange(10, 50)
    assert P.fit_exponential_rate(ns, 0.7 * ns * math.log10(2) + 3) == pytest.approx(0.7)
    with pytest.raises(ValueError):
        P.fit_exponential_rate([1], [1])


def test_bound_curves_validate():
    with pytest.raises(ValueError, match="degree_fraction"):
        P.orbit_polynomial_bound_curve([10], 0.1, degree_fraction=0)
    with pytest.raises(ValueError, match="degree_fraction"):
        P.set_monomial_bound_curve([10], 0.1, degree_fraction=2)


# --------------------------------------------------------------------------- GD run and API edges


def test_train_online_is_deterministic_and_starts_at_trivial_level():
    """Lesson 10: the normalised test loss of a fresh student is near 1; same seed, same curve."""
    family = P.set_monomial_family(2, 6, 3, subsets=[(0, 2, 4)])
    first = members.train_member(P.deepsets_student(6, 16, seed=0), family, 0, 10, batch_size=32,
                           test_size=512, eval_every=5, seed=1)
    second = members.train_member(P.deepsets_student(6, 16, seed=0), family, 0, 10, batch_size=32,
                            test_size=512, eval_every=5, seed=1)
    np.testing.assert_array_equal(first.steps, [0, 5, 10])
    np.testing.assert_array_equal(first.test_loss, second.test_loss)
    assert 0.8 < first.test_loss[0] < 2.0


def test_families_validate_arguments():
    with pytest.raises(ValueError, match="k must be at most d"):
        P.set_monomial_family(2, 3, 4)
    with pytest.raises(ValueError, match="subsets"):
        P.set_monomial_family(2, 4, 2, subsets=[(0, 1), (1, 0)])
    with pytest.raises(ValueError, match="distinct"):
        P.set_monomial_family(2, 4, 2, subsets=[(0, 0)])
    with pytest.raises(ValueError, match="dim must be"):
        P.multilinear_gram_by_quadrature(P.orbit_polynomial_family(20, 1))
    with pytest.raises(TypeError, match="family"):
        P.multilinear_gram_by_quadrature("not a family")
