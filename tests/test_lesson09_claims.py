"""Every number lesson 9 (CNNs and frame-averaged networks: the paper's CSQ lower bounds for
group-averaged and frame-averaged networks) states, checked by a second route: permutation
matrices instead of translated planes, brute-force orbit enumeration instead of closed forms,
Monte Carlo with error bars, the fitted scalings; plus the lesson's shape and wording."""

import itertools
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from lesson_shape import check_lesson_shape

import csqlab
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



# --------------------------------------------------------------------------- wording and shape

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "09_cnn_frame_averaging.ipynb"
NOTES = Path(__file__).resolve().parents[1] / "lessons" / "notes"


def _cells(kind=None):
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    return [c.source for c in cells if kind is None or c.cell_type == kind]


def _markdown():
    return "\n".join(_cells("markdown"))


def test_no_internal_citations_and_our_check_is_called_ours():
    """No PAPER/BACKGROUND citation is left; the n = 32, k = 4 check (‖F‖² ≈ 0.117) is ours."""
    text = "\n".join(_cells())
    assert not re.search(r"PAPER|BACKGROUND", text)
    sentence = next(line for line in _markdown().splitlines() if "0.117" in line)
    context = _markdown().split(sentence)[0][-80:] + sentence
    assert "Our check" in context and "paper" not in context.lower()


def test_shape_opening_question_summary_questions_and_length():
    """Opens with its question; closes with a summary and 2-4 questions whose model answers
    exist in notes/understanding.md; markdown at most 2,000 words (1975 today)."""
    check_lesson_shape(NOTEBOOK, "Lesson 9 — Lower bounds for CNNs and frame-averaged networks")


def test_permutation_subgroups_not_every_permutation_group():
    """Lessons 9 and 12 follow the abstract's "permutation subgroups": no claim for every or
    any permutation (sub)group, and lesson 9 says why S_n is out of reach."""
    root = NOTEBOOK.parent
    for name in ("09_cnn_frame_averaging.ipynb", "12_capstone.ipynb"):
        text = "\n".join(c.source for c in nbformat.read(root / name, as_version=4).cells)
        text = text.replace("not every permutation group", "")
        assert not re.search(r"(every|any|all) permutation (sub)?groups?", text, re.I), name
    assert "What the orbit construction cannot reach" in _markdown()


def _fixed_points(g):
    return int(np.trace(groups.permutation_matrix(g)))


def test_section3_self_overlaps_against_fixed_points_by_permutation_matrices():
    """The caveat table (one random plane in R^64, k = 8): most fixed points 0, 2, 32, 62; self
    overlaps 0.404, 0.491, 0.793, 1.000 by SVD of U P_h Uᵀ with explicit matrices;
    (|G| − 1)t^8 < 1 exactly for the two nearly free actions; |G|·‖R_G φ_U‖² 1.000, 1.000,
    1.051, 1.923. The transposition's overlap is exactly 1: the plane holds a vector with equal
    first two coordinates, which P_h fixes."""
    plane = random_planes(1, 64, seed=0)
    rows = []
    for group in (groups.cyclic(64), groups.dihedral(64), frames.group_by_name("two cycles", 64),
                  cnn.cancelling_plane(64, 8)[1]):
        others = [g for g in group.elements() if np.any(g != np.arange(64))]
        fixed = max(_fixed_points(g) for g in others)
        t = max(np.linalg.norm(plane[0] @ groups.permutation_matrix(g) @ plane[0].T, 2)
                for g in others)
        assert t == pytest.approx(cnn.group_overlaps(plane, group).self, abs=1e-12)
        shrink = group.order * cnn.group_averaged_norm_squared(plane[0], 8, group)
        rows.append((fixed, round(t, 3), (group.order - 1) * t**8 < 1, round(shrink, 3)))
    assert rows == [(0, 0.404, True, 1.0), (2, 0.491, True, 1.0), (32, 0.793, False, 1.051),
                    (62, 1.0, False, 1.923)]
    u = plane[0]
    v = (u[1, 0] - u[1, 1]) * u[0] - (u[0, 0] - u[0, 1]) * u[1]   # in the plane, v_0 = v_1
    assert v[0] == pytest.approx(v[1], abs=1e-12)
    assert "nearly free" in _markdown()


def test_section3_columns_leave_correlations_unchanged_by_summing_columns():
    """d = 3 columns: the sum of one-column members over three independent N(0, I_8) columns,
    divided by √3, has the one-column exact correlation (printed 0.0896) within 4 standard
    errors, and mean 0; the lesson's printed Monte Carlo values 0.0942 ± 0.0047, −0.0004 ± 0.0045."""
    pair = random_planes(2, 8, seed=11)
    one = cnn.group_averaged_plane_family(8, 4, planes=pair)
    exact = one.gram().gram[0, 1]
    assert exact == pytest.approx(0.0896, abs=5e-5)
    x = np.random.default_rng(21).standard_normal((60_000, 3, 8))
    summed = sum(one.evaluate(x[:, c]) for c in range(3)) / math.sqrt(3)
    product = summed[:, 0] * summed[:, 1]
    error = product.std() / math.sqrt(len(product))
    assert abs(product.mean() - exact) < 4 * error
    assert abs(summed[:, 0].mean()) < 4 * summed[:, 0].std() / math.sqrt(len(product))
    three = cnn.group_averaged_plane_family(8, 4, planes=pair, columns=3)
    sampled = three.gram(method="monte_carlo", n_samples=50_000, seed=12)
    assert (round(sampled.gram[0, 1], 4), round(sampled.standard_error[0, 1], 4)) == (0.0942, 0.0047)
    assert abs(sampled.gram[0, 1] - exact) < 2 * sampled.standard_error[0, 1]


def test_section4_super_polynomial_groups_collapse_by_brute_force():
    """S_4 × S_4 on two blocks of 4 points (576 elements, listed explicitly): k + 1 orbits of
    k-subsets for k = 1..4 (5 for k = 4, floor 70/576 = 0.122); S_8 leaves one."""
    left = [list(p) for p in itertools.permutations(range(4))]
    elements = np.array([a + [4 + b for b in right] for a in left
                         for right in itertools.permutations(range(4))])
    blocks = groups.direct_product(groups.symmetric(4), groups.symmetric(4))
    assert blocks.order == len(elements) == 576
    for k in range(1, 5):
        orbits = {frozenset(tuple(sorted(g[list(s)])) for g in elements)
                  for s in itertools.combinations(range(8), k)}
        assert len(orbits) == k + 1 == groups.subset_orbit_count(blocks, k)
    assert round(math.comb(8, 4) / 576, 3) == 0.122
    assert groups.subset_orbit_count(groups.symmetric(8), 4) == 1


def _wrong_pieces(scale):
    def pieces(overlap, k, group_order):
        floor = (1 - (group_order - 1) * overlap**k) / group_order**scale
        gamma = min(1.0, overlap**k / floor) if floor > 0 else 1.0
        return {"inner": overlap**k, "norm_squared": floor, "gamma": gamma}
    return pieces


def test_exercise_9_4_check_and_printed_numbers(capsys):
    """Check 9.4 passes the solution and rejects the |G|²-normalised variant; the printed
    example (3 planes in R^64, C_64, k = 8): t = 0.495, (|G| − 1)t^8 = 0.229, exact γ = 1.08e-05
    ≤ bound 0.301, recomputed from the explicit formula."""
    namespace: dict = {}
    exec((NOTEBOOK.parent / "solutions" / "09_ex4.py").read_text(), namespace)
    assert csqlab.checks.ex9_4(namespace["gamma_bound_pieces"]).status == "passed"
    result = csqlab.checks.ex9_4(_wrong_pieces(2))
    assert result.status == "failed" and "derivation gives" in result.message
    planes = random_planes(3, 64, seed=9)
    t = max(np.linalg.norm(planes[i] @ groups.permutation_matrix(g) @ planes[j].T, 2)
            for i in range(3) for j in range(3) for g in groups.cyclic(64).elements()
            if i != j or np.any(g != np.arange(64)))
    assert round(t, 3) == 0.495 and round(63 * t**8, 3) == 0.229
    assert round(64 * t**8 / (1 - 63 * t**8), 3) == 0.301
    gamma = cnn.group_averaged_plane_family(64, 8, planes=planes).gamma
    assert f"{gamma:.2e}" == "1.08e-05" and gamma <= 0.301


def test_understanding_answers_numbers():
    """Q1: ⟨φ_U, φ_{U P_h}⟩ = 0.962 for the transposition (norm 0.981), the 31 shifted
    correlations sum to 0.009 under C_32; Q3: the C_8 orbit of {0, 4} is the four antipodal
    pairs, found by rotating by hand, with ‖R_G f_S‖²/‖f_S‖² = 1/4."""
    plane = random_planes(1, 32, seed=0)[0]
    swap = np.arange(32)
    swap[[0, 1]] = [1, 0]
    assert hidden_plane_correlation(plane, plane[:, swap], 4) == pytest.approx(0.962, abs=5e-4)
    shifted = sum(hidden_plane_correlation(plane, plane[:, (np.arange(32) + s) % 32], 4)
                  for s in range(1, 32))
    assert shifted == pytest.approx(0.009, abs=5e-4)
    orbit = {tuple(sorted(((0 + s) % 8, (4 + s) % 8))) for s in range(8)}
    assert orbit == {(0, 4), (1, 5), (2, 6), (3, 7)}
    averaged = relu_parities(8, 2, group=groups.cyclic(8))
    single = relu_parities(8, 2)   # no group: ‖f_S‖ of one parity of ReLUs
    ratio = np.asarray(averaged.norm)[averaged.members.index((0, 4))] ** 2 / float(single.norm) ** 2
    assert ratio == pytest.approx(1 / 4)
    ratio_free = np.asarray(averaged.norm)[averaged.members.index((0, 1))] ** 2 / float(single.norm) ** 2
    assert ratio_free == pytest.approx(1 / 8)
