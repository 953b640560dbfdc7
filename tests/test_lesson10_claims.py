"""Lesson 10's printed claims, each recomputed by a second route: explicit rotations of every
subset, exact integer binomials, the counting lemma by hand, exact Gauss–Hermite quadrature of
the label-transform statistic, and the lesson's own seeded runs; then the lesson's shape (opening
question, summary, check-your-understanding answers, length) and what its table and figure
claim."""

import itertools
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from lesson_shape import check_lesson_shape

from csqlab import bounds, groups
from csqlab.gaussian import gauss_hermite_rule
from csqlab.hard import polynomials
from csqlab.training import members

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "10_invariant_polynomials.ipynb"
NOTES = NOTEBOOK.parent / "notes"


def rotation_orbit_sizes(n, k):
    """Sizes of the C_n orbits of k-subsets, from explicit rotations, in the lesson's order."""
    seen, sizes = set(), []
    for subset in itertools.combinations(range(n), k):
        if subset in seen:
            continue
        orbit = {tuple(sorted((i + s) % n for i in subset)) for s in range(n)}
        seen |= orbit
        sizes.append(len(orbit))
    return sizes


def test_cyclic_orbit_family_size_and_orbit_sizes():
    """§1: 10 orbits of 4-subsets under C_8 with sizes 8,…,4,8,2; 22 orbit features of degree
    ≤ 4 in the InvariantPolynomial model."""
    family = polynomials.orbit_polynomial_family(8, 4, groups.cyclic(8))
    printed = [len(groups.subset_orbit(groups.cyclic(8), S)) for S in family.members]
    assert printed == rotation_orbit_sizes(8, 4) == [8, 8, 8, 8, 8, 8, 8, 4, 8, 2]
    assert family.size == 10 and math.comb(8, 4) / 8 == 8.75
    assert sum(len(rotation_orbit_sizes(8, k)) for k in range(1, 5)) == 22
    assert polynomials.orbit_sum_model(family, 0).n_features == 22


def test_monte_carlo_gram_claim():
    """§1: the N = 20000 Monte Carlo Gram is within 4.5 standard errors of I."""
    family = polynomials.orbit_polynomial_family(8, 4, groups.cyclic(8))
    estimate = family.gram(method="monte_carlo", n_samples=20_000, seed=0)
    assert np.all(np.abs(estimate.gram - np.eye(10)) <= 4.5 * estimate.standard_error)


def test_set_family_claims():
    """§2: C(6, 3) = 20 set monomials; the DeepSets network for k = 3 has 2^{k−1} = 4 units."""
    assert polynomials.set_monomial_family(2, 6, 3).size == 20 == math.comb(6, 3)
    network = polynomials.set_monomial_network(2, 6, (0, 1, 2))
    assert network.node_mlp.layers[0].out_features == 4


def test_bound_rates_and_symmetry_cost_from_exact_binomials():
    """§3: fitted rates (to 3 decimals) and log10 q at n = 400, from exact integer binomials."""
    ns = np.arange(40, 401, 20)
    exact_log2 = {
        "plain": [math.log2(math.comb(int(n), int(n) // 2)) for n in ns],
        "cyclic": [math.log2(math.comb(int(n), int(n) // 2) / n) for n in ns],
        "dihedral": [math.log2(math.comb(int(n), int(n) // 2) / (2 * n)) for n in ns],
    }
    rates = {name: np.polyfit(ns, values, 1)[0] for name, values in exact_log2.items()}
    assert round(rates["plain"], 3) == 0.996 and round(rates["cyclic"], 3) == 0.988
    assert round(rates["dihedral"], 3) == 0.988
    curve = polynomials.orbit_polynomial_bound_curve(ns, 0.01, group_order=lambda m: m)
    assert polynomials.fit_exponential_rate(ns, curve.log10_m) == pytest.approx(rates["cyclic"])
    by_hand = math.log10(math.comb(400, 200) / 400 * 0.01**2 / 2)
    assert curve.log10_min_queries[-1] == pytest.approx(by_hand)
    assert round(by_hand, 1) == 112.1 and round(math.log10(400), 2) == 2.60


def test_support_statistic_claims():
    """§4: exact values 2·1[j∈S] (monomial, set) and 2k/n = 1 for C_6, k = 3."""
    np.testing.assert_array_equal(
        polynomials.orbit_support_statistic(groups.trivial(6), (0, 1, 3)), [2, 2, 0, 2, 0, 0])
    np.testing.assert_allclose(
        polynomials.orbit_support_statistic(groups.cyclic(6), (0, 1, 3)), np.ones(6))
    np.testing.assert_array_equal(polynomials.set_support_statistic(6, (1, 2, 4)),
                                  [0, 2, 2, 0, 2, 0])


def test_single_sq_run_claim():
    """§4: the seeded run recovers S exactly with 12 + 16 SQ queries and one CSQ."""
    target = (0, 2, 3, 5, 8, 11, 12, 15)
    oracle = polynomials.set_monomial_oracle(2, 16, target, n_samples=1600, seed=5)
    run = polynomials.sq_learn_set_monomial(oracle, 2, 16, 8)
    assert run.support == target
    assert (run.n_sq_queries, run.n_csq_queries) == (28, 1)
    assert abs(run.coefficient - 1) < 0.2


def test_success_table_claims():
    """§4: success rate 1.0 at d = 8, 16, 24 with N = 100d; CSQ bound log10(C(d, d/2)/(2N))."""
    for size in (8, 16, 24):
        assert polynomials.sq_success_rate(2, size, size // 2, 100 * size, 10, seed=size) == 1.0
        lemma = bounds.counting_lemma(1 / math.sqrt(100 * size), 0.0,
                                      m=math.comb(size, size // 2))
        assert lemma.log10_min_queries == pytest.approx(
            math.log10(math.comb(size, size // 2) / (2 * 100 * size)))
    assert round(math.log10(math.comb(8, 4) / 1600), 2) == -1.36


def test_gradient_descent_claims():
    """§5: with the lesson's settings the student learns at d = 4 and stays at 1 at d = 16."""
    results, threads = {}, torch.get_num_threads()
    torch.set_num_threads(1)  # as csqlab.setup() does in the lesson (and far faster here)
    for size in (4, 16):
        teacher = polynomials.set_monomial_family(2, size, size // 2,
                                                  subsets=[tuple(range(0, size, 2))])
        student = polynomials.deepsets_student(size, 64, seed=0)
        curve = members.train_member(student, teacher, 0, steps=300, batch_size=256,
                                         lr=1e-3, seed=size)
        results[size] = curve.test_loss[-1]
    torch.set_num_threads(threads)
    assert results[4] < 0.1
    assert 0.95 < results[16] < 1.05


# ------------------------------------------- the label transform and the separation table


def statistic_by_quadrature(n, subsets):
    """E[p² He_2(x_j)] for p the normalised sum of the monomials of ``subsets``, by the 3-point
    Gauss–Hermite rule over all 3^n nodes (exact: degree ≤ 4 in each variable)."""
    nodes, weights = gauss_hermite_rule(3)
    index = np.array(list(itertools.product(range(3), repeat=n)))
    x, w = nodes[index], np.prod(weights[index], axis=1)
    p = sum(np.prod(x[:, list(T)], axis=1) for T in subsets) / math.sqrt(len(subsets))
    return w @ (p[:, None] ** 2 * (x**2 - 1))


def rotations(n, subset):
    return sorted({tuple(sorted((i + s) % n for i in subset)) for s in range(n)})


@pytest.mark.parametrize("n, subset", [(6, (0, 1, 3)), (6, (0, 2, 4)), (7, (0, 1, 3)),
                                       (8, (0, 2, 4, 6))])
def test_transitive_group_statistic_is_constant_by_quadrature(n, subset):
    """§4, Exercise 10.3 and the table's orbit-sum row: for C_n the y² statistic is 2k/n at
    every coordinate (orbits by explicit rotation, values by quadrature), so the transform
    sees nothing; the library's closed form agrees."""
    exact = statistic_by_quadrature(n, rotations(n, subset))
    np.testing.assert_allclose(exact, 2 * len(subset) / n, atol=1e-9)
    np.testing.assert_allclose(polynomials.orbit_support_statistic(groups.cyclic(n), subset),
                               exact, atol=1e-9)
    single = statistic_by_quadrature(n, [subset])  # one monomial: the support shows
    np.testing.assert_allclose(single, 2 * np.isin(np.arange(n), subset), atol=1e-9)


def _cells(kind=None):
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    return [c.source for c in cells if kind is None or c.cell_type == kind]


def test_separation_table_claims_the_algorithm_only_for_the_set_variant():
    """§6: the d + 13 queries are claimed for the set variant only; the orbit-sum row says the
    transform sees nothing (the constant 2k/n checked above)."""
    table = next(m for m in _cells("markdown") if "## 6. Summary of the separation" in m)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "class" not in line]
    orbit_row = next(r for r in rows if "orbit sums" in r)
    set_row = next(r for r in rows if "set variant" in r)
    assert "d+13" in set_row and "d+13" not in orbit_row
    assert "2k/n" in orbit_row and "sees nothing" in orbit_row


def test_sq_cost_lines_stop_at_the_largest_tested_d():
    """The figure draws the SQ algorithm's cost only at the sizes of the success table; only
    the CSQ formula runs on to d = 128."""
    figure = next(c for c in _cells("code") if "Same class, two query models" in c)
    sq_lines = [line for line in figure.splitlines() if "SQ algorithm" in line]
    assert len(sq_lines) == 2 and all(line.startswith("ax.plot(tested,") for line in sq_lines)
    assert "tested = np.array([size for size, _, _ in table])" in figure


def test_no_internal_citations():
    assert not re.search(r"PAPER|BACKGROUND", "\n".join(_cells()))


def test_shape_and_written_solution():
    """The shared lesson shape; the derivation exercise has its written solution in answers.md."""
    check_lesson_shape(NOTEBOOK, "Lesson 10 — Invariant polynomials")
    assert "## Exercise 10.3: what y squared sees of an orbit sum" in (NOTES / "answers.md").read_text()


def test_understanding_q1_small_orbit_of_c8():
    """Q1: S = {0, 2, 4, 6} under C_8 has the orbit {S, S + 1}; each j lies in one of its two
    subsets, so the statistic is 2·1/2 = 1 = 2k/n at every j."""
    orbit = rotations(8, (0, 2, 4, 6))
    assert orbit == [(0, 2, 4, 6), (1, 3, 5, 7)]
    np.testing.assert_allclose(statistic_by_quadrature(8, orbit), 1.0, atol=1e-9)


def test_understanding_q3_first_d_with_more_than_one_query():
    """Q3: C(d, d/2)·τ²/2 with τ² = 1/(100d) first exceeds 1 at d = 14 (1.23; d = 12 gives 0.39)."""
    values = {d: math.comb(d, d // 2) / (2 * 100 * d) for d in range(2, 40, 2)}
    first = min(d for d, v in values.items() if v > 1)
    assert first == 14 and round(values[14], 2) == 1.23 and round(values[12], 2) == 0.39
    lemma = bounds.counting_lemma(1 / math.sqrt(1400), 0.0, m=math.comb(14, 7))
    assert lemma.log10_min_queries == pytest.approx(math.log10(values[14]))
