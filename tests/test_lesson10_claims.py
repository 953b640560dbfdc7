"""Lesson 10's printed claims, each recomputed by a second route: explicit rotations of every
subset, exact integer binomials, the counting lemma by hand, a naive enumeration of every weight
setting of the 3-node network, and the lesson's own seeded runs."""

import itertools
import math

import numpy as np
import pytest
import torch

from csqlab import bounds, groups
from csqlab.hard import polynomials, proper
from csqlab.training import members


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


def naive_min_errors(points, labels):
    """Every weight setting on {−2..2}, scored directly."""
    values = np.arange(-2.0, 3.0)
    units = np.array(list(itertools.product(values, repeat=points.shape[1] + 1)))
    hidden = (np.concatenate([points, np.ones((len(points), 1))], axis=1) @ units.T > 0) * 1.0
    rules = np.array(list(itertools.product(values, repeat=3)))
    best = len(labels)
    for u in range(len(units)):
        scores = (hidden[:, u, None, None] * rules[:, 0] + hidden[:, :, None] * rules[:, 1]
                  + rules[:, 2]) > 0
        best = min(best, int((scores != labels[:, None, None].astype(bool)).sum(axis=0).min()))
    return best


def test_reduction_table_claims():
    """§7: both routes agree on every instance; the parity of 3 bits has optimum 1 error with
    60 optimal combinations (and naive enumeration of all 5^11 settings agrees on the
    optimum); grid sizes 5^(2(d+1)+3)."""
    cube3 = ((np.arange(8)[:, None] >> np.arange(3)) & 1).astype(float)
    parity = cube3.sum(axis=1).astype(int) % 2
    network = proper.brute_force_network(cube3, parity)
    assert (network.min_errors, network.n_optimal) == (1, 60)
    assert naive_min_errors(cube3, parity) == 1
    for seed in (0, 1):
        for planted in (True, False):
            points, labels = proper.random_threshold_instance(3, 7, planted, seed=seed)
            a = proper.brute_force_network(points, labels)
            b = proper.brute_force_gnn(*proper.instance_to_graphs(points), labels)
            assert (a.min_errors, a.n_optimal) == (b.min_errors, b.n_optimal)
            assert a.min_errors == 0
    points, labels = proper.random_threshold_instance(3, 7, False, seed=1)
    assert naive_min_errors(points, labels) == 0
    assert [proper.search_space_size(d) for d in (3, 10, 30)] == [5**11, 5**25, 5**65]
