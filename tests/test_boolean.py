"""Lesson 2 (Boolean Fourier analysis, parities) and lesson 11's Gaussian-elimination contrast.

Second routes: ``scipy.linalg.hadamard`` matmul, the explicit cube points, brute-force
sums over subsets, binomial closed forms for Majority, and bit-flip counts for influence.
"""

import math
import time

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab.boolean import (
    and_on_cube,
    bent_on_cube,
    cube,
    degree_weights,
    fourier_coefficients,
    from_fourier_coefficients,
    influence,
    inverse_walsh_hadamard,
    learn_parity_by_elimination,
    majority_fourier_weights,
    majority_on_cube,
    majority_weight_limit,
    mask_to_subset,
    parities_on_cube,
    parity,
    parity_on_cube,
    random_boolean_on_cube,
    random_cube_points,
    subset_sizes,
    subset_to_mask,
    subsets_of_degree,
    threshold_on_cube,
    tribes_on_cube,
    walsh_hadamard,
    walsh_hadamard_,
)

SETTINGS = settings(max_examples=30, deadline=None)


def random_values(n, batch=(), seed=0):
    return np.random.default_rng(seed).normal(size=(*batch, 1 << n))


# --------------------------------------------------------------------------- index order


def test_cube_index_order_is_the_documented_one():
    """Row i of the cube is x_j = 1 − 2·bit_j(i) (the convention every lesson relies on)."""
    points = cube(3)
    assert points.shape == (8, 3) and points.dtype == np.int8
    for i in range(8):
        assert list(points[i]) == [1 - 2 * ((i >> j) & 1) for j in range(3)]
    assert list(points[0]) == [1, 1, 1] and list(points[1]) == [-1, 1, 1]


def test_cube_blocks_are_rows_of_the_full_cube():
    full = cube(7, np.float64)
    assert np.array_equal(cube(7, np.float64, start=20, stop=75), full[20:75])
    assert cube(7, start=128).shape == (0, 7)


@SETTINGS
@given(st.lists(st.integers(0, 30), unique=True, max_size=8))
def test_subset_and_mask_round_trip(indices):
    mask = subset_to_mask(tuple(indices))
    assert mask == sum(1 << j for j in indices)
    assert mask_to_subset(mask) == tuple(sorted(indices))
    assert subset_to_mask(mask) == mask


def test_subsets_of_degree_counts_binomials():
    for n in range(1, 9):
        for k in range(n + 1):
            subsets = subsets_of_degree(n, k)
            assert len(subsets) == math.comb(n, k) == len(set(subsets))
            assert all(len(s) == k for s in subsets)


def test_subset_sizes_are_popcounts():
    assert list(subset_sizes(10)) == [bin(i).count("1") for i in range(1024)]


# --------------------------------------------------------------------------- parities


def test_parity_on_cube_is_the_hadamard_matrix_and_the_product_of_coordinates():
    """Row S of H_n is χ_S in the cube order (so f̂ = H f / 2^n indexes f̂ by bitmask)."""
    for n in range(1, 8):
        points = cube(n, np.float64)
        table = parities_on_cube(range(1 << n), n)
        assert np.array_equal(table, scipy.linalg.hadamard(1 << n))
        for mask in range(1 << n):
            assert np.array_equal(table[mask], parity(mask_to_subset(mask), points))


def test_parity_works_on_torch_and_empty_subset():
    x = torch.tensor(cube(4, np.float64))
    assert torch.equal(parity((0, 3), x), x[:, 0] * x[:, 3])
    assert np.array_equal(parity((), cube(4)), np.ones(16))


def test_parities_are_exactly_orthonormal_for_n_10():
    """Lesson 2 claim: E[χ_S χ_T] = 1[S = T] — the full 1024 × 1024 Gram by enumeration."""
    table = parities_on_cube(range(1 << 10), 10)
    gram = table @ table.T / table.shape[1]
    assert np.array_equal(gram, np.eye(1 << 10))


# --------------------------------------------------------------------------- Walsh–Hadamard


@pytest.mark.parametrize("n", range(0, 11))
def test_walsh_hadamard_equals_scipy_hadamard_matmul(n):
    hadamard = scipy.linalg.hadamard(1 << n).astype(float)
    values = random_values(n, batch=(2, 3), seed=n)
    expected = values @ hadamard.T
    np.testing.assert_allclose(walsh_hadamard(values), expected, rtol=1e-12, atol=1e-11)
    as_torch = walsh_hadamard(torch.tensor(values))
    assert isinstance(as_torch, torch.Tensor)
    np.testing.assert_allclose(as_torch.numpy(), expected, rtol=1e-12, atol=1e-11)
    single = walsh_hadamard(values.astype(np.float32))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, expected, rtol=1e-4, atol=1e-4 * 2 ** (n / 2))


def test_walsh_hadamard_in_place_modifies_its_argument():
    values = random_values(6, batch=(4,))
    original = values.copy()
    result = walsh_hadamard_(values)
    assert result is values
    np.testing.assert_allclose(values, original @ scipy.linalg.hadamard(64).T, atol=1e-12)
    tensor = torch.tensor(original)
    assert walsh_hadamard_(tensor) is tensor
    np.testing.assert_allclose(tensor.numpy(), values, atol=1e-12)


def test_copying_walsh_hadamard_leaves_input_untouched_and_accepts_lists():
    values = random_values(5)
    kept = values.copy()
    walsh_hadamard(values)
    assert np.array_equal(values, kept)
    assert np.array_equal(walsh_hadamard([1, 0, 0, 0]), [1.0, 1.0, 1.0, 1.0])


@SETTINGS
@given(st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_inverse_round_trips(n, seed):
    values = random_values(n, batch=(2,), seed=seed)
    np.testing.assert_allclose(inverse_walsh_hadamard(walsh_hadamard(values)), values,
                               atol=1e-12)
    np.testing.assert_allclose(from_fourier_coefficients(fourier_coefficients(values)),
                               values, atol=1e-12)


def test_walsh_hadamard_runs_at_n_24_in_float32():
    """The transform scales to n = 24 in place (64 MB): a parity maps to 2^n at its mask."""
    n, subset = 24, (0, 7, 23)
    values = parity_on_cube(subset, n, np.float32)
    walsh_hadamard_(values)
    mask = subset_to_mask(subset)
    assert values[mask] == 2.0**n
    values[mask] = 0.0
    assert not values.any()


# --------------------------------------------------------------------------- Fourier facts


@SETTINGS
@given(st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_parseval_and_fourier_definition(n, seed):
    """E[f²] = Σ_S f̂(S)², and f̂(S) = E[f χ_S] computed directly on the points."""
    values = random_values(n, seed=seed)
    coefficients = fourier_coefficients(values)
    assert np.isclose(np.mean(values**2), np.sum(coefficients**2), rtol=1e-12)
    points = cube(n, np.float64)
    mask = seed % (1 << n)
    assert np.isclose(coefficients[mask], np.mean(values * parity(mask, points)), atol=1e-12)


def test_degree_weights_match_a_brute_force_sum_and_sum_to_the_norm():
    values = random_values(6, batch=(3,), seed=4)
    weights = degree_weights(values)
    assert weights.shape == (3, 7)
    coefficients = fourier_coefficients(values)
    for k in range(7):
        masks = [subset_to_mask(s) for s in subsets_of_degree(6, k)]
        np.testing.assert_allclose(weights[:, k], (coefficients[:, masks] ** 2).sum(axis=1))
    np.testing.assert_allclose(weights.sum(axis=1), np.mean(values**2, axis=1))


def test_majority_of_three_has_the_textbook_expansion():
    """Maj_3 = ½x_1 + ½x_2 + ½x_3 − ½x_1x_2x_3 (O'Donnell, Ch. 1)."""
    coefficients = fourier_coefficients(majority_on_cube(3))
    expected = np.zeros(8)
    expected[[0b001, 0b010, 0b100]] = 0.5
    expected[0b111] = -0.5
    assert np.array_equal(coefficients, expected)


@pytest.mark.parametrize("n", [1, 3, 5, 7, 9, 11, 13, 15])
def test_majority_level_one_weight_matches_the_binomial_closed_form(n):
    """W¹[Maj_n] = n·(C(n−1, (n−1)/2)/2^{n−1})² → 2/π; only odd levels carry weight."""
    weights = degree_weights(majority_on_cube(n))
    singleton = math.comb(n - 1, (n - 1) // 2) / 2 ** (n - 1)
    assert np.isclose(weights[1], n * singleton**2, rtol=1e-12)
    assert np.allclose(weights[0::2], 0.0, atol=1e-15)
    assert np.isclose(weights.sum(), 1.0)
    assert np.allclose(influence(majority_on_cube(n)), singleton)


@pytest.mark.parametrize("coordinates, n", [((), 3), ((0, 1), 2), ((0, 1, 2, 3), 6),
                                            ((5, 1, 0, 7), 8), (tuple(range(10)), 10)])
def test_bent_function_spreads_its_weight_evenly_over_the_subsets_of_its_coordinates(
        coordinates, n):
    """Lesson 3's near-extremal query: |IP^(S)| = 2^{−h} on all 4^h subsets of the 2h
    coordinates, 0 elsewhere. Values checked on the explicit cube points, coefficients by
    the scipy Hadamard matmul."""
    points = cube(n, np.int64)
    half = len(coordinates) // 2
    bits = (1 - points) // 2
    products = [bits[:, u] * bits[:, v] for u, v in
                zip(coordinates[:half], coordinates[half:], strict=True)]
    expected = (-1.0) ** (np.sum(products, axis=0) if products else np.zeros(1 << n))
    values = bent_on_cube(coordinates, n)
    assert np.array_equal(values, expected)
    coefficients = scipy.linalg.hadamard(1 << n) @ values / (1 << n)
    inside = np.array([mask & ~subset_to_mask(coordinates, n) == 0 for mask in range(1 << n)])
    assert np.allclose(np.abs(coefficients[inside]), 2.0 ** (-half))
    assert np.allclose(coefficients[~inside], 0.0)


def test_bent_function_refuses_odd_or_repeated_coordinates():
    with pytest.raises(ValueError, match="coordinates"):
        bent_on_cube((0, 1, 2), 4)
    with pytest.raises(ValueError, match="coordinates"):
        bent_on_cube((0, 0), 4)
    with pytest.raises(ValueError, match="coordinates"):
        bent_on_cube((0, 4), 4)


def test_influence_equals_the_probability_that_flipping_changes_the_value():
    rng = np.random.default_rng(3)
    n = 7
    boolean_function = rng.choice([-1.0, 1.0], size=1 << n)
    index = np.arange(1 << n)
    for j in range(n):
        flipped = boolean_function[index ^ (1 << j)]
        assert np.isclose(influence(boolean_function, j),
                          np.mean(boolean_function != flipped), rtol=1e-12)
    dictator = parity_on_cube((2,), n)
    assert list(influence(dictator)) == [0, 0, 1, 0, 0, 0, 0]


# --------------------------------------------------------------------------- GF(2) learner


@pytest.mark.parametrize("n", [1, 2, 8, 24, 32, 63, 64])
def test_elimination_recovers_a_hidden_parity_from_n_plus_20_samples(n):
    """Lesson 11 claim: parities are easy from samples (n + 20 of them), unlike SQ."""
    elapsed = []
    for seed in range(5):
        rng = np.random.default_rng(1000 * n + seed)
        hidden = tuple(sorted(rng.choice(n, size=rng.integers(0, n + 1), replace=False)))
        x = random_cube_points(n, n + 20, rng)
        y = parity(hidden, x)
        start = time.perf_counter()
        fit = learn_parity_by_elimination(x, y)
        elapsed.append(time.perf_counter() - start)
        assert fit.subset == hidden
        assert fit.unique and fit.consistent and fit.rank == n
    print(f"n = {n}: elimination took at most {1e3 * max(elapsed):.2f} ms")


def test_elimination_with_few_samples_fits_them_without_being_unique():
    rng = np.random.default_rng(7)
    x = random_cube_points(30, 10, rng)
    y = parity((1, 4, 9), x)
    fit = learn_parity_by_elimination(x, y)
    assert fit.consistent and not fit.unique and fit.rank <= 10
    assert np.array_equal(parity(fit.subset, x), y)


def test_elimination_detects_labels_no_parity_explains():
    x = np.array([[1, 1], [1, 1]])
    fit = learn_parity_by_elimination(x, np.array([1, -1]))
    assert not fit.consistent


def test_random_cube_points_are_seeded_and_uniform():
    first = random_cube_points(5, 4000, seed=1)
    assert np.array_equal(first, random_cube_points(5, 4000, rng=np.random.default_rng(1)))
    assert set(np.unique(first)) == {-1.0, 1.0}
    assert np.all(np.abs(first.mean(axis=0)) < 4 / np.sqrt(4000))


# --------------------------------------------------------------------------- bad input


@SETTINGS
@given(st.integers(3, 300).filter(lambda k: k & (k - 1)))
def test_non_power_of_two_lengths_are_refused(length):
    values = np.zeros(length)
    for function in (walsh_hadamard, walsh_hadamard_, fourier_coefficients, degree_weights):
        with pytest.raises(ValueError, match="values"):
            function(values)


@SETTINGS
@given(st.sampled_from([np.nan, np.inf, -np.inf]), st.integers(0, 15))
def test_nan_and_infinite_values_are_refused(bad, position):
    values = np.zeros(16)
    values[position] = bad
    for function in (walsh_hadamard, walsh_hadamard_, fourier_coefficients, degree_weights,
                     influence):
        with pytest.raises(ValueError, match="values"):
            function(values.copy())
    with pytest.raises(ValueError, match="values"):
        walsh_hadamard_(torch.tensor(values))


@SETTINGS
@given(st.integers(-5, 0))
def test_n_below_one_is_refused(n):
    for call in (lambda: cube(n), lambda: parity_on_cube((), n), lambda: majority_on_cube(n),
                 lambda: random_cube_points(n, 3), lambda: subsets_of_degree(n, 0)):
        with pytest.raises(ValueError, match="n must be"):
            call()


@SETTINGS
@given(st.integers(1, 10), st.integers(1, 5))
def test_k_above_n_is_refused(n, excess):
    with pytest.raises(ValueError, match="k must be <= n"):
        subsets_of_degree(n, n + excess)


def test_wrong_types_and_layouts_are_refused_with_the_argument_named():
    with pytest.raises(TypeError, match="floating dtype"):
        walsh_hadamard_(np.zeros(8, dtype=np.int64))
    with pytest.raises(TypeError, match="values"):
        walsh_hadamard_([0.0, 1.0])
    with pytest.raises(ValueError, match="contiguous"):
        walsh_hadamard_(np.zeros((8, 4)).T)
    with pytest.raises(ValueError, match="subset indices must be < n"):
        parity_on_cube((5,), 3)
    with pytest.raises(ValueError, match="subset must not repeat"):
        subset_to_mask((1, 1))
    with pytest.raises(TypeError, match="n must be an integer"):
        cube(2.5)
    with pytest.raises(ValueError, match="n must be odd"):
        majority_on_cube(4)
    with pytest.raises(ValueError, match="coordinate must be < n"):
        influence(np.ones(8), 3)
    with pytest.raises(ValueError, match="x must have entries"):
        learn_parity_by_elimination(np.array([[0.5, 1.0]]), np.array([1.0]))
    with pytest.raises(ValueError, match="y must have shape"):
        learn_parity_by_elimination(np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="x"):
        learn_parity_by_elimination(np.array([[np.nan, 1.0]]), np.array([1.0]))


# --------------------------------------------------------------------------- function families (lesson 2)


def _on_points(fn, n):
    """Values of a pointwise rule on the explicit cube points, in the csqlab order."""
    return np.array([fn(point) for point in cube(n).astype(int)], dtype=float)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_and_is_minus_one_only_at_all_minus_ones_and_matches_its_closed_form(n):
    """Lesson 2: AND's spectrum, f̂(∅) = 1 − 2^{1−n}, W^k = C(n,k)·4^{1−n} for k ≥ 1."""
    values = and_on_cube(n)
    assert np.array_equal(values, _on_points(lambda x: -1 if np.all(x == -1) else 1, n))
    weights = degree_weights(values)
    assert np.isclose(weights[0], (1 - 2.0 ** (1 - n)) ** 2)
    expected = [math.comb(n, k) * 4.0 ** (1 - n) for k in range(1, n + 1)]
    np.testing.assert_allclose(weights[1:], expected, rtol=1e-12)


@pytest.mark.parametrize("n, width", [(6, 2), (7, 3), (4, 4), (5, 1)])
def test_tribes_is_an_or_of_block_ands(n, width):
    blocks = [list(range(start, min(start + width, n))) for start in range(0, n, width)]
    expected = _on_points(lambda x: -1 if any(np.all(x[b] == -1) for b in blocks) else 1, n)
    assert np.array_equal(tribes_on_cube(n, width), expected)
    if width == n:
        assert np.array_equal(tribes_on_cube(n, width), and_on_cube(n))


def test_threshold_matches_the_explicit_sign_and_gives_majority_with_equal_weights():
    weights = np.random.default_rng(5).normal(size=7)
    expected = _on_points(lambda x: 1 if x @ weights - 0.3 >= 0 else -1, 7)
    assert np.array_equal(threshold_on_cube(weights, 0.3), expected)
    assert np.array_equal(threshold_on_cube(np.ones(9)), majority_on_cube(9))
    ties = cube(4).sum(axis=1) == 0
    assert np.all(threshold_on_cube(np.ones(4))[ties] == 1)


def test_random_boolean_function_is_seeded_and_balanced():
    first = random_boolean_on_cube(12, seed=3)
    assert np.array_equal(first, random_boolean_on_cube(12, np.random.default_rng(3)))
    assert set(np.unique(first)) == {-1.0, 1.0}
    assert abs(first.mean()) < 4 / 64  # 4 standard deviations of the mean of 4096 fair signs


@pytest.mark.parametrize("n", [1, 3, 5, 7, 9, 11, 13])
def test_majority_closed_form_matches_the_transform_at_every_level(n):
    """Lesson 2 prints Majority's weights next to this closed form."""
    np.testing.assert_allclose(majority_fourier_weights(n), degree_weights(majority_on_cube(n)),
                               rtol=1e-12, atol=1e-15)


def test_majority_weights_approach_their_limits():
    """W¹[Maj_n] decreases to 2/π; the limits over odd k sum to 1 (arcsine series)."""
    level_one = [majority_fourier_weights(n)[1] for n in range(1, 402, 20)]
    assert np.all(np.diff(level_one) < 0) and level_one[-1] > 2 / math.pi
    assert majority_weight_limit(1) == pytest.approx(2 / math.pi)
    weights = majority_fourier_weights(1001)
    for k in [1, 3, 5, 7]:
        assert weights[k] == pytest.approx(majority_weight_limit(k), rel=5e-3)
    assert majority_weight_limit(4) == 0.0
    assert sum(majority_weight_limit(k) for k in range(1, 20001, 2)) == pytest.approx(1, abs=1e-2)
    assert math.fsum(weights) == pytest.approx(1.0, abs=1e-12)


def test_new_families_refuse_bad_arguments():
    with pytest.raises(ValueError, match="width must be <= n"):
        tribes_on_cube(3, 4)
    with pytest.raises(ValueError, match="weights must have shape"):
        threshold_on_cube(np.ones((2, 2)))
    with pytest.raises(ValueError, match="weights"):
        threshold_on_cube([1.0, np.nan])
    with pytest.raises(ValueError, match="n must be odd"):
        majority_fourier_weights(6)
