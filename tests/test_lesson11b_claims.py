"""Lesson 11b's printed claims (the recap table and the bound curves), each recomputed by a
second route: the directed-graph closed form over every subset of the window (scipy's
binomial), pairwise exact correlations, orbit counts by hand, monomial Gram matrices, exact
integer binomials and least-squares fits done here; the printed numbers are read from the
committed notebook."""

import itertools
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from lesson_shape import check_lesson_shape
from scipy.stats import binom

from csqlab import groups
from csqlab.hard import classical, cnn, frames, gnn, polynomials

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "11b_recap_proof_maps.ipynb"
TAU = 0.1


def printed() -> str:
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    return "\n".join("".join(o.get("text", "")) for c in cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


def table_row(label: str) -> dict:
    """The printed table's row: realisation, invariance, γ, m and q (as printed)."""
    line = next(line for line in printed().splitlines() if line.startswith(label)
                and "realisation" not in line)
    number = r"(< 1e-12|= \S+)"  # csqlab.teach.roundoff
    match = re.search(number + r"\s+" + number + r"\s+(\S+)\s+(\d+)\s+(.+)$", line)
    keys = ("realisation", "invariance", "gamma", "m", "q")
    return dict(zip(keys, match.groups(), strict=True))


def cycle_with_loops():
    return np.eye(6) + np.roll(np.eye(6), 1, 1) + np.roll(np.eye(6), -1, 1)


def test_row_a_gamma_m_q_by_the_closed_form_over_every_subset():
    window = gnn.central_degree_window(16, gnn.window_width(16, 0.5))
    p = binom.pmf(np.arange(16), 15, 0.5)
    gamma = max(abs(1 - 2 * p[list(U)].sum()) ** 16
                for r in range(1, len(window) + 1) for U in itertools.combinations(window, r))
    m = 2 ** len(window)
    row = table_row("A: GNN, degree parities")
    assert float(row["gamma"]) == pytest.approx(gamma, rel=2e-3) and int(row["m"]) == m == 16
    assert float(row["q"]) == pytest.approx(m * (TAU**2 - gamma) / 2, rel=2e-3)


def test_row_a_network_against_degrees_counted_by_hand():
    family = gnn.degree_parity_family(16)
    graphs = family.sample(200, seed=11)
    subset = family.members[3]
    degrees = graphs.sum(axis=2).astype(int)
    by_hand = np.array([(-1.0) ** sum(int((d == j).sum()) for j in subset) for d in degrees])
    with torch.no_grad():
        outputs = gnn.degree_parity_network(16, subset)(torch.from_numpy(graphs)).numpy()
    assert np.abs(outputs - by_hand).max() < 1e-12
    perm = np.random.default_rng(0).permutation(16)
    relabelled = graphs[:, perm][:, :, perm]
    assert np.array_equal(family.evaluate(relabelled), family.evaluate(graphs))


def test_row_b_gamma_by_pairwise_exact_correlations_and_the_graph_factor():
    planes = classical.random_planes(6, 8, seed=2)
    cycle = cycle_with_loops()
    pairs = [abs(gnn.gnn_hidden_plane_correlation(cycle, planes[i], planes[j], 4))
             for i, j in itertools.combinations(range(6), 2)]
    overlap = max(np.linalg.norm(planes[i] @ planes[j].T, 2)
                  for i, j in itertools.combinations(range(6), 2))
    assert max(pairs) <= gnn.graph_factor(cycle) * overlap**4 + 1e-12
    row = table_row("B: GNN, Gaussian features")
    assert float(row["gamma"]) == pytest.approx(max(pairs), rel=2e-3) and int(row["m"]) == 6
    assert max(pairs) >= TAU**2 and row["q"] == "n/a (τ² ≤ γ)"


def test_row_c_gamma_by_the_group_averaging_identity():
    planes = classical.random_planes(6, 8, seed=3)
    group = groups.cyclic(8)
    norms = [cnn.group_averaged_norm_squared(U, 4, group) for U in planes]
    gamma = max(abs(cnn.group_averaged_inner_product(planes[i], planes[j], 4, group))
                / math.sqrt(norms[i] * norms[j]) for i, j in itertools.combinations(range(6), 2))
    row = table_row("C: CNN, averaged planes")
    assert float(row["gamma"]) == pytest.approx(gamma, rel=2e-3) and int(row["m"]) == 6
    assert gamma >= TAU**2 and row["q"] == "n/a (τ² ≤ γ)"


def test_row_d_orbits_by_hand_and_orthogonality():
    # 2-subsets of Z_8 up to rotation: one orbit per distance 1, 2, 3, 4
    orbits = {min(tuple(sorted(((a + s) % 8, (b + s) % 8))) for s in range(8))
              for a, b in itertools.combinations(range(8), 2)}
    assert len(orbits) == 4 == groups.subset_orbit_count(groups.cyclic(8), 2)
    family = classical.parity_of_activations_family(8, 2, group=groups.cyclic(8))
    gram = family.gram(method="monte_carlo", n_samples=40000, seed=1)
    off = gram.gram - np.diag(np.diag(gram.gram))
    assert np.all(np.abs(off) <= 4.5 * gram.standard_error + 1e-12)
    row = table_row("D: frame-averaged MLP")
    assert float(row["gamma"]) == 0 and int(row["m"]) == 4
    assert float(row["q"]) == pytest.approx(4 * TAU**2 / 2)


def test_row_e_by_monomial_count_and_monte_carlo():
    family = polynomials.set_monomial_family(4, 6, 3)
    # f_S = n^{-1/2} Σ_i x^{(i, S)}: orthonormal monomials, so ⟨f_S, f_T⟩ counts shared ones / n
    monomials = [{frozenset((i, j) for j in S) for i in range(4)} for S in family.members]
    exact = np.array([[len(a & b) / 4 for b in monomials] for a in monomials])
    assert np.array_equal(exact, np.eye(20))
    gram = family.gram(method="monte_carlo", n_samples=40000, seed=2)
    off = gram.gram - np.eye(20)
    assert np.all(np.abs(off) <= 4.5 * gram.standard_error + 1e-12)
    row = table_row("E: DeepSets, set monomials")
    assert float(row["gamma"]) == 0 and int(row["m"]) == math.comb(6, 3)
    assert float(row["q"]) == pytest.approx(math.comb(6, 3) * TAU**2 / 2)


def test_realisation_and_invariance_columns_are_at_rounding_level():
    for label in ("A: GNN", "B: GNN", "C: CNN", "D: frame", "E: DeepSets"):
        row = table_row(label)
        assert row["realisation"] == row["invariance"] == "< 1e-12", row


def test_curve_a_at_ten_million_and_c_applies_from_125():
    width = round(math.sqrt(1e7))
    gamma = gnn.degree_parity_gamma(10**7).gamma
    log10_q = width * math.log10(2) + math.log10((TAU**2 - gamma) / 2)
    assert f"log10 q = {log10_q:.4g}" in printed()
    sizes = np.unique(np.round(np.geomspace(16, 1e7, 40)))
    t8 = sizes ** (-0.25 * 8)  # t = n^{c − 1/2}, c = 1/4, k = 8
    gamma_c = sizes * t8 / (1 - (sizes - 1) * t8)
    first = sizes[gamma_c < TAU**2][0]
    assert first == 125
    assert re.search(r"C: CNN, C_n-averaged planes \(n\)\s+applies from size\s+125;", printed())


def test_fits_recomputed_here():
    sizes = np.unique(np.round(np.geomspace(16, 1e7, 40)))
    log10_m = gnn.window_width(sizes, 0.5) * math.log10(2)
    slope = np.polyfit(np.log(sizes), np.log(log10_m), 1)[0]
    assert f"log10 m ∝ n^{slope:.3f}" in printed() and abs(slope - 0.5) < 0.01
    ds = sizes[sizes <= 2000]
    log2_m = np.array([math.log2(math.comb(int(d), int(d) // 2)) for d in ds])
    rate = np.polyfit(ds, log2_m, 1)[0]
    assert f"fitted r = {rate:.3f}" in printed()
    curve = frames.frame_averaged_bound_curve(sizes, lambda n: n**-0.5, "cyclic")
    slope, intercept = np.polyfit(np.log(sizes) ** 2, curve.log10_min_queries, 1)
    assert f"log10 q = {slope:.3f}·(ln n)² {intercept:+.2f}" in printed()


def test_shape_and_budget():
    check_lesson_shape(NOTEBOOK, "Lesson 11b — Recap: every lower bound along its proof map")
