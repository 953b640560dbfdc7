"""Gaussian space: Hermite polynomials, quadrature, Mehler's formula (lessons 5 and 6).

Everything here is about expectations under the standard Gaussian measure
``γ = N(0, I_d)`` and its orthonormal basis of Hermite polynomials.

Conventions (the probabilists' Hermite polynomials, lessons/notes/glossary.md; the usual normalisation traps are avoided on purpose):

* ``He_k`` are the **probabilists'** Hermite polynomials,
  ``He_0 = 1``, ``He_1 = x``, ``He_{k+1} = x He_k − k He_{k−1}``, so that
  ``E_{z~N(0,1)}[He_j(z) He_k(z)] = k! δ_jk``. (The physicists' ``H_k`` of
  ``numpy.polynomial.hermite`` use the weight ``e^{−x²}`` and are *not* used.)
* ``h_k = He_k / sqrt(k!)`` are the **normalised** ones, orthonormal in ``L²(γ)``.
* The Hermite coefficient of ``f`` is ``f̂_k = E[f(z) He_k(z)]`` (unnormalised);
  its coefficient in the orthonormal basis is ``c_k = E[f(z) h_k(z)] = f̂_k / sqrt(k!)``,
  so that ``f = Σ_k c_k h_k = Σ_k (f̂_k / k!) He_k`` and ``E[f²] = Σ_k c_k²``.
* Gauss–Hermite nodes come from ``numpy.polynomial.hermite_e.hermegauss``, whose
  weights integrate against ``e^{−x²/2}`` and sum to ``sqrt(2π)``; they are divided
  by ``sqrt(2π)`` here so that they are a probability vector.

Kinked functions (ReLU, sign) make Gauss–Hermite quadrature converge slowly
(only algebraically in the number of nodes). For them use
:func:`half_line_expectation` (Gauss–Legendre panels on each side of every kink)
in 1-D and :func:`polar_expectation` (angular sectors between kink rays) in 2-D.

Mehler's formula (Mehler's formula, lessons/notes/glossary.md): for standard Gaussians ``X, Y`` with
correlation ``ρ``, ``E[f(X) g(Y)] = Σ_k ρ^k f̂_k ĝ_k / k! = Σ_k ρ^k c_k d_k``.
With ``X = ⟨u, x⟩`` and ``Y = ⟨v, x⟩`` for unit ``u, v`` this gives the ridge-function
correlation ``E[h_k(⟨u,x⟩) h_k(⟨v,x⟩)] = ⟨u, v⟩^k`` used by the hard families of lesson 6.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from csqlab._validation import _check_int, _check_memory, _check_real, _finite_array, _generator  # noqa: F401 (re-exported)

__all__ = [
    "hermite",
    "hermite_normalised",
    "multivariate_hermite",
    "gauss_hermite_rule",
    "gauss_hermite_expectation",
    "half_line_expectation",
    "polar_expectation",
    "monte_carlo_expectation",
    "relu_hermite_coefficients",
    "sign_hermite_coefficients",
    "hermite_coefficients",
    "mehler_expectation",
    "correlated_expectation",
    "relu_pair_expectation",
    "bivariate_normal_density",
    "mehler_density",
    "random_unit_vectors",
    "ridge_correlation",
    "ridge_correlation_monte_carlo",
    "MAX_QUADRATURE_NODES",
]

#: Largest tensor-product grid :func:`gauss_hermite_expectation` will build.
#: ``40**4 = 2 560 000`` fits; ``40**5`` does not (use Monte Carlo there).
MAX_QUADRATURE_NODES = 4_000_000
#: Largest Hermite degree (``k``, ``max_degree``, ``n_terms``): the recurrences loop ``k``
#: times (~0.1 s at the limit for a few points).
MAX_HERMITE_DEGREE = 100_000
#: Most Gauss–Hermite nodes: numpy's ``hermegauss`` returns NaN weights beyond 371.
MAX_GAUSS_HERMITE_POINTS = 300
#: Most Gauss–Legendre nodes per panel or sector (``points_per_panel``, ``n_angular``):
#: ``leggauss`` solves an eigenproblem of that size (~0.1 s at the limit).
MAX_LEGENDRE_POINTS = 1000
#: Most Monte Carlo draws (``n_samples``), drawn in chunks (about a minute at the limit).
MAX_SAMPLES = 10**9


def _degree(value, name: str) -> int:
    return _check_int(value, name, 0, MAX_HERMITE_DEGREE,
                      lambda v: f"{v} recurrence steps, about {v / 1e6:.3g} s per point")


def _legendre_points(value, name: str) -> int:
    return _check_int(value, name, 2, MAX_LEGENDRE_POINTS,
                      lambda v: f"a {v} x {v} eigenproblem, about {8.0 * v * v / 2**20:.3g} MiB")

# Beyond |z| = 38 the standard Gaussian density is below 1e-313: truncating the
# real line there changes no expectation of a polynomially growing function.
_CUTOFF = 38.0
_PANEL_LENGTH = 2.0
_CHUNK_ROWS = 2**16
_SQRT_2PI = math.sqrt(2.0 * math.pi)

Activation = Callable[[np.ndarray], np.ndarray]


# --------------------------------------------------------------------------- validation






def _check_rho(rho, *, strict: bool = False) -> float:
    rho = _check_real(rho, "rho")
    if strict and not -1.0 < rho < 1.0:
        raise ValueError(f"rho must be in (-1, 1) for a bivariate density, got {rho}")
    if abs(rho) > 1.0:
        raise ValueError(f"rho must be a correlation in [-1, 1], got {rho}")
    return rho




def _check_callable(fn, name: str) -> None:
    if not callable(fn):
        raise TypeError(f"{name} must be callable, got {type(fn).__name__}")


def _evaluate(fn, points, n_expected: int, name: str, shape_hint: str) -> np.ndarray:
    values = np.asarray(fn(*points) if isinstance(points, tuple) else fn(points), dtype=float)
    if values.shape != (n_expected,):
        raise ValueError(
            f"{name} must map {shape_hint} to an array of shape ({n_expected},), "
            f"got shape {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} returned NaN or infinite values")
    return values




def _log_double_factorial(n: int) -> float:
    """log(n!!) for odd n >= -1, with (-1)!! = 1."""
    # n!! = 2^{(n+1)/2} Γ(n/2 + 1) / sqrt(π) for odd n
    return 0.5 * (n + 1) * math.log(2.0) + math.lgamma(n / 2.0 + 1.0) - 0.5 * math.log(math.pi)


def _sqrt_factorials(max_degree: int) -> np.ndarray:
    """sqrt(k!) for k = 0..max_degree (inf once it overflows a float)."""
    with np.errstate(over="ignore"):
        return np.exp(0.5 * np.array([math.lgamma(k + 1.0) for k in range(max_degree + 1)]))


# --------------------------------------------------------------------------- Hermite polynomials


def hermite(k: int, x, *, normalised: bool = False, all_degrees: bool = False) -> np.ndarray:
    """Probabilists' Hermite polynomial ``He_k(x)`` (or ``h_k = He_k/sqrt(k!)``), elementwise.

    Three-term recurrences (the probabilists' Hermite polynomials, lessons/notes/glossary.md):

    * ``He_{j+1}(x) = x He_j(x) − j He_{j−1}(x)``;
    * ``h_{j+1}(x) = (x h_j(x) − sqrt(j) h_{j−1}(x)) / sqrt(j+1)`` — the normalised
      recurrence never forms ``k!`` and stays stable for large ``k``.

    Orthogonality under ``z ~ N(0, 1)``: ``E[He_j He_k] = k! δ_jk``, ``E[h_j h_k] = δ_jk``.

    Parameters
    ----------
    k : degree, a non-negative integer.
    x : array of evaluation points (any shape).
    normalised : return ``h_k`` instead of ``He_k``.
    all_degrees : return every degree ``0..k`` stacked, shape ``(k + 1,) + x.shape``.

    ``k ≤ MAX_HERMITE_DEGREE = 10^5``; with ``all_degrees`` at most 2 GiB of result.
    """
    k = _degree(k, "k")
    x = _finite_array(x, "x")
    if all_degrees:
        _check_memory(8.0 * (k + 1) * x.size, "k", "all degrees 0..k at every point")
    if k * x.size > 10**9:
        raise ValueError(f"k * x.size must be at most 10**9 (recurrence steps), got "
                         f"{k * x.size}: about {k * x.size / 3e8:.3g} s")
    out = np.empty((k + 1,) + x.shape) if all_degrees else None
    previous, current = np.zeros_like(x), np.ones_like(x)
    if out is not None:
        out[0] = current
    for j in range(k):
        if normalised:
            previous, current = current, (x * current - math.sqrt(j) * previous) / math.sqrt(j + 1)
        else:
            previous, current = current, x * current - j * previous
        if out is not None:
            out[j + 1] = current
    return out if out is not None else current


def hermite_normalised(k: int, x, *, all_degrees: bool = False) -> np.ndarray:
    """Normalised Hermite polynomial ``h_k(x) = He_k(x) / sqrt(k!)``; see :func:`hermite`."""
    return hermite(k, x, normalised=True, all_degrees=all_degrees)


def multivariate_hermite(alpha: Sequence[int], x, *, normalised: bool = False) -> np.ndarray:
    """Multivariate Hermite polynomial ``He_α(x) = Π_i He_{α_i}(x_i)`` (or ``h_α = He_α/sqrt(α!)``).

    ``x`` has shape ``(..., d)`` with ``d = len(alpha)``; the result has shape ``x.shape[:-1]``.
    Under ``x ~ N(0, I_d)``: ``E[He_α He_β] = α! δ_αβ`` with ``α! = Π_i α_i!``.
    """
    if isinstance(alpha, (str, bytes)) or not isinstance(alpha, (Sequence, np.ndarray)):
        raise TypeError(f"alpha must be a sequence of non-negative integers, got {alpha!r}")
    alpha = [_degree(a, "alpha entries") for a in alpha]
    if not alpha:
        raise ValueError("alpha must have at least one entry (one degree per coordinate)")
    x = _finite_array(x, "x")
    if x.ndim == 0 or x.shape[-1] != len(alpha):
        raise ValueError(
            f"x must have shape (..., {len(alpha)}) to match len(alpha), got shape {x.shape}"
        )
    result = np.ones(x.shape[:-1])
    for i, degree in enumerate(alpha):
        result = result * hermite(degree, x[..., i], normalised=normalised)
    return result


# --------------------------------------------------------------------------- quadrature


@lru_cache(maxsize=32)
def _gauss_hermite_rule_cached(n_points: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.hermite_e.hermegauss(n_points)
    # hermegauss integrates against exp(-x²/2), total mass sqrt(2π): normalise (a classic pitfall)
    return nodes, weights / _SQRT_2PI


def gauss_hermite_rule(n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and **normalised** weights of the ``n_points``-point Gauss–Hermite rule.

    ``Σ_i w_i p(z_i) = E_{z~N(0,1)}[p(z)]`` exactly for polynomials ``p`` of degree
    ``≤ 2·n_points − 1``; the weights are ``hermegauss`` weights divided by ``sqrt(2π)``
    and sum to 1. ``n_points ≤ MAX_GAUSS_HERMITE_POINTS = 300`` (numpy's rule breaks down,
    NaN weights, beyond 371 points).
    """
    n_points = _check_int(n_points, "n_points", 1, MAX_GAUSS_HERMITE_POINTS,
                          lambda v: "NaN weights from numpy's hermegauss beyond 371 points")
    nodes, weights = _gauss_hermite_rule_cached(n_points)
    return nodes.copy(), weights.copy()


def gauss_hermite_expectation(fn: Callable[[np.ndarray], np.ndarray], dim: int,
                              n_points: int = 40) -> float:
    """``E_{x~N(0, I_dim)}[fn(x)]`` by tensor-product Gauss–Hermite quadrature.

    ``Σ_{i_1..i_dim} w_{i_1}···w_{i_dim} fn(z_{i_1}, ..., z_{i_dim})`` with the normalised
    weights of :func:`gauss_hermite_rule`. Exact for polynomials of degree
    ``≤ 2·n_points − 1`` in each variable; converges fast for smooth ``fn`` and slowly
    for kinked ones (use :func:`half_line_expectation` / :func:`polar_expectation`).

    ``fn`` maps an array of shape ``(N, dim)`` to shape ``(N,)``; it is called on chunks
    of the grid, so memory stays small. Grids with more than :data:`MAX_QUADRATURE_NODES`
    nodes (``n_points**dim``) are refused: use :func:`monte_carlo_expectation` there.
    """
    _check_callable(fn, "fn")
    dim = _check_int(dim, "dim", 1)
    n_points = _check_int(n_points, "n_points", 1, MAX_GAUSS_HERMITE_POINTS,
                          lambda v: "NaN weights from numpy's hermegauss beyond 371 points")
    # compare in logs first: n_points**dim for a huge dim would take forever to form
    too_many = dim * math.log(max(n_points, 1)) > math.log(MAX_QUADRATURE_NODES) + 1
    n_nodes = n_points**dim if not too_many else MAX_QUADRATURE_NODES + 1
    if too_many or n_nodes > MAX_QUADRATURE_NODES:
        count = f"about 10^{dim * math.log10(n_points):.4g}" if too_many else f"{n_nodes}"
        raise ValueError(
            f"tensor-product quadrature with n_points={n_points} in dim={dim} needs "
            f"n_points**dim = {count} nodes, more than {MAX_QUADRATURE_NODES}; "
            "lower n_points or dim, or use monte_carlo_expectation"
        )
    nodes, weights = _gauss_hermite_rule_cached(n_points)
    total = 0.0
    for start in range(0, n_nodes, _CHUNK_ROWS):
        flat = np.arange(start, min(start + _CHUNK_ROWS, n_nodes))
        index = np.stack(np.unravel_index(flat, (n_points,) * dim), axis=1)
        values = _evaluate(fn, nodes[index], len(flat), "fn", "an array of shape (N, dim)")
        total += float(np.prod(weights[index], axis=1) @ values)
    return total


def _panel_rule(lower: float, upper: float, breakpoints: Sequence[float],
                points_per_panel: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes/weights (for dz) on [lower, upper], split at breakpoints."""
    edges = np.arange(lower, upper, _PANEL_LENGTH)
    inside = [b for b in breakpoints if lower < b < upper]
    edges = np.unique(np.concatenate([edges, inside, [upper]]))
    reference_nodes, reference_weights = np.polynomial.legendre.leggauss(points_per_panel)
    left, right = edges[:-1], edges[1:]
    half = 0.5 * (right - left)
    nodes = (0.5 * (left + right))[:, None] + half[:, None] * reference_nodes[None, :]
    weights = half[:, None] * reference_weights[None, :]
    return nodes.ravel(), weights.ravel()


def _check_kinks(kinks, name: str = "kinks") -> list[float]:
    if isinstance(kinks, (int, float, np.integer, np.floating)):
        kinks = [kinks]
    return sorted(float(k) for k in _finite_array(list(kinks), name).ravel())


def _half_line_rule(kinks: tuple[float, ...], points_per_panel: int):
    nodes, weights = _panel_rule(-_CUTOFF, _CUTOFF, kinks, points_per_panel)
    weights = weights * np.exp(-0.5 * nodes**2) / _SQRT_2PI
    keep = weights > 0
    return nodes[keep], weights[keep]


def half_line_expectation(fn: Activation, kinks=(0.0,), points_per_panel: int = 40) -> float:
    """``E_{z~N(0,1)}[fn(z)]`` for a function that is smooth except at the given ``kinks``.

    The real line is cut at every kink, so each side of a kink is a separate
    (half-)line; each piece, truncated to ``|z| ≤ 38`` (Gaussian mass beyond is
    ``< 1e-313``), is split into panels of length ≤ 2 carrying ``points_per_panel``
    Gauss–Legendre nodes, weighted by the density ``φ(z) = e^{−z²/2}/sqrt(2π)``.
    Because no panel straddles a kink, convergence is spectral for piecewise-analytic
    ``fn`` — unlike Gauss–Hermite, which converges only algebraically for ReLU or sign
    (a vectorised function, not a scalar one). ``fn`` maps a 1-D array to an array of the same length.
    """
    _check_callable(fn, "fn")
    points_per_panel = _legendre_points(points_per_panel, "points_per_panel")
    nodes, weights = _half_line_rule(tuple(_check_kinks(kinks)), points_per_panel)
    return float(weights @ _evaluate(fn, nodes, len(nodes), "fn", "a 1-D array"))


def polar_expectation(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], kink_angles=(),
                      n_angular: int = 64, points_per_panel: int = 24) -> float:
    """``E_{(s,t)~N(0, I_2)}[fn(s, t)]`` by quadrature in polar coordinates.

    With ``s = r cos θ``, ``t = r sin θ`` the measure is
    ``(1/2π) dθ · r e^{−r²/2} dr``. The radius ``r ∈ [0, 38]`` uses Gauss–Legendre panels;
    the angle uses the trapezoid rule with ``n_angular`` points when ``kink_angles`` is
    empty (spectrally accurate for smooth periodic integrands), otherwise Gauss–Legendre
    with ``n_angular`` nodes on every sector between consecutive cuts. Each entry of
    ``kink_angles`` names a whole line through the origin: both rays ``θ`` and ``θ + π``
    are cut (``ReLU(s)`` needs ``kink_angles=(π/2,)``, ``sign(t)`` needs ``(0,)``).

    Made for functions of ``(s, t)`` that are kinked only along rays through the origin,
    such as ``ReLU(a·s + b·t)``, ``sign(...)`` and their products (the hidden-plane
    construction of lesson 6): they are smooth along every ray and inside every sector,
    so the rule converges spectrally. ``fn(s, t)`` takes two 1-D arrays and returns one.
    """
    _check_callable(fn, "fn")
    n_angular = _legendre_points(n_angular, "n_angular")
    points_per_panel = _legendre_points(points_per_panel, "points_per_panel")
    lines = _check_kinks(kink_angles, "kink_angles")
    angles = sorted({(a + shift) % (2.0 * math.pi) for a in lines for shift in (0.0, math.pi)})
    if angles:
        cuts = angles + [angles[0] + 2.0 * math.pi]
        reference_nodes, reference_weights = np.polynomial.legendre.leggauss(n_angular)
        theta, theta_weights = [], []
        for left, right in zip(cuts[:-1], cuts[1:], strict=True):
            if right - left <= 0.0:
                continue
            half = 0.5 * (right - left)
            theta.append(0.5 * (left + right) + half * reference_nodes)
            theta_weights.append(half * reference_weights)
        theta, theta_weights = np.concatenate(theta), np.concatenate(theta_weights)
    else:
        theta = 2.0 * math.pi * np.arange(n_angular) / n_angular
        theta_weights = np.full(n_angular, 2.0 * math.pi / n_angular)
    radius, radius_weights = _panel_rule(0.0, _CUTOFF, (), points_per_panel)
    radius_weights = radius_weights * radius * np.exp(-0.5 * radius**2)
    keep = radius_weights > 0
    radius, radius_weights = radius[keep], radius_weights[keep]
    s = (radius[:, None] * np.cos(theta)[None, :]).ravel()
    t = (radius[:, None] * np.sin(theta)[None, :]).ravel()
    weights = (radius_weights[:, None] * theta_weights[None, :]).ravel() / (2.0 * math.pi)
    return float(weights @ _evaluate(fn, (s, t), len(s), "fn", "two 1-D arrays (s, t)"))


def monte_carlo_expectation(fn: Callable[[np.ndarray], np.ndarray], dim: int, n_samples: int,
                            rng=None, *, seed: int | None = None) -> tuple[float, float]:
    """Monte Carlo estimate of ``E_{x~N(0, I_dim)}[fn(x)]`` with its standard error.

    Returns ``(mean, standard_error)`` where ``mean = (1/N) Σ_i fn(x_i)`` over
    ``N = n_samples`` i.i.d. draws and ``standard_error = s / sqrt(N)`` with ``s`` the
    sample standard deviation (``ddof = 1``). The error shrinks like ``1/sqrt(N)``, the
    rate behind the tolerance heuristic ``τ ≈ 1/sqrt(N)`` of lesson 1.

    ``fn`` maps an array of shape ``(N, dim)`` to shape ``(N,)`` (called on chunks).
    Randomness comes only from ``rng`` (a ``numpy.random.Generator`` or an int seed) or
    ``seed``; with neither, seed 0 is used, so results are always reproducible.
    """
    _check_callable(fn, "fn")
    dim = _check_int(dim, "dim", 1)
    n_samples = _check_int(n_samples, "n_samples", 2, MAX_SAMPLES,
                           lambda v: f"{v} draws, about {v * 6e-8:.3g} s or more")
    _check_memory(8.0 * min(n_samples, _CHUNK_ROWS) * dim, "dim", "one chunk of draws")
    generator = _generator(rng, seed)
    count, mean, sum_squares = 0, 0.0, 0.0
    for start in range(0, n_samples, _CHUNK_ROWS):
        rows = min(_CHUNK_ROWS, n_samples - start)
        values = _evaluate(fn, generator.standard_normal((rows, dim)), rows, "fn",
                           "an array of shape (N, dim)")
        chunk_mean = float(values.mean())
        chunk_squares = float(((values - chunk_mean) ** 2).sum())
        # Chan et al. pairwise update: stable even when the mean is large
        delta = chunk_mean - mean
        total = count + rows
        mean += delta * rows / total
        sum_squares += chunk_squares + delta**2 * count * rows / total
        count = total
    return mean, math.sqrt(sum_squares / (count - 1) / count)


# --------------------------------------------------------------------------- Hermite coefficients


def relu_hermite_coefficients(max_degree: int, *, normalised: bool = False) -> np.ndarray:
    """Closed-form Hermite coefficients of ``ReLU(z) = max(z, 0)`` for degrees ``0..max_degree``.

    ``f̂_m = E[ReLU(z) He_m(z)]`` (Hermite coefficients, lessons/notes/glossary.md):
    ``1/sqrt(2π)`` (m = 0), ``1/2`` (m = 1), ``0`` (odd m ≥ 3),
    ``(−1)^{m/2+1} (m−3)!! / sqrt(2π)`` (even m ≥ 2, ``(−1)!! = 1``).
    With ``normalised=True`` returns ``c_m = f̂_m / sqrt(m!)`` (the ``h_m`` basis), which
    decays like ``m^{−5/4}``. Only degrees 1 and even degrees are non-zero: the
    activation/degree parity trap of lesson 6. ``max_degree ≤ MAX_HERMITE_DEGREE = 10^5``.
    """
    max_degree = _degree(max_degree, "max_degree")
    log_coefficients = np.full(max_degree + 1, -np.inf)
    signs = np.zeros(max_degree + 1)
    log_coefficients[0], signs[0] = -math.log(_SQRT_2PI), 1.0
    if max_degree >= 1:
        log_coefficients[1], signs[1] = math.log(0.5), 1.0
    for m in range(2, max_degree + 1, 2):
        log_coefficients[m] = _log_double_factorial(m - 3) - math.log(_SQRT_2PI)
        signs[m] = (-1.0) ** (m // 2 + 1)
    return _finish_coefficients(signs, log_coefficients, normalised)


def sign_hermite_coefficients(max_degree: int, *, normalised: bool = False) -> np.ndarray:
    """Closed-form Hermite coefficients of ``sign(z)`` for degrees ``0..max_degree``.

    ``f̂_m = E[sign(z) He_m(z)] = sqrt(2/π) (−1)^{(m−1)/2} (m−2)!!`` for odd ``m``
    (``(−1)!! = 1``) and ``0`` for even ``m`` (Hermite coefficients, lessons/notes/glossary.md). ``normalised=True``
    returns ``c_m = f̂_m / sqrt(m!)``; ``Σ_m c_m² = E[sign²] = 1``.
    ``max_degree ≤ MAX_HERMITE_DEGREE = 10^5``.
    """
    max_degree = _degree(max_degree, "max_degree")
    log_coefficients = np.full(max_degree + 1, -np.inf)
    signs = np.zeros(max_degree + 1)
    for m in range(1, max_degree + 1, 2):
        log_coefficients[m] = 0.5 * math.log(2.0 / math.pi) + _log_double_factorial(m - 2)
        signs[m] = (-1.0) ** ((m - 1) // 2)
    return _finish_coefficients(signs, log_coefficients, normalised)


def _finish_coefficients(signs, log_coefficients, normalised: bool) -> np.ndarray:
    if normalised:
        half_log_factorials = 0.5 * np.array(
            [math.lgamma(m + 1.0) for m in range(len(signs))]
        )
        log_coefficients = log_coefficients - half_log_factorials
    with np.errstate(over="ignore"):
        return signs * np.exp(log_coefficients)


_CLOSED_FORMS = {"relu": relu_hermite_coefficients, "sign": sign_hermite_coefficients}
_ACTIVATIONS: dict[str, Activation] = {"relu": lambda z: np.maximum(z, 0.0), "sign": np.sign}


def _activation(activation, name: str = "activation") -> Activation:
    if isinstance(activation, str):
        try:
            return _ACTIVATIONS[activation]
        except KeyError:
            raise ValueError(
                f"{name} must be a callable or one of {sorted(_ACTIVATIONS)}, got {activation!r}"
            ) from None
    _check_callable(activation, name)
    return activation


def hermite_coefficients(activation, max_degree: int, *, normalised: bool = False,
                         method: str = "auto", kinks=(0.0,), points_per_panel: int = 40
                         ) -> np.ndarray:
    """Hermite coefficients of an activation for degrees ``0..max_degree``.

    ``normalised=False`` gives ``f̂_k = E_{z~N(0,1)}[f(z) He_k(z)]`` (the convention of
    Mehler's formula ``E[f(X)g(Y)] = Σ ρ^k f̂_k ĝ_k / k!``); ``normalised=True`` gives the
    coefficients in the orthonormal basis, ``c_k = E[f(z) h_k(z)] = f̂_k / sqrt(k!)``,
    with ``f = Σ c_k h_k`` and ``E[f²] = Σ c_k²``.

    ``activation`` is ``"relu"``, ``"sign"`` or any callable acting elementwise on a
    1-D array (``np.tanh``, a sigmoid, ...). ``method="auto"`` uses the closed forms of
    :func:`relu_hermite_coefficients` / :func:`sign_hermite_coefficients` for the two
    named activations and quadrature otherwise; ``method="quadrature"`` forces
    :func:`half_line_expectation`-style quadrature split at ``kinks`` (the normalised
    ``h_k`` are evaluated by their stable recurrence, then scaled by ``sqrt(k!)``).
    ``max_degree ≤ MAX_HERMITE_DEGREE = 10^5``, ``points_per_panel ≤ 1000``.
    """
    max_degree = _degree(max_degree, "max_degree")
    if method not in {"auto", "closed_form", "quadrature"}:
        raise ValueError(f"method must be 'auto', 'closed_form' or 'quadrature', got {method!r}")
    fn = _activation(activation)
    named = isinstance(activation, str)
    if method == "closed_form" and not named:
        raise ValueError("method='closed_form' needs activation 'relu' or 'sign'")
    if named and method != "quadrature":
        return _CLOSED_FORMS[activation](max_degree, normalised=normalised)
    points_per_panel = _legendre_points(points_per_panel, "points_per_panel")
    nodes, weights = _half_line_rule(tuple(_check_kinks(kinks)), points_per_panel)
    values = _evaluate(fn, nodes, len(nodes), "activation", "a 1-D array")
    basis = hermite(max_degree, nodes, normalised=True, all_degrees=True)
    coefficients = basis @ (weights * values)
    if normalised:
        return coefficients
    with np.errstate(over="ignore"):
        return coefficients * _sqrt_factorials(max_degree)


# --------------------------------------------------------------------------- Mehler's formula


def mehler_expectation(f_coefficients, g_coefficients, rho: float, *,
                       normalised: bool = False) -> float:
    """``E[f(X) g(Y)]`` for standard Gaussians with correlation ``ρ``, by Mehler's formula.

    ``E[f(X) g(Y)] = Σ_k ρ^k f̂_k ĝ_k / k!`` with unnormalised coefficients
    ``f̂_k = E[f He_k]`` (``normalised=False``), or ``Σ_k ρ^k c_k d_k`` with coefficients
    in the ``h_k`` basis (``normalised=True``). The series is truncated at the shorter
    coefficient vector; the neglected tail is at most ``|ρ|^K sqrt(E f²·E g²)``.
    """
    rho = _check_rho(rho)
    f_coefficients = _finite_array(f_coefficients, "f_coefficients")
    g_coefficients = _finite_array(g_coefficients, "g_coefficients")
    for name, array in (("f_coefficients", f_coefficients), ("g_coefficients", g_coefficients)):
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
    n_terms = min(len(f_coefficients), len(g_coefficients))
    f_coefficients, g_coefficients = f_coefficients[:n_terms], g_coefficients[:n_terms]
    if not normalised:
        scale = _sqrt_factorials(n_terms - 1)
        f_coefficients, g_coefficients = f_coefficients / scale, g_coefficients / scale
    powers = rho ** np.arange(n_terms, dtype=float)
    return float(np.sum(powers * f_coefficients * g_coefficients))


def correlated_expectation(f, g, rho: float, *, n_angular: int = 64,
                           points_per_panel: int = 24) -> float:
    """``E[f(X) g(Y)]`` for standard Gaussians ``X, Y`` with correlation ``ρ``, by 2-D quadrature.

    The direct route, independent of Mehler's series: write ``X = s`` and
    ``Y = ρ s + sqrt(1 − ρ²) t`` with ``(s, t) ~ N(0, I_2)`` and integrate with
    :func:`polar_expectation`, cutting the angle at the rays where ``X = 0`` or ``Y = 0``.
    Exact to near machine precision for ``f, g`` smooth except at 0 (ReLU, sign, tanh,
    Hermite polynomials, ...). ``f`` and ``g`` are ``"relu"``, ``"sign"`` or elementwise
    callables.
    """
    rho = _check_rho(rho)
    f, g = _activation(f, "f"), _activation(g, "g")
    sigma = math.sqrt(max(0.0, 1.0 - rho * rho))
    # X = 0 on θ = ±π/2; Y = 0 where ρ cos θ + σ sin θ = 0
    y_zero = math.atan2(-rho, sigma)
    kink_angles = (0.5 * math.pi, y_zero)
    return polar_expectation(lambda s, t: f(s) * g(rho * s + sigma * t), kink_angles,
                             n_angular=n_angular, points_per_panel=points_per_panel)


def relu_pair_expectation(rho: float) -> float:
    """Closed form ``E[ReLU(X) ReLU(Y)] = (sqrt(1 − ρ²) + ρ (π − arccos ρ)) / (2π)``.

    ``X, Y`` standard Gaussians with correlation ``ρ`` (the degree-1 arc-cosine kernel
    of Cho & Saul). Checks: ``1/(2π)`` at ``ρ = 0``, ``E[ReLU²] = 1/2`` at ``ρ = 1``.
    """
    rho = _check_rho(rho)
    return (math.sqrt(max(0.0, 1.0 - rho * rho)) + rho * (math.pi - math.acos(rho))) / (
        2.0 * math.pi
    )


def bivariate_normal_density(x, y, rho: float) -> np.ndarray:
    """Density of standard Gaussians with correlation ``ρ ∈ (−1, 1)``, broadcast over ``x, y``.

    ``φ_ρ(x, y) = exp(−(x² − 2ρxy + y²) / (2(1 − ρ²))) / (2π sqrt(1 − ρ²))``.
    """
    rho = _check_rho(rho, strict=True)
    x, y = _finite_array(x, "x"), _finite_array(y, "y")
    one_minus = 1.0 - rho * rho
    return np.exp(-(x * x - 2.0 * rho * x * y + y * y) / (2.0 * one_minus)) / (
        2.0 * math.pi * math.sqrt(one_minus)
    )


def mehler_density(x, y, rho: float, n_terms: int) -> np.ndarray:
    """Mehler's expansion of the bivariate density truncated after ``n_terms`` terms.

    ``φ(x) φ(y) Σ_{k<n_terms} ρ^k h_k(x) h_k(y)`` ``= φ(x) φ(y) Σ_k (ρ^k/k!) He_k(x) He_k(y)``,
    which converges to :func:`bivariate_normal_density` for ``|ρ| < 1`` (lesson 5 plots
    both on a grid). Broadcast over ``x`` and ``y``.
    """
    rho = _check_rho(rho, strict=True)
    n_terms = _check_int(n_terms, "n_terms", 1, MAX_HERMITE_DEGREE,
                         lambda v: f"{v} terms, about {v / 1e6:.3g} s per point")
    x, y = np.broadcast_arrays(_finite_array(x, "x"), _finite_array(y, "y"))
    series = np.zeros(x.shape)
    previous_x, current_x = np.zeros(x.shape), np.ones(x.shape)
    previous_y, current_y = np.zeros(y.shape), np.ones(y.shape)
    for k in range(n_terms):
        series += rho**k * current_x * current_y
        root_k, root_next = math.sqrt(k), math.sqrt(k + 1)
        previous_x, current_x = current_x, (x * current_x - root_k * previous_x) / root_next
        previous_y, current_y = current_y, (y * current_y - root_k * previous_y) / root_next
    return np.exp(-0.5 * (x * x + y * y)) / (2.0 * math.pi) * series


# --------------------------------------------------------------------------- ridge functions


def random_unit_vectors(n_vectors: int, dim: int, rng=None, *, seed: int | None = None
                        ) -> np.ndarray:
    """``n_vectors`` independent uniform unit vectors in ``R^dim``, shape ``(n_vectors, dim)``.

    Normalised standard Gaussian vectors (uniform on the sphere by rotation invariance).
    Their pairwise inner products are ≈ ``N(0, 1/dim)`` (standard), which is why
    ridge families ``h_k(⟨u, x⟩)`` have pairwise correlations ``≈ dim^{−k/2}``.
    """
    n_vectors = _check_int(n_vectors, "n_vectors", 1)
    dim = _check_int(dim, "dim", 1)
    _check_memory(16.0 * n_vectors * dim, "n_vectors * dim", "the vectors")
    generator = _generator(rng, seed)
    vectors = generator.standard_normal((n_vectors, dim))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    while np.any(norms == 0.0):  # probability zero, but never divide by it
        zero = norms[:, 0] == 0.0
        vectors[zero] = generator.standard_normal((int(zero.sum()), dim))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / norms


def _unit_rows(vectors, name: str) -> np.ndarray:
    vectors = _finite_array(vectors, name)
    if vectors.ndim not in (1, 2) or vectors.shape[-1] == 0:
        raise ValueError(f"{name} must have shape (dim,) or (n, dim), got shape {vectors.shape}")
    norms = np.linalg.norm(np.atleast_2d(vectors), axis=1)
    if not np.allclose(norms, 1.0, atol=1e-8):
        raise ValueError(f"{name} must consist of unit vectors, got norms {norms}")
    return vectors


def ridge_correlation(u, v, degree: int) -> float | np.ndarray:
    """Closed form ``E_{x~N(0,I)}[h_k(⟨u,x⟩) h_k(⟨v,x⟩)] = ⟨u, v⟩^k`` for unit ``u, v``.

    ``(⟨u,x⟩, ⟨v,x⟩)`` are standard Gaussians with correlation ``ρ = ⟨u,v⟩``, and
    Mehler gives ``E[h_j(X) h_k(Y)] = ρ^k δ_jk`` (Mehler's formula, lessons/notes/glossary.md; lesson 5). Vectors of
    shape ``(dim,)`` give a number; stacks ``(n, dim)`` and ``(m, dim)`` give the
    ``(n, m)`` matrix of pairwise correlations.
    """
    degree = _check_int(degree, "degree")
    u, v = _unit_rows(u, "u"), _unit_rows(v, "v")
    if u.shape[-1] != v.shape[-1]:
        raise ValueError(f"u and v must have the same dimension, got {u.shape[-1]} and {v.shape[-1]}")
    inner = np.clip(np.atleast_2d(u) @ np.atleast_2d(v).T, -1.0, 1.0) ** degree
    if u.ndim == 1 and v.ndim == 1:
        return float(inner[0, 0])
    if u.ndim == 1:
        return inner[0]
    if v.ndim == 1:
        return inner[:, 0]
    return inner


def ridge_correlation_monte_carlo(u, v, degree: int, n_samples: int, rng=None, *,
                                  seed: int | None = None) -> tuple[float, float]:
    """Monte Carlo estimate of ``E_{x~N(0,I)}[h_k(⟨u,x⟩) h_k(⟨v,x⟩)]`` with its standard error.

    The empirical route to :func:`ridge_correlation` (returns ``(estimate, standard_error)``
    from ``n_samples`` Gaussian draws in ``R^dim``; ``u`` and ``v`` are unit vectors).
    """
    degree = _degree(degree, "degree")
    u, v = _unit_rows(u, "u"), _unit_rows(v, "v")
    if u.ndim != 1 or v.ndim != 1 or u.shape != v.shape:
        raise ValueError(f"u and v must be unit vectors of the same shape (dim,), got {u.shape} "
                         f"and {v.shape}")

    def product(x):
        return hermite(degree, x @ u, normalised=True) * hermite(degree, x @ v, normalised=True)

    return monte_carlo_expectation(product, len(u), n_samples, rng, seed=seed)
