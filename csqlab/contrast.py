"""What succeeds where correlational queries fail, and what symmetry does buy (lesson 11).

Three contrasts to the CSQ lower bounds of the paper's results (lessons/notes/bibliography.md, "What gradient descent does learn" and "What symmetry does buy"):

Non-correlational queries on a single-index model (Damian et al. 2024)
    ``y = h_3(⟨w, x⟩)`` with ``h_3 = He_3/√6`` (unit norm), ``x ~ N(0, I_d)``, ``‖w‖ = 1``.
    ``He_3`` has information exponent 3: every correlation ``E[y q(x)]`` with a polynomial
    ``q`` of degree ``< 3`` vanishes, and CSQ learners need about ``d^{3/2}`` samples.

    * :func:`correlational_direction` — the partial trace of the empirical third-moment
      tensor, ``v̂ = (1/N) Σ_i y_i (‖x_i‖² − d − 2) x_i``. It is *linear in the labels*
      (each coordinate is one correlational statistic). Derivation: the Hermite tensor
      ``He_3(x)`` contracted with the identity on two indices is ``(‖x‖² − d − 2) x``, and
      ``E[y He_3(x)] = E[h_3(z) He_3(z)] w⊗w⊗w = √6 w⊗w⊗w``, so ``E[v̂] = √6 w``. Each
      term has variance ``≈ E[y²] E[(‖x‖² − d)² x_k²] ≈ 2d`` per coordinate, so
      ``‖v̂ − √6 w‖² ≈ 2d²/N``: this simple estimator needs ``N ≳ d²`` (the best
      correlational methods reach ``d^{3/2}``; neither reaches ``d``).
    * :func:`label_transform_direction` — transform the label first (a statistical query
      that is *not* correlational), with the bounded transform ``T(y) = min(y², 1)``:
      ``M̂ = (1/N) Σ_i (T(y_i) − T̄) x_i x_iᵀ``. Directions orthogonal to ``w`` are
      independent of ``y``, so ``E[M̂] = c_T w wᵀ`` with
      ``c_T = E[T(h_3(z)) He_2(z)] ≈ 0.1812`` (:data:`TRANSFORM_SCALE`, by quadrature
      split at the two roots ``z ≈ ±2.048`` of ``h_3(z)² = 1``; ``T(y) = y²`` would give
      exactly ``E[h_3² He_2] = 36/6 = 6`` but its heavy tail, ``E[y⁴] = E[He_3⁴]/36``, makes
      the estimate noisy). Its top eigenvector finds ``w`` from ``N ≈ C·d`` samples:
      this transform lowers the exponent from 3 to 2. The *generative* exponent of
      ``He_3`` (the smallest exponent over all transforms; Damian, Pillaud-Vivien, Lee,
      Bruna 2024) is 1: ``He_3`` is odd, and ``T(y) = sign(y)`` already correlates with
      ``He_1``, ``E[sign(He_3(z)) z] = 2φ(0)(2e^{−3/2} − 1) ≈ −0.4418``.

Gaussian elimination on parities (over GF(2); lessons/notes/glossary.md)
    :func:`csqlab.boolean.learn_parity_by_elimination` solves ``y = χ_S(x)`` exactly from
    ``n + 20`` samples (full rank with probability ``≥ 1 − 2^{−20}``) — no statistical query
    algorithm can (lessons 2–3). :func:`elimination_trials` runs it on random instances.

What symmetry buys: invariant kernels (Bietti, Venturi, Bruna 2021; Mei, Misiakiewicz, Montanari 2021)
    Kernel ridge regression on ``x ~ N(0, I_n)`` with the quadratic kernel
    ``k(x, x') = (1 + ⟨x, x'⟩)²`` (feature space: all monomials of degree ``≤ 2``,
    dimension ``(n+1)(n+2)/2``) versus its ``C_n``-average
    ``k_G(x, x') = (1/n) Σ_s k(x, shift_s x')`` (feature space: the ``C_n``-invariant
    polynomials of degree ``≤ 2``, about ``n/2 + 3`` dimensions). For an invariant target
    such as ``f*(x) = n^{−1/2} Σ_i x_i x_{i+1}`` (indices mod ``n``; unit norm for
    ``n ≥ 3``), noiseless ridge regression interpolates the target once ``N`` exceeds the
    feature dimension, so the invariant kernel needs about ``|G| = n`` times fewer samples
    (Bietti, Venturi, Bruna 2021; Mei, Misiakiewicz, Montanari 2021). Symmetry buys a
    polynomial factor in *samples*; the CSQ bounds say it buys nothing exponential in
    *computation* for gradient methods.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from csqlab._validation import _check_int, _check_real, _generator
from csqlab.boolean import learn_parity_by_elimination, random_cube_points

__all__ = [
    "hermite3_single_index",
    "correlational_direction",
    "label_transform",
    "label_transform_direction",
    "direction_overlap",
    "SingleIndexTrial",
    "single_index_trials",
    "ParityElimination",
    "elimination_trials",
    "quadratic_kernel",
    "cyclic_quadratic_kernel",
    "cyclic_neighbour_target",
    "kernel_ridge_test_error",
    "quadratic_feature_dimension",
    "cyclic_quadratic_feature_dimension",
]

CORRELATION_SCALE = float(np.sqrt(6.0))
"""``E[h_3(z) He_3(z)] = √6``: the mean of the partial-trace estimate is ``√6 w``."""
TRANSFORM_SCALE = 0.18122964731
"""``E[min(h_3(z)², 1) He_2(z)]`` (quadrature on the three pieces between the roots of
``h_3² = 1``): the mean of the transformed second-moment matrix is ``TRANSFORM_SCALE·w wᵀ``."""


# --------------------------------------------------------------------------- single index


def hermite3_single_index(d: int, n_samples: int, rng=None, *, seed: int | None = None,
                          direction=None):
    """``(x, y, w)``: ``x ~ N(0, I_d)`` (shape ``(N, d)``), ``y = h_3(⟨w, x⟩)`` with
    ``h_3(z) = (z³ − 3z)/√6`` (``E[y²] = 1``), ``w`` uniform on the sphere (or ``direction``)."""
    d = _check_int(d, "d", 2)
    n_samples = _check_int(n_samples, "n_samples", 1)
    generator = _generator(rng, seed)
    if direction is None:
        w = generator.standard_normal(d)
    else:
        w = np.asarray(direction, dtype=float)
        if w.shape != (d,) or not np.all(np.isfinite(w)) or not np.any(w):
            raise ValueError(f"direction must be a finite nonzero vector of length d = {d}")
    w = w / np.linalg.norm(w)
    x = generator.standard_normal((n_samples, d))
    z = x @ w
    return x, (z**3 - 3 * z) / np.sqrt(6.0), w


def _check_samples(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 2:
        raise ValueError(f"x must have shape (N, d) with N >= 1 and d >= 2, got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},) to match x, got {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite (no NaN or inf)")
    return x, y


def correlational_direction(x, y) -> np.ndarray:
    """The partial-trace estimate ``v̂ = (1/N) Σ_i y_i (‖x_i‖² − d − 2) x_i`` (linear in
    ``y``: correlational statistics only), normalised to a unit vector. ``E[v̂] = √6 w``
    for ``y = h_3(⟨w, x⟩)`` (module docstring)."""
    x, y = _check_samples(x, y)
    weights = y * (np.sum(x**2, axis=1) - x.shape[1] - 2.0)
    estimate = weights @ x / x.shape[0]
    norm = np.linalg.norm(estimate)
    return estimate / norm if norm > 0 else estimate


def label_transform(y) -> np.ndarray:
    """The bounded label transform ``T(y) = min(y², 1) ∈ [0, 1]``."""
    return np.minimum(np.asarray(y, dtype=float) ** 2, 1.0)


def label_transform_direction(x, y) -> np.ndarray:
    """Eigenvector of the largest ``|eigenvalue|`` of ``M̂ = (1/N) Σ_i (T(y_i) − T̄) x_i x_iᵀ``
    with ``T(y) = min(y², 1)`` (:func:`label_transform`): a statistical query that is not
    correlational. ``E[M̂] = TRANSFORM_SCALE · w wᵀ`` for ``y = h_3(⟨w, x⟩)``."""
    x, y = _check_samples(x, y)
    transformed = label_transform(y)
    transformed = transformed - transformed.mean()
    matrix = (x * transformed[:, None]).T @ x / x.shape[0]
    values, vectors = np.linalg.eigh(matrix)
    return vectors[:, np.argmax(np.abs(values))]


def direction_overlap(estimate, w) -> float:
    """``|⟨ŵ, w⟩|/(‖ŵ‖‖w‖)`` in ``[0, 1]`` (sign-blind: ``±w`` are the same direction
    for the transform; 0 for a zero estimate)."""
    estimate = np.asarray(estimate, dtype=float)
    w = np.asarray(w, dtype=float)
    norms = np.linalg.norm(estimate) * np.linalg.norm(w)
    return float(abs(estimate @ w) / norms) if norms > 0 else 0.0


class SingleIndexTrial(NamedTuple):
    """Mean overlaps ``|⟨ŵ, w⟩|`` over trials, one entry per ``(d, N)`` pair:
    ``d``, ``n_samples``, ``correlational``, ``transform`` (arrays of equal length)."""

    d: np.ndarray
    n_samples: np.ndarray
    correlational: np.ndarray
    transform: np.ndarray


def single_index_trials(ds, samples_per_dimension, n_trials: int = 3, rng=None, *,
                        seed: int | None = None) -> SingleIndexTrial:
    """For each ``d`` and each ``N = r·d`` (``r`` in ``samples_per_dimension``), the mean
    overlap of both estimators with ``w`` over ``n_trials`` fresh problems (lesson 11)."""
    ds = [_check_int(d, "ds[]", 2) for d in np.atleast_1d(ds)]
    ratios = [_check_real(r, "samples_per_dimension[]") for r in np.atleast_1d(samples_per_dimension)]
    if any(r <= 0 for r in ratios):
        raise ValueError(f"samples_per_dimension must be positive, got {ratios}")
    n_trials = _check_int(n_trials, "n_trials", 1)
    generator = _generator(rng, seed)
    rows = []
    for d in ds:
        for ratio in ratios:
            n_samples = max(1, int(round(ratio * d)))
            correlational, transform = [], []
            for _ in range(n_trials):
                x, y, w = hermite3_single_index(d, n_samples, generator)
                correlational.append(direction_overlap(correlational_direction(x, y), w))
                transform.append(direction_overlap(label_transform_direction(x, y), w))
            rows.append((d, n_samples, np.mean(correlational), np.mean(transform)))
    d, n, c, t = (np.array(column) for column in zip(*rows, strict=True))
    return SingleIndexTrial(d, n, c, t)


# --------------------------------------------------------------------------- elimination


class ParityElimination(NamedTuple):
    """Outcome of :func:`elimination_trials` per ``n``: ``n``, ``n_samples`` (``n + extra``),
    ``recovered`` (fraction of instances whose hidden ``S`` was found exactly) and
    ``seconds`` (mean wall time of one elimination)."""

    n: np.ndarray
    n_samples: np.ndarray
    recovered: np.ndarray
    seconds: np.ndarray


def elimination_trials(ns, extra: int = 20, n_trials: int = 5, rng=None, *,
                       seed: int | None = None) -> ParityElimination:
    """Learn random parities ``χ_S`` (``S`` uniform among all subsets) on ``{±1}^n`` from
    ``n + extra`` uniform samples by Gaussian elimination over GF(2)
    (:func:`csqlab.boolean.learn_parity_by_elimination`)."""
    ns = [_check_int(n, "ns[]", 1) for n in np.atleast_1d(ns)]
    extra = _check_int(extra, "extra", 0)
    n_trials = _check_int(n_trials, "n_trials", 1)
    generator = _generator(rng, seed)
    rows = []
    for n in ns:
        found, seconds = 0, 0.0
        for _ in range(n_trials):
            subset = tuple(int(j) for j in np.flatnonzero(generator.random(n) < 0.5))
            x = random_cube_points(n, n + extra, generator)
            y = np.prod(x[:, list(subset)], axis=1) if subset else np.ones(n + extra)
            start = time.perf_counter()
            fit = learn_parity_by_elimination(x, y)
            seconds += time.perf_counter() - start
            found += int(fit.unique and fit.subset == subset)
        rows.append((n, n + extra, found / n_trials, seconds / n_trials))
    n, samples, recovered, seconds = (np.array(column) for column in zip(*rows, strict=True))
    return ParityElimination(n, samples, recovered, seconds)


# --------------------------------------------------------------------------- invariant kernels


def _check_points(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"{name} must have shape (N, n), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return x


def quadratic_kernel(x, x2) -> np.ndarray:
    """``k(x, x') = (1 + ⟨x, x'⟩)²``, shape ``(N, N')``: features = all monomials of degree ≤ 2."""
    x, x2 = _check_points(x, "x"), _check_points(x2, "x2")
    if x.shape[1] != x2.shape[1]:
        raise ValueError(f"x2 must have {x.shape[1]} columns like x, got {x2.shape[1]}")
    return (1.0 + x @ x2.T) ** 2


def cyclic_quadratic_kernel(x, x2) -> np.ndarray:
    """``k_G(x, x') = (1/n) Σ_{s=0}^{n−1} (1 + ⟨x, shift_s x'⟩)²`` (``G = C_n``): the
    Reynolds average of :func:`quadratic_kernel` in one argument. It is invariant in each
    argument separately, and its features are the ``C_n``-averages of the quadratic ones."""
    x, x2 = _check_points(x, "x"), _check_points(x2, "x2")
    if x.shape[1] != x2.shape[1]:
        raise ValueError(f"x2 must have {x.shape[1]} columns like x, got {x2.shape[1]}")
    n = x.shape[1]
    return sum((1.0 + x @ np.roll(x2, s, axis=1).T) ** 2 for s in range(n)) / n


def cyclic_neighbour_target(x) -> np.ndarray:
    """``f*(x) = n^{−1/2} Σ_i x_i x_{i+1}`` (indices mod n): ``C_n``-invariant, degree 2,
    ``E[f*²] = 1`` under ``N(0, I_n)`` for ``n ≥ 3`` (the ``n`` products are orthonormal)."""
    x = _check_points(x, "x")
    if x.shape[1] < 3:
        raise ValueError(f"x must have n >= 3 columns, got {x.shape[1]}")
    return np.sum(x * np.roll(x, -1, axis=1), axis=1) / np.sqrt(x.shape[1])


def quadratic_feature_dimension(n: int) -> int:
    """``(n+1)(n+2)/2``: monomials of degree ≤ 2 in ``n`` variables (plain kernel)."""
    n = _check_int(n, "n", 1)
    return (n + 1) * (n + 2) // 2


def cyclic_quadratic_feature_dimension(n: int) -> int:
    """``C_n``-orbits of monomials of degree ≤ 2: ``1`` (constant) + ``1`` (``Σ x_i``)
    + ``1`` (``Σ x_i²``) + ``⌊n/2⌋`` (``Σ_i x_i x_{i+δ}``, ``δ = 1..⌊n/2⌋``)."""
    n = _check_int(n, "n", 1)
    return 3 + n // 2


def kernel_ridge_test_error(n: int, n_train: int, invariant: bool, *, ridge: float = 1e-8,
                            n_test: int = 500, rng=None, seed: int | None = None) -> float:
    """Test MSE of kernel ridge regression on the invariant target
    :func:`cyclic_neighbour_target` from ``n_train`` noiseless samples, ``x ~ N(0, I_n)``,
    with the plain :func:`quadratic_kernel` or the ``C_n``-averaged
    :func:`cyclic_quadratic_kernel` (``invariant=True``). Predicting 0 scores ``≈ 1``.
    ``α = (K + ridge·N·I)^{-1} y``; prediction ``k(x, X) α``."""
    n = _check_int(n, "n", 3)
    n_train = _check_int(n_train, "n_train", 1)
    n_test = _check_int(n_test, "n_test", 1)
    ridge = _check_real(ridge, "ridge")
    if ridge <= 0:
        raise ValueError(f"ridge must be positive, got {ridge}")
    generator = _generator(rng, seed)
    kernel = cyclic_quadratic_kernel if invariant else quadratic_kernel
    x = generator.standard_normal((n_train, n))
    x_test = generator.standard_normal((n_test, n))
    y = cyclic_neighbour_target(x)
    gram = kernel(x, x)
    scale = np.trace(gram) / n_train
    alpha = np.linalg.solve(gram + ridge * scale * n_train * np.eye(n_train), y)
    prediction = kernel(x_test, x) @ alpha
    return float(np.mean((prediction - cyclic_neighbour_target(x_test)) ** 2))


def kernel_samples_to_level(n: int, invariant: bool, *, level: float = 0.1, seeds=range(10),
                            max_samples: int = 400) -> list[int]:
    """For each seed, the smallest training-set size ``N`` (every ``N`` from 2 on, no grid)
    at which :func:`kernel_ridge_test_error` falls below ``level``; ValueError if a seed
    does not get there by ``max_samples``."""
    n = _check_int(n, "n", 3)
    level = _check_real(level, "level")
    if not level > 0:
        raise ValueError(f"level must be positive, got {level}")
    max_samples = _check_int(max_samples, "max_samples", 2)
    seeds = [_check_int(seed, "seeds", 0) for seed in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    first = []
    for seed in seeds:
        found = next((N for N in range(2, max_samples + 1)
                      if kernel_ridge_test_error(n, N, invariant, seed=seed) < level), None)
        if found is None:
            raise ValueError(f"seed {seed} does not reach test MSE < {level} with up to "
                             f"max_samples = {max_samples} samples; raise max_samples")
        first.append(found)
    return first
