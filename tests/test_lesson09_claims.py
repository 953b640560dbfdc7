"""Every number lesson 9 (CNNs and frame-averaged networks, PAPER §4.3–4.4) states, checked by
a second route: permutation matrices instead of translated planes, brute-force orbit
enumeration instead of closed forms, Monte Carlo with error bars, the fitted scalings."""

import math

import numpy as np
import pytest
import torch

from csqlab import groups
from csqlab.hard import cnn, frames, hidden_plane_correlation, hidden_plane_family, random_planes
from csqlab.hard import parity_of_activations_family as relu_parities
from csqlab.training import members


def test_section2_identity_values_by_permutation_matrices():
    """Section 2: exact (1/|G|)Σ_h ⟨φ_U, φ_V∘h⟩ printed for C_6 and D_6 (≈ −0.070, −0.066), by
    explicit permutation matrices V P_h."""
    plane_u, plane_v = random_planes(2, 6, seed=3)
    for group, printed in ((groups.cyclic(6), -0.0702), (groups.dihedral(6), -0.0656)):
        by_matrices = np.mean([hidden_plane_correlation(plane_u, plane_v @ groups.permutation_matrix(h), 4)
                               for h in group.elements()])
        assert cnn.group_averaged_inner_product(plane_u, plane_v, 4, group) == pytest.approx(by_matrices)
        assert by_matrices == pytest.approx(printed, abs=5e-5)


def test_section3_norm_shrink_gram_and_gamma_ratio():
    """Section 3: |G|·‖R_G φ_U‖² ≈ 1.01 for the lesson's plane (n = 32, k = 4); γ grows under C_32
    by a factor between 1 and |G| (printed 6.1) and the overlaps are of the same order."""
    n, k = 32, 4
    plane = random_planes(1, n, seed=0)[0]
    assert n * cnn.group_averaged_norm_squared(plane, k) == pytest.approx(1.009, abs=1e-3)
    planes = random_planes(10, n, seed=3)
    averaged = cnn.group_averaged_plane_family(n, k, planes=planes)
    plain = hidden_plane_family(n, k, planes=planes)
    ratio = averaged.gamma / plain.gamma
    assert ratio == pytest.approx(6.1, abs=0.05) and 1 < ratio < n
    overlaps = cnn.group_overlaps(planes)
    assert 0.5 < overlaps.self / overlaps.cross < 2
    bound = cnn.group_averaged_gamma_bound(overlaps.overlap, k, n)
    assert averaged.gamma <= bound


def test_section3_cancellation_numbers():
    """Section 3 caveat: the aligned plane cancels under ⟨(0 1)⟩; the lesson's random plane keeps
    ‖R_G φ_U‖² ≈ 0.98 (no shrink), against ≈ 1/32 under C_32."""
    plane, group = cnn.cancelling_plane(32, 4)
    assert cnn.group_averaged_norm_squared(plane, 4, group) < 1e-13
    random = random_planes(1, 32, seed=0)[0]
    assert cnn.group_averaged_norm_squared(random, 4, group) == pytest.approx(0.981, abs=1e-3)


def test_section3_bound_fits_and_start_order():
    """Section 3 bound: fitted γ ∝ n^{−1.000} for C_n with k = 8, c = 1/4; log10 m slope ≈ 0.107 in
    n^{1/2}; the lemma applies at τ = 0.05 first without symmetry, then C_n, then D_n."""
    ns = np.round(np.geomspace(1e2, 1e7, 21))
    starts = []
    for order in (1, lambda n: n, lambda n: 2 * n):
        curve = cnn.group_averaged_plane_bound_curve(ns, 8, 0.25, 0.05, order)
        starts.append(ns[curve.applicable][0])
    assert starts == [100, 562, 1000]
    curve = cnn.group_averaged_plane_bound_curve(ns, 8, 0.25, 0.05, lambda n: n)
    assert np.polyfit(np.log(ns), np.log(curve.gamma), 1)[0] == pytest.approx(-1.0, abs=2e-3)
    assert np.polyfit(ns**0.5, curve.log10_m, 1)[0] == pytest.approx(0.107, abs=1e-3)


def test_section4_orbits_norms_and_frames():
    """Section 4: C_8 orbits of 2-subsets have sizes 8, 8, 8, 4; all members recover the same
    ‖f_S‖; the certificates pass; argmax frame averaging moves the single f_S by ≈ 4.8."""
    group = groups.cyclic(8)
    family = relu_parities(8, 2, group=group)
    sizes = [len(groups.subset_orbit(group, s)) for s in family.members]
    assert sizes == [8, 8, 8, 4]
    np.testing.assert_allclose(np.asarray(family.norm) ** 2 * sizes, 0.852502**2, rtol=1e-5)
    for name, size in (("cyclic", 8), ("dihedral", 8), ("torus", 9), ("two cycles", 8)):
        certificate = frames.certify_frame_averaged_member(
            relu_parities(size, 2, group=frames.group_by_name(name, size)), 1, n_samples=128, seed=7)
        assert certificate.ok(1e-13)


def test_section4_orbit_counts_by_enumeration():
    """Section 4 table (n = 16, k = 4): 1820, 116, 72, 122, 50, 1 orbits — closed forms and
    Burnside vs enumerating all 4-subsets (S_16 by its closed form, it is too large)."""
    printed = {"trivial": 1820, "cyclic": 116, "dihedral": 72, "torus": 122, "two cycles": 50,
               "symmetric": 1}
    for name, count in printed.items():
        group = frames.group_by_name(name, 16)
        assert groups.subset_orbit_count(group, 4) == count
        if name != "symmetric":
            assert groups.subset_orbits(group, 4).n_orbits == count
            assert count >= math.comb(16, 4) / group.order


def test_section4_quasi_polynomial_fits():
    """Section 4 bound: slopes 0.525 (no symmetry), 0.502 (C_n, D_n) against (ln n)², r² > 0.995;
    S_n gives log10 q ≤ −2.11."""
    ns = np.unique(np.round(np.geomspace(64, 2**20, 25)))
    slopes = {}
    for name in ("trivial", "cyclic", "dihedral"):
        curve = frames.frame_averaged_bound_curve(ns, lambda n: n**-0.5, name)
        fit = frames.fit_against_log_squared(ns, curve.log10_min_queries)
        assert fit.r_squared > 0.995
        slopes[name] = round(fit.slope, 3)
    assert slopes == {"trivial": 0.525, "cyclic": 0.502, "dihedral": 0.502}
    collapsed = frames.frame_averaged_bound_curve(ns, lambda n: n**-0.5, "symmetric")
    assert collapsed.log10_min_queries.max() == pytest.approx(math.log10(64**-1.0 / 2), abs=1e-9)


def test_section5_gradient_descent_stays_trivial_as_n_grows():
    """Section 5 (quick mode, 300 steps, lr 1e-2): final test MSE 0.47, 0.84, 1.03 for n = 8, 16,
    32 — increasing in n, and at n = 32 within 10% of the trivial level 1."""
    final, threads = [], torch.get_num_threads()
    torch.set_num_threads(1)  # as csqlab.setup() in the lesson; tiny tensors gain nothing from more
    try:
        for n in (8, 16, 32):
            teacher = cnn.group_averaged_plane_family(n, 4, n_planes=1, seed=13)
            run = members.train_cnn_student(teacher, width=16, steps=300, lr=1e-2, seed=0)
            final.append(run.test_mse[-1])
    finally:
        torch.set_num_threads(threads)
    assert final[0] < final[1] < final[2]
    assert abs(final[2] - 1.0) < 0.1
    np.testing.assert_allclose(final, [0.471, 0.840, 1.033], atol=5e-3)
