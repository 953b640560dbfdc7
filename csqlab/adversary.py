"""The CSQ adversary game of lesson 3: the counting lemma played out query by query.

A learner asks bounded correlational queries ``E[h f*]`` of tolerance ``τ`` about a target
hidden among ``m`` nearly orthogonal candidates; the adversary answers 0 while that stays
within ``τ`` of some candidate's true value, and each answer rules out only the candidates it
would contradict. :class:`AdversaryGame` keeps the score; the strategies
(:func:`query_candidates_in_turn`, :func:`random_bounded_queries`, :func:`query_bent_cosets`)
are what lesson 3 pits against the bound of :func:`csqlab.bounds.counting_lemma`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from csqlab.boolean import (
    _check_int,
    _check_tolerance,
    _finite_array,
    _generator,
    bent_on_cube,
    fourier_coefficients,
    parity_on_cube,
    subset_to_mask,
    subsets_of_degree,
)
from csqlab.bounds import (
    _check_values_matrix,
    counting_lemma,
    max_offdiagonal,
    pairwise_correlation,
)

__all__ = [
    "GameRound",
    "AdversaryGame",
    "query_candidates_in_turn",
    "random_bounded_queries",
    "bent_coset_query",
    "query_bent_cosets",
]



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
