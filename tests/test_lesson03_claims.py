"""Every number lesson 3 prints, recomputed by a second route.

Routes: closed forms for the counting lemma and the shifted-parity family, the Walsh–Hadamard
transform instead of the explicit parity matrix, explicit pairwise loops, and the game replayed
by hand with a matrix of all parities.
"""

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from lesson_shape import check_lesson_shape

from csqlab import adversary, boolean, bounds

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "03_counting_lemma.ipynb"

N_BITS = 10
PARITIES = scipy.linalg.hadamard(1 << N_BITS).astype(float)  # row S is χ_S (csqlab order)
GAMMA = 0.05


def shifted_family():
    """Lesson 3's family √(1−γ) χ_S + √γ over the 255 non-empty S on 8 bits."""
    return math.sqrt(1 - GAMMA) * scipy.linalg.hadamard(256)[1:] + math.sqrt(GAMMA)


def test_section1_parity_gram_is_the_identity_and_matches_csqlab_rows():
    assert np.array_equal(PARITIES, boolean.parities_on_cube(range(1 << N_BITS), N_BITS))
    assert np.array_equal(PARITIES @ PARITIES.T / (1 << N_BITS), np.eye(1 << N_BITS))


def test_section1_shifted_family_has_unit_norms_and_correlation_exactly_gamma():
    gram = bounds.pairwise_correlation(shifted_family())
    # closed form: (1−γ)·1[S=T] + γ
    expected = (1 - GAMMA) * np.eye(255) + GAMMA
    assert np.allclose(gram, expected, atol=1e-12)
    assert round(bounds.max_offdiagonal(gram), 12) == GAMMA
    assert bounds.statistical_dimension(gram, 0.05) == 255  # every pair is at exactly γ
    assert bounds.statistical_dimension(gram, 0.01) == 1  # every pair conflicts


def test_section1_random_family_numbers_and_greedy_subsets_are_valid():
    family = np.random.default_rng(0).choice([-1.0, 1.0], size=(300, 256))
    gram = bounds.pairwise_correlation(family)
    largest = max(abs(float(family[i] @ family[j])) / 256
                  for i in range(300) for j in range(i))
    assert round(largest, 4) == 0.2812 == round(bounds.max_offdiagonal(gram), 4)
    d = bounds.sq_dimension(gram)
    assert d == 16
    chosen = bounds.low_correlation_subset(gram, 1 / d)
    block = np.abs(gram[np.ix_(chosen, chosen)])
    assert len(chosen) >= d and block[~np.eye(len(chosen), dtype=bool)].max() <= 1 / d
    levels = np.arange(0.02, 0.31, 0.02)
    dimensions = [bounds.statistical_dimension(gram, level) for level in levels]
    assert dimensions[-1] >= 290 and dimensions[0] >= 2


@pytest.mark.parametrize("m, gamma, tolerance, queries, per_query, threshold, distance", [
    (1024, 0.0, 0.1, 5.12, 200.0, 0.5, 1.414),
    (255, 0.05, 0.3, 5.1, 47.5, 0.475, 1.378),
])
def test_section2_counting_lemma_constants(m, gamma, tolerance, queries, per_query, threshold,
                                           distance):
    bound = bounds.counting_lemma(tolerance, gamma, m)
    assert bound.min_queries == pytest.approx(queries)
    assert bound.per_query == pytest.approx(per_query)
    assert bound.error_threshold == pytest.approx(threshold)
    assert round(math.sqrt(2 * (1 - gamma)), 3) == distance


def test_section2_tau_0_2_is_not_applicable_for_gamma_0_05():
    bound = bounds.counting_lemma(0.2, 0.05, 255)
    assert not bound.applicable and bound.min_queries is None
    assert str(bound).startswith("not applicable")


def test_section3_brute_force_counts_by_the_walsh_hadamard_route():
    """The lesson's worst counts (explicit matmul) agree with counts from the fast transform,
    and never exceed 2/τ²."""
    parities = boolean.parities_on_cube(range(1 << N_BITS), N_BITS)
    rng = np.random.default_rng(0)
    printed = {0.05: 139, 0.1: 16, 0.2: 12, 0.3: 8, 0.5: 1}
    worst = dict.fromkeys(printed, 0)
    size = 1 << N_BITS
    for index in range(400):
        kind = index % 4
        if kind == 0:
            query = rng.choice([-1.0, 1.0], size=size)
        elif kind == 1:
            query = rng.uniform(-1, 1, size=size)
        else:
            mixed = parities[rng.choice(size, size=rng.integers(1, 12), replace=False)]
            total = mixed.sum(axis=0)
            query = np.sign(total + 0.5) if kind == 2 else np.clip(total / len(mixed) ** 0.5, -1, 1)
        correlations = np.abs(boolean.fourier_coefficients(query))
        for tolerance in printed:
            worst[tolerance] = max(worst[tolerance], int(np.sum(correlations > tolerance)))
    assert worst == printed
    assert all(count <= 2 / tolerance**2 for tolerance, count in worst.items())


def test_section3_histogram_queries_see_what_the_text_says():
    rng = np.random.default_rng(3)
    random_query = rng.choice([-1.0, 1.0], size=1 << N_BITS)
    aimed = np.sign(PARITIES[[3, 100, 517, 800, 1000]].sum(axis=0))
    aimed_correlations = boolean.fourier_coefficients(aimed)
    assert np.all(np.abs(aimed_correlations[[3, 100, 517, 800, 1000]]) == 0.375)
    assert np.count_nonzero(aimed_correlations) < 20
    assert np.std(boolean.fourier_coefficients(random_query)) == pytest.approx(2**-5, rel=0.1)


def test_section3_bent_query_sees_every_parity_within_a_factor_two_of_the_lemma():
    bent = boolean.bent_on_cube(range(N_BITS), N_BITS)
    correlations = PARITIES @ bent / (1 << N_BITS)
    assert np.array_equal(np.unique(np.abs(correlations)), [0.03125])
    tolerance = 0.99 * 2**-5
    assert round(tolerance, 5) == 0.03094
    assert int(np.sum(np.abs(correlations) > tolerance)) == 1024
    assert round(2 / tolerance**2, 1) == 2089.6 and round(1 / tolerance**2, 1) == 1044.8
    # Parseval: the bent query spends exactly its unit weight
    assert np.sum(correlations**2) == pytest.approx(1.0)


def test_section4_step1_chain_by_the_fourier_route():
    """⟨h, f_i⟩ = √(1−γ) ĥ(S_i) + √γ ĥ(∅); ‖Σ f_i‖² = s + s(s−1)γ in closed form."""
    family = shifted_family()
    query = np.sign(family[:5].sum(axis=0))
    coefficients = boolean.fourier_coefficients(query)
    correlations = math.sqrt(1 - GAMMA) * coefficients[1:] + math.sqrt(GAMMA) * coefficients[0]
    above = correlations > 0.3
    s = int(above.sum())
    assert s == 4
    assert round(float(correlations[above].sum()), 4) == 1.6455
    assert round(math.sqrt(s + s * (s - 1) * GAMMA), 4) == 2.1448
    norm = math.sqrt(np.mean(family[above].sum(axis=0) ** 2))
    assert round(norm, 4) == 2.1448
    assert s * 0.3 < correlations[above].sum() <= norm + 1e-12
    assert (1 - GAMMA) / (0.3**2 - GAMMA) == pytest.approx(23.75)


def test_section4_step2_adversary_keeps_all_but_the_seen_members():
    family = shifted_family()
    query = np.sign(family[:5].sum(axis=0))
    game = adversary.AdversaryGame(family, tolerance=0.3)
    assert game.query(query) == 0.0
    seen = int(np.sum(np.abs(family @ query / 256) > 0.3))
    assert game.n_consistent == 255 - seen == 251
    assert game.bound.consistent_after(1) == pytest.approx(255 - 0.95 / 0.04 * 2) == 207.5


def test_section4_step3_distances_decoding_and_the_sharp_midpoint():
    family = shifted_family()
    distances = [math.sqrt(np.mean((family[i] - family[j]) ** 2)) for i, j in [(0, 1), (3, 200)]]
    assert distances == pytest.approx([math.sqrt(1.9)] * 2)
    assert round(math.sqrt(1.9), 4) == 1.3784
    rng = np.random.default_rng(1)
    for target in range(255):
        error = rng.standard_normal(256)
        error *= math.sqrt(0.99 * 0.95 / 2 / np.mean(error**2))
        distances = np.mean((family - (family[target] + error)) ** 2, axis=1)
        assert np.argmin(distances) == target
    midpoint = (family[0] + family[1]) / 2
    assert np.mean((midpoint - family[0]) ** 2) == pytest.approx(0.475)


def test_section5_one_parity_at_a_time_needs_m_minus_one_queries():
    """Orthonormality: a query χ_S correlates 1 with χ_S and 0 with the rest (the identity
    Gram above), so each query removes exactly one parity."""
    game = adversary.AdversaryGame.parities(N_BITS, 0.12)
    game.play(adversary.query_candidates_in_turn, max_queries=1100)
    assert (game.n_queries, game.n_consistent) == (1023, 1)
    assert [r.n_consistent for r in game.history] == list(range(1023, 0, -1))


def test_section5_random_queries_replayed_with_one_matrix_product():
    """The 1100 seeded ±1 queries, correlated with all parities in one explicit product: a
    parity survives iff all its correlations stay within τ of the adversary's 0."""
    generator = np.random.default_rng(0)  # the stream random_bounded_queries(seed=0) draws
    queries = np.stack([generator.choice(np.array([-1.0, 1.0]), size=1 << N_BITS)
                        for _ in range(1100)])
    correlations = PARITIES @ queries.T / (1 << N_BITS)
    survivors = np.all(np.abs(correlations) <= 0.12, axis=1)
    game = adversary.AdversaryGame.parities(N_BITS, 0.12)
    game.play(adversary.random_bounded_queries(seed=0), max_queries=1100)
    assert int(survivors.sum()) == game.n_consistent == 893
    assert np.array_equal(survivors, game.consistent)


def test_section5_bent_learner_replayed_by_hand():
    tolerance = 0.12
    game = adversary.AdversaryGame.parities(N_BITS, tolerance)
    consistent = np.ones(1 << N_BITS, dtype=bool)
    while consistent.sum() > 1:
        query = adversary.query_bent_cosets(game)
        answer = game.query(query)
        consistent &= np.abs(PARITIES @ query / (1 << N_BITS) - answer) <= tolerance
        assert np.array_equal(consistent, game.consistent)
    assert game.n_queries == 24
    assert 1024 - game.history[0].n_consistent == 4**3  # 2^{-3} > 0.12 ≥ 2^{-4}
    assert all(r.n_consistent >= r.guaranteed for r in game.history)
    assert round(1024 * tolerance**2 / 2, 2) == 7.37


def test_section6_sample_numbers_for_n_50_and_tau_0_01():
    assert round(2**50 * 1e-4 / 2 / 1e10, 2) == 5.63
    assert bounds.counting_lemma(0.01, 0.0, 2**50).min_queries == pytest.approx(2**50 * 1e-4 / 2)
    assert bounds.samples_for_tolerance(0.01) == pytest.approx(1e4)
    tolerance = bounds.max_tolerance_for_queries(10**6, 0.0, 2**50)
    assert tolerance == pytest.approx(math.sqrt(2e6 / 2**50))
    assert f"{tolerance:.3g}" == "4.21e-05"
    assert f"{1 / tolerance**2:.3g}" == "5.63e+08"


def test_section6_elimination_recovers_the_secret_from_70_samples():
    rng = np.random.default_rng(7)
    secret = (2, 3, 11, 19, 23, 31, 42, 47)
    x = boolean.random_cube_points(50, 70, rng)
    labels = np.prod(x[:, list(secret)], axis=1)
    fit = boolean.learn_parity_by_elimination(x, labels)
    assert fit.subset == secret and fit.unique


# --------------------------------------------- check your understanding (notes/understanding.md)


def test_shape_opening_question_summary_questions_and_length():
    check_lesson_shape(NOTEBOOK, "Lesson 3 — The counting lemma")


def test_understanding_q1_bessel_allows_69_and_the_bent_mixture_takes_64():
    """Q1: 1/τ² = 69.4 at τ = 0.12; a bent mixture on 2k coordinates sees 4^k parities at
    2^{-k}: k = 3 is the largest with 2^{-k} > τ; 64 removed first; ⌈1023/69⌉ = 15 ≤ 24."""
    tolerance = 0.12
    assert round(1 / tolerance**2, 1) == 69.4 and math.floor(1 / tolerance**2) == 69
    assert 2.0**-3 > tolerance > 2.0**-4
    for k, seen in [(3, 64), (4, 0)]:
        query = boolean.bent_on_cube(range(2 * k), N_BITS)
        assert int(np.sum(np.abs(PARITIES @ query / (1 << N_BITS)) > tolerance)) == seen
    game = adversary.AdversaryGame.parities(N_BITS, tolerance=tolerance)
    game.play(adversary.query_bent_cosets, max_queries=1100)
    removed = [a.n_consistent - b.n_consistent for a, b in zip(game.history, game.history[1:], strict=False)]
    assert game.m - game.history[0].n_consistent == 64 and max(removed, default=0) <= 69
    assert math.ceil(1023 / 69) == 15 <= game.n_queries == 24


def test_understanding_q2_the_shared_part_adversary_removes_at_most_23_members():
    """Q2: answering √γ E[h] is legal for all but < (1−γ)/τ² = 23.75 members at τ = 0.2
    (checked on the lesson's query, the constant, 200 random and 50 aimed queries); the
    constant query's truth √γ = 0.224 > τ, so 0 is not always legal; ⌈254/23⌉ = 12."""
    family, tolerance = shifted_family(), 0.2
    rng = np.random.default_rng(5)
    aimed = [np.sign(family[rng.choice(255, size=rng.integers(1, 9), replace=False)].sum(axis=0) + 0.5)
             for _ in range(50)]
    queries = [np.sign(family[:5].sum(axis=0)), np.ones(256)] + aimed + [
        rng.uniform(-1, 1, size=256) for _ in range(200)]
    for query in queries:
        truth = family @ query / 256
        shared = math.sqrt(GAMMA) * query.mean()
        assert int(np.sum(np.abs(truth - shared) > tolerance)) < (1 - GAMMA) / tolerance**2
    assert round((1 - GAMMA) / tolerance**2, 2) == 23.75
    assert round(math.sqrt(GAMMA), 3) == 0.224 > tolerance
    assert math.ceil(254 / 23) == 12 and round(math.sqrt(2 * (1 - GAMMA)), 3) == 1.378


def test_understanding_q3_one_flipped_label_breaks_elimination():
    """Q3: with one of the 70 labels flipped the system is inconsistent and the subset is wrong."""
    rng = np.random.default_rng(7)
    secret = (2, 3, 11, 19, 23, 31, 42, 47)
    x = boolean.random_cube_points(50, 70, rng)
    labels = np.prod(x[:, list(secret)], axis=1)
    labels[0] *= -1
    fit = boolean.learn_parity_by_elimination(x, labels)
    assert not fit.consistent and fit.subset != secret
