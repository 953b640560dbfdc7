"""Pairwise correlations, statistical dimension and the counting lemma (lesson 3).

The engine of every lower bound in the course (the counting lemma, Szörényi 2009), in its
standard form (Szörényi 2009; as used by Goel et al. 2020 and Diakonikolas et al. 2020):

    f_1, …, f_m with ‖f_i‖ = 1 and |⟨f_i, f_j⟩| ≤ γ (i ≠ j), tolerance τ with τ² > γ
    ⇒ any CSQ learner reaching squared error < (1 − γ)/2 on every f_i needs
       q ≥ m(τ² − γ)/2 queries.

Its three steps are computations here: (1) one bounded query ``h`` has
``|⟨h, f_i⟩| > τ`` for at most ``2(1 − γ)/(τ² − γ)`` indices (:func:`counting_lemma`,
checked by brute force in the tests); (2) the adversary that answers 0 stays legal for all
others (:class:`AdversaryGame`); (3) members are ``≥ √(2(1 − γ))`` apart, so a good
hypothesis identifies the target (the error threshold ``(1 − γ)/2``). When ``τ² ≤ γ``
the lemma says nothing: :func:`counting_lemma` reports "not applicable", never a
negative number (a negative bound is not a bound). Inner products are ``⟨f, g⟩ = E_D[f g]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from csqlab.boolean import (
    _check_cube_values,
    _check_int,
    _check_real,
    _check_tolerance,
    _finite_array,
    _is_torch,
    subset_to_mask,
    walsh_hadamard,
    walsh_hadamard_,
)

__all__ = [
    "pairwise_correlation",
    "GramEstimate",
    "pairwise_correlation_from_samples",
    "pairwise_correlation_fourier",
    "max_offdiagonal",
    "normalise_gram",
    "low_correlation_subset",
    "statistical_dimension",
    "sq_dimension",
    "CountingBound",
    "counting_lemma",
    "max_tolerance_for_queries",
    "tolerance_from_samples",
    "samples_for_tolerance",
    "log10_binomial",
    "BoundCurve",
    "bound_curve",
]

_LOG10_2 = math.log10(2.0)
# Rows of cube values kept in memory at once by the Fourier route (~64 MB of float64).
_FOURIER_BLOCK_ENTRIES = 2**23
_ROUNDING = 1e-12


def _check_values_matrix(values, name: str = "values") -> np.ndarray:
    array = _finite_array(values, name)
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(
            f"{name} must have shape (m, N): m functions evaluated on N points, "
            f"got shape {array.shape}"
        )
    return array


def _check_gram(gram) -> np.ndarray:
    gram = _finite_array(gram, "gram")
    if gram.ndim != 2 or gram.shape[0] != gram.shape[1] or gram.shape[0] < 1:
        raise ValueError(f"gram must be a square (m, m) matrix with m >= 1, got shape {gram.shape}")
    return gram


def _check_gamma(gamma) -> float:
    gamma = _check_real(gamma, "gamma")
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    return gamma


# --------------------------------------------------------------------------- Gram matrices


def pairwise_correlation(values, weights=None) -> np.ndarray:
    """Exact Gram matrix ``G_ij = ⟨f_i, f_j⟩ = Σ_k w_k f_i(x_k) f_j(x_k)``.

    ``values``: shape ``(m, N)``, row ``i`` is ``f_i`` on the support points ``x_1..x_N``
    of a finite distribution (e.g. all of the cube, :func:`csqlab.boolean.parities_on_cube`);
    ``weights``: their probabilities (shape ``(N,)``, non-negative, summing to 1; default
    uniform, i.e. enumeration of the uniform cube).
    """
    values = _check_values_matrix(values)
    if weights is None:
        return values @ values.T / values.shape[1]
    weights = _finite_array(weights, "weights")
    if weights.shape != (values.shape[1],):
        raise ValueError(
            f"weights must have shape ({values.shape[1]},) to match values, got {weights.shape}"
        )
    if np.any(weights < 0) or not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError("weights must be non-negative and sum to 1")
    return (values * weights) @ values.T


@dataclass(frozen=True)
class GramEstimate:
    """A Gram matrix estimated from samples, with entrywise standard errors."""

    gram: np.ndarray
    standard_error: np.ndarray
    n_samples: int


def pairwise_correlation_from_samples(values) -> GramEstimate:
    """Estimate ``G_ij = E_D[f_i f_j]`` from ``N`` i.i.d. draws ``x_k ~ D``.

    ``values``: shape ``(m, N)``, row ``i`` is ``f_i(x_1..x_N)``. Returns the empirical
    means ``Ĝ_ij = (1/N) Σ_k f_i(x_k) f_j(x_k)`` and standard errors ``s_ij/√N`` (``s_ij``
    the sample standard deviation of ``f_i f_j``, ``ddof = 1``), computed from the matrix of
    second moments so no ``(m, m, N)`` array is built. Needs ``N >= 2``.
    """
    values = _check_values_matrix(values)
    n_samples = values.shape[1]
    if n_samples < 2:
        raise ValueError(f"values must hold at least 2 samples per function, got {n_samples}")
    gram = values @ values.T / n_samples
    squares = values**2
    second_moment = squares @ squares.T / n_samples
    variance = np.maximum(second_moment - gram**2, 0.0) * n_samples / (n_samples - 1)
    return GramEstimate(gram, np.sqrt(variance / n_samples), n_samples)


def _support(transformed: np.ndarray, atol: float):
    """Nonzero Fourier coefficients of one member from its unnormalised transform ``H_n f``."""
    length = transformed.shape[-1]
    support = np.flatnonzero(np.abs(transformed) > atol * length if atol else transformed)
    return support, transformed[support].astype(np.float64) / length


def _fourier_supports(members, atol: float):
    """Yield ``(bitmasks, coefficients)`` of each member's Fourier coefficients above atol.

    Float32 members stay float32 (exact for ±1 values up to n = 24, twice as fast).
    """
    if _is_torch(members) or isinstance(members, np.ndarray):
        members = _finite_array(members, "members")
        if members.ndim != 2:
            raise ValueError(f"members must have shape (m, 2**n), got shape {members.shape}")
        _, n = _check_cube_values(members[:1], "members")
        block = max(1, _FOURIER_BLOCK_ENTRIES >> n)
        for start in range(0, members.shape[0], block):
            for row in walsh_hadamard(members[start:start + block]):
                yield _support(row, atol)
        return
    for member in members:
        if isinstance(member, np.ndarray) and member.dtype in (np.float32, np.float64):
            transformed = np.array(member, order="C", copy=True)
        else:
            transformed = _finite_array(member, "members")
        if transformed.ndim != 1:
            raise ValueError(f"each member must have shape (2**n,), got shape {transformed.shape}")
        if transformed.shape[0] < 2:
            raise ValueError("members must have a last axis of length 2**n with n >= 1")
        try:
            walsh_hadamard_(transformed)
        except ValueError as error:
            raise ValueError(str(error).replace("values", "members")) from None
        yield _support(transformed, atol)


def pairwise_correlation_fourier(members=None, *, coefficients=None, atol: float = 0.0):
    """Exact Gram matrix of functions on the uniform cube by Plancherel.

    ``⟨f_i, f_j⟩ = Σ_S f̂_i(S) f̂_j(S)``: only subsets ``S`` where some member has a nonzero
    coefficient contribute, so a Fourier-sparse family (parities, juntas, low-degree
    functions) costs ``O(m · n 2^n)`` for the transforms plus a small ``(m, |support|)``
    product, instead of the ``O(m² 2^n)`` of enumeration. Give exactly one of:

    * ``members``: shape ``(m, 2**n)`` values in the cube order, or an iterable yielding
      each member's length-``2**n`` vector (a large family never sits in memory at once);
      coefficients with ``|f̂(S)| ≤ atol`` are dropped (``atol = 0`` keeps every nonzero,
      so the result is exact up to rounding);
    * ``coefficients``: a sequence of dicts ``{subset: f̂(S)}`` (subset as index tuple or
      bitmask), the family's known Fourier expansions (e.g. ``{S: 1.0}`` for ``χ_S``).
    """
    if (members is None) == (coefficients is None):
        raise ValueError("give exactly one of members or coefficients")
    atol = _check_real(atol, "atol")
    if atol < 0:
        raise ValueError(f"atol must be >= 0, got {atol}")
    if coefficients is not None:
        supports = []
        for expansion in coefficients:
            if not isinstance(expansion, dict):
                raise TypeError(
                    f"coefficients must be a sequence of dicts {{subset: value}}, "
                    f"got an element of type {type(expansion).__name__}"
                )
            masks = np.array([subset_to_mask(s) for s in expansion], dtype=np.int64)
            supports.append((masks, _finite_array(list(expansion.values()), "coefficients")))
    else:
        supports = list(_fourier_supports(members, atol))
    if not supports:
        raise ValueError("the family must have at least one member")
    union = np.unique(np.concatenate([masks for masks, _ in supports]))
    dense = np.zeros((len(supports), len(union)))
    for i, (masks, values) in enumerate(supports):
        np.add.at(dense[i], np.searchsorted(union, masks), values)
    return dense @ dense.T


def max_offdiagonal(gram) -> float:
    """``γ = max_{i≠j} |G_ij|``, the pairwise correlation bound of the counting lemma."""
    gram = _check_gram(gram)
    if gram.shape[0] == 1:
        return 0.0
    off_diagonal = np.abs(gram[~np.eye(gram.shape[0], dtype=bool)])
    return float(off_diagonal.max())


def normalise_gram(gram) -> np.ndarray:
    """``G_ij / √(G_ii G_jj)``: the Gram of the unit-norm versions ``f_i/‖f_i‖``."""
    gram = _check_gram(gram)
    diagonal = np.diag(gram)
    if np.any(diagonal <= 0):
        raise ValueError("gram must have a positive diagonal (every member nonzero)")
    scale = 1.0 / np.sqrt(diagonal)
    return gram * scale[:, None] * scale[None, :]


# --------------------------------------------------------------------------- statistical dimension


def low_correlation_subset(gram, gamma: float) -> np.ndarray:
    """Indices of a large subfamily with pairwise ``|G_ij| ≤ γ``, found greedily.

    Repeatedly keeps the member with the fewest remaining conflicts (``|G_ij| > γ``) and
    discards its conflicts (entries within ``1e-12`` of ``γ`` count as ``≤ γ``). Finding the largest such subfamily is a maximum-independent-set
    problem, so this is a lower bound on its size, not the exact maximum. Pass a
    normalised Gram (:func:`normalise_gram`) for the unit-norm setting of the lemma.
    """
    gram = _check_gram(gram)
    gamma = _check_gamma(gamma)
    # entries within rounding of γ count as ≤ γ (a family built with correlation exactly γ)
    conflicts = np.abs(gram) > gamma + _ROUNDING
    np.fill_diagonal(conflicts, False)
    alive = np.ones(gram.shape[0], dtype=bool)
    chosen = []
    while alive.any():
        degrees = np.where(alive, conflicts[:, alive].sum(axis=1), np.iinfo(np.int64).max)
        pick = int(np.argmin(degrees))
        chosen.append(pick)
        alive[pick] = False
        alive &= ~conflicts[pick]
    return np.array(sorted(chosen), dtype=np.int64)


def statistical_dimension(gram, gamma: float) -> int:
    """Greedy lower bound on the largest ``m`` with ``m`` members pairwise ``|⟨f_i,f_j⟩| ≤ γ``.

    This is the ``m`` that enters :func:`counting_lemma` together with ``γ``.
    """
    return len(low_correlation_subset(gram, gamma))


def sq_dimension(gram) -> int:
    """Greedy lower bound on SQ-DIM (BFJKMR 1994): the largest ``d`` with ``d`` members
    pairwise ``|⟨f_i, f_j⟩| ≤ 1/d``.

    The counting lemma with ``m = d``, ``γ = 1/d`` then gives ``q ≥ (d τ² − 1)/2``.
    Binary search over ``d``; only values ``d`` verified by :func:`low_correlation_subset`
    are returned.
    """
    gram = _check_gram(gram)
    best, low, high = 1, 1, gram.shape[0]
    while low <= high:
        middle = (low + high) // 2
        if statistical_dimension(gram, 1.0 / middle) >= middle:
            best, low = middle, middle + 1
        else:
            high = middle - 1
    return best


# --------------------------------------------------------------------------- the counting lemma


@dataclass(frozen=True)
class CountingBound:
    """The counting lemma's conclusions for one ``(m, γ, τ)`` (standard form; lessons/notes/proof-maps.md).

    ``min_queries = m(τ² − γ)/2`` (a CSQ learner needs at least this many queries),
    ``per_query = 2(1 − γ)/(τ² − γ)`` (at most this many members have ``|⟨h, f_i⟩| > τ``
    for one bounded query ``h``), ``error_threshold = (1 − γ)/2`` (the squared error below
    which a hypothesis identifies the target). All are None with ``applicable = False``
    when ``τ² ≤ γ``; ``reason`` then says so, and ``str(bound)`` prints it. ``m`` is kept
    as ``log10_m`` so families of size ``2^{n^c}`` or ``n^{log n}`` do not overflow.
    """

    tolerance: float
    gamma: float
    log10_m: float
    applicable: bool
    reason: str
    m: float  # the family size; inf when it exceeds the float range (use log10_m)

    @property
    def error_threshold(self) -> float:
        return (1.0 - self.gamma) / 2.0

    @property
    def per_query(self) -> float | None:
        if not self.applicable:
            return None
        return 2.0 * (1.0 - self.gamma) / (self.tolerance**2 - self.gamma)

    @property
    def log10_min_queries(self) -> float | None:
        if not self.applicable:
            return None
        return self.log10_m + math.log10(self.tolerance**2 - self.gamma) - _LOG10_2

    @property
    def min_queries(self) -> float | None:
        """``m(τ² − γ)/2`` (``inf`` beyond the float range; see ``log10_min_queries``)."""
        if not self.applicable:
            return None
        if math.isfinite(self.m):
            return self.m * (self.tolerance**2 - self.gamma) / 2.0
        return 10.0**self.log10_min_queries if self.log10_min_queries < 308 else math.inf

    def consistent_after(self, n_queries: int) -> float | None:
        """Members still consistent with the answers after ``n_queries`` zero answers:
        at least ``max(m − n_queries · per_query, 0)`` (step 2 of the proof)."""
        n_queries = _check_int(n_queries, "n_queries", 0)
        if not self.applicable:
            return None
        return max(self.m - n_queries * self.per_query, 0.0)

    def __str__(self) -> str:
        if not self.applicable:
            return self.reason
        return (
            f"q ≥ m(τ² − γ)/2 = 10^{self.log10_min_queries:.2f} ≈ {self.min_queries:.4g} "
            f"queries (m = 10^{self.log10_m:.2f}, γ = {self.gamma:.3g}, τ = {self.tolerance:.3g}); "
            f"one query sees at most {self.per_query:.4g} members; "
            f"error threshold (1 − γ)/2 = {self.error_threshold:.3g}"
        )


def _family_size(m, log10_m) -> tuple[float, float]:
    """``(m, log10 m)`` from either; ``m`` is inf when too large for a float."""
    if (m is None) == (log10_m is None):
        raise ValueError("give exactly one of m (family size) or log10_m (its log10)")
    if m is not None:
        if isinstance(m, (int, np.integer)) and not isinstance(m, bool):
            if m < 1:
                raise ValueError(f"m must be >= 1, got {m}")
            # math.log10 is exact enough for Python ints of any size, e.g. 2**(10**4)
            return (float(m) if m < 2**1023 else math.inf), math.log10(m)
        m = _check_real(m, "m")
        if m < 1:
            raise ValueError(f"m must be >= 1, got {m}")
        return m, math.log10(m)
    log10_m = _check_real(log10_m, "log10_m")
    if log10_m < 0:
        raise ValueError(f"log10_m must be >= 0 (m >= 1), got {log10_m}")
    return (10.0**log10_m if log10_m < 308 else math.inf), log10_m


def counting_lemma(tolerance: float, gamma: float, m: float | None = None, *,
                   log10_m: float | None = None) -> CountingBound:
    """Apply the counting lemma to ``m`` unit-norm members with pairwise correlation ``≤ γ``.

    Give the family size as ``m`` or, for huge families, as ``log10_m``. Returns a
    :class:`CountingBound`; it is "not applicable" when ``τ² ≤ γ`` (never negative), and
    also when ``τ² − γ ≤ 10^{−12} · τ²``: a gap that small is round-off (``0.1**2`` exceeds
    ``0.01`` by one ulp), and dividing by it would give a meaningless huge per-query count.
    Example: all ``2^n`` parities (``γ = 0``) and ``τ = 0.01`` give ``q ≥ 2^n · 10^{−4}/2``.
    """
    tolerance = _check_tolerance(tolerance)
    gamma = _check_gamma(gamma)
    m, log10_m = _family_size(m, log10_m)
    if tolerance**2 - gamma <= _ROUNDING * tolerance**2:
        reason = (
            f"not applicable: τ² ≤ γ up to round-off (τ² = {tolerance**2:.4g}, "
            f"γ = {gamma:.4g}, relative gap <= {_ROUNDING:g}); "
            "the lemma gives no bound at this tolerance"
        )
        return CountingBound(tolerance, gamma, log10_m, False, reason, m)
    return CountingBound(tolerance, gamma, log10_m, True, "applicable: τ² > γ", m)


def max_tolerance_for_queries(n_queries: float, gamma: float, m: float | None = None, *,
                              log10_m: float | None = None) -> float:
    """The query/tolerance trade-off: with ``q`` queries a learner must use ``τ ≤ √(γ + 2q/m)``.

    Rearranging ``q ≥ m(τ² − γ)/2``: either precision ``τ² ≤ γ + 2q/m`` (about
    ``1/τ² ≥ 1/(γ + 2q/m)`` samples) or more queries. Capped at 1 (every tolerance allowed).
    """
    n_queries = _check_real(n_queries, "n_queries")
    if n_queries < 0:
        raise ValueError(f"n_queries must be >= 0, got {n_queries}")
    gamma = _check_gamma(gamma)
    _, log10_m = _family_size(m, log10_m)
    ratio = 2.0 * n_queries * 10.0 ** (-log10_m) if log10_m < 300 else 0.0
    return min(1.0, math.sqrt(gamma + ratio))


def tolerance_from_samples(n_samples: float) -> float:
    """Sample heuristic ``τ ≈ 1/√N``: the error of a mean of ``N`` bounded draws."""
    n_samples = _check_real(n_samples, "n_samples")
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    return 1.0 / math.sqrt(n_samples)


def samples_for_tolerance(tolerance: float) -> float:
    """Inverse heuristic ``N ≈ 1/τ²`` samples to simulate one query of tolerance ``τ``."""
    tolerance = _check_tolerance(tolerance)
    return 1.0 / tolerance**2


def log10_binomial(n, k):
    """``log10 C(n, k)`` via ``lgamma`` (no overflow), elementwise for arrays.

    With ``log10 2^{n^c} = n^c log10 2`` and ``log10 n^{log n} = ln(n) log10(n)`` these are
    the family sizes the course's bounds need, all given to :func:`bound_curve` as logs.
    """
    n_array = _finite_array(n, "n")
    k_array = _finite_array(k, "k")
    if np.any(n_array < 0) or np.any(n_array != np.round(n_array)):
        raise ValueError("n must be non-negative integers")
    if np.any(k_array < 0) or np.any(k_array != np.round(k_array)):
        raise ValueError("k must be non-negative integers")
    if np.any(k_array > n_array):
        raise ValueError("k must be <= n")
    lgamma = np.vectorize(math.lgamma, otypes=[float])
    result = (lgamma(n_array + 1) - lgamma(k_array + 1) - lgamma(n_array - k_array + 1))
    result = result / math.log(10.0)
    return float(result) if result.ndim == 0 else result


# --------------------------------------------------------------------------- bound vs n


@dataclass(frozen=True)
class BoundCurve:
    """Counting-lemma bound along a range of sizes ``n`` (arrays of equal length).

    ``log10_min_queries`` is NaN where ``applicable`` is False (``τ² ≤ γ``, or
    ``τ² − γ ≤ 10^{−12} τ²``: round-off, as in :func:`counting_lemma`).
    """

    n: np.ndarray
    log10_m: np.ndarray
    gamma: np.ndarray
    tolerance: np.ndarray
    log10_min_queries: np.ndarray
    applicable: np.ndarray


def _along(spec, ns: np.ndarray, name: str) -> np.ndarray:
    if callable(spec):
        values = np.array([_check_real(spec(n), name) for n in ns])
    else:
        values = _finite_array(spec, name)
        if values.ndim == 0:
            values = np.full(len(ns), float(values))
        elif values.shape != ns.shape:
            raise ValueError(
                f"{name} must be a number, a callable of n, or an array of shape {ns.shape}, "
                f"got shape {values.shape}"
            )
    return values


def bound_curve(ns, log10_m, gamma, tolerance) -> BoundCurve:
    """``log10`` of the counting-lemma bound ``m(n)(τ(n)² − γ(n))/2`` for each ``n`` in ``ns``.

    Each of ``log10_m``, ``gamma``, ``tolerance`` is a number, an array like ``ns`` or a
    callable ``n -> value``; sizes enter as logs, e.g. ``lambda n: n * math.log10(2)`` for
    all parities or ``lambda n: log10_binomial(n, 3)`` for 3-sparse ones.
    """
    ns = _finite_array(ns, "ns")
    if ns.ndim != 1 or ns.size == 0:
        raise ValueError(f"ns must be a non-empty 1-D array of sizes, got shape {ns.shape}")
    log10_m = _along(log10_m, ns, "log10_m")
    gamma = _along(gamma, ns, "gamma")
    tolerance = _along(tolerance, ns, "tolerance")
    if np.any(log10_m < 0):
        raise ValueError("log10_m must be >= 0 (m >= 1)")
    if np.any((gamma < 0) | (gamma > 1)):
        raise ValueError("gamma must be in [0, 1]")
    if np.any((tolerance <= 0) | (tolerance > 1)):
        raise ValueError("tolerance must be in (0, 1]")
    gap = tolerance**2 - gamma
    applicable = gap > _ROUNDING * tolerance**2  # a relative gap <= 1e-12 is round-off
    with np.errstate(divide="ignore", invalid="ignore"):
        log_queries = np.where(applicable, log10_m + np.log10(gap) - _LOG10_2, np.nan)
    return BoundCurve(ns, log10_m, gamma, tolerance, log_queries, applicable)
