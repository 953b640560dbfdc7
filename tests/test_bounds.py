"""Lesson 3 (the counting lemma): pairwise correlations, statistical dimension, the bound,
and the adversary game.

Second routes: a brute-force count of |⟨h, χ_S⟩| > τ by an explicit 1024 × 1024 matmul,
a bent function that nearly attains the per-query count, enumeration vs Plancherel vs
samples for Gram matrices, exhaustive search for the statistical dimension, and the game's
observed query counts against the lemma.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab.adversary import (
    AdversaryGame,
    bent_coset_query,
    query_bent_cosets,
    query_candidates_in_turn,
    random_bounded_queries,
)
from csqlab.boolean import cube, parities_on_cube, parity, random_cube_points, subsets_of_degree
from csqlab.bounds import (
    bound_curve,
    counting_lemma,
    log10_binomial,
    low_correlation_subset,
    max_offdiagonal,
    max_tolerance_for_queries,
    normalise_gram,
    pairwise_correlation,
    pairwise_correlation_fourier,
    pairwise_correlation_from_samples,
    samples_for_tolerance,
    sq_dimension,
    statistical_dimension,
    tolerance_from_samples,
)

SETTINGS = settings(max_examples=30, deadline=None)
N_BITS = 10
ALL_PARITIES = parities_on_cube(range(1 << N_BITS), N_BITS)


def correlated_family(m, gamma, n=6):
    """Unit-norm f_i = √(1−γ) χ_{S_i} + √γ·1 with pairwise ⟨f_i, f_j⟩ = γ exactly."""
    subsets = [s for k in range(1, n + 1) for s in subsets_of_degree(n, k)][:m]
    return math.sqrt(1 - gamma) * parities_on_cube(subsets, n) + math.sqrt(gamma)


def bent_function(n):
    """Inner-product function (−1)^{⟨u, v⟩} on n = 2h bits: |ĥ(S)| = 2^{−n/2} for all S."""
    points = cube(n, np.float64)
    half = n // 2
    return np.prod(np.where((points[:, :half] < 0) & (points[:, half:] < 0), -1.0, 1.0), axis=1)


def random_bounded_queries_zoo(rng, count):
    """Bounded queries of several kinds, including ones built to correlate with parities."""
    size = 1 << N_BITS
    for index in range(count):
        kind = index % 4
        if kind == 0:
            yield rng.choice([-1.0, 1.0], size=size)
        elif kind == 1:
            yield rng.uniform(-1, 1, size=size)
        else:
            # sign or clipped sum of a few parities: large correlations with those few
            chosen = rng.choice(size, size=rng.integers(1, 12), replace=False)
            total = ALL_PARITIES[chosen].sum(axis=0)
            yield np.sign(total + 0.5) if kind == 2 else np.clip(total / len(chosen) ** 0.5, -1, 1)


# --------------------------------------------------------------------------- the counting lemma, step 1


def test_one_query_sees_at_most_the_lemmas_count_of_parities():
    """Lemma step 1: for all 2^10 parities and many bounded h, #{S: |⟨h, χ_S⟩| > τ}
    never exceeds 2(1 − γ)/(τ² − γ) = 2/τ² (counts by explicit matmul, not the WHT)."""
    rng = np.random.default_rng(0)
    worst_ratio = 0.0
    for h in random_bounded_queries_zoo(rng, 200):
        correlations = ALL_PARITIES @ h / h.size
        for tolerance in (0.05, 0.1, 0.2, 0.3, 0.5, 0.9):
            count = int(np.sum(np.abs(correlations) > tolerance))
            bound = counting_lemma(tolerance, 0.0, 1 << N_BITS).per_query
            assert count <= bound
            worst_ratio = max(worst_ratio, count / bound)
    assert worst_ratio > 0.3  # the zoo really does produce queries that see many parities


def test_a_bent_query_nearly_attains_the_count_so_the_check_can_fail():
    """The inner-product function correlates 2^{−n/2} with every parity: with τ just below,
    all 1024 parities are seen, half of 2/τ² — a bound 2.1× smaller would be violated."""
    h = bent_function(N_BITS)
    correlations = ALL_PARITIES @ h / h.size
    assert np.allclose(np.abs(correlations), 2 ** (-N_BITS / 2))
    tolerance = 0.99 * 2 ** (-N_BITS / 2)
    count = int(np.sum(np.abs(correlations) > tolerance))
    bound = counting_lemma(tolerance, 0.0, 1 << N_BITS).per_query
    assert count == 1 << N_BITS
    assert count <= bound < 2.1 * count


@pytest.mark.parametrize("gamma", [0.01, 0.05, 0.2])
def test_per_query_count_holds_for_a_family_with_correlation_gamma(gamma):
    family = correlated_family(60, gamma)
    gram = pairwise_correlation(family)
    assert np.allclose(np.diag(gram), 1) and np.isclose(max_offdiagonal(gram), gamma)
    rng = np.random.default_rng(1)
    for _ in range(300):
        chosen = rng.choice(60, size=rng.integers(1, 10), replace=False)
        h = np.sign(family[chosen].sum(axis=0) + rng.normal(scale=0.1, size=64))
        correlations = family @ h / 64
        for tolerance in np.linspace(math.sqrt(gamma) * 1.05, 1.0, 8):
            bound = counting_lemma(tolerance, gamma, 60).per_query
            assert np.sum(np.abs(correlations) > tolerance) <= bound


# --------------------------------------------------------------------------- the bound itself


@SETTINGS
@given(st.floats(1e-3, 1.0), st.floats(0.0, 1.0), st.integers(1, 10**12))
def test_counting_lemma_is_never_negative_and_says_not_applicable(tolerance, gamma, m):
    """Pitfall 8: τ² ≤ γ → 'not applicable', never a negative number of queries."""
    bound = counting_lemma(tolerance, gamma, m)
    if tolerance**2 <= gamma:
        assert not bound.applicable and bound.min_queries is None and bound.per_query is None
        assert str(bound).startswith("not applicable: τ² ≤ γ")
        assert bound.consistent_after(3) is None
    else:
        assert bound.applicable and bound.min_queries > 0 and bound.per_query > 0
        assert bound.min_queries == pytest.approx(m * (tolerance**2 - gamma) / 2)
        assert bound.log10_min_queries == pytest.approx(math.log10(bound.min_queries))
        # per-query count × min_queries covers the family: m (1 − γ), step 2 ⇒ step 3
        assert bound.per_query * bound.min_queries == pytest.approx(m * (1 - gamma))
    assert bound.error_threshold == pytest.approx((1 - gamma) / 2)


def test_counting_lemma_constants_on_a_textbook_case():
    """All 2^10 parities, τ = 0.1: q ≥ 1024 · 0.01/2 = 5.12, one query sees < 200."""
    bound = counting_lemma(0.1, 0.0, 1024)
    assert bound.min_queries == pytest.approx(5.12)
    assert bound.per_query == pytest.approx(200.0)
    assert bound.consistent_after(2) == pytest.approx(624.0)
    # SQ-DIM form (BFJKMR): m = d, γ = 1/d gives (d τ² − 1)/2
    d, tolerance = 10**6, 0.01
    assert counting_lemma(tolerance, 1 / d, d).min_queries == pytest.approx((d * tolerance**2 - 1) / 2)


def test_huge_families_are_handled_in_log_space():
    n = 1000
    bound = counting_lemma(0.01, 0.0, log10_m=n**0.5 * math.log10(2))  # m = 2^{√n}
    assert bound.log10_min_queries == pytest.approx(math.sqrt(n) * math.log10(2) - 4 - math.log10(2))
    exact_int = counting_lemma(0.5, 0.0, 2**5000)
    assert exact_int.min_queries == math.inf
    assert exact_int.log10_min_queries == pytest.approx(5000 * math.log10(2) + math.log10(0.125))


@SETTINGS
@given(st.integers(1, 10**6), st.floats(0.0, 0.5), st.integers(10, 10**9))
def test_tolerance_tradeoff_inverts_the_bound(n_queries, gamma, m):
    tolerance = max_tolerance_for_queries(n_queries, gamma, m)
    if tolerance < 1.0:
        assert counting_lemma(tolerance, gamma, m).min_queries == pytest.approx(n_queries, rel=1e-6)
    else:
        assert gamma + 2 * n_queries / m >= 1.0 - 1e-12


def test_sample_heuristic_matches_the_sample_oracle_rate():
    assert tolerance_from_samples(10_000) == pytest.approx(0.01)
    assert samples_for_tolerance(0.01) == pytest.approx(10_000)
    # second route: the spread of a mean of N ±1 draws is 1/√N
    rng = np.random.default_rng(2)
    means = rng.choice([-1.0, 1.0], size=(2000, 400)).mean(axis=1)
    assert np.std(means) == pytest.approx(tolerance_from_samples(400), rel=0.1)


def test_log10_binomial_agrees_with_exact_integers():
    for n, k in [(10, 3), (20, 10), (1000, 500), (5000, 17)]:
        assert log10_binomial(n, k) == pytest.approx(math.log10(math.comb(n, k)), rel=1e-10)
    np.testing.assert_allclose(log10_binomial(np.array([5, 6]), 2), np.log10([10, 15]))


def test_bound_curve_matches_pointwise_lemma_and_marks_not_applicable():
    ns = np.arange(4, 200, 5)
    curve = bound_curve(ns, lambda n: math.log(n) * math.log10(n),  # m = n^{log n}
                        lambda n: 1.0 / n, 0.1)
    for i, n in enumerate(ns):
        bound = counting_lemma(0.1, 1.0 / n, log10_m=math.log(n) * math.log10(n))
        if bound.applicable:
            assert curve.applicable[i]
            assert curve.log10_min_queries[i] == pytest.approx(bound.log10_min_queries)
        else:
            assert not curve.applicable[i] and np.isnan(curve.log10_min_queries[i])
    assert not curve.applicable[0] and curve.applicable[-1]  # γ = 1/n drops below τ² = 0.01
    huge = bound_curve(np.array([10.0, 10_000.0]), lambda n: n**0.5 * math.log10(2), 0.0, 0.01)
    assert np.all(np.isfinite(huge.log10_min_queries))


# --------------------------------------------------------------------------- Gram matrices


def test_parity_gram_is_the_identity_by_enumeration_and_by_plancherel():
    subsets = subsets_of_degree(N_BITS, 2) + subsets_of_degree(N_BITS, 3)
    values = parities_on_cube(subsets, N_BITS)
    assert np.array_equal(pairwise_correlation(values), np.eye(len(subsets)))
    assert np.array_equal(pairwise_correlation_fourier(values), np.eye(len(subsets)))
    streamed = pairwise_correlation_fourier(iter(values))
    assert np.array_equal(streamed, np.eye(len(subsets)))
    single = pairwise_correlation_fourier(row.astype(np.float32) for row in values)
    assert np.array_equal(single, np.eye(len(subsets)))
    known = pairwise_correlation_fourier(coefficients=[{s: 1.0} for s in subsets])
    assert np.array_equal(known, np.eye(len(subsets)))


def test_fourier_route_equals_enumeration_for_dense_families():
    rng = np.random.default_rng(5)
    values = rng.normal(size=(7, 1 << 8))
    np.testing.assert_allclose(pairwise_correlation_fourier(values), pairwise_correlation(values),
                               atol=1e-12)
    expansions = [{(0,): 0.6, (1, 2): 0.8}, {(1, 2): 1.0}, {(): 1.0}]
    np.testing.assert_allclose(pairwise_correlation_fourier(coefficients=expansions),
                               [[1.0, 0.8, 0.0], [0.8, 1.0, 0.0], [0.0, 0.0, 1.0]])


def test_weighted_enumeration_equals_repeated_points():
    rng = np.random.default_rng(6)
    values = rng.normal(size=(4, 3))
    repeated = np.repeat(values, [1, 2, 5], axis=1)
    np.testing.assert_allclose(pairwise_correlation(values, [0.125, 0.25, 0.625]),
                               pairwise_correlation(repeated), atol=1e-14)


def test_sampled_gram_error_bars_cover_the_truth():
    """Standard errors are honest: ~95% of entries within 2 SE of the exact Gram."""
    subsets = subsets_of_degree(6, 1) + [(0, 1), (0, 1, 2)]
    functions = [lambda x, s=s: parity(s, x) + 0.5 * x[:, 0] * (len(s) == 1) for s in subsets]
    exact = pairwise_correlation(np.stack([f(cube(6, float)) for f in functions]))
    covered = []
    for seed in range(40):
        x = random_cube_points(6, 500, seed=seed)
        estimate = pairwise_correlation_from_samples(np.stack([f(x) for f in functions]))
        upper = np.triu_indices(len(subsets))
        covered.extend(np.abs(estimate.gram - exact)[upper] <= 2 * estimate.standard_error[upper]
                       + 1e-12)
    assert 0.9 <= np.mean(covered) <= 0.995


def test_max_offdiagonal_and_normalisation():
    gram = np.array([[4.0, 1.0, -2.0], [1.0, 1.0, 0.1], [-2.0, 0.1, 9.0]])
    assert max_offdiagonal(gram) == 2.0
    normalised = normalise_gram(gram)
    assert np.allclose(np.diag(normalised), 1)
    assert normalised[0, 2] == pytest.approx(-2.0 / 6.0)
    assert max_offdiagonal(np.eye(1)) == 0.0


# --------------------------------------------------------------------------- statistical dimension


def exhaustive_statistical_dimension(gram, gamma):
    m = gram.shape[0]
    for size in range(m, 0, -1):
        for subset in itertools.combinations(range(m), size):
            block = np.abs(gram[np.ix_(subset, subset)])
            np.fill_diagonal(block, 0)
            if block.max(initial=0) <= gamma:
                return size
    return 0


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.floats(0.05, 0.6))
def test_greedy_statistical_dimension_is_a_valid_lower_bound(seed, gamma):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(9, 5))
    gram = normalise_gram(vectors @ vectors.T)
    chosen = low_correlation_subset(gram, gamma)
    block = np.abs(gram[np.ix_(chosen, chosen)])
    np.fill_diagonal(block, 0)
    assert block.max(initial=0) <= gamma
    assert 1 <= statistical_dimension(gram, gamma) <= exhaustive_statistical_dimension(gram, gamma)


def test_sq_dimension_of_orthonormal_and_correlated_families():
    assert sq_dimension(np.eye(64)) == 64
    gram = pairwise_correlation(correlated_family(40, 0.05))  # pairwise exactly 1/20
    assert sq_dimension(gram) == 20


# --------------------------------------------------------------------------- the adversary game


def test_one_at_a_time_learner_needs_about_m_queries_above_the_lemma():
    """Lesson 3's game on all 2^10 parities: the learner needs m − 1 queries, which is at
    least m(τ² − γ)/2, and the consistent set never drops below the lemma's guarantee."""
    game = AdversaryGame.parities(N_BITS, tolerance=0.5)
    history = game.play(query_candidates_in_turn, max_queries=5000)
    assert game.solved and game.n_queries == game.m - 1 == 1023
    assert game.n_queries >= game.bound.min_queries == 128
    assert all(round_.answer == 0.0 for round_ in history)
    assert all(round_.n_consistent >= round_.guaranteed for round_ in history)
    assert [round_.n_consistent for round_ in history[:3]] == [1023, 1022, 1021]


def test_random_queries_remove_almost_no_parities():
    game = AdversaryGame.parities(8, tolerance=0.3)
    game.play(random_bounded_queries(seed=3), max_queries=100)
    assert game.n_queries == 100 and game.n_consistent >= 250
    assert all(r.n_consistent >= r.guaranteed for r in game.history)


@pytest.mark.parametrize("half_width", [0, 1, 2, 3])
def test_bent_coset_query_sees_one_coset_of_parities_at_level_two_to_the_minus_h(half_width):
    """Lesson 3's smart query: correlation exactly 2^{−h} with the 4^h parities χ_{S△U},
    U ⊆ {0..2h−1}, and 0 with every other parity (explicit 1024 × 1024 matmul)."""
    game = AdversaryGame.parities(N_BITS, tolerance=0.1)
    subset_mask = 0b1011010011
    query = bent_coset_query(game, subset_mask, half_width)
    assert np.max(np.abs(query)) == 1.0
    correlations = ALL_PARITIES @ query / query.size
    block = (1 << 2 * half_width) - 1
    coset = [(subset_mask & ~block) | low for low in range(block + 1)]
    assert np.allclose(np.abs(correlations[coset]), 2.0**-half_width)
    others = np.ones(1 << N_BITS, dtype=bool)
    others[coset] = False
    assert np.allclose(correlations[others], 0.0)


@pytest.mark.parametrize("n, tolerance", [(8, 0.24), (10, 0.12), (10, 0.2)])
def test_bent_coset_learner_is_within_a_small_factor_of_the_lemma(n, tolerance):
    """The lemma is nearly tight: the coset learner removes 4^h ≈ 1/τ² parities per query
    (never more than 2/τ²) and finishes in fewer than 4·m τ² queries (lemma: ≥ m τ²/2)."""
    game = AdversaryGame.parities(n, tolerance)
    game.play(query_bent_cosets, max_queries=2000)
    assert game.solved
    assert game.bound.min_queries <= game.n_queries < 4 * game.m * tolerance**2
    removed = -np.diff([game.m] + [r.n_consistent for r in game.history])
    assert removed.max() <= game.bound.per_query
    half_width = int(np.floor(-np.log2(tolerance)))
    assert removed[0] == 4**half_width
    assert all(r.n_consistent >= r.guaranteed for r in game.history)


def test_game_from_a_value_table_matches_the_walsh_hadamard_game():
    """Two routes to ⟨h, f_i⟩: matmul over the table vs one WHT per query."""
    table_game = AdversaryGame(parities_on_cube(range(64), 6), tolerance=0.3)
    fourier_game = AdversaryGame.parities(6, tolerance=0.3)
    rng = np.random.default_rng(4)
    for _ in range(30):
        chosen = rng.choice(64, size=3, replace=False)
        h = np.clip(parities_on_cube(chosen, 6).sum(axis=0) / 2, -1, 1)
        assert table_game.query(h) == fourier_game.query(h)
    assert np.array_equal(table_game.consistent, fourier_game.consistent)
    assert table_game.gamma == fourier_game.gamma == 0.0


def test_game_on_a_correlated_family_respects_the_guarantee():
    family = correlated_family(50, 0.04)
    game = AdversaryGame(family, tolerance=0.5)
    assert game.gamma == pytest.approx(0.04)
    game.play(query_candidates_in_turn, max_queries=200)
    assert game.solved
    assert game.n_queries >= game.bound.min_queries
    assert all(r.n_consistent >= r.guaranteed for r in game.history)


def test_adversary_answers_closest_legal_value_when_zero_is_illegal():
    constant = np.ones((2, 8))  # two identical candidates: ⟨1, f_i⟩ = 1 for both
    game = AdversaryGame(constant, tolerance=0.25)
    assert game.query(np.ones(8)) == pytest.approx(0.75)
    assert game.n_consistent == 2 and not game.bound.applicable
    assert game.history[-1].guaranteed is None


# --------------------------------------------------------------------------- bad input


@SETTINGS
@given(st.one_of(st.floats(-5, 0), st.floats(1 + 1e-9, 5), st.just(float("nan"))))
def test_bad_tolerances_are_refused(tolerance):
    for call in (lambda: counting_lemma(tolerance, 0.0, 10),
                 lambda: samples_for_tolerance(tolerance),
                 lambda: AdversaryGame.parities(3, tolerance),
                 lambda: bound_curve([3, 4], 1.0, 0.0, tolerance)):
        with pytest.raises(ValueError, match="tolerance"):
            call()


@SETTINGS
@given(st.one_of(st.floats(-5, -1e-9), st.floats(1 + 1e-9, 5), st.just(float("nan"))))
def test_bad_gammas_are_refused(gamma):
    with pytest.raises(ValueError, match="gamma"):
        counting_lemma(0.5, gamma, 10)
    with pytest.raises(ValueError, match="gamma"):
        low_correlation_subset(np.eye(3), gamma)


@SETTINGS
@given(st.one_of(st.floats(-5, 0.999), st.just(float("nan"))))
def test_family_sizes_below_one_are_refused(m):
    with pytest.raises(ValueError, match="m must be"):
        counting_lemma(0.5, 0.0, m)
    with pytest.raises(ValueError, match="log10_m"):
        counting_lemma(0.5, 0.0, log10_m=m - 1)


def test_bad_shapes_and_arguments_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="exactly one of m"):
        counting_lemma(0.5, 0.0)
    with pytest.raises(ValueError, match="gram must be a square"):
        max_offdiagonal(np.ones((2, 3)))
    with pytest.raises(ValueError, match="values must have shape"):
        pairwise_correlation(np.ones(4))
    with pytest.raises(ValueError, match="values contains NaN"):
        pairwise_correlation(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="weights must have shape"):
        pairwise_correlation(np.ones((2, 3)), np.ones(2) / 2)
    with pytest.raises(ValueError, match="members must have a last axis"):
        pairwise_correlation_fourier(np.ones((2, 6)))
    with pytest.raises(ValueError, match="exactly one of members"):
        pairwise_correlation_fourier()
    with pytest.raises(ValueError, match="at least 2 samples"):
        pairwise_correlation_from_samples(np.ones((2, 1)))
    with pytest.raises(ValueError, match="k must be <= n"):
        log10_binomial(3, 5)
    with pytest.raises(ValueError, match="n must be <= 20"):
        AdversaryGame.parities(21, 0.5)
    with pytest.raises(ValueError, match="n must be"):
        AdversaryGame.parities(0, 0.5)
    with pytest.raises(ValueError, match="k must be <= n"):
        AdversaryGame.parities(3, 0.5, degree=4)
    with pytest.raises(ValueError, match="candidates must have norm"):
        AdversaryGame(2 * np.ones((2, 4)), 0.5)
    game = AdversaryGame.parities(3, 0.5)
    with pytest.raises(ValueError, match="h must take values"):
        game.query(np.full(8, 1.5))
    with pytest.raises(ValueError, match=r"h must have shape \(8,\)"):
        game.query(np.ones(4))
    with pytest.raises(ValueError, match="ns must be"):
        bound_curve([], 1.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="log10_m must be"):
        bound_curve([1, 2], [1.0, 2.0, 3.0], 0.0, 0.5)


def test_invariant_polynomial_bound_curves_lesson10():
    """Lesson 10 (the paper's invariant polynomials): the families' curves give C(n, n/2)/|G| and C(d, d/2) members
    with γ = 0, i.e. the counting lemma for those sizes."""
    import math

    from csqlab.hard.polynomials import orbit_polynomial_bound_curve, set_monomial_bound_curve

    curve = orbit_polynomial_bound_curve([20, 30], 0.1, group_order=lambda n: n)
    expected = [math.log10(math.comb(n, n // 2) / n) for n in (20, 30)]
    np.testing.assert_allclose(curve.log10_m, expected, rtol=1e-12)
    np.testing.assert_allclose(curve.log10_min_queries, np.array(expected) + math.log10(0.01 / 2))
    sets = set_monomial_bound_curve([12], 0.1)
    assert 10 ** sets.log10_m[0] == pytest.approx(math.comb(12, 6))
    assert np.all(sets.gamma == 0)


def test_cnn_and_frame_bound_curves_lesson9():
    """Theorems C and D: |G| = n multiplies γ by about n and the cyclic frame-averaged family is
    C(n, k)/n with k = log n (even)."""
    from csqlab.hard import cnn, frames

    ns = np.array([1e4, 1e5, 1e6])
    curve = cnn.group_averaged_plane_bound_curve(ns, 8, 0.25, 0.05, lambda n: n)
    plain = cnn.group_averaged_plane_bound_curve(ns, 8, 0.25, 0.05, 1)
    np.testing.assert_allclose(curve.gamma / plain.gamma, ns, rtol=1e-3)
    cyclic = frames.frame_averaged_bound_curve(ns, 0.01)
    k = np.array([14, 18, 20])  # round(log2 n), rounded up to even
    expected = [math.log10(math.comb(int(n), int(j)) / n) for n, j in zip(ns, k, strict=True)]
    np.testing.assert_allclose(cyclic.log10_m, expected, rtol=1e-10)
