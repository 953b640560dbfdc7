"""csqlab.hard.cnn: group-averaged hidden planes, the CNN family of lesson 9 (Theorem C).
Each claim by a second route: permutation matrices instead of index tricks, Monte Carlo with
standard errors through groups.reynolds, the realising CircularCNN / GroupAveragedNetwork,
brute-force overlaps, and fitted scalings of the bound curve."""

import math

import numpy as np
import pytest
import torch

from csqlab import groups as G
from csqlab.hard import classical as C
from csqlab.hard import cnn, hidden_plane_bound_curve, hidden_plane_correlation
from csqlab.models import CircularCNN, GroupAveragedNetwork, equivariance_error
from csqlab.training import members


def unit_plane(n, seed):
    return C.random_planes(1, n, seed=seed)[0]


def phi(plane, k):
    """φ_U(x) = F(Ux)/‖F‖ on batches, straight from the 2-D hidden-plane function."""
    norm = math.sqrt(C.hidden_plane_norm_squared(k))
    return lambda x: C.hidden_plane_function(*(np.asarray(x) @ plane.T).T, k) / norm


def mean_and_error(values):
    return values.mean(), values.std(ddof=1) / math.sqrt(len(values))


# --------------------------------------------------------------------------- our n = 32, k = 4 check


def test_paper_check_n32_k4_norm_shrinks_by_group_order():
    """Our check (lesson 9): n = 32, k = 4 — ‖F‖² ≈ 0.117 and ‖R_G f‖² ≈ ‖F‖²/32 under cyclic shifts.
    Exact route (translated planes) vs permutation matrices vs Monte Carlo through reynolds."""
    n, k = 32, 4
    assert C.hidden_plane_norm_squared(k) == pytest.approx(0.117, abs=5e-4)
    group = G.cyclic(n)
    plane = unit_plane(n, 0)
    exact = cnn.group_averaged_norm_squared(plane, k)
    by_matrices = np.mean([hidden_plane_correlation(plane, plane @ G.permutation_matrix(g), k)
                           for g in group.elements()])
    assert exact == pytest.approx(by_matrices, abs=1e-13)
    assert 0.7 / n < exact < 1.3 / n
    x = np.random.default_rng(1).standard_normal((40_000, n))
    averaged = G.reynolds(phi(plane, k), group)(x)
    mean, error = mean_and_error(averaged**2)
    assert abs(mean - exact) <= 4 * error


@pytest.mark.parametrize("group_name", ["cyclic", "dihedral"])
def test_group_averaging_identity_against_monte_carlo(group_name):
    """⟨R_G f, R_G g⟩ = (1/|G|) Σ_h ⟨f, g∘h⟩ (the group averaging identity, lessons/notes/glossary.md): the exact right-hand side
    (kernel sums over translated planes) vs Monte Carlo of the left-hand side (reynolds) and
    of the right-hand side (act_on_vectors), each within 4 standard errors."""
    n, k = 6, 4
    group = G.cyclic(n) if group_name == "cyclic" else G.dihedral(n)
    plane_u, plane_v = C.random_planes(2, n, seed=3)
    exact = cnn.group_averaged_inner_product(plane_u, plane_v, k, group)
    assert abs(exact) > 0.01  # a real correlation to compare
    x = np.random.default_rng(4).standard_normal((100_000, n))
    left = G.reynolds(phi(plane_u, k), group)(x) * G.reynolds(phi(plane_v, k), group)(x)
    mean, error = mean_and_error(left)
    assert abs(mean - exact) <= 4 * error
    f_u = phi(plane_u, k)(x)
    right = np.mean([f_u * phi(plane_v, k)(G.act_on_vectors(h, x)) for h in group.elements()],
                    axis=0)
    mean, error = mean_and_error(right)
    assert abs(mean - exact) <= 4 * error


def test_translated_planes_follow_the_action():
    """φ_U(h·x) = φ_{U[:, h]}(x) for every h (the convention g·x = x[g⁻¹])."""
    n, k = 7, 2
    group = G.dihedral(n)
    plane = unit_plane(n, 5)
    x = np.random.default_rng(6).standard_normal((50, n))
    for h, translated in zip(group.elements(), cnn.translated_planes(plane, group), strict=True):
        np.testing.assert_allclose(phi(translated, k)(x), phi(plane, k)(G.act_on_vectors(h, x)),
                                   atol=1e-13)


# --------------------------------------------------------------------------- realisation, invariance


@pytest.mark.parametrize("columns", [1, 3])
def test_members_are_circular_cnns_in_float64(columns):
    """Every member is computed exactly (float64) by a CircularCNN with 2k full-width circular
    filters and by the generic GroupAveragedNetwork over C_n (enumeration path)."""
    n, k = 12, 4
    planes = C.random_planes(3, n, seed=7)
    family = cnn.group_averaged_plane_family(n, k, planes=planes, columns=columns)
    x = family.sample(300, seed=8)
    for i, plane in enumerate(planes):
        network = cnn.group_averaged_plane_network(plane, k)
        assert isinstance(network, CircularCNN)
        W, a = cnn.group_averaged_plane_weights(plane, k)
        generic = GroupAveragedNetwork(n, 2 * k, G.cyclic(n), W=W, a=a, fast_path=False)
        expected = family.evaluate(x, [i], normalised=False)[:, 0]
        with torch.no_grad():
            for net in (network, generic):
                np.testing.assert_allclose(net(torch.from_numpy(x)).numpy(), expected, atol=1e-12)
        # and the un-normalised member is ‖F‖ Σ_c R_G φ_U(x_c)
        columns_x = x if x.ndim == 3 else x[:, :, None]
        direct = sum(G.reynolds(phi(plane, k), G.cyclic(n))(columns_x[:, :, c])
                     for c in range(columns)) * math.sqrt(C.hidden_plane_norm_squared(k))
        np.testing.assert_allclose(expected, direct, atol=1e-12)


def test_members_realised_for_a_dihedral_group():
    """Another group: GroupAveragedNetwork over D_n computes the D_n-averaged member."""
    n, k = 8, 2
    group = G.dihedral(n)
    plane = unit_plane(n, 9)
    family = cnn.group_averaged_plane_family(n, k, group, planes=plane[None])
    network = cnn.group_averaged_plane_network(plane, k, group)
    assert isinstance(network, GroupAveragedNetwork) and not isinstance(network, CircularCNN)
    x = family.sample(200, seed=10)
    with torch.no_grad():
        np.testing.assert_allclose(network(torch.from_numpy(x)).numpy(),
                                   family.evaluate(x, normalised=False)[:, 0], atol=1e-12)


def test_members_are_invariant_and_plain_planes_are_not():
    """Lesson 9: equivariance_error over all of G in float64 — members (and the CNN) pass,
    the un-averaged hidden plane f_U fails."""
    n, k = 10, 4
    family = cnn.group_averaged_plane_family(n, k, n_planes=4, seed=11)
    x = family.sample(20, seed=12)
    result = equivariance_error(lambda z: family.evaluate(z), family.group, x, n_elements=n)
    assert result.ok and result.n_elements == n
    network = cnn.group_averaged_plane_network(unit_plane(n, 13), k)
    assert equivariance_error(network, family.group, torch.from_numpy(x), n_elements=n).ok
    plain = C.hidden_plane_family(n, k, n_planes=1, seed=11)
    assert not equivariance_error(lambda z: plain.evaluate(z), family.group, x, n_elements=n).ok
    rows = cnn.group_averaged_plane_family(n, k, n_planes=2, seed=11, columns=3)
    assert rows.action == "rows"
    x_rows = rows.sample(10, seed=14)
    assert equivariance_error(lambda z: rows.evaluate(z), rows.group, x_rows, action_in="rows",
                              n_elements=n).ok


# --------------------------------------------------------------------------- correlations


def test_family_gram_exact_vs_monte_carlo_and_gamma_bound():
    """Exact Gram (kernel sums over G) vs the family's Monte Carlo Gram (4 SE); diagonal 1;
    γ below our bound |G| t^k/(1 − (|G|−1)t^k) with t the measured overlap."""
    n, k = 8, 4
    family = cnn.group_averaged_plane_family(n, k, n_planes=5, seed=15)
    exact = family.gram()
    np.testing.assert_allclose(np.diag(exact.gram), 1.0, atol=1e-12)
    assert family.gamma == pytest.approx(exact.gamma)
    estimate = family.gram(method="monte_carlo", n_samples=100_000, seed=16)
    deviation = np.abs(estimate.gram - exact.gram)
    assert np.all(deviation <= 4 * estimate.standard_error + 1e-12), deviation.max()
    assert exact.gamma > 0.05  # small n: correlations really there


def test_gamma_bound_holds_where_it_applies():
    """|⟨f_U, f_V⟩| ≤ |G| t^k/(1 − (|G|−1) t^k) for pairs with all overlaps ≤ t (our bound),
    over many random pairs where the bound is below 1."""
    k, checked = 8, 0
    for n in (24, 128):
        group = G.cyclic(n)
        for seed in range(8):
            planes = C.random_planes(2, n, seed=100 + seed)
            overlaps = cnn.group_overlaps(planes, group)
            bound = cnn.group_averaged_gamma_bound(overlaps.overlap, k, group.order)
            family = cnn.group_averaged_plane_family(n, k, planes=planes)
            assert abs(family.correlation(0, 1)) <= bound + 1e-12
            checked += bound < 1
    assert checked >= 4


def test_columns_do_not_change_correlations_and_scale_the_norm():
    """Independent columns with E[φ_U] = 0: the normalised Gram is the same for d = 1 and 3,
    the raw squared norm is d times larger, and E[f²] = 1 by Monte Carlo."""
    n, k = 8, 4
    planes = C.random_planes(3, n, seed=17)
    one = cnn.group_averaged_plane_family(n, k, planes=planes)
    three = cnn.group_averaged_plane_family(n, k, planes=planes, columns=3)
    np.testing.assert_allclose(three.gram().gram, one.gram().gram, atol=1e-14)
    np.testing.assert_allclose(np.asarray(three.norm) ** 2, 3 * np.asarray(one.norm) ** 2)
    values = three.evaluate(three.sample(40_000, seed=18))[:, 0]
    mean, error = mean_and_error(values**2)
    assert abs(mean - 1.0) <= 4 * error


# --------------------------------------------------------------------------- overlaps and cancellation


def test_group_overlaps_against_brute_force():
    """cross/self overlaps vs a loop over permutation matrices and plane pairs."""
    n = 9
    group = G.dihedral(n)
    planes = C.random_planes(4, n, seed=19)
    result = cnn.group_overlaps(planes, group)
    cross, own = 0.0, 0.0
    for g in group.elements():
        matrix = G.permutation_matrix(g)
        for i, u in enumerate(planes):
            for j, v in enumerate(planes):
                value = np.linalg.norm(u @ matrix @ v.T, 2)
                if i != j:
                    cross = max(cross, value)
                elif not np.array_equal(g, np.arange(n)):
                    own = max(own, value)
    assert result.cross == pytest.approx(cross) and result.self == pytest.approx(own)
    assert result.overlap == max(cross, own)
    assert cnn.group_overlaps(planes, G.trivial(n)).self == 0.0


def test_self_overlaps_under_cyclic_shifts_are_like_cross_overlaps():
    """The family-size estimate covers cross overlaps only; for C_n (no fixed points) the self
    overlaps ‖U P_h Uᵀ‖ (h ≠ e) have the same typical size as cross overlaps: means within 25%
    and both ≈ 1/√n."""
    n = 64
    planes = C.random_planes(12, n, seed=20)
    elements = G.cyclic(n).elements()
    self_values, cross_values = [], []
    for i, u in enumerate(planes):
        for j, v in enumerate(planes):
            values = np.linalg.norm(np.einsum("ad,bhd->hab", u, v[:, elements]), 2, axis=(1, 2))
            if i == j:
                self_values.extend(values[1:])  # element 0 is the identity
            else:
                cross_values.extend(values)
    ratio = np.mean(self_values) / np.mean(cross_values)
    assert 0.85 < ratio < 1.15
    assert 0.5 < np.mean(cross_values) * math.sqrt(n) < 3.0


@pytest.mark.parametrize("k", [2, 4, 6])
def test_cancelling_plane_cancels_exactly(k):
    """The caveat of Theorem C: a group with many fixed points (one transposition) and an
    aligned plane give R_G f ≡ 0 (exact norm and reynolds values), and the family refuses it;
    a random plane under the same group does not shrink at all (‖R_G φ‖² close to 1)."""
    n = 16
    plane, group = cnn.cancelling_plane(n, k)
    assert group.order == 2
    assert abs(cnn.group_averaged_norm_squared(plane, k, group)) < 1e-14
    x = np.random.default_rng(21).standard_normal((100, n))
    np.testing.assert_allclose(G.reynolds(phi(plane, k), group)(x), 0.0, atol=1e-13)
    assert np.abs(phi(plane, k)(x)).max() > 0.1  # f itself is not zero
    with pytest.raises(ValueError, match="cancels"):
        cnn.group_averaged_plane_family(n, k, group, planes=plane[None])
    random = cnn.group_averaged_norm_squared(unit_plane(n, 22), k, group)
    assert random > 0.8


# --------------------------------------------------------------------------- bound curve


def test_bound_curve_group_factors_and_scaling():
    """Theorem C shape: |G| = 1 reproduces the plain hidden-plane curve; |G| = n multiplies γ by
    → n and divides m by n; fitted slope of ln γ vs ln n → 1 − (1/2 − c)k and log10 m linear in
    n^{2c} (slope 1/(4 ln 10) of our deletion estimate)."""
    k, c, tolerance = 8, 0.25, 0.05
    ns = np.round(np.geomspace(1e3, 1e7, 17))
    plain = cnn.group_averaged_plane_bound_curve(ns, k, c, tolerance, 1)
    reference = hidden_plane_bound_curve(ns, k, c, tolerance)
    np.testing.assert_allclose(plain.log10_m, reference.log10_m)
    np.testing.assert_allclose(plain.gamma, reference.gamma)
    curve = cnn.group_averaged_plane_bound_curve(ns, k, c, tolerance, lambda n: n)
    np.testing.assert_allclose(curve.log10_m, np.maximum(reference.log10_m - np.log10(ns), 0))
    ratio = curve.gamma / reference.gamma
    assert ratio[-1] == pytest.approx(ns[-1], rel=1e-3) and np.all(ratio >= ns)
    slope = np.polyfit(np.log(ns), np.log(curve.gamma), 1)[0]
    assert slope == pytest.approx(1 - (0.5 - c) * k, abs=0.02)
    growth = np.polyfit(ns ** (2 * c), curve.log10_m, 1)[0]
    assert growth == pytest.approx(1 / (4 * math.log(10)), rel=0.02)
    assert np.all(curve.applicable[-5:])
    assert np.all(np.diff(curve.log10_min_queries[curve.applicable]) > 0)


def test_family_size_and_gamma_bound_helpers():
    """Elementwise helpers: size estimate = plain − log10|G| (clipped at 0); γ bound capped at 1
    and equal to the closed form where the denominator is positive."""
    value = cnn.log10_group_averaged_plane_family_size(10_000, 0.1, 100)
    plain = C.log10_hidden_plane_family_size(10_000, 0.1)
    assert value == pytest.approx(plain - 2)
    assert cnn.log10_group_averaged_plane_family_size(10, 0.5, 10**9) == 0.0
    assert cnn.group_averaged_gamma_bound(0.5, 4, 3) == pytest.approx(3 / 16 / (1 - 2 / 16))
    assert cnn.group_averaged_gamma_bound(0.9, 4, 50) == 1.0
    np.testing.assert_allclose(cnn.group_averaged_gamma_bound(np.array([0.1, 0.2]), 2, 1),
                               [0.01, 0.04])


# --------------------------------------------------------------------------- GD run and inputs


def test_train_cnn_student_is_deterministic():
    """The quick GD run (our experiment protocol, lessons/notes/proof-maps.md): same seed → same curve; test MSE at
    initialisation is a real number near the trivial level."""
    family = cnn.group_averaged_plane_family(8, 4, n_planes=1, seed=13)
    first = members.train_cnn_student(family, width=8, steps=6, record_every=3, n_test=256, seed=1)
    second = members.train_cnn_student(family, width=8, steps=6, record_every=3, n_test=256, seed=1)
    np.testing.assert_array_equal(first.test_mse, second.test_mse)
    assert first.steps.tolist() == [0, 3, 6]
    assert 0.3 < first.test_mse[0] < 5


def test_bad_inputs_raise_clear_errors():
    plane = unit_plane(6, 0)
    with pytest.raises(ValueError, match="orthonormal"):
        cnn.group_averaged_norm_squared(2 * plane, 4)
    with pytest.raises(ValueError, match="identically zero"):
        cnn.group_averaged_norm_squared(plane, 3)
    with pytest.raises(ValueError, match="act on n = 6"):
        cnn.group_averaged_inner_product(plane, plane, 4, G.cyclic(5))
    with pytest.raises(TypeError, match="PermutationGroup"):
        cnn.group_averaged_plane_family(6, 4, "cyclic", n_planes=2)
    with pytest.raises(ValueError, match="exactly one"):
        cnn.group_averaged_plane_family(6, 4)
    with pytest.raises(ValueError, match="shape"):
        cnn.group_averaged_plane_family(6, 4, planes=np.zeros((2, 2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        cnn.group_averaged_norm_squared(np.full((2, 6), np.nan), 4)
    with pytest.raises(ValueError, match="c must be"):
        cnn.group_averaged_plane_bound_curve([100], 4, 0.7, 0.1, 1)
    with pytest.raises(ValueError, match="group_order"):
        cnn.group_averaged_plane_bound_curve([100], 4, 0.2, 0.1, 0)
    with pytest.raises(TypeError, match="group_averaged_plane_family"):
        members.train_cnn_student(C.hidden_plane_family(6, 4, n_planes=1))
