"""Statistical-query (SQ) and correlational (CSQ) oracles (lesson 1).

The learner never sees samples; it asks for expectations and gets them up to a
tolerance ``τ`` (Kearns 1998; Bshouty and Feldman 2002):

* **SQ**: a query ``φ(x, y) ∈ [−1, 1]``; a legal answer is any ``v`` with
  ``|v − E_{x~D}[φ(x, f*(x))]| ≤ τ``.
* **CSQ**: a query ``h(x) ∈ [−1, 1]``; a legal answer is any ``v`` with
  ``|v − E_{x~D}[h(x) f*(x)]| ≤ τ``.

Three oracles answer them: :class:`ExactOracle` (the true expectation: enumeration on the
cube, quadrature for a low-dimensional Gaussian), :class:`SampleOracle` (the mean over
``N`` fresh draws; error ≈ ``1/√N``, the heuristic ``τ ≈ 1/√N``) and
:class:`AdversarialOracle` (any value in the ``±τ`` band; by default the adversary of
the counting lemma, which answers 0 whenever 0 is legal). Every oracle counts its
queries (``n_queries``) and logs ``(kind, answer, true value where known)``.

A distribution is a small object: :class:`Cube`, :class:`Gaussian`, :class:`Discrete`
or :class:`Sampler`. The target ``f*`` is a callable on batches: ``f*(x)`` maps
``x`` of shape ``(N, d)`` to shape ``(N,)``. So are queries: ``h(x)`` and ``φ(x, y)``
return shape ``(N,)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from csqlab.boolean import (
    _check_int,
    _check_real,
    _check_tolerance,
    _finite_array,
    _generator,
    _is_torch,
    cube,
)

__all__ = [
    "Cube",
    "Gaussian",
    "Discrete",
    "Sampler",
    "QueryRecord",
    "ExactOracle",
    "SampleOracle",
    "AdversarialOracle",
    "decompose_sq",
    "zero_adversary",
]

# Values of a bounded query may exceed 1 by floating-point rounding only.
_BOUND_SLACK = 1e-12
_CUBE_BLOCK = 2**16


def _as_numpy(values) -> np.ndarray:
    if _is_torch(values):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=float)


def _evaluate(fn, args: tuple, n_points: int, name: str) -> np.ndarray:
    values = _as_numpy(fn(*args))
    if values.shape != (n_points,):
        raise ValueError(
            f"{name} must return an array of shape ({n_points},) for {n_points} points, "
            f"got shape {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} returned NaN or infinite values")
    return values


def _check_bounded(values: np.ndarray, name: str) -> np.ndarray:
    largest = float(np.max(np.abs(values), initial=0.0))
    if largest > 1.0 + _BOUND_SLACK:
        raise ValueError(f"{name} must take values in [-1, 1], got a value of size {largest:.6g}")
    return values


# --------------------------------------------------------------------------- distributions


@dataclass(frozen=True)
class Cube:
    """Uniform distribution on ``{−1,+1}^n`` (points in the order of :mod:`csqlab.boolean`).

    Exact expectations enumerate all ``2**n`` points in blocks of ``2**16`` rows.
    """

    n: int

    def __post_init__(self):
        _check_int(self.n, "n", 1)

    @property
    def dim(self) -> int:
        return self.n

    def sample(self, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        bits = rng.integers(0, 2, size=(n_samples, self.n), dtype=np.int8)
        return (1 - 2 * bits).astype(np.float64)

    def expectation(self, fn: Callable[[np.ndarray], np.ndarray]) -> float:
        """``E[fn(x)] = 2^{−n} Σ_x fn(x)`` exactly, by enumeration."""
        size = 1 << self.n
        total = 0.0
        for start in range(0, size, _CUBE_BLOCK):
            stop = min(start + _CUBE_BLOCK, size)
            total += float(np.sum(fn(cube(self.n, np.float64, start=start, stop=stop))))
        return total / size


@dataclass(frozen=True)
class Gaussian:
    """Standard Gaussian ``N(0, I_dim)``.

    Exact expectations use tensor-product Gauss–Hermite quadrature from
    :mod:`csqlab.gaussian` (``n_points`` per axis; exact for polynomials of degree
    ``≤ 2·n_points − 1`` per variable, so keep ``dim`` small).
    """

    dim: int
    n_points: int = 40

    def __post_init__(self):
        _check_int(self.dim, "dim", 1)
        _check_int(self.n_points, "n_points", 1)

    def sample(self, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        return rng.standard_normal((n_samples, self.dim))

    def expectation(self, fn: Callable[[np.ndarray], np.ndarray]) -> float:
        from csqlab.gaussian import gauss_hermite_expectation

        return float(gauss_hermite_expectation(fn, self.dim, n_points=self.n_points))


class Discrete:
    """A finite distribution: ``points`` (shape ``(K, d)``) with probabilities ``weights``.

    ``weights`` default to uniform; they must be non-negative and sum to 1.
    """

    def __init__(self, points, weights=None):
        points = _finite_array(points, "points")
        if points.ndim != 2 or points.shape[0] < 1:
            raise ValueError(f"points must have shape (K, d) with K >= 1, got shape {points.shape}")
        if weights is None:
            weights = np.full(points.shape[0], 1.0 / points.shape[0])
        weights = _finite_array(weights, "weights")
        if weights.shape != (points.shape[0],):
            raise ValueError(
                f"weights must have shape ({points.shape[0]},) to match points, "
                f"got shape {weights.shape}"
            )
        if np.any(weights < 0) or not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-9):
            raise ValueError("weights must be non-negative and sum to 1")
        self.points, self.weights = points, weights

    @property
    def dim(self) -> int:
        return self.points.shape[1]

    def sample(self, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        return self.points[rng.choice(len(self.weights), size=n_samples, p=self.weights)]

    def expectation(self, fn: Callable[[np.ndarray], np.ndarray]) -> float:
        return float(np.dot(self.weights, fn(self.points)))


class Sampler:
    """Any distribution given by a sampler ``draw(n_samples, rng) -> (n_samples, d)``.

    Only :class:`SampleOracle` can use it: there is no exact expectation.
    """

    def __init__(self, draw: Callable[[int, np.random.Generator], np.ndarray]):
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {type(draw).__name__}")
        self.draw = draw

    def sample(self, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        points = _as_numpy(self.draw(n_samples, rng))
        if points.ndim != 2 or points.shape[0] != n_samples:
            raise ValueError(
                f"draw must return shape ({n_samples}, d), got shape {points.shape}"
            )
        return points

    def expectation(self, fn):
        raise TypeError("a Sampler has no exact expectation: use SampleOracle")


_DISTRIBUTIONS = (Cube, Gaussian, Discrete, Sampler)


def _check_distribution(distribution, *, exact: bool):
    if not isinstance(distribution, _DISTRIBUTIONS):
        raise TypeError(
            "distribution must be a Cube, Gaussian, Discrete or Sampler, "
            f"got {type(distribution).__name__}"
        )
    if exact and isinstance(distribution, Sampler):
        raise TypeError(
            "distribution must allow exact expectations (Cube, Gaussian or Discrete); "
            "a Sampler only works with SampleOracle"
        )
    return distribution


# --------------------------------------------------------------------------- oracles


@dataclass(frozen=True)
class QueryRecord:
    """One logged query: ``kind`` ('SQ' or 'CSQ'), the ``answer`` given, and the
    ``true_value`` (the exact expectation) where the oracle knows it, else None."""

    kind: str
    answer: float
    true_value: float | None


class _Oracle:
    """Shared query interface: validation, counting and logging."""

    tolerance: float

    def __init__(self, distribution, target, *, exact: bool):
        self.distribution = _check_distribution(distribution, exact=exact)
        if not callable(target):
            raise TypeError(f"target must be a callable on batches, got {type(target).__name__}")
        self.target = target
        self.log: list[QueryRecord] = []

    @property
    def n_queries(self) -> int:
        """Number of SQ and CSQ queries answered so far (label-free ones are free)."""
        return len(self.log)

    def reset(self) -> None:
        """Forget the log and the query count."""
        self.log.clear()

    def _labels(self, x: np.ndarray) -> np.ndarray:
        return _evaluate(self.target, (x,), x.shape[0], "target")

    def _sq_integrand(self, phi):
        def integrand(x):
            values = _evaluate(phi, (x, self._labels(x)), x.shape[0], "query phi")
            return _check_bounded(values, "query phi")

        return integrand

    def _csq_integrand(self, h):
        def integrand(x):
            values = _check_bounded(_evaluate(h, (x,), x.shape[0], "query h"), "query h")
            return values * self._labels(x)

        return integrand

    def sq(self, phi: Callable) -> float:
        """Answer the SQ ``φ``: within ``tolerance`` of ``E[φ(x, f*(x))]``.

        ``φ(x, y)`` maps points ``(N, d)`` and labels ``(N,)`` to values in [−1, 1].
        """
        if not callable(phi):
            raise TypeError(f"phi must be callable, got {type(phi).__name__}")
        return self._record("SQ", self._sq_integrand(phi))

    def csq(self, h: Callable) -> float:
        """Answer the CSQ ``h``: within ``tolerance`` of ``E[h(x) f*(x)]``.

        ``h(x)`` maps points ``(N, d)`` to values in [−1, 1].
        """
        if not callable(h):
            raise TypeError(f"h must be callable, got {type(h).__name__}")
        return self._record("CSQ", self._csq_integrand(h))

    def _record(self, kind: str, integrand) -> float:
        answer, true_value = self._answer(integrand)
        self.log.append(QueryRecord(kind, float(answer), true_value))
        return float(answer)

    def _answer(self, integrand) -> tuple[float, float | None]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(distribution={self.distribution!r}, "
            f"tolerance={self.tolerance:.4g}, n_queries={self.n_queries})"
        )


class ExactOracle(_Oracle):
    """Answers every query with the exact expectation (``tolerance = 0``).

    Exact on :class:`Cube` (enumeration) and :class:`Discrete`; on :class:`Gaussian`
    by quadrature (exact for polynomial queries and targets of low enough degree).
    """

    tolerance = 0.0

    def __init__(self, distribution, target):
        super().__init__(distribution, target, exact=True)

    def _answer(self, integrand):
        value = self.distribution.expectation(integrand)
        return value, value

    def label_free_expectation(self, g: Callable) -> float:
        """``E[g(x)]`` for a label-free ``g`` (known marginal: free, not counted)."""
        return _label_free(self.distribution, g)


class SampleOracle(_Oracle):
    """Answers with the mean of the query over ``n_samples`` fresh i.i.d. draws.

    The error of one answer has standard deviation ``sd(φ)/√N ≤ 1/√N``, so this oracle
    behaves like one of tolerance ``τ ≈ 1/√N`` (``tolerance`` reports ``1/√N``; the bound
    holds with high probability up to a constant, not surely). The true value is not
    known, so the log records None. Randomness only from ``rng``/``seed``.
    """

    def __init__(self, distribution, target, n_samples: int, rng=None, *, seed: int | None = None):
        super().__init__(distribution, target, exact=False)
        self.n_samples = _check_int(n_samples, "n_samples", 1)
        self.rng = _generator(rng, seed)
        self.tolerance = 1.0 / float(np.sqrt(self.n_samples))

    def _answer(self, integrand):
        x = _as_numpy(self.distribution.sample(self.n_samples, self.rng))
        return float(np.mean(integrand(x))), None

    def label_free_expectation(self, g: Callable) -> float:
        """``E[g(x)]`` estimated from ``n_samples`` fresh unlabelled draws (not counted)."""
        if not callable(g):
            raise TypeError(f"g must be callable, got {type(g).__name__}")
        x = _as_numpy(self.distribution.sample(self.n_samples, self.rng))
        return float(np.mean(_evaluate(g, (x,), x.shape[0], "g")))


def zero_adversary(true_value: float, tolerance: float) -> float:
    """The counting lemma's adversary: 0 if ``|true_value| ≤ τ``, else the legal value
    closest to 0, ``true_value − sign(true_value)·τ``."""
    if abs(true_value) <= tolerance:
        return 0.0
    return true_value - np.sign(true_value) * tolerance


class AdversarialOracle(_Oracle):
    """Answers with any value in the band ``[truth − τ, truth + τ]``, chosen by an adversary.

    ``adversary`` is 'zero' (default; :func:`zero_adversary`, the adversary of the counting
    lemma, proof step 2 in lessons/notes/proof-maps.md), 'exact' (the truth), 'random' (uniform in the band, from
    ``rng``/``seed``) or a callable ``(true_value, tolerance) -> answer``; an answer
    outside the band raises ValueError. The truth is computed exactly, so the
    distribution must be a :class:`Cube`, :class:`Gaussian` or :class:`Discrete`.
    """

    def __init__(self, distribution, target, tolerance: float, adversary="zero", rng=None, *,
                 seed: int | None = None):
        super().__init__(distribution, target, exact=True)
        self.tolerance = _check_tolerance(tolerance)
        self.rng = _generator(rng, seed)
        if adversary == "zero":
            adversary = zero_adversary
        elif adversary == "exact":
            adversary = _exact_answer
        elif adversary == "random":
            adversary = self._random_answer
        elif isinstance(adversary, str) or not callable(adversary):
            raise ValueError(
                "adversary must be 'zero', 'exact', 'random' or a callable "
                f"(true_value, tolerance) -> answer, got {adversary!r}"
            )
        self.adversary = adversary

    def _random_answer(self, true_value: float, tolerance: float) -> float:
        return true_value + self.rng.uniform(-tolerance, tolerance)

    def _answer(self, integrand):
        truth = self.distribution.expectation(integrand)
        answer = _check_real(self.adversary(truth, self.tolerance), "adversary answer")
        # slack for rounding, so 'truth ± τ' computed in floating point stays legal: relative
        # to τ, plus a few ulps of the truth (which dominate when τ is tiny, e.g. τ → 0 runs)
        if abs(answer - truth) > self.tolerance * (1 + 1e-12) + 4 * np.spacing(abs(truth)):
            raise ValueError(
                f"adversary answer {answer:.6g} is outside the band "
                f"[{truth - self.tolerance:.6g}, {truth + self.tolerance:.6g}]"
            )
        return answer, truth

    def label_free_expectation(self, g: Callable) -> float:
        """``E[g(x)]`` for a label-free ``g`` (known marginal: exact, free, not counted)."""
        return _label_free(self.distribution, g)


def _exact_answer(true_value: float, tolerance: float) -> float:
    return true_value


def _label_free(distribution, g) -> float:
    if not callable(g):
        raise TypeError(f"g must be callable, got {type(g).__name__}")
    return distribution.expectation(lambda x: _evaluate(g, (x,), x.shape[0], "g"))


# --------------------------------------------------------------------------- SQ = CSQ for ±1 labels


def decompose_sq(phi: Callable) -> tuple[Callable, Callable]:
    """Split an SQ into a label-free part and a CSQ: valid **only for ±1 labels**.

    For ``y ∈ {−1, +1}``,

        φ(x, y) = ½(φ(x, 1) + φ(x, −1)) + y · ½(φ(x, 1) − φ(x, −1)),

    so ``E[φ(x, f*(x))] = E[label_free(x)] + E[correlational(x) f*(x)]``: the first term
    needs no labels (free under a known marginal), the second is one CSQ, and both
    parts take values in [−1, 1] when ``φ`` does. Hence SQ = CSQ for Boolean labels with
    a known marginal (Bshouty and Feldman 2002). For real-valued labels the identity fails (an
    SQ can use ``y²``, a CSQ cannot; SQ ≠ CSQ for real labels).

    Returns ``(label_free, correlational)``, two callables on points ``(N, d)``.
    """
    if not callable(phi):
        raise TypeError(f"phi must be callable, got {type(phi).__name__}")

    def _at(x, label: float) -> np.ndarray:
        x = _as_numpy(x)
        return _evaluate(phi, (x, np.full(x.shape[0], label)), x.shape[0], "phi")

    def label_free(x):
        return 0.5 * (_at(x, 1.0) + _at(x, -1.0))

    def correlational(x):
        return 0.5 * (_at(x, 1.0) - _at(x, -1.0))

    return label_free, correlational
