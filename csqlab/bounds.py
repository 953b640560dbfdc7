"""Pairwise correlations, statistical dimension and the counting lemma (lesson 3).

The engine of every lower bound in the course (PAPER §2, BACKGROUND §1.5), in its
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
negative number (BACKGROUND §8 pitfall 8). Inner products are ``⟨f, g⟩ = E_D[f g]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from csqlab.boolean import (
    _check_cube_values,
    _check_int,
    _check_real,
    _check_tolerance,
    _finite_array,
    _generator,
    _is_torch,
    bent_on_cube,
    fourier_coefficients,
    parity_on_cube,
    subset_to_mask,
    subsets_of_degree,
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
    "GameRound",
    "AdversaryGame",
    "query_candidates_in_turn",
    "random_bounded_queries",
    "bent_coset_query",
    "query_bent_cosets",
    "gnn_degree_parity_bound_curve",
    "gnn_hidden_plane_bound_curve",
    "invariant_polynomial_bound_curve",
    "set_polynomial_bound_curve",
    "cnn_hidden_plane_bound_curve",
    "frame_averaged_bound_curve",
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
    """The counting lemma's conclusions for one ``(m, γ, τ)`` (PAPER §2, standard form).

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


# --------------------------------------------------------------------------- the adversary game


@dataclass(frozen=True)
class GameRound:
    """One query of the game: the adversary's ``answer``, how many candidates remain
    consistent (``n_consistent``) and the lemma's guarantee (``guaranteed``, None when the
    lemma does not apply)."""

    n_queries: int
    answer: float
    n_consistent: int
    guaranteed: float | None


class AdversaryGame:
    """The CSQ adversary game of lesson 3.

    ``m`` candidate targets ``f_1..f_m`` (rows of ``candidates``, evaluated on the support of
    a finite distribution with ``weights``; default the uniform cube). The learner asks
    bounded queries ``h`` (``|h| ≤ 1`` pointwise); the adversary answers 0 when 0 is legal for
    some consistent candidate (``|⟨h, f_i⟩| ≤ τ``), else the legal value closest to 0.
    Candidates whose correlation is not within ``τ`` of the answer are dropped. After
    ``q`` queries at least ``m − q · 2(1 − γ)/(τ² − γ)`` remain (the counting lemma), and
    the learner cannot succeed while two remain. Candidates need ``‖f_i‖ ≤ 1``.
    """

    def __init__(self, candidates, tolerance: float, weights=None):
        values = _check_values_matrix(candidates, "candidates")
        self.tolerance = _check_tolerance(tolerance)
        if weights is None:
            weights = np.full(values.shape[1], 1.0 / values.shape[1])
        gram = pairwise_correlation(values, weights)
        if np.any(np.diag(gram) > 1 + 1e-9):
            raise ValueError("candidates must have norm <= 1 under the distribution")
        self._values = values
        self._weights = _finite_array(weights, "weights")
        self._setup(values.shape[0], max_offdiagonal(gram))

    def _setup(self, m: int, gamma: float) -> None:
        self.m = m
        self.gamma = min(gamma, 1.0)
        self.bound = counting_lemma(self.tolerance, self.gamma, m)
        self.consistent = np.ones(m, dtype=bool)
        self.history: list[GameRound] = []

    @classmethod
    def parities(cls, n: int, tolerance: float, degree: int | None = None) -> AdversaryGame:
        """All ``2^n`` parities on the uniform cube (or the ``C(n, degree)`` of one degree).

        Correlations ``⟨h, χ_S⟩ = ĥ(S)`` come from one fast Walsh–Hadamard transform per
        query, so no ``m × 2^n`` table is stored; ``γ = 0`` (parities are orthonormal, which
        tests/test_boolean.py checks by enumeration). ``n ≤ 20``.
        """
        n = _check_int(n, "n", 1)
        if n > 20:
            raise ValueError(f"n must be <= 20 for the parity game, got {n}")
        if degree is None:
            masks = np.arange(1 << n, dtype=np.int64)
        else:
            masks = np.array([subset_to_mask(s) for s in subsets_of_degree(n, degree)],
                             dtype=np.int64)
        game = cls.__new__(cls)
        game.tolerance = _check_tolerance(tolerance)
        game._values = None
        game._n, game._masks = n, masks
        game._weights = np.full(1 << n, 1.0 / (1 << n))
        game._setup(len(masks), 0.0)
        return game

    @property
    def n_points(self) -> int:
        """Length of a query vector (the support size of the distribution)."""
        return len(self._weights)

    @property
    def n_queries(self) -> int:
        return len(self.history)

    @property
    def n_consistent(self) -> int:
        return int(self.consistent.sum())

    @property
    def solved(self) -> bool:
        """True once at most one candidate is consistent (the learner can name the target)."""
        return self.n_consistent <= 1

    def candidate(self, index: int) -> np.ndarray:
        """Values of candidate ``index`` on the support (a legal bounded query itself)."""
        index = _check_int(index, "index", 0)
        if index >= self.m:
            raise ValueError(f"index must be < m = {self.m}, got {index}")
        if self._values is None:
            return parity_on_cube(int(self._masks[index]), self._n)
        return self._values[index]

    def correlations(self, h) -> np.ndarray:
        """``⟨h, f_i⟩`` for every candidate ``i``."""
        if self._values is None:
            return fourier_coefficients(h)[self._masks]
        return self._values @ (self._weights * h)

    def query(self, h) -> float:
        """Ask the bounded query ``h`` (values on the support); returns the adversary's answer."""
        h = _finite_array(h, "h")
        if h.shape != (self.n_points,):
            raise ValueError(f"h must have shape ({self.n_points},), got shape {h.shape}")
        if np.max(np.abs(h)) > 1 + 1e-12:
            raise ValueError("h must take values in [-1, 1]")
        correlation = self.correlations(h)
        alive = correlation[self.consistent]
        if np.any(np.abs(alive) <= self.tolerance):
            answer = 0.0
        else:
            # closest legal value to 0 over the consistent candidates
            nearest = alive[np.argmin(np.abs(alive))]
            answer = float(nearest - np.sign(nearest) * self.tolerance)
        self.consistent &= np.abs(correlation - answer) <= self.tolerance
        guaranteed = self.bound.consistent_after(self.n_queries + 1)
        self.history.append(GameRound(self.n_queries + 1, answer, self.n_consistent, guaranteed))
        return answer

    def play(self, learner: Callable[[AdversaryGame], np.ndarray], max_queries: int
             ) -> list[GameRound]:
        """Let ``learner(game) -> h`` ask queries until solved or ``max_queries`` asked."""
        max_queries = _check_int(max_queries, "max_queries", 0)
        if not callable(learner):
            raise TypeError(f"learner must be callable, got {type(learner).__name__}")
        while not self.solved and self.n_queries < max_queries:
            self.query(learner(self))
        return self.history

    def __repr__(self) -> str:
        return (
            f"AdversaryGame(m={self.m}, gamma={self.gamma:.3g}, tolerance={self.tolerance:.3g}, "
            f"n_queries={self.n_queries}, n_consistent={self.n_consistent})"
        )


def query_candidates_in_turn(game: AdversaryGame) -> np.ndarray:
    """Scripted learner: query the first candidate still consistent, ``h = f_i / max|f_i|``.

    (The rescaling keeps ``|h| ≤ 1``; parities need none.) Against the zero adversary each
    such query removes only that candidate when the family is orthogonal, so it needs
    ``m − 1`` queries: about ``m``, above the lemma's ``m(τ² − γ)/2``.
    """
    values = game.candidate(int(np.flatnonzero(game.consistent)[0]))
    return values / max(1.0, float(np.max(np.abs(values))))


def random_bounded_queries(rng=None, *, seed: int | None = None) -> Callable:
    """Scripted learner: uniformly random ``±1`` queries (from ``rng``/``seed``).

    A random ``h`` correlates with each candidate only at the level ``~1/√(support size)``,
    so against the zero adversary it rarely removes anyone.
    """
    generator = _generator(rng, seed)

    def learner(game: AdversaryGame) -> np.ndarray:
        return generator.choice(np.array([-1.0, 1.0]), size=game.n_points)

    return learner


def _cube_dimension(game: AdversaryGame) -> int:
    n = game.n_points.bit_length() - 1
    if game.n_points != 1 << n or n < 1:
        raise ValueError(f"the game must live on a cube (2**n points), got {game.n_points} points")
    return n


def bent_coset_query(game: AdversaryGame, index: int, half_width: int) -> np.ndarray:
    """The "smart" query that mixes ``4^k`` parities (``k = half_width``): ``f_index · IP``.

    ``IP`` is the bent function on coordinates ``0..2k−1`` (:func:`csqlab.boolean.bent_on_cube`),
    so for a parity ``f_index = χ_S`` the query is ``Σ_U ±2^{−k} χ_{S△U}`` over the ``4^k``
    subsets ``U ⊆ {0..2k−1}``: correlation exactly ``2^{−k}`` with each of those parities and
    0 with all others. By Parseval this is the most even way to spread a bounded query's
    unit weight; with ``2^{−k} > τ`` it removes ``4^k`` parities at once (``≈ 1/τ²`` for ``τ``
    just below ``2^{−k}``: half the lemma's ``2/τ²``). Mixing more (``2^{−k} ≤ τ``) makes it
    see none. Needs a game on the cube with ``2k ≤ n``.
    """
    n = _cube_dimension(game)
    half_width = _check_int(half_width, "half_width", 0)
    if 2 * half_width > n:
        raise ValueError(f"half_width must be <= n/2 = {n // 2}, got {half_width}")
    values = game.candidate(index)
    return values / max(1.0, float(np.max(np.abs(values)))) * bent_on_cube(
        range(2 * half_width), n)


def query_bent_cosets(game: AdversaryGame) -> np.ndarray:
    """Scripted learner: :func:`bent_coset_query` around the first consistent candidate, with
    the widest block that still beats the tolerance (largest ``k`` with ``2^{−k} > τ``).

    On all ``2^n`` parities each query removes a whole coset of ``4^k`` parities, so it
    finishes in about ``m/4^k ≈ m τ²`` queries (for ``τ`` just below a power of 1/2):
    within a small factor of the lemma's ``m τ²/2``, so the lemma is nearly tight. When
    every consistent candidate would be seen (the adversary could then answer away from 0
    and keep half of them), the block is narrowed until one is not.
    """
    n = _cube_dimension(game)
    index = int(np.flatnonzero(game.consistent)[0])
    half_width = 0
    while 2 * (half_width + 1) <= n and 2.0 ** -(half_width + 1) > game.tolerance:
        half_width += 1
    while True:
        query = bent_coset_query(game, index, half_width)
        unseen = np.abs(game.correlations(query)[game.consistent]) <= game.tolerance
        if half_width == 0 or unseen.any():
            return query
        half_width -= 1


# --------------------------------------------------------------------------- the GNN theorems


def gnn_degree_parity_bound_curve(ns, tolerance, c: float = 0.5,
                                  edge_probability: float = 0.5) -> BoundCurve:
    """PAPER §4.1 (lesson 8): the SQ bound for GNNs on random graphs against the number of
    nodes ``n`` — ``m = 2^{n^c}`` degree-histogram parities with exact ``γ(n) = e^{−Ω(√n)}``.
    Thin wrapper of :func:`csqlab.hard.gnn.degree_parity_bound_curve` (see there)."""
    from csqlab.hard.gnn import degree_parity_bound_curve

    return degree_parity_bound_curve(ns, tolerance, c, edge_probability)


def gnn_hidden_plane_bound_curve(ds, k: int, c: float, tolerance,
                                 graph_factor: float) -> BoundCurve:
    """PAPER §4.2 (lesson 8): the CSQ bound for GNNs with Gaussian node features against the
    feature dimension ``d`` — ``2^{d^{Ω(1)}}`` per-node hidden planes with
    ``γ ≤ graph_factor · d^{−Ω(k)}``. Thin wrapper of
    :func:`csqlab.hard.gnn.gnn_hidden_plane_bound_curve` (see there)."""
    from csqlab.hard.gnn import gnn_hidden_plane_bound_curve as curve

    return curve(ds, k, c, tolerance, graph_factor)


# --------------------------------------------------------------------------- invariant polynomials


def invariant_polynomial_bound_curve(ns, tolerance, group_order=1,
                                     degree_fraction: float = 0.5) -> BoundCurve:
    """PAPER §4.5 (lesson 10): the CSQ bound for G-invariant polynomials against ``n`` —
    ``m ≥ C(n, k)/|G|`` orthonormal orbit sums of degree ``k = ⌊degree_fraction · n⌋``,
    ``γ = 0``. Thin wrapper of :func:`csqlab.hard.polynomials.orbit_polynomial_bound_curve`."""
    from csqlab.hard.polynomials import orbit_polynomial_bound_curve

    return orbit_polynomial_bound_curve(ns, tolerance, group_order, degree_fraction)


def set_polynomial_bound_curve(ds, tolerance, degree_fraction: float = 0.5) -> BoundCurve:
    """PAPER §4.5 (lesson 10): the CSQ bound for the DeepSets set variant against the feature
    dimension ``d`` — ``m = C(d, ⌊degree_fraction · d⌋)``, ``γ = 0``. Thin wrapper of
    :func:`csqlab.hard.polynomials.set_monomial_bound_curve`."""
    from csqlab.hard.polynomials import set_monomial_bound_curve

    return set_monomial_bound_curve(ds, tolerance, degree_fraction)


# --------------------------------------------------------------------------- CNNs and frame averaging


def cnn_hidden_plane_bound_curve(ns, k: int, c: float, tolerance, group_order) -> BoundCurve:
    """PAPER §4.3 (lesson 9): the CSQ bound for CNNs / group-averaged networks against ``n`` —
    group-averaged hidden planes with ``γ ≤ |G| t^k/(1 − (|G| − 1)t^k)``, ``t = n^{c − 1/2}``,
    and ``log10 m ≥ log10 m_plain − log10 |G|`` (our constants). ``group_order`` a number or
    a callable of ``n`` (``lambda n: n`` for cyclic shifts). Thin wrapper of
    :func:`csqlab.hard.cnn.group_averaged_plane_bound_curve` (see there)."""
    from csqlab.hard.cnn import group_averaged_plane_bound_curve

    return group_averaged_plane_bound_curve(ns, k, c, tolerance, group_order)


def frame_averaged_bound_curve(ns, tolerance, group: str = "cyclic", k=None) -> BoundCurve:
    """PAPER §4.4 (lesson 9): the CSQ bound for frame-averaged networks against ``n`` —
    orbit-averaged parities of ReLUs, ``γ = 0``, ``m ≥ C(n, k)/|G|`` with ``k ≈ log n`` (even),
    ``n^{Ω(log n)}`` for ``|G| ≤ poly(n)``. ``group`` names a group of
    :data:`csqlab.hard.frames.GROUPS`. Thin wrapper of
    :func:`csqlab.hard.frames.frame_averaged_bound_curve` (see there)."""
    from csqlab.hard.frames import frame_averaged_bound_curve as curve

    return curve(ns, tolerance, group, k)
