"""The uniform cube {−1,+1}^n, parities and the fast Walsh–Hadamard transform (lesson 2).

Index order (used everywhere in csqlab)
---------------------------------------
A function ``f`` on the cube is stored as a vector of length ``2**n``. Row ``i`` is the
point ``x`` with

    x_j = 1 − 2·bit_j(i),   bit_j(i) = (i >> j) & 1,   j = 0, …, n−1,

so ``i = 0`` is the all-ones point and bit ``j`` of ``i`` set means ``x_j = −1``.
A subset ``S ⊆ {0, …, n−1}`` is given either as a tuple of indices or as its bitmask
``Σ_{j∈S} 2**j``. The parity (character) of ``S`` is ``χ_S(x) = Π_{j∈S} x_j``; on
row ``i`` it equals ``(−1)^{popcount(i & mask_S)}``.

With this order the Sylvester Hadamard matrix ``H_n = H_1^{⊗n}``,
``H_1 = [[1, 1], [1, −1]]`` (``scipy.linalg.hadamard``) has entry
``H[S, i] = χ_S(x_i)``, and the Fourier coefficients

    f̂(S) = E_x[f(x) χ_S(x)] = 2^{−n} Σ_x f(x) χ_S(x)

are ``f̂ = H_n f / 2^n``, with ``f̂`` indexed by the bitmask of ``S``. The fast transform
below computes ``H_n f`` in ``n`` vectorised butterfly passes (``O(n·2^n)``), in place.

Facts the course checks from here: parities are orthonormal (``E[χ_S χ_T] = 1[S = T]``),
Parseval ``E[f²] = Σ_S f̂(S)²``, Majority's Fourier weights, and that a parity is learnt
from ``n + O(1)`` samples by Gaussian elimination over GF(2) — an algorithm no SQ learner
can simulate (lesson 11, Gaussian elimination over GF(2)).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import numpy as np

from csqlab._validation import (  # noqa: F401 (re-exported)
    _check_cube_dimension,
    _check_int,
    _check_memory,
    _check_real,
    _finite_array,
    _generator,
    _is_torch,
    _reject_complex,
)

__all__ = [
    "cube",
    "random_cube_points",
    "subset_to_mask",
    "mask_to_subset",
    "subsets_of_degree",
    "subset_sizes",
    "parity",
    "parity_on_cube",
    "parities_on_cube",
    "majority_on_cube",
    "and_on_cube",
    "tribes_on_cube",
    "threshold_on_cube",
    "random_boolean_on_cube",
    "majority_fourier_weights",
    "majority_weight_limit",
    "bent_on_cube",
    "walsh_hadamard_",
    "walsh_hadamard",
    "inverse_walsh_hadamard",
    "fourier_coefficients",
    "from_fourier_coefficients",
    "degree_weights",
    "influence",
    "ParityFit",
    "learn_parity_by_elimination",
]

# --------------------------------------------------------------------------- validation
# Small helpers shared by csqlab.oracles and csqlab.bounds (validate at the boundary).






#: Most subsets :func:`subsets_of_degree` lists.
MAX_SUBSETS = 2_000_000
#: Largest ``n`` of :func:`majority_fourier_weights` (exact rational sums, ~0.3 s).
MAX_MAJORITY_N = 2001


def _check_tolerance(tolerance, name: str = "tolerance") -> float:
    tolerance = _check_real(tolerance, name)
    if not 0.0 < tolerance <= 1.0:
        raise ValueError(f"{name} must be in (0, 1], got {tolerance}")
    return tolerance








def _log2_length(length: int, name: str) -> int:
    """``n`` with ``length == 2**n``, or a ValueError naming the argument."""
    if length < 1 or length & (length - 1):
        raise ValueError(f"{name} must have a last axis of length 2**n, got length {length}")
    return length.bit_length() - 1


def _check_cube_values(values, name: str = "values") -> tuple[np.ndarray, int]:
    """Finite float array whose last axis has length ``2**n`` with ``n >= 1``."""
    array = _finite_array(values, name)
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array with a last axis of length 2**n, got a scalar")
    n = _log2_length(array.shape[-1], name)
    if n < 1:
        raise ValueError(f"{name} must have a last axis of length 2**n with n >= 1, got length 1")
    return array, n


# --------------------------------------------------------------------------- the cube


def cube(n: int, dtype=np.int8, *, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Points of ``{−1,+1}^n`` in the csqlab index order, as rows of an array.

    Row ``i`` (for ``start <= i < stop``; default all ``2**n`` rows) is the point with
    ``x_j = 1 − 2·((i >> j) & 1)``. The full cube has ``2**n · n`` entries: use
    ``start``/``stop`` to walk a large cube in blocks (as :class:`csqlab.oracles.Cube` does),
    and :func:`parity_on_cube` or :func:`majority_on_cube` to get a function's values
    without building the points at all. ``n ≤ 62`` (int64 row indices) and at most 2 GiB
    of result (``(stop − start) · n`` entries; the full int8 cube up to ``n = 26``).
    """
    n = _check_int(n, "n", 1, 62, lambda v: "row indices beyond int64")
    size = 1 << n
    start = _check_int(start, "start", 0)
    stop = size if stop is None else _check_int(stop, "stop", 0)
    if not start <= stop <= size:
        raise ValueError(f"start and stop must satisfy 0 <= start <= stop <= 2**n, got {start}, {stop}")
    _check_memory(9.0 * (stop - start) * n, "n (or stop - start)", f"{stop - start} cube points")
    index = np.arange(start, stop, dtype=np.int64)[:, None]
    bits = (index >> np.arange(n, dtype=np.int64)) & 1
    return (1 - 2 * bits).astype(dtype)


def random_cube_points(n: int, n_samples: int, rng=None, *, seed: int | None = None,
                       dtype=np.float64) -> np.ndarray:
    """``n_samples`` i.i.d. uniform points of ``{−1,+1}^n``, shape ``(n_samples, n)``.
    At most 2 GiB of points (``n_samples · n`` entries)."""
    n = _check_int(n, "n", 1)
    n_samples = _check_int(n_samples, "n_samples", 1)
    _check_memory(9.0 * n_samples * n, "n_samples * n", "the sampled points")
    generator = _generator(rng, seed)
    bits = generator.integers(0, 2, size=(n_samples, n), dtype=np.int8)
    return (1 - 2 * bits).astype(dtype)


def subset_to_mask(subset, n: int | None = None) -> int:
    """Bitmask ``Σ_{j∈S} 2**j`` of a subset given as an index tuple (or already a mask).

    The mask is the row of ``f̂`` that holds ``f̂(S)`` (see the module docstring).
    With ``n`` given, indices must lie in ``0..n−1``.
    """
    if n is not None:
        n = _check_int(n, "n", 1)
    if isinstance(subset, (int, np.integer)) and not isinstance(subset, bool):
        mask = int(subset)
        if mask < 0:
            raise ValueError(f"subset as a bitmask must be >= 0, got {mask}")
        if n is not None and mask >> n:
            raise ValueError(f"subset bitmask {mask} has bits beyond n = {n}")
        return mask
    try:
        indices = [_check_int(j, "subset index", 0) for j in subset]
    except TypeError as error:
        if "not iterable" in str(error):
            raise TypeError(
                f"subset must be a tuple of indices or an int bitmask, got {subset!r}"
            ) from None
        raise
    if len(set(indices)) != len(indices):
        raise ValueError(f"subset must not repeat indices, got {tuple(indices)}")
    if n is not None and any(j >= n for j in indices):
        raise ValueError(f"subset indices must be < n = {n}, got {tuple(indices)}")
    mask = 0
    for j in indices:
        mask |= 1 << j
    return mask


def mask_to_subset(mask: int) -> tuple[int, ...]:
    """Sorted index tuple of the subset with bitmask ``mask``."""
    mask = _check_int(mask, "mask", 0)
    return tuple(j for j in range(mask.bit_length()) if (mask >> j) & 1)


def subsets_of_degree(n: int, k: int) -> list[tuple[int, ...]]:
    """All ``C(n, k)`` subsets of ``{0..n−1}`` of size ``k``, as sorted index tuples.
    At most ``MAX_SUBSETS = 2·10^6`` subsets (a list of tuples, ~0.5 GB)."""
    n = _check_int(n, "n", 1)
    k = _check_int(k, "k", 0)
    if k > n:
        raise ValueError(f"k must be <= n = {n}, got {k}")
    log_count = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    count = math.comb(n, k) if log_count < math.log(MAX_SUBSETS) + 1 else math.inf
    if count > MAX_SUBSETS:
        raise ValueError(f"n, k too large: C({n}, {k}) subsets is more than MAX_SUBSETS = "
                         f"{MAX_SUBSETS} (about {math.exp(min(log_count, 700)) * (56 + 8 * k):.3g}"
                         " bytes of tuples)")
    if k == 0:  # combinations would first copy range(n) into a tuple
        return [()]
    # the tuples, and the copy of range(n) that combinations makes first
    _check_memory(count * (56.0 + 8 * k) + 8.0 * n, "n", "the subsets")
    return list(combinations(range(n), k))


def subset_sizes(n: int) -> np.ndarray:
    """``|S|`` for every bitmask ``S`` in ``0..2**n−1`` (popcount), dtype uint8.
    At most 2 GiB of result (``n ≤ 31``)."""
    n = _check_cube_dimension(n, "n", 1.0, "the subset sizes", minimum=0)
    sizes = np.zeros(1, dtype=np.uint8)
    for _ in range(n):
        # masks with bit j set are the masks below 2**j plus 2**j: one more element each
        sizes = np.concatenate([sizes, sizes + 1])
    return sizes


def parity(subset, x):
    """``χ_S(x) = Π_{j∈S} x_j`` on points ``x`` of shape ``(..., n)`` (numpy or torch).

    ``subset`` is an index tuple or a bitmask; the empty subset gives the constant 1.
    Returns shape ``x.shape[:-1]`` in the dtype of ``x``.
    """
    is_torch = _is_torch(x)
    if not is_torch:
        x = np.asarray(x)
    if x.ndim < 1:
        raise ValueError("x must have shape (..., n) with n >= 1, got a scalar")
    n = x.shape[-1]
    indices = list(mask_to_subset(subset_to_mask(subset, n)))
    if is_torch:
        return x[..., indices].prod(dim=-1)
    return np.prod(x[..., indices], axis=-1)


def parity_on_cube(subset, n: int, dtype=np.float64) -> np.ndarray:
    """``χ_S`` on all of ``{−1,+1}^n`` in the csqlab order: a vector of length ``2**n``.

    Built as the tensor product ``⊗_j (1, ±1)`` (``−1`` exactly for ``j ∈ S``), so no
    ``2**n × n`` array of points is made; it is row ``mask_S`` of ``H_n``.
    Refused (ValueError) beyond 2 GiB of result: ``n ≤ 28`` for float64.
    """
    n = _check_cube_dimension(n, "n", 8.0, "the parity's values")
    mask = subset_to_mask(subset, n)
    values = np.ones(1, dtype=dtype)
    for j in range(n):
        sign = -1 if (mask >> j) & 1 else 1
        # rows with bit j set come after the 2**j rows without it
        values = np.concatenate([values, sign * values])
    return values


def parities_on_cube(subsets: Iterable, n: int, dtype=np.float64) -> np.ndarray:
    """Stack of :func:`parity_on_cube` for each subset: shape ``(m, 2**n)``.
    Refused (ValueError) beyond 2 GiB of result (``m · 2**n`` float64 entries)."""
    n = _check_cube_dimension(n, "n", 8.0, "the parities' values")
    if isinstance(subsets, (list, tuple)):
        _check_memory(8.0 * len(subsets) * 2.0**n, "subsets", "the stack of parities")
    rows = []
    for subset in subsets:
        rows.append(parity_on_cube(subset, n, dtype))
        _check_memory(8.0 * len(rows) * 2.0**n, "subsets", "the stack of parities")
    if not rows:
        return np.zeros((0, 1 << n), dtype=dtype)
    return np.stack(rows)


def majority_on_cube(n: int, dtype=np.float64) -> np.ndarray:
    """``Maj_n(x) = sign(Σ_j x_j)`` on all of ``{−1,+1}^n`` (odd ``n``, so no ties).

    ``Σ_j x_j = n − 2|bits of i|``. Known Fourier facts (O'Donnell, Ch. 5): ``Maj_n``
    has weight only on odd levels and ``f̂({j}) = C(n−1, (n−1)/2) / 2^{n−1}``.
    Refused (ValueError) beyond 2 GiB of result: ``n ≤ 28`` for float64.
    """
    n = _check_cube_dimension(n, "n", 17.0, "Majority's values")
    if n % 2 == 0:
        raise ValueError(f"n must be odd for Majority (no ties), got {n}")
    coordinate_sum = n - 2 * subset_sizes(n).astype(np.int64)
    return np.sign(coordinate_sum).astype(dtype)


def and_on_cube(n: int, dtype=np.float64) -> np.ndarray:
    """``AND_n`` with −1 meaning True (O'Donnell's convention): ``−1`` only at ``x = (−1, …, −1)``.

    ``AND_n = 1 − 2·Π_j (1 − x_j)/2`` gives ``f̂(∅) = 1 − 2^{1−n}`` and
    ``f̂(S) = −(−1)^{|S|} 2^{1−n}`` for ``S ≠ ∅``: the weight sits almost entirely at
    degree 0 (``W^k = C(n, k)·4^{1−n}`` for ``k ≥ 1``). The all-(−1) point is the last row.
    Refused (ValueError) beyond 2 GiB of result: ``n ≤ 28`` for float64.
    """
    n = _check_cube_dimension(n, "n", 8.0, "AND's values")
    values = np.ones(1 << n, dtype=dtype)
    values[-1] = -1
    return values


def tribes_on_cube(n: int, width: int, dtype=np.float64) -> np.ndarray:
    """Tribes: the OR of ANDs over consecutive blocks of ``width`` coordinates (−1 = True).

    Blocks are ``{0..width−1}, {width..2·width−1}, …``; when ``width`` does not divide
    ``n`` the last block is shorter. ``f(x) = −1`` iff some block has all its
    coordinates equal to −1. ``width = n`` gives :func:`and_on_cube`.
    Refused (ValueError) beyond 2 GiB of result: ``n ≤ 28`` for float64.
    """
    n = _check_cube_dimension(n, "n", 17.0, "Tribes' values")
    width = _check_int(width, "width", 1)
    if width > n:
        raise ValueError(f"width must be <= n = {n}, got {width}")
    index = np.arange(1 << n, dtype=np.int64)
    some_tribe_true = np.zeros(1 << n, dtype=bool)
    for start in range(0, n, width):
        block = ((1 << min(width, n - start)) - 1) << start
        some_tribe_true |= (index & block) == block
    return np.where(some_tribe_true, -1, 1).astype(dtype)


def threshold_on_cube(weights, threshold: float = 0.0, dtype=np.float64) -> np.ndarray:
    """Linear threshold function ``f(x) = sign(Σ_j w_j x_j − θ)`` on the cube, ``n = len(weights)``.

    Ties (``Σ_j w_j x_j = θ`` exactly) are mapped to ``+1``. All-equal weights and
    ``θ = 0`` give Majority for odd ``n``; generic (e.g. Gaussian) weights have no ties.
    Refused (ValueError) beyond 2 GiB of result: ``len(weights) ≤ 27``.
    """
    weights = _finite_array(weights, "weights")
    if weights.ndim != 1 or weights.size < 1:
        raise ValueError(f"weights must have shape (n,) with n >= 1, got shape {weights.shape}")
    _check_cube_dimension(weights.size, "weights (its length n)", 16.0, "the threshold's values")
    threshold = _check_real(threshold, "threshold")
    linear = np.zeros(1)
    for weight in weights:
        # rows with bit j set (x_j = −1) come after the 2**j rows without it
        linear = np.concatenate([linear + weight, linear - weight])
    return np.where(linear - threshold >= 0, 1, -1).astype(dtype)


def random_boolean_on_cube(n: int, rng=None, *, seed: int | None = None,
                           dtype=np.float64) -> np.ndarray:
    """A uniformly random function ``{−1,+1}^n → {−1,+1}``: independent fair ±1 values.

    Each ``f̂(S)`` has mean 0 and variance ``2^{−n}``, so ``E[W^k] = C(n, k)/2^n``:
    a random function's weight follows the binomial distribution of ``|S|``.
    Refused (ValueError) beyond 2 GiB of result: ``n ≤ 28`` for float64.
    """
    n = _check_cube_dimension(n, "n", 16.0, "the random function's values")
    generator = _generator(rng, seed)
    return (1 - 2 * generator.integers(0, 2, size=1 << n)).astype(dtype)


def majority_fourier_weights(n: int) -> np.ndarray:
    """Exact ``W^k[Maj_n]`` for ``k = 0..n`` from the closed form (odd ``n``).

    For ``|S| = k`` odd (O'Donnell, *Analysis of Boolean Functions*, Ch. 5),

        Maĵ_n(S) = (−1)^{(k−1)/2} · C((n−1)/2, (k−1)/2) / C(n−1, k−1) · C(n−1, (n−1)/2) / 2^{n−1},

    and ``Maĵ_n(S) = 0`` for even ``k``; ``W^k = C(n, k)·Maĵ_n(S)²``. Computed in exact
    rational arithmetic, so any ``n`` works (the transform needs ``2^n`` values).
    ``k = 1`` gives ``n·(C(n−1, (n−1)/2)/2^{n−1})²``, which decreases to ``2/π``.
    ``n ≤ MAX_MAJORITY_N = 2001`` (the exact sums take time growing like ``n³``:
    ~0.3 s at the limit, minutes at ``n = 10^4``).
    """
    n = _check_int(n, "n", 1, MAX_MAJORITY_N,
                   lambda v: f"about {0.3 * (v / MAX_MAJORITY_N) ** 3:.3g} s")
    if n % 2 == 0:
        raise ValueError(f"n must be odd for Majority (no ties), got {n}")
    half = (n - 1) // 2
    weights = np.zeros(n + 1)
    for k in range(1, n + 1, 2):
        coefficient = Fraction(
            math.comb(half, (k - 1) // 2) * math.comb(n - 1, half),
            math.comb(n - 1, k - 1) * 2 ** (n - 1),
        )
        weights[k] = float(math.comb(n, k) * coefficient**2)
    return weights


def majority_weight_limit(k: int) -> float:
    """``lim_{n→∞} W^k[Maj_n] = (2/(πk))·C(k−1, (k−1)/2)/2^{k−1}`` for odd ``k``, 0 for even.

    ``k = 1`` gives ``2/π``; the limits sum to 1 over odd ``k`` (the arcsine series at 1)
    and decay like ``(2/π)^{3/2} k^{−3/2}`` (O'Donnell, Ch. 5).
    """
    k = _check_int(k, "k", 0)
    if k % 2 == 0:
        return 0.0
    # C(k−1, (k−1)/2)/2^{k−1} through log-gamma: each factor alone overflows a float
    log_central = math.lgamma(k) - 2 * math.lgamma((k + 1) / 2) - (k - 1) * math.log(2)
    return 2.0 / (math.pi * k) * math.exp(log_central)


def bent_on_cube(coordinates, n: int, dtype=np.float64) -> np.ndarray:
    """The inner-product (bent) function on ``2h`` coordinates, on all of ``{−1,+1}^n``.

    With ``coordinates = (u_1, …, u_h, v_1, …, v_h)`` (an even number of distinct indices)
    and bits ``b = (1 − x)/2``, it is ``IP(x) = (−1)^{Σ_t b_{u_t} b_{v_t}}``. It is *bent*:
    ``|IP^(S)| = 2^{−h}`` for every one of the ``4^h`` subsets ``S`` of ``coordinates`` and 0
    for all other ``S``, so Parseval ``Σ_S IP^(S)² = 1`` is spread as evenly as possible.
    As a bounded query it has correlation ``2^{−h}`` with ``4^h`` parities: for ``τ`` just
    below ``2^{−h}`` it sees ``≈ 1/τ²`` of them, nearly the most the counting lemma allows
    (lesson 3). ``coordinates = ()`` gives the constant 1.
    Refused (ValueError) beyond 2 GiB of result: ``n ≤ 28`` for float64.
    """
    n = _check_cube_dimension(n, "n", 8.0, "the bent function's values")
    indices = [_check_int(j, "coordinates index", 0) for j in coordinates]
    if len(indices) % 2:
        raise ValueError(f"coordinates must hold an even number of indices, got {len(indices)}")
    if len(set(indices)) != len(indices) or any(j >= n for j in indices):
        raise ValueError(f"coordinates must be distinct indices below n = {n}, got {tuple(indices)}")
    half = len(indices) // 2
    rows = np.arange(1 << n, dtype=np.int64)
    exponent = np.zeros(1 << n, dtype=np.int64)
    for u, v in zip(indices[:half], indices[half:], strict=True):
        exponent ^= (rows >> u) & (rows >> v) & 1
    return (1 - 2 * exponent).astype(dtype)


# --------------------------------------------------------------------------- Walsh–Hadamard


def _check_transform_input(values, name: str = "values") -> int:
    """Validate an array for the in-place transform; return ``n``."""
    is_torch = _is_torch(values)
    if not is_torch and not isinstance(values, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array or torch tensor for the in-place transform, "
            f"got {type(values).__name__} (use walsh_hadamard for array-likes)"
        )
    if values.ndim == 0:
        raise ValueError(f"{name} must have a last axis of length 2**n, got a scalar")
    if is_torch:
        if not values.is_floating_point():
            raise TypeError(f"{name} must have a floating dtype, got {values.dtype}")
        if not values.is_contiguous():
            raise ValueError(f"{name} must be contiguous for the in-place transform")
        finite = bool(values.numel() == 0 or values.sum().isfinite())
    else:
        if not np.issubdtype(values.dtype, np.floating):
            raise TypeError(f"{name} must have a floating dtype, got {values.dtype}")
        if not values.flags.c_contiguous:
            raise ValueError(f"{name} must be C-contiguous for the in-place transform")
        if not values.flags.writeable:
            raise ValueError(f"{name} must be writeable for the in-place transform")
        with np.errstate(over="ignore", invalid="ignore"):
            finite = bool(values.size == 0 or np.isfinite(values.sum()))
    if not finite:
        # One summed pass is cheap; only a non-finite sum pays for an exact check
        # (the sum of huge finite values can overflow).
        check = values.isfinite().all() if is_torch else np.isfinite(values).all()
        if not bool(check):
            raise ValueError(f"{name} contains NaN or infinite values")
    return _log2_length(values.shape[-1], name)


_MATMUL_STAGES = 5


def _sylvester(n: int) -> np.ndarray:
    """The ``2**n × 2**n`` Sylvester Hadamard matrix, ``H[a, b] = (−1)^{popcount(a & b)}``."""
    matrix = np.ones((1, 1))
    for _ in range(n):
        matrix = np.block([[matrix, matrix], [matrix, -matrix]])
    return matrix


def walsh_hadamard_(values):
    """In-place fast Walsh–Hadamard transform ``values ← H_n · values`` over the last axis.

    ``values``: a C-contiguous float32/float64 numpy array or torch tensor of shape
    ``(..., 2**n)`` (any batch shape). Unnormalised: applying it twice multiplies by
    ``2**n``. Stage ``j`` views the data as ``(batch, 2^{n−j−1}, 2, 2^j)`` and replaces each
    pair ``(a, b)`` by ``(a + b, a − b)``: ``n`` vectorised passes, ``O(n·2^n)`` work. The
    first ``min(n, 5)`` stages are one product with the 32 × 32 matrix ``H_5`` instead
    (same result; it needs one temporary copy of the input). Returns ``values``.
    """
    n = _check_transform_input(values)
    length = values.shape[-1]
    torch_input = _is_torch(values)
    if (values.numel() if torch_input else values.size) == 0:
        return values
    flat = values.reshape(-1, length)
    # The lowest stages have inner axes of length 1..16, where elementwise butterflies
    # crawl; doing them as one product with the small matrix H_low is several times faster.
    low = min(n, _MATMUL_STAGES)
    if low > 1:
        rows = flat.reshape(-1, 1 << low)
        if torch_input:
            block = sys.modules["torch"].as_tensor(_sylvester(low), dtype=values.dtype)
            rows.copy_(rows @ block.to(values.device))
        else:
            rows[...] = rows @ _sylvester(low).astype(values.dtype)
    for j in range(low if low > 1 else 0, n):
        half = 1 << j
        blocks = flat.reshape(flat.shape[0], length // (2 * half), 2, half)
        top, bottom = blocks[:, :, 0, :], blocks[:, :, 1, :]
        # (a, b) -> (a + b, (a + b) − 2b): both halves updated in place, no temporary
        if torch_input:
            top.add_(bottom)
            bottom.mul_(-2).add_(top)
        else:
            top += bottom
            bottom *= -2
            bottom += top
    return values


def walsh_hadamard(values):
    """``H_n · values`` over the last axis, returned as a new array (input untouched).

    Accepts numpy arrays, torch tensors (result is a tensor) and array-likes; integer
    input is converted to float64, float32 stays float32.
    """
    _reject_complex(values, "values")
    if _is_torch(values):
        copy = values.clone() if values.is_floating_point() else values.double()
        return walsh_hadamard_(copy.contiguous())
    array = np.asarray(values) if isinstance(values, np.ndarray) else _finite_array(values, "values")
    dtype = array.dtype if np.issubdtype(array.dtype, np.floating) else np.float64
    return walsh_hadamard_(np.array(array, dtype=dtype, order="C", copy=True))


def inverse_walsh_hadamard(values):
    """Inverse of :func:`walsh_hadamard`: ``H_n^{−1} = H_n / 2^n`` (new array)."""
    transformed = walsh_hadamard(values)
    transformed /= transformed.shape[-1]
    return transformed


def fourier_coefficients(values):
    """``f̂(S) = 2^{−n} Σ_x f(x) χ_S(x)`` for every ``S``, indexed by bitmask.

    ``values`` has shape ``(..., 2**n)`` in the cube order (batched over leading axes);
    the result has the same shape. Equals ``walsh_hadamard(values) / 2**n``.
    """
    return inverse_walsh_hadamard(values)


def from_fourier_coefficients(coefficients):
    """``f(x) = Σ_S f̂(S) χ_S(x)``: values on the cube from coefficients (``H_n · f̂``)."""
    return walsh_hadamard(coefficients)


def degree_weights(values) -> np.ndarray:
    """Fourier weight per level: ``W^k[f] = Σ_{|S|=k} f̂(S)²`` for ``k = 0..n``.

    ``values`` has shape ``(..., 2**n)``; the result has shape ``(..., n + 1)`` and sums
    to ``E[f²]`` (Parseval; ``= 1`` for ±1-valued ``f``).
    """
    array, n = _check_cube_values(values)
    squared = fourier_coefficients(array) ** 2
    sizes = subset_sizes(n)
    batch = squared.reshape(-1, squared.shape[-1])
    weights = np.stack([np.bincount(sizes, weights=row, minlength=n + 1) for row in batch]
                       or [np.zeros(0)]).reshape(len(batch), n + 1)
    return weights.reshape(*array.shape[:-1], n + 1)


def influence(values, coordinate: int | None = None):
    """Influence ``Inf_j[f] = Σ_{S∋j} f̂(S)²`` of coordinate ``j`` (all ``j`` if None).

    For ±1-valued ``f`` this is ``Pr_x[f(x) ≠ f(x with x_j flipped)]``; in general it is
    ``E[((f(x) − f(x^{⊕j}))/2)²]``. ``values`` has shape ``(2**n,)``; returns a float for
    one coordinate, else an array of shape ``(n,)``.
    """
    array, n = _check_cube_values(values)
    if array.ndim != 1:
        raise ValueError(f"values must have shape (2**n,), got shape {array.shape}")
    if coordinate is not None:
        coordinate = _check_int(coordinate, "coordinate", 0)
        if coordinate >= n:
            raise ValueError(f"coordinate must be < n = {n}, got {coordinate}")
    squared = fourier_coefficients(array) ** 2
    masks = np.arange(1 << n, dtype=np.int64)
    influences = np.array([squared[(masks >> j) & 1 == 1].sum() for j in range(n)])
    return influences if coordinate is None else float(influences[coordinate])


# --------------------------------------------------------------------------- GF(2) learner


@dataclass(frozen=True)
class ParityFit:
    """Result of :func:`learn_parity_by_elimination`.

    ``subset``/``mask``: a parity consistent with every sample (free variables set to 0);
    ``rank``: rank of the sample matrix over GF(2); ``unique``: ``rank == n`` (the parity
    is determined); ``consistent``: False when no parity fits (e.g. noisy labels).
    """

    subset: tuple[int, ...]
    mask: int
    rank: int
    unique: bool
    consistent: bool


def learn_parity_by_elimination(x, y) -> ParityFit:
    """Find ``S`` with ``y = χ_S(x)`` on every sample by Gaussian elimination over GF(2).

    Writing ``b = (1 − x)/2`` and ``c = (1 − y)/2`` (bits), ``y = χ_S(x)`` is the linear
    equation ``Σ_{j∈S} b_j = c (mod 2)``. Each sample row is packed into one Python int
    (bit ``n`` holds the label), so elimination is XOR of machine words: ``n + 20``
    random samples have full rank with probability ``≥ 1 − 2^{−20}`` and ``n = 64`` takes
    milliseconds. This is the non-statistical algorithm that learns parities from
    ``O(n)`` samples although every SQ learner needs ``≈ 2^n τ²/2`` queries
    (Gaussian elimination over GF(2); lesson 11).

    ``x``: shape ``(N, n)`` with entries ±1; ``y``: shape ``(N,)`` with entries ±1.
    """
    x = _finite_array(x, "x")
    y = _finite_array(y, "y")
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (n_samples, n) with n >= 1, got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},) to match x, got shape {y.shape}")
    if not np.all(np.abs(x) == 1):
        raise ValueError("x must have entries in {-1, +1}")
    if not np.all(np.abs(y) == 1):
        raise ValueError("y must have entries in {-1, +1}")
    n = x.shape[1]
    packed = np.packbits(x < 0, axis=1, bitorder="little")
    coefficient_bits = (1 << n) - 1
    pivots: dict[int, int] = {}  # leading bit -> reduced row
    consistent = True
    for row_bytes, label in zip(packed, y < 0, strict=True):
        row = int.from_bytes(row_bytes.tobytes(), "little") | (int(label) << n)
        while row & coefficient_bits:
            lead = (row & coefficient_bits).bit_length() - 1
            if lead not in pivots:
                pivots[lead] = row
                break
            row ^= pivots[lead]
        else:
            if row:  # 0 = 1: the samples contradict every parity
                consistent = False
    # Back-substitution from the lowest pivot up: a pivot row only involves lower bits,
    # whose values are already fixed (free variables are 0).
    mask = 0
    for lead in sorted(pivots):
        row = pivots[lead]
        lower = row & ((1 << lead) - 1)
        value = ((row >> n) & 1) ^ ((lower & mask).bit_count() & 1)
        mask |= value << lead
    return ParityFit(mask_to_subset(mask), mask, len(pivots), len(pivots) == n, consistent)
