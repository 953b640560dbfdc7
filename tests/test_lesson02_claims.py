"""Lesson 2's claims, each checked by a route other than the one the lesson prints.

Second routes: the explicit cube points and products of coordinates, ``scipy.linalg.hadamard``,
Kronecker products, closed forms (AND, tribes, Majority) and counting arguments.
"""

import functools
import math

import numpy as np
import pytest
import scipy.linalg

from csqlab import boolean, bounds


@functools.cache
def _hadamard(n):
    """scipy's Sylvester–Hadamard matrix H_n as float64 (built once per n: it is 4^n entries)."""
    matrix = scipy.linalg.hadamard(2**n, dtype=float)
    matrix.flags.writeable = False
    return matrix


def _explicit_coefficients(values, n):
    """f̂(S) = 2^{-n} Σ_x f(x) Π_{j∈S} x_j, from the explicit points (no Hadamard matrix)."""
    points = boolean.cube(n).astype(float)
    coefficients = np.empty(2**n)
    for mask in range(2**n):
        indices = list(boolean.mask_to_subset(mask))
        coefficients[mask] = np.mean(values * np.prod(points[:, indices], axis=1))
    return coefficients


# --------------------------------------------------------------------------- section 1


@pytest.mark.parametrize("n", [1, 3, 4])
def test_characters_multiply_like_sets_and_stack_into_the_hadamard_matrix(n):
    """χ_S χ_T = χ_{S△T} (bitmask XOR); rows of all parities are scipy's Hadamard matrix."""
    for s in range(2**n):
        for t in range(2**n):
            product = boolean.parity_on_cube(s, n) * boolean.parity_on_cube(t, n)
            assert np.array_equal(product, boolean.parity_on_cube(s ^ t, n))
    assert np.array_equal(boolean.parities_on_cube(range(2**n), n), scipy.linalg.hadamard(2**n))


def test_majority_of_three_coefficients_by_explicit_enumeration():
    coefficients = _explicit_coefficients(boolean.majority_on_cube(3), 3)
    assert np.array_equal(coefficients, boolean.fourier_coefficients(boolean.majority_on_cube(3)))
    assert dict(zip(*np.nonzero(coefficients), coefficients[coefficients != 0], strict=True)) == {
        1: 0.5, 2: 0.5, 4: 0.5, 7: -0.5}


# --------------------------------------------------------------------------- section 2


@pytest.mark.parametrize("n", range(1, 7))
def test_butterfly_factors_multiply_to_the_hadamard_matrix(n):
    """H_n = Π_j (I_{2^{n−j−1}} ⊗ H_1 ⊗ I_{2^j}); each factor has 2 nonzeros per row."""
    product = np.eye(2**n)
    for j in range(n):
        factor = np.kron(np.kron(np.eye(2 ** (n - j - 1)), [[1, 1], [1, -1]]), np.eye(2**j))
        assert np.count_nonzero(factor) == 2 * 2**n
        product = factor @ product
    assert np.array_equal(product, scipy.linalg.hadamard(2**n))


@pytest.mark.parametrize("n", [4, 6, 8, 10])
def test_dense_product_and_fast_transform_agree_exactly_on_boolean_input(n):
    """The lesson prints 'same result: True' (±1 sums are exact in float64)."""
    f = boolean.random_boolean_on_cube(n, seed=n)
    assert np.array_equal(_hadamard(n) @ f, boolean.walsh_hadamard(f))


# --------------------------------------------------------------------------- section 3


def test_parseval_and_plancherel_for_the_lesson_functions():
    n = 12
    f = boolean.random_boolean_on_cube(n, seed=0)
    g = np.random.default_rng(1).uniform(-1, 1, size=2**n)
    hadamard = _hadamard(n)
    f_hat, g_hat = hadamard @ f / 2**n, hadamard @ g / 2**n
    assert np.sum(f_hat**2) == pytest.approx(1.0, abs=1e-12)
    assert np.sum(g_hat**2) == pytest.approx(np.mean(g**2), rel=1e-12)
    assert np.sum(f_hat * g_hat) == pytest.approx(np.mean(f * g), abs=1e-12)


# --------------------------------------------------------------------------- section 4


def test_spectra_of_and_and_parity_at_n_11():
    n = 11
    and_weights = boolean.degree_weights(boolean.and_on_cube(n))
    assert and_weights[0] == pytest.approx((1 - 2.0 ** (1 - n)) ** 2)
    assert and_weights[0] > 0.99
    parity_weights = boolean.degree_weights(boolean.parity_on_cube(range(5), n))
    assert np.array_equal(parity_weights, np.eye(n + 1)[5])


def test_random_function_weights_follow_the_binomial_on_average():
    """E[W^k] = C(n,k)/2^n for a uniformly random function (each f̂(S)² has mean 2^{-n})."""
    n, draws = 8, 400
    rng = np.random.default_rng(11)
    values = np.stack([boolean.random_boolean_on_cube(n, rng) for _ in range(draws)])
    weights = boolean.degree_weights(values)
    expected = np.array([math.comb(n, k) / 2**n for k in range(n + 1)])
    standard_error = weights.std(axis=0) / math.sqrt(draws)
    assert np.all(np.abs(weights.mean(axis=0) - expected) < 5 * standard_error + 1e-12)


def test_random_function_weights_at_n_11_by_explicit_enumeration():
    values = boolean.random_boolean_on_cube(11, seed=3)
    coefficients = _hadamard(11) @ values / 2**11
    sizes = [bin(mask).count("1") for mask in range(2**11)]
    by_degree = np.bincount(sizes, weights=coefficients**2, minlength=12)
    np.testing.assert_allclose(boolean.degree_weights(values), by_degree, atol=1e-14)


def test_tribes_coefficients_match_the_closed_form():
    """Tribes of width w with s blocks: f = −1 + 2 Π_b (1 − Π_{i∈b}(1 − x_i)/2), so
    |f̂(S)| = 2^{1−w}(1−2^{−w})^{s−1} for S ≠ ∅ inside one block and
    2·4^{−w}(1−2^{−w})^{s−2} for S meeting two blocks: the lesson's 'inside vs straddling'."""
    width, blocks = 3, 4
    n = width * blocks
    coefficients = boolean.fourier_coefficients(boolean.tribes_on_cube(n, width))
    block_masks = [(2**width - 1) << (width * b) for b in range(blocks)]
    keep = 1 - 2.0**-width
    for mask in range(2**n):
        touched = [mask & block for block in block_masks if mask & block]
        expected = 2.0
        for block_mask in block_masks:
            part = mask & block_mask
            expected *= keep if part == 0 else -(2.0**-width) * (-1) ** bin(part).count("1")
        expected -= 1.0 if mask == 0 else 0.0
        assert coefficients[mask] == pytest.approx(expected, abs=1e-14), boolean.mask_to_subset(mask)
        if len(touched) == 1:
            assert abs(coefficients[mask]) == pytest.approx(2 ** (1 - width) * keep ** (blocks - 1))
        if len(touched) >= 2:
            assert abs(coefficients[mask]) <= 2 * 4.0**-width * keep ** (blocks - 2) + 1e-15


# --------------------------------------------------------------------------- section 5


def test_majority_level_one_gap_shrinks_like_one_over_n():
    """W¹[Maj_n] decreases to 2/π and n·(W¹ − 2/π) stays near 1/π (so the gap is ~1/n)."""
    ns = np.arange(101, 402, 50)
    level_one = np.array([boolean.majority_fourier_weights(int(n))[1] for n in ns])
    assert np.all(np.diff(level_one) < 0) and np.all(level_one > 2 / math.pi)
    scaled_gap = ns * (level_one - 2 / math.pi)
    assert np.all(np.abs(scaled_gap - 1 / math.pi) < 0.01)


# --------------------------------------------------------------------------- section 6


def test_parity_gram_matrix_for_n_10_is_exactly_the_identity():
    n = 10
    hadamard = _hadamard(n)
    assert np.array_equal(hadamard @ hadamard.T / 2**n, np.eye(2**n))
    gram = bounds.pairwise_correlation(boolean.parities_on_cube(range(2**n), n))
    assert np.array_equal(gram, np.eye(2**n))
    assert bounds.max_offdiagonal(gram) == 0.0


# --------------------------------------------------------------------------- section 7


def _lesson_queries():
    n = 12
    target = boolean.subset_to_mask((1, 4, 7, 10))
    parity_s = boolean.parity_on_cube(target, n)
    near = parity_s.copy()
    near[np.random.default_rng(7).choice(2**n, size=205, replace=False)] *= -1
    bounded = np.random.default_rng(8).uniform(-1, 1, size=2**n)
    return n, target, parity_s, near, bounded


def test_near_parity_query_correlates_with_its_parity_and_barely_with_the_others():
    n, target, parity_s, near, _ = _lesson_queries()
    assert np.mean(near == parity_s) == pytest.approx(1 - 205 / 2**n)
    hadamard = _hadamard(n)
    correlations = hadamard @ near / 2**n
    # flipping 205 of 4096 signs moves ⟨h, χ_S⟩ from 1 to 1 − 2·205/4096
    assert correlations[target] == pytest.approx(1 - 2 * 205 / 2**n, abs=1e-15)
    others = np.delete(np.abs(correlations), target)
    # ⟨h, χ_T⟩ = −2·2^{−n} Σ_{flipped} χ_S χ_T: a sum of 205 signs, so at most 2·205/4096 ≈ 0.1
    assert others.max() <= 2 * 205 / 2**n
    assert others.max() < 0.03
    np.testing.assert_allclose(correlations, boolean.fourier_coefficients(near), atol=1e-15)


@pytest.mark.parametrize("tolerance", [0.5, 0.2, 0.1, 0.05, 0.03])
def test_few_parities_exceed_the_tolerance_as_parseval_allows(tolerance):
    n, _, _, near, bounded = _lesson_queries()
    for query in (near, bounded):
        correlations = _hadamard(n) @ query / 2**n
        count = int(np.sum(np.abs(correlations) > tolerance))
        assert count < 1 / tolerance**2
        assert count <= 2  # the lesson's table: at most 1 (near) and 2 (random bounded)


@pytest.mark.parametrize("seed", range(4))
def test_rth_largest_correlation_is_below_the_parseval_envelope(seed):
    """|⟨h, χ_T⟩| sorted descending: the r-th is at most 1/√r for any |h| ≤ 1."""
    rng = np.random.default_rng(seed)
    n = 10
    queries = [rng.uniform(-1, 1, size=2**n), np.sign(rng.normal(size=2**n)),
               boolean.parity_on_cube(seed, n) * (rng.uniform(size=2**n) > 0.1)]
    for query in queries:
        ranked = np.sort(np.abs(boolean.fourier_coefficients(query)))[::-1]
        assert np.all(ranked <= 1 / np.sqrt(np.arange(1, 2**n + 1)) + 1e-12)


# --------------------------------------------- check your understanding (notes/understanding.md)


def test_understanding_q1_parseval_budget_of_the_near_parity_query():
    """Q1: ⟨h, χ_S⟩ = 3686/4096 = 0.8999; the other 4095 parities share 1 − 0.8999² = 0.19,
    mean square 4.6e-5 (rms 0.0068), largest 0.0259."""
    n, target, _, near, _ = _lesson_queries()
    correlations = _hadamard(n) @ near / 2**n
    assert correlations[target] == 3686 / 4096 and round(correlations[target], 4) == 0.8999
    others = np.delete(correlations, target)
    assert round(float(np.sum(others**2)), 2) == 0.19
    assert round(float(np.mean(others**2)), 6) == pytest.approx(4.6e-5, abs=1e-6)
    assert round(math.sqrt(np.mean(others**2)), 4) == 0.0068
    assert round(float(np.abs(others).max()), 4) == 0.0259


def test_understanding_q2_random_query_spreads_its_weight():
    """Q2: E[h²] = 0.317, Parseval count < 352, coefficient sd ≈ 0.0088, τ = 0.03 ≈ 3.4 sd,
    expected count above τ ≈ 2.7, observed 2."""
    n, _, _, _, bounded = _lesson_queries()
    mean_square = float(np.mean(bounded**2))
    assert round(mean_square, 3) == 0.317 and round(mean_square / 0.03**2) == 352
    sd = math.sqrt(mean_square / 2**n)
    assert round(sd, 4) == 0.0088 and round(0.03 / sd, 1) == 3.4
    assert round(2**n * math.erfc(0.03 / sd / math.sqrt(2)), 1) == 2.7
    assert int(np.sum(np.abs(_hadamard(n) @ bounded / 2**n) > 0.03)) == 2


def test_understanding_q3_majority_of_three_spectrum():
    """Q3: Maj_3 has W = (0, 3/4, 0, 1/4), summing to 1, and W¹ = 0.75 > 2/π."""
    weights = boolean.degree_weights(boolean.majority_on_cube(3))
    assert weights.tolist() == [0.0, 0.75, 0.0, 0.25]
    assert weights[1] > 2 / math.pi


# --------------------------------------------- exercise 2.3, the derivation (notes/answers.md)


@pytest.mark.parametrize("n", [3, 5, 7, 9, 11])
def test_exercise_2_3_level_one_coefficient_of_majority(n):
    """f̂({0}) = C(n−1, (n−1)/2)/2^{n−1} (x_0 decides exactly when the others tie), checked
    against the explicit points; W¹[Maj_5] = 45/64."""
    coefficient = math.comb(n - 1, (n - 1) // 2) / 2 ** (n - 1)
    assert _explicit_coefficients(boolean.majority_on_cube(n), n)[1] == pytest.approx(coefficient, abs=1e-15)
    if n == 5:
        assert n * coefficient**2 == 45 / 64


def test_exercise_2_3_check_rejects_a_wrong_level_one():
    """Correct weights except a level-1 weight off by 1e-6 at n ≥ 5: the check fails."""
    import csqlab.checks

    def nearly(n):
        weights = boolean.majority_fourier_weights(n).copy()
        if n >= 5:
            weights[1] += 1e-6
        return weights

    result = csqlab.checks.ex2_3(nearly)
    assert result.status == "failed" and "derivation gives" in str(result.message)
