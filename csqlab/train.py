"""Training networks, and what gradient descent can see of the data (lessons 4 and 8–11).

Section 1 — **gradient descent is a CSQ algorithm** (lesson 4; BACKGROUND §2.1, PAPER §1).
For a model ``h_θ`` with ``p`` parameters, a target ``f*`` and the square loss
``L(θ) = ½ E_x[(h_θ(x) − f*(x))²]``,

    ∇_θ L(θ) = E[h_θ ∇_θ h_θ]  −  E[f* ∇_θ h_θ].

The first term needs no labels (free under a known marginal). Coordinate ``j`` of the
second term is one correlational statistical query (CSQ): the query function is
``q_j(x) = ∂_{θ_j} h_θ(x) / B_j`` with ``B_j ≥ sup_x |∂_{θ_j} h_θ(x)|``, so
``q_j ∈ [−1, 1]``, and an answer ``a_j`` within ``τ`` of ``E[q_j f*]`` gives the gradient
coordinate ``E[h_θ ∂_j h_θ] − B_j a_j`` within ``B_j τ``. One step of gradient descent is
``p`` queries; ``T`` steps are ``T·p`` queries, which the counting lemma compares with
``m(τ² − γ)/2`` (:func:`csqlab.bounds.counting_lemma`).

* :func:`per_example_gradients` — the query functions ``∂_θ h_θ(x)`` at many points,
  vectorised with ``torch.func`` (``vmap(grad)``; ``jacfwd`` for models that ``vmap``
  cannot trace).
* :func:`gradient_as_queries` — the gradient as a label-free term plus ``p`` CSQ answers
  from a :mod:`csqlab.oracles` oracle, with the bounds ``B_j``.
* :func:`csq_gradient_descent` — gradient descent whose every gradient coordinate is a
  CSQ answered by an oracle (e.g. the ``±τ`` adversary); :func:`exact_gradient_descent`
  — plain gradient descent with autograd's exact population gradient, for contrast.
* :func:`hard_dimension_for_budget` — the input size from which the counting lemma for the
  ``2^n`` parities forbids a run of ``T`` steps on ``p(n)`` parameters.

What this section does not cover (lesson 4's box; BACKGROUND §2.2–2.3, §8 pitfall 7):
single-sample SGD in exact arithmetic, SGD that reuses samples, and losses that are not
affine in the label with real-valued labels are not CSQ algorithms in this sense.

All computations of section 1 are in float64. Nothing there draws random numbers except
the seeded initialisation of :func:`two_layer_network`.

Section 2 — **experiments** (lessons 8–11; PAPER §4.7, protocol **ours**: the paper's exact
settings are unknown). A frozen :class:`Experiment` (model, family, group, size, width,
optimiser, lr, batch, steps, n_train, n_test, seeds) is trained by :func:`run`, all seeds at
once with ``torch.func`` (stacked parameters, ``functional_call`` + ``vmap`` of the loss and
its gradient), returning tidy records (train/test MSE, the trivial predictor's MSE, wall
time). :func:`sweep` runs many configurations through an atomic on-disk
:class:`ResultCache` (resumes after an interruption; every entry checked against the SHA-256
of its records, a damaged one reported and recomputed; optional joblib workers).
:data:`EXPERIMENTS` names one experiment per result of PAPER §4.1–4.5 plus the contrasts of
lesson 11; :func:`reproduce` (CLI: ``python -m csqlab reproduce NAME [--full]``) writes
their records and figures; :func:`load_cached` reads the results shipped in ``csqlab/data``. :func:`train_online` is the
small loop for one student (online Adam, test MSE every few steps) behind the lessons' quick
runs (:func:`csqlab.hard.gnn.train_student`, :func:`csqlab.hard.cnn.train_cnn_student`,
:func:`csqlab.hard.polynomials.train_online`).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import math
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from csqlab import bounds as _bounds
from csqlab import oracles as _oracles
from csqlab._validation import _check_int
from csqlab.boolean import cube

__all__ = [
    "two_layer_network",
    "flat_parameters",
    "n_parameters",
    "per_example_gradients",
    "population_loss",
    "autograd_gradient",
    "QueryGradient",
    "gradient_as_queries",
    "GradientDescentRun",
    "csq_gradient_descent",
    "exact_gradient_descent",
    "hard_dimension_for_budget",
    # section 2 — experiments
    "Experiment",
    "FamilySpec",
    "FAMILIES",
    "config_hash",
    "cache_key",
    "resolve_device",
    "run",
    "OnlineRun",
    "train_online",
    "ResultCache",
    "CacheCorruptionWarning",
    "CacheDirectoryError",
    "SweepResult",
    "sweep",
    "final_losses",
    "best_over_learning_rates",
    "steps_to_success",
    "MODES",
    "QUICK_LEARNING_RATES",
    "FULL_LEARNING_RATES",
    "ExperimentSpec",
    "EXPERIMENTS",
    "experiment_configs",
    "experiment_figure",
    "figure_final_losses",
    "write_records",
    "Reproduction",
    "reproduce",
    "cached_experiments",
    "load_cached",
    "cache_results",
]

# Cubes up to this dimension are enumerated (2**16 points): the square-loss gradient of
# lesson 4 is exact by enumeration, and a Jacobian of 2**n rows must stay small.
_MAX_CUBE_DIMENSION = 16
_METHODS = ("auto", "vmap", "jacfwd")
_ORACLES = (_oracles.ExactOracle, _oracles.SampleOracle, _oracles.AdversarialOracle)


# =========================================================================================
# Section 1 — gradient descent as a CSQ algorithm (lesson 4)
# =========================================================================================

# --------------------------------------------------------------------------- validation


def _check_model(model) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    parameters = list(model.parameters())
    if not parameters:
        raise ValueError("model must have at least one parameter")
    for name, parameter in model.named_parameters():
        if parameter.dtype != torch.float64:
            raise TypeError(
                f"model parameters must be torch.float64 (the lesson's identities hold to "
                f"1e-12 only in float64), got {parameter.dtype} for {name!r}"
            )
    return model


def _check_positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def _check_oracle(oracle):
    if not isinstance(oracle, _ORACLES):
        raise TypeError(
            "oracle must be a csqlab.oracles ExactOracle, SampleOracle or AdversarialOracle, "
            f"got {type(oracle).__name__}"
        )
    return oracle


def _support(distribution, name: str = "distribution") -> tuple[np.ndarray, np.ndarray]:
    """Points and probabilities of a finite distribution (the cube, or a Discrete one)."""
    if isinstance(distribution, _oracles.Cube):
        if distribution.n > _MAX_CUBE_DIMENSION:
            raise ValueError(
                f"{name} must be a cube of dimension <= {_MAX_CUBE_DIMENSION} to enumerate, "
                f"got n = {distribution.n}"
            )
        points = cube(distribution.n, np.float64)
        return points, np.full(points.shape[0], 1.0 / points.shape[0])
    if isinstance(distribution, _oracles.Discrete):
        return distribution.points, distribution.weights
    raise ValueError(
        f"{name} must have a finite support (csqlab.oracles.Cube or Discrete) for this "
        f"computation, got {type(distribution).__name__}"
    )


def _check_target(target) -> Callable:
    if not callable(target):
        raise TypeError(f"target must be a callable on batches of points, got {type(target).__name__}")
    return target


def _labels(target, points: np.ndarray) -> np.ndarray:
    values = target(points)
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (points.shape[0],):
        raise ValueError(
            f"target must return shape ({points.shape[0]},) for {points.shape[0]} points, "
            f"got shape {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("target returned NaN or infinite values")
    return values


# --------------------------------------------------------------------------- the model


def two_layer_network(in_features: int, width: int, *, activation: str = "relu",
                      zero_output: bool = False, seed: int = 0) -> nn.Sequential:
    """The two-layer network ``h_θ(x) = Σ_i a_i σ(⟨w_i, x⟩ + b_i) + c`` of lesson 4.

    A plain ``nn.Sequential(Linear, activation, Linear)`` in float64, initialised like
    PyTorch's default (``U(−1/√fan_in, 1/√fan_in)``) from a private generator seeded by
    ``seed``. Parameters, in order: ``w`` (``width × in_features``), ``b``, ``a``
    (``1 × width``), ``c``; ``p = width·(in_features + 2) + 1``.

    ``zero_output=True`` sets ``a = 0`` and ``c = 0``, so ``h_θ ≡ 0`` at initialisation: the
    loss starts at exactly ``E[f*²]`` and the label-free gradient term ``E[h ∇h]`` is 0.
    (:class:`csqlab.models.MLP` computes the same function but checks its input with
    data-dependent Python code, which ``torch.func.vmap`` cannot trace; this module
    works with it through the slower ``jacfwd`` route.)
    """
    in_features = _check_int(in_features, "in_features", 1)
    width = _check_int(width, "width", 1)
    activations = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
    if activation not in activations:
        raise ValueError(f"activation must be one of {sorted(activations)}, got {activation!r}")
    seed = _check_int(seed, "seed", 0)
    generator = torch.Generator().manual_seed(seed)
    network = nn.Sequential(
        nn.Linear(in_features, width, dtype=torch.float64),
        activations[activation](),
        nn.Linear(width, 1, dtype=torch.float64),
    )
    with torch.no_grad():
        for layer in (network[0], network[2]):
            bound = 1.0 / math.sqrt(layer.in_features)
            for parameter in (layer.weight, layer.bias):
                values = torch.rand(parameter.shape, generator=generator, dtype=torch.float64)
                parameter.copy_((2.0 * values - 1.0) * bound)
        if zero_output:
            network[2].weight.zero_()
            network[2].bias.zero_()
    return network


def n_parameters(model) -> int:
    """``p``, the number of scalar parameters: one CSQ per parameter per gradient step."""
    return sum(parameter.numel() for parameter in _check_model(model).parameters())


def flat_parameters(model) -> np.ndarray:
    """All parameters as one float64 vector ``θ``, in ``model.named_parameters()`` order
    (the order of every gradient, bound and answer vector in this module)."""
    _check_model(model)
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy().copy()


def _set_flat_parameters(model: nn.Module, theta: np.ndarray) -> None:
    theta = torch.as_tensor(theta, dtype=torch.float64)
    offset = 0
    with torch.no_grad():
        for parameter in model.parameters():
            size = parameter.numel()
            parameter.copy_(theta[offset:offset + size].reshape(parameter.shape))
            offset += size


def _as_points(x, dim_name: str = "x") -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        x = x.detach().to(torch.float64)
    else:
        try:
            x = torch.as_tensor(np.asarray(x, dtype=np.float64))
        except (TypeError, ValueError):
            raise TypeError(f"{dim_name} must be an array of points of shape (N, d)") from None
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"{dim_name} must have shape (N, d) with N >= 1, got shape {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError(f"{dim_name} must not contain NaN or infinite values")
    return x


def _outputs(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return _as_output_vector(model(x), x)


def _as_output_vector(out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """A model's outputs as shape (N,): accept (N,) or (N, 1), refuse anything else."""
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.shape != (x.shape[0],):
        raise ValueError(
            f"model must map points of shape (N, d) to outputs of shape (N,) or (N, 1), "
            f"got shape {tuple(out.shape)}"
        )
    return out


def per_example_gradients(model, x, method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Outputs ``h_θ(x_i)`` and the per-example gradients ``∇_θ h_θ(x_i)`` at every point.

    Returns ``(outputs, jacobian)`` as float64 arrays of shapes ``(N,)`` and ``(N, p)``;
    column ``j`` of ``jacobian`` is the query function ``∂_{θ_j} h_θ`` evaluated at the
    points (before dividing by its bound). Vectorised with ``torch.func``, no loop over
    examples:

    * ``"vmap"`` — ``vmap(grad_and_value(h))`` over the examples (fast; needs a model
      without data-dependent Python control flow);
    * ``"jacfwd"`` — forward-mode Jacobian of the batched forward pass (any model; ``p``
      forward passes, vectorised);
    * ``"auto"`` — ``vmap``, falling back to ``jacfwd`` when ``vmap`` cannot trace the model.
    """
    model = _check_model(model)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {list(_METHODS)}, got {method!r}")
    x = _as_points(x)
    from torch.func import functional_call, grad_and_value, jacfwd, vmap

    params = {name: p.detach() for name, p in model.named_parameters()}
    buffers = {name: b.detach() for name, b in model.named_buffers()}

    def one_output(parameters, point):
        return _outputs_functional(functional_call, model, parameters, buffers, point[None])[0]

    def by_vmap():
        gradients, outputs = vmap(grad_and_value(one_output), in_dims=(None, 0))(params, x)
        return outputs, gradients

    def by_jacfwd():
        def batch(parameters):
            return _outputs_functional(functional_call, model, parameters, buffers, x)

        with torch.no_grad():
            outputs = _outputs(model, x)
        return outputs, jacfwd(batch)(params)

    if method == "vmap":
        outputs, gradients = by_vmap()
    elif method == "jacfwd":
        outputs, gradients = by_jacfwd()
    else:
        try:
            outputs, gradients = by_vmap()
        except RuntimeError as error:
            # vmap refuses data-dependent control flow (e.g. an input check calling
            # .any() on the batch); forward mode traces the batched forward instead.
            if "vmap" not in str(error):
                raise
            outputs, gradients = by_jacfwd()
    jacobian = torch.cat([gradients[name].reshape(x.shape[0], -1) for name in params], dim=1)
    return outputs.detach().numpy().copy(), jacobian.detach().numpy().copy()


def _outputs_functional(functional_call, model, parameters, buffers, x):
    return _as_output_vector(functional_call(model, (parameters, buffers), (x,)), x)


# --------------------------------------------------------------------------- exact references


def population_loss(model, distribution, target) -> float:
    """Test mean squared error ``E_x[(h_θ(x) − f*(x))²]`` under ``distribution``, exactly.

    Exact by enumeration on a :class:`~csqlab.oracles.Cube` and a
    :class:`~csqlab.oracles.Discrete` law, by quadrature on a small
    :class:`~csqlab.oracles.Gaussian`. Predicting 0 scores ``E[f*²]`` (the trivial level,
    1 for a normalised target). Not a query: the learner never sees this number.
    Note the factor: the loss that gradient descent minimises is half of it.
    """
    model = _check_model(model)
    target = _check_target(target)
    if isinstance(distribution, _oracles.Sampler) or not hasattr(distribution, "expectation"):
        raise ValueError(
            "distribution must allow exact expectations (csqlab.oracles.Cube, Gaussian or "
            f"Discrete), got {type(distribution).__name__}"
        )

    def squared_error(points):
        with torch.no_grad():
            outputs = _outputs(model, _as_points(points)).numpy()
        return (outputs - _labels(target, points)) ** 2

    return float(distribution.expectation(squared_error))


def autograd_gradient(model, distribution, target) -> np.ndarray:
    """``∇_θ ½ E[(h_θ − f*)²]`` by autograd on the exact population loss (the reference route).

    The expectation is a weighted sum over the finite support of ``distribution``
    (:class:`~csqlab.oracles.Cube` with ``n ≤ 16``, or :class:`~csqlab.oracles.Discrete`);
    one ``backward()`` through it, no queries. Returns the flat gradient (float64, ``(p,)``).
    """
    model = _check_model(model)
    target = _check_target(target)
    points, weights = _support(distribution)
    labels = torch.as_tensor(_labels(target, points))
    weights = torch.as_tensor(weights)
    parameters = list(model.parameters())
    outputs = _outputs(model, torch.as_tensor(points))
    loss = 0.5 * torch.sum(weights * (outputs - labels) ** 2)
    gradients = torch.autograd.grad(loss, parameters)
    return torch.cat([g.reshape(-1) for g in gradients]).detach().numpy().copy()


# --------------------------------------------------------------------------- the gradient as queries


class QueryGradient(NamedTuple):
    """The square-loss gradient as ``p`` correlational queries (lesson 4).

    ``gradient = label_free_term − bounds · correlational_answers`` (coordinatewise), where

    * ``label_free_term[j] = E[h_θ ∂_j h_θ]`` (no labels: free under a known marginal);
    * ``correlational_answers[j]`` is the oracle's answer to the CSQ ``q_j = ∂_j h_θ / B_j``,
      i.e. a value within ``τ`` of ``E[q_j f*]``;
    * ``bounds[j] = B_j ≥ sup_x |∂_j h_θ(x)|``, so coordinate ``j`` is within ``B_j τ``;
    * ``true_correlations[j] = E[q_j f*]`` where the oracle knows it (exact and adversarial
      oracles), else None (sample oracle).

    Unpacks as a tuple in this order.
    """

    label_free_term: np.ndarray
    correlational_answers: np.ndarray
    bounds: np.ndarray
    true_correlations: np.ndarray | None

    @property
    def gradient(self) -> np.ndarray:
        """``E[h ∇h] − B ⊙ a``: the gradient of ``½E[(h_θ − f*)²]`` as the learner knows it."""
        return self.label_free_term - self.bounds * self.correlational_answers

    @property
    def n_queries(self) -> int:
        """One CSQ per parameter: ``p``."""
        return int(self.correlational_answers.shape[0])

    @property
    def max_abs_correlation(self) -> float:
        """``max_j |E[q_j f*]|``: if this is ≤ τ, the zero adversary may answer 0 to every query."""
        if self.true_correlations is None:
            raise ValueError("this oracle does not know the true correlations (sample oracle)")
        return float(np.max(np.abs(self.true_correlations)))


class _GradientCache:
    """Outputs and per-example gradients at the last batch of points the oracle asked about.

    An oracle evaluates each of the ``p`` queries on the same points (the whole cube, or
    the support of a Discrete law): one vectorised Jacobian serves all of them.
    """

    def __init__(self, model: nn.Module):
        self.model = model
        self.points: np.ndarray | None = None
        self.outputs = self.jacobian = None

    def __call__(self, points) -> tuple[np.ndarray, np.ndarray]:
        points = np.asarray(points, dtype=np.float64)
        if self.points is None or points.shape != self.points.shape or not np.array_equal(
                points, self.points):
            self.outputs, self.jacobian = per_example_gradients(self.model, points)
            self.points = points.copy()
        return self.outputs, self.jacobian


def _check_bound(bound, p: int) -> np.ndarray | None:
    if bound is None:
        return None
    if isinstance(bound, (bool, np.bool_)):
        raise TypeError(f"bound must be None, a positive number or p of them, got {bound!r}")
    if isinstance(bound, (int, float, np.integer, np.floating)):
        return np.full(p, _check_positive(bound, "bound"))
    try:
        values = np.asarray(bound, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("bound must be None, a positive number or an array of p positive numbers") from None
    if values.shape != (p,):
        raise ValueError(f"bound must have one entry per parameter, shape ({p},), got {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("bound must contain positive finite numbers only")
    return values


def _prime_on_support(model: nn.Module, distribution, cache: _GradientCache):
    """Outputs, per-example gradients and probabilities on a finite support (Cube or
    Discrete), stored in ``cache`` so that the oracle's queries on those points reuse them;
    None for other distributions."""
    if not isinstance(distribution, (_oracles.Cube, _oracles.Discrete)):
        return None
    points, weights = _support(distribution, "the oracle's distribution")
    outputs, jacobian = cache(points)
    return outputs, jacobian, weights


def gradient_as_queries(model, oracle_or_points, target=None, *, bound=None) -> QueryGradient:
    """The square-loss gradient ``∇_θ ½E[(h_θ − f*)²]`` as a label-free term plus ``p`` CSQs.

    ``oracle_or_points`` is either a :mod:`csqlab.oracles` oracle (it holds the target and
    the distribution; ``target`` must then be None), or an array of points ``(N, d)``: the
    empirical distribution on them, answered exactly (``target`` required, a callable on
    batches). For each parameter ``j`` one CSQ ``q_j = ∂_j h_θ / B_j`` is sent to the oracle
    (``oracle.n_queries`` grows by exactly ``p``). The label-free term ``E[h_θ ∂_j h_θ]``
    needs no labels: on a finite support (Cube, Discrete) it is the exact weighted sum over
    the support, otherwise the oracle's free label-free expectation, one per parameter.

    ``bound``: None (``B_j`` = the largest ``|∂_j h_θ|`` over the support, or 1 where
    ``∂_j h_θ ≡ 0``; needs a Cube or Discrete distribution), one positive number for all
    parameters, or ``p`` of them. A bound too small for some query makes the oracle refuse
    it (ValueError).

    Returns a :class:`QueryGradient`; its ``gradient`` equals autograd's to float64
    precision with an exact oracle, and is within ``B_j τ`` per coordinate with an
    oracle of tolerance ``τ``.
    """
    model = _check_model(model)
    if isinstance(oracle_or_points, _ORACLES):
        if target is not None:
            raise ValueError("target must be None when an oracle is given (the oracle holds it)")
        oracle = oracle_or_points
    else:
        if target is None:
            raise ValueError("target is required when points are given instead of an oracle")
        points = _as_points(oracle_or_points, "oracle_or_points").numpy()
        oracle = _oracles.ExactOracle(_oracles.Discrete(points), _check_target(target))
    p = n_parameters(model)
    bounds = _check_bound(bound, p)
    gradients_at = _GradientCache(model)
    on_support = _prime_on_support(model, oracle.distribution, gradients_at)
    if bounds is None:
        if on_support is None:
            raise ValueError(
                "bound is required when the oracle's distribution has no finite support "
                f"(got {type(oracle.distribution).__name__}): give sup |∂h/∂θ_j| per parameter"
            )
        bounds = np.max(np.abs(on_support[1]), axis=0)
        # ∂_j h ≡ 0 (e.g. a dead unit): any positive bound is valid, its query is 0
        bounds[bounds == 0.0] = 1.0
    if on_support is not None:
        outputs, jacobian, weights = on_support
        label_free = weights @ (outputs[:, None] * jacobian)
    else:
        label_free = np.array([
            oracle.label_free_expectation(
                lambda x, j=j: gradients_at(x)[0] * gradients_at(x)[1][:, j])
            for j in range(p)
        ])

    answers = np.empty(p)
    truths = np.empty(p)
    knows_truth = True
    for j in range(p):
        def query(x, j=j):
            return gradients_at(x)[1][:, j] / bounds[j]

        try:
            answers[j] = oracle.csq(query)
        except ValueError as error:
            if "[-1, 1]" not in str(error):
                raise
            raise ValueError(
                f"bound[{j}] = {bounds[j]:.6g} is smaller than sup |∂h/∂θ_{j}| on the points "
                f"the oracle used: the query ∂h/∂θ_{j} / B_{j} leaves [-1, 1]"
            ) from error
        truth = oracle.log[-1].true_value
        knows_truth = knows_truth and truth is not None
        truths[j] = truth if truth is not None else np.nan
    return QueryGradient(label_free, answers, bounds, truths if knows_truth else None)


# --------------------------------------------------------------------------- gradient descent


@dataclass
class GradientDescentRun:
    """One gradient-descent run, as a tidy history (one row per step ``t = 0..T``).

    ``step[t] = t``; ``loss[t]`` is the test MSE ``E[(h_{θ_t} − f*)²]`` (exact, not a query;
    1 is the trivial level of a normalised target); ``n_queries[t]`` is the number of CSQs
    used to reach ``θ_t`` (``t·p``). ``model`` is the trained copy (the model passed in is
    left untouched); ``tolerance`` is the oracle's ``τ`` (0 for exact gradients).
    """

    step: np.ndarray
    loss: np.ndarray
    n_queries: np.ndarray
    model: nn.Module
    n_parameters: int
    tolerance: float
    lr: float

    def records(self) -> list[dict]:
        """The history as tidy records ``{"step", "loss", "n_queries"}``."""
        return [
            {"step": int(s), "loss": float(v), "n_queries": int(q)}
            for s, v, q in zip(self.step, self.loss, self.n_queries, strict=True)
        ]


def csq_gradient_descent(model, oracle, steps: int, lr: float, *, bound=None) -> GradientDescentRun:
    """Gradient descent on ``½E[(h_θ − f*)²]`` in which every gradient coordinate is a CSQ.

    At each step ``θ ← θ − lr · (E[h ∇h] − B ⊙ a)`` with ``a`` the oracle's answers to the
    ``p`` queries ``∂_j h_θ / B_j`` (:func:`gradient_as_queries`). With an
    :class:`~csqlab.oracles.AdversarialOracle` of tolerance ``τ`` each coordinate is off by
    at most ``B_j τ``, chosen by the adversary (by default: answer 0 whenever legal). With an
    :class:`~csqlab.oracles.ExactOracle` this is plain gradient descent
    (:func:`exact_gradient_descent`), up to rounding.

    ``model`` is copied, never modified; ``steps ≥ 0`` and ``lr > 0``. The history records the
    exact test MSE (not a query) and ``n_queries``, counted by the oracle (``t·p``).
    Deterministic: the only randomness is the oracle's own seeded generator, if any.
    """
    model = copy.deepcopy(_check_model(model))
    oracle = _check_oracle(oracle)
    steps = _check_int(steps, "steps", 0)
    lr = _check_positive(lr, "lr")
    distribution, target = oracle.distribution, oracle.target
    p = n_parameters(model)
    _check_bound(bound, p)
    start = oracle.n_queries
    losses, counts = [population_loss(model, distribution, target)], [0]
    theta = flat_parameters(model)
    for _ in range(steps):
        theta = theta - lr * gradient_as_queries(model, oracle, bound=bound).gradient
        _set_flat_parameters(model, theta)
        losses.append(population_loss(model, distribution, target))
        counts.append(oracle.n_queries - start)
    return GradientDescentRun(np.arange(steps + 1), np.array(losses), np.array(counts), model, p,
                              float(oracle.tolerance), lr)


def exact_gradient_descent(model, distribution, target, steps: int, lr: float) -> GradientDescentRun:
    """Plain full-batch gradient descent with autograd's exact population gradient.

    ``θ ← θ − lr · ∇_θ ½E[(h_θ − f*)²]`` (:func:`autograd_gradient`: enumeration over a
    Cube with ``n ≤ 16`` or a Discrete support). No oracle is involved; ``n_queries[t] = t·p``
    records what the same run costs as CSQs of tolerance 0, for comparison with
    :func:`csq_gradient_descent`. ``model`` is copied, never modified.
    """
    model = copy.deepcopy(_check_model(model))
    target = _check_target(target)
    _support(distribution)
    steps = _check_int(steps, "steps", 0)
    lr = _check_positive(lr, "lr")
    p = n_parameters(model)
    losses = [population_loss(model, distribution, target)]
    theta = flat_parameters(model)
    for _ in range(steps):
        theta = theta - lr * autograd_gradient(model, distribution, target)
        _set_flat_parameters(model, theta)
        losses.append(population_loss(model, distribution, target))
    return GradientDescentRun(np.arange(steps + 1), np.array(losses), p * np.arange(steps + 1),
                              model, p, 0.0, lr)


# --------------------------------------------------------------------------- the run's query budget


def hard_dimension_for_budget(steps: int, n_parameters: Callable[[int], int], tolerance: float,
                              *, max_dimension: int = 1024) -> int:
    """The smallest ``n`` at which the counting lemma forbids ``T`` gradient steps (lesson 4).

    ``T = steps`` steps on a model with ``p(n) = n_parameters(n)`` parameters ask ``T·p(n)``
    CSQs of tolerance ``τ``. The ``2^n`` parities on ``{±1}^n`` are orthonormal (``γ = 0``),
    so any CSQ learner that learns all of them to squared error ``< 1/2`` needs at least
    ``2^n τ²/2`` queries (:func:`csqlab.bounds.counting_lemma`, standard form). Returns the
    smallest ``n ≥ 1`` with ``2^n τ²/2 > T·p(n)``; e.g. ``n_parameters = lambda n: 16 * (n + 2) + 1``
    for the width-16 network of :func:`two_layer_network`. ValueError if none up to
    ``max_dimension``.
    """
    steps = _check_int(steps, "steps", 0)
    if not callable(n_parameters):
        raise TypeError(f"n_parameters must be a callable n -> p(n), got {type(n_parameters).__name__}")
    max_dimension = _check_int(max_dimension, "max_dimension", 1)
    for n in range(1, max_dimension + 1):
        used = steps * _check_int(n_parameters(n), "n_parameters(n)", 0)
        if _bounds.counting_lemma(tolerance, 0.0, m=2**n).min_queries > used:
            return n
    raise ValueError(
        f"the counting lemma does not exceed T·p(n) for any n <= max_dimension = {max_dimension}"
    )


# =========================================================================================
# Section 2 — experiments: training students on hard families (PAPER §4.7; lessons 8–11)
# =========================================================================================
#
# The protocol is **ours** (PAPER §4.7 states only that over-parameterised networks trained
# by gradient methods fail on the hard symmetric classes as the size grows; the paper's
# exact settings are unknown). One experiment is a frozen :class:`Experiment`:
#
# * teacher: a member of a hard family, normalised so ``E[f*²] = 1`` (predicting 0 scores
#   test MSE 1, the *trivial line*);
# * student: the same architecture as the teacher, wider, with standard initialisation;
# * square loss ``½ mean (h − y)²``, Adam (or SGD), a learning rate from the sweep;
# * online (``n_train=None``: a fresh batch each step, so every gradient is an average
#   over new samples and GD is a CSQ algorithm, lesson 4) or a fixed training set of
#   ``n_train`` points (minibatches drawn from it: it can memorise, it need not generalise);
# * several seeds; test MSE on ``n_test`` fresh points every ``eval_every`` steps.
#
# Seeds: seed ``s`` draws the student's initialisation and the teacher member; the input
# stream (training batches, training set, test set) comes from ``data_seed`` and is shared
# by every seed of the run. Sharing the inputs is what lets ``torch.func.vmap`` train all
# seeds at once (the models check their inputs with Python ``if``s, which ``vmap`` allows
# on un-batched tensors only); the labels differ per seed because the teachers do.

_GROUP_NAMES = ("trivial", "cyclic", "dihedral", "symmetric")
_OPTIMISERS = ("adam", "sgd")
_DTYPES = {"float32": torch.float32, "float64": torch.float64}
_ADAM_BETAS = (0.9, 0.999)
_ADAM_EPSILON = 1e-8


@dataclass(frozen=True)
class Experiment:
    """One training configuration (all seeds of it run together).

    ``model`` — student architecture (must match the family: see :data:`FAMILIES`);
    ``family`` — the hard family the teacher is drawn from; ``group`` — its symmetry
    group by name (``"trivial"``, ``"cyclic"``, ``"dihedral"``, ``"symmetric"``);
    ``size`` — the input size ``n`` or ``d`` of the theorem; ``degree`` — the family's
    ``k``; ``width`` — student width; ``optimiser`` (``"adam"`` or ``"sgd"``), ``lr``,
    ``batch``, ``steps``; ``n_train`` — ``None`` for online training (fresh batches) or
    the size of a fixed training set; ``n_test``; ``seeds``; ``eval_every`` — checkpoint
    spacing in steps; ``data_seed`` — the shared input stream; ``dtype`` — the student's
    float type (``"float32"`` or ``"float64"``).
    """

    model: str
    family: str
    group: str
    size: int
    width: int
    degree: int = 2
    optimiser: str = "adam"
    lr: float = 1e-3
    batch: int = 128
    steps: int = 300
    n_train: int | None = None
    n_test: int = 2048
    seeds: tuple[int, ...] = (0, 1, 2)
    eval_every: int = 50
    data_seed: int = 0
    dtype: str = "float32"

    def __post_init__(self):
        for name in ("model", "family", "group"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string, got {getattr(self, name)!r}")
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {sorted(FAMILIES)}, got {self.family!r}")
        expected = FAMILIES[self.family].model
        if self.model != expected:
            raise ValueError(f"model must be {expected!r} for family {self.family!r}, "
                             f"got {self.model!r}")
        if self.group not in _GROUP_NAMES:
            raise ValueError(f"group must be one of {list(_GROUP_NAMES)}, got {self.group!r}")
        for name, minimum in (("size", 2), ("width", 1), ("degree", 1), ("batch", 1),
                              ("steps", 0), ("n_test", 2), ("eval_every", 1), ("data_seed", 0)):
            _check_int(getattr(self, name), name, minimum)
        if self.n_train is not None:
            _check_int(self.n_train, "n_train", 1)
        _check_positive(self.lr, "lr")
        if self.optimiser not in _OPTIMISERS:
            raise ValueError(f"optimiser must be one of {list(_OPTIMISERS)}, got {self.optimiser!r}")
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {sorted(_DTYPES)}, got {self.dtype!r}")
        if not isinstance(self.seeds, tuple) or not self.seeds:
            raise TypeError(f"seeds must be a non-empty tuple of integers, got {self.seeds!r}")
        for seed in self.seeds:
            _check_int(seed, "seeds[]", 0)
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds}")

    @property
    def online(self) -> bool:
        """True when every step draws a fresh batch (the CSQ regime)."""
        return self.n_train is None

    def as_dict(self) -> dict:
        """The fields as a JSON-ready dict (seeds as a list)."""
        values = dataclasses.asdict(self)
        values["seeds"] = list(self.seeds)
        return values


def config_hash(config: Experiment) -> str:
    """SHA-256 (hex) of the configuration's fields, canonical JSON (sorted keys).

    Identifies a configuration independently of the package version; the on-disk cache
    key adds the version (:func:`cache_key`)."""
    if not isinstance(config, Experiment):
        raise TypeError(f"config must be a csqlab.train.Experiment, got {type(config).__name__}")
    text = json.dumps(config.as_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def cache_key(config: Experiment) -> str:
    """The cache key: SHA-256 of the configuration hash and ``csqlab.__version__`` (a new
    version recomputes rather than trusting results of older code)."""
    from csqlab import __version__

    return hashlib.sha256(f"{config_hash(config)}:{__version__}".encode()).hexdigest()


# --------------------------------------------------------------------------- families and students


@dataclass
class _Setup:
    """What a run needs from a family: the family, the members a teacher may be, how to
    draw inputs, the student, and how the student reads an input batch."""

    family: object
    candidates: np.ndarray
    sample: Callable[[int, np.random.Generator], np.ndarray]
    student: Callable[[int, torch.dtype], nn.Module]
    inputs: Callable[[torch.Tensor], tuple]
    teacher_units: int


@dataclass(frozen=True)
class FamilySpec:
    """A hard family usable in experiments: ``model`` is the student architecture it
    pairs with, ``section`` the result of PAPER §4 it serves, ``build(config) -> _Setup``."""

    name: str
    model: str
    section: str
    description: str
    build: Callable


def _group(name: str, n: int):
    from csqlab import groups

    return {"trivial": groups.trivial, "cyclic": groups.cyclic, "dihedral": groups.dihedral,
            "symmetric": groups.symmetric}[name](n)


def _linear(fan_in: int, fan_out: int, generator: torch.Generator, dtype) -> nn.Linear:
    """``nn.Linear`` with PyTorch's default-style ``U(±1/√fan_in)`` weights drawn from a
    private generator (``skip_init``: the global random state is never touched)."""
    layer = nn.utils.skip_init(nn.Linear, fan_in, fan_out, dtype=dtype)
    bound = 1.0 / math.sqrt(fan_in)
    with torch.no_grad():
        for parameter in (layer.weight, layer.bias):
            values = torch.rand(parameter.shape, generator=generator, dtype=torch.float64)
            parameter.copy_(((2.0 * values - 1.0) * bound).to(dtype))
    return layer


def _plain_mlp(sizes, generator, dtype) -> nn.Sequential:
    """``Linear → ReLU → … → Linear`` as an ``nn.Sequential`` (no input checks, so it can
    sit inside a network that ``vmap`` traces with batched activations)."""
    layers: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if index:
            layers.append(nn.ReLU())
        layers.append(_linear(fan_in, fan_out, generator, dtype))
    return nn.Sequential(*layers)


def _message_passing_student(in_features: int, width: int, seed: int, dtype):
    """A one-layer message-passing GNN ``head(Σ_i node_mlp(agg(A, X)_i))``: node MLP
    ``in → width → width``, sum readout, head ``width → width → 1`` (the architecture of
    the degree-parity teacher and of DeepSets)."""
    from csqlab.models import MessagePassingGNN

    generator = torch.Generator().manual_seed(int(seed))
    node_mlp = _plain_mlp((in_features, width, width), generator, dtype)
    head = _plain_mlp((width, width, 1), generator, dtype)
    return MessagePassingGNN(node_mlp, head=head, aggregation="sum", readout="sum")


def _seed_candidates(count: int) -> np.ndarray:
    return np.arange(count)


def _build_degree_parity(config: Experiment) -> _Setup:
    """PAPER §4.1: degree-histogram parities ``χ_S`` on directed ``G(n, ½)`` (window of
    ``round(√n)`` central degrees); teacher ``S`` a non-empty subset of the window.
    Student: message-passing GNN with width ``config.width`` (the teacher has ``3n``
    node units and ``n`` head units)."""
    from csqlab.hard import gnn

    n = config.size
    family = gnn.degree_parity_family(n)
    candidates = np.array([i for i, subset in enumerate(family.members) if len(subset) > 0])

    def student(seed, dtype):
        return _message_passing_student(1, config.width, seed, dtype)

    return _Setup(family, candidates, family.sample, student, lambda x: (x,), 4 * n)


def _build_gnn_planes(config: Experiment) -> _Setup:
    """PAPER §4.2: per-node hidden planes ``f_U(A, X) = Σ_i F(U (AX)_i)`` on one fixed
    undirected ``G(6, ½)`` graph (drawn from ``data_seed``) with Gaussian features in
    ``R^d``, ``d = size``, ``k = degree``. Student: :class:`csqlab.models.ShallowGNN`
    ``1ᵀσ(AXW)a`` of width ``config.width`` (the teacher has ``2k`` units)."""
    from csqlab.hard import gnn
    from csqlab.models import ShallowGNN

    nodes = 6
    adjacency = gnn.sample_graphs(nodes, 1, directed=False, seed=config.data_seed)[0]
    family = gnn.gnn_hidden_plane_family(adjacency, config.size, config.degree,
                                         n_planes=len(config.seeds), seed=config.data_seed + 1)

    def student(seed, dtype):
        return ShallowGNN(config.size, config.width, dtype=dtype, seed=int(seed))

    def inputs(x):
        return x[..., :nodes], x[..., nodes:]

    return _Setup(family, _seed_candidates(len(family)), family.sample, student, inputs,
                  2 * config.degree)


def _build_cnn_planes(config: Experiment) -> _Setup:
    """PAPER §4.3: hidden planes in ``R^n`` averaged over ``G`` (cyclic shifts: a CNN with
    full-width circular filters and global average pooling), ``k = degree``. Student:
    :class:`csqlab.models.GroupAveragedNetwork` of width ``config.width`` (teacher: ``2k``
    filters)."""
    from csqlab.hard import cnn
    from csqlab.models import GroupAveragedNetwork

    group = _group(config.group, config.size)
    family = cnn.group_averaged_plane_family(config.size, config.degree, group=group,
                                             n_planes=len(config.seeds), seed=config.data_seed)

    def student(seed, dtype):
        return GroupAveragedNetwork(config.size, config.width, group, dtype=dtype, seed=int(seed))

    return _Setup(family, _seed_candidates(len(family)), family.sample, student,
                  lambda x: (x,), 2 * config.degree)


def _build_frame_parities(config: Experiment) -> _Setup:
    """PAPER §4.4: ``G``-orbit-averaged parities of ReLUs ``R_G f_S`` (Goel et al. 2020
    lifted), ``x ~ N(0, I_n)``, ``k = degree`` (even, for ReLU). Student:
    :class:`csqlab.models.FrameAveragedMLP` (canonicalisation frame of ``G``, one hidden
    layer of width ``config.width``; the teacher needs ``|Orb(S)|·2^k`` units)."""
    from csqlab import groups
    from csqlab.hard import parity_of_activations_family
    from csqlab.models import FrameAveragedMLP

    group = _group(config.group, config.size)
    family = parity_of_activations_family(config.size, config.degree, group=group)
    frame = groups.canonical_frame(group)

    def student(seed, dtype):
        return _FramedStudent(FrameAveragedMLP(frame, hidden=(config.width,), dtype=dtype,
                                               seed=int(seed)))

    return _Setup(family, _seed_candidates(len(family)), family.sample, student,
                  lambda x: _frame_inputs(frame, x), config.size * 2**config.degree)


class _FramedStudent(nn.Module):
    """A :class:`csqlab.models.FrameAveragedMLP` evaluated from a precomputed frame.

    ``⟨φ⟩_F(x) = Σ_{(b, g)} w_{b,g} φ(g⁻¹·x_b)`` with ``w = 1/|F(x_b)|``: the frame depends
    on the inputs only, never on the weights, so it is computed once per batch outside the
    ``torch.func`` transforms (:func:`_frame_inputs`, numpy) and the module sums the
    backbone over the stacked ``g⁻¹·x_b``. Equal to ``FrameAveragedMLP.forward`` (tested)."""

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network

    def forward(self, transformed, batch_index, weights, template):
        values = self.network.backbone(transformed).reshape(-1) * weights
        return template.index_add(0, batch_index, values)


def _frame_inputs(frame, x: torch.Tensor) -> tuple:
    """``(g⁻¹·x_b stacked, b, 1/|F(x_b)|, zeros(B))`` for :class:`_FramedStudent`."""
    batch_index, elements = frame(x.detach().cpu().numpy())
    counts = np.bincount(batch_index, minlength=x.shape[0])
    index = torch.as_tensor(batch_index, device=x.device, dtype=torch.long)
    transformed = x[index[:, None], torch.as_tensor(elements, device=x.device, dtype=torch.long)]
    weights = torch.as_tensor(1.0 / counts[batch_index], device=x.device, dtype=x.dtype)
    return transformed, index, weights, x.new_zeros(x.shape[0])


_SET_ROWS = 8


def _distinct_subsets(config: Experiment) -> list[tuple[int, ...]]:
    """One random ``degree``-subset of ``range(size)`` per seed, all distinct, drawn from
    ``data_seed`` (so every seed trains on its own target)."""
    generator = np.random.default_rng(config.data_seed)
    subsets: list[tuple[int, ...]] = []
    while len(subsets) < len(config.seeds):
        subset = tuple(sorted(int(j) for j in generator.choice(config.size, config.degree,
                                                                 replace=False)))
        if subset not in subsets:
            subsets.append(subset)
    return subsets


def _build_set_monomials(config: Experiment) -> _Setup:
    """PAPER §4.5 (set variant, **[ours]**): ``f_S(X) = n^{−1/2} Σ_i Π_{j∈S} X_ij`` with
    ``X ∈ R^{8×d}`` Gaussian, ``d = size``, ``|S| = k = degree``; one random ``S`` per seed
    (from ``data_seed``). Student: a ReLU DeepSets network ``head(Σ_i φ(X_i))`` of width
    ``config.width`` (the exact teacher uses ``2^{k−1}`` units with activation ``t^k``)."""
    from csqlab.hard import polynomials

    subsets = _distinct_subsets(config)
    family = polynomials.set_monomial_family(_SET_ROWS, config.size, config.degree,
                                             subsets=subsets)

    def student(seed, dtype):
        return _message_passing_student(config.size, config.width, seed, dtype)

    def inputs(x):
        identity = torch.eye(_SET_ROWS, dtype=x.dtype, device=x.device)
        return identity.expand(x.shape[0], _SET_ROWS, _SET_ROWS), x

    return _Setup(family, _seed_candidates(len(family)), family.sample, student, inputs,
                  2 ** (config.degree - 1))


def _build_sparse_parity(config: Experiment) -> _Setup:
    """Contrast (Barak et al. 2022; BACKGROUND §4.2): a ``k``-sparse parity ``χ_S`` on the
    uniform cube ``{±1}^n`` (``k = degree``), one random ``S`` per seed. Student: a
    one-hidden-layer :class:`csqlab.models.MLP` of width ``config.width``."""
    from csqlab.hard import parity_family
    from csqlab.models import MLP

    subsets = _distinct_subsets(config)
    family = parity_family(config.size, config.degree, subsets=subsets)

    def student(seed, dtype):
        return MLP(config.size, (config.width,), dtype=dtype, seed=int(seed))

    return _Setup(family, _seed_candidates(len(family)), family.sample, student,
                  lambda x: (x,), config.degree + 1)


FAMILIES: dict[str, FamilySpec] = {
    spec.name: spec for spec in (
        FamilySpec("degree-parity", "gnn", "§4.1",
                   "degree-histogram parities on random graphs (GNN)", _build_degree_parity),
        FamilySpec("gnn-planes", "shallow-gnn", "§4.2",
                   "per-node hidden planes, Gaussian node features (GNN)", _build_gnn_planes),
        FamilySpec("cnn-planes", "group-averaged", "§4.3",
                   "group-averaged hidden planes (CNN / group-averaged network)",
                   _build_cnn_planes),
        FamilySpec("frame-parities", "frame-mlp", "§4.4",
                   "orbit-averaged parities of ReLUs (frame-averaged MLP)", _build_frame_parities),
        FamilySpec("set-monomials", "deepsets", "§4.5",
                   "set monomials, the DeepSets variant of invariant polynomials",
                   _build_set_monomials),
        FamilySpec("sparse-parity", "mlp", "contrast",
                   "k-sparse parities on the cube (learnable in n^O(k) steps)",
                   _build_sparse_parity),
    )
}
"""The families an :class:`Experiment` can use, by name (``family`` field), with the student
architecture each pairs with (``model`` field)."""


# --------------------------------------------------------------------------- one run


def resolve_device(device: str = "auto") -> torch.device:
    """``"auto"``: CUDA when available, else the CPU; or any torch device string."""
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string such as 'auto', 'cpu' or 'cuda', got {device!r}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError:
        raise ValueError(f"device must be 'auto' or a torch device string, got {device!r}") from None


class _Data:
    """The shared input stream of a run and every seed's labels (float64 numpy → tensors)."""

    def __init__(self, config: Experiment, setup: _Setup, members: np.ndarray, device, dtype):
        self.config, self.setup, self.members = config, setup, members
        self.device, self.dtype = device, dtype
        self.generator = np.random.default_rng([config.data_seed, 7])
        self.x_test, self.y_test = self.draw(config.n_test)
        if config.n_train is not None:
            self.x_train, self.y_train = self.draw(config.n_train)

    def labels(self, x: np.ndarray) -> np.ndarray:
        """``(S, B)``: teacher ``member[s]`` on every point."""
        return self.setup.family.evaluate(x, self.members).T

    def to_tensor(self, array):
        return torch.as_tensor(np.ascontiguousarray(array), dtype=self.dtype, device=self.device)

    def draw(self, count: int):
        x = self.setup.sample(count, self.generator)
        return self.to_tensor(x), self.to_tensor(self.labels(x))

    def batch(self):
        if self.config.n_train is None:
            return self.draw(self.config.batch)
        index = self.generator.integers(0, self.config.n_train, size=self.config.batch)
        index = torch.as_tensor(index, device=self.device)
        return self.x_train[index], self.y_train[:, index]


def _adam(parameters: dict, gradients: dict, state: dict, step: int, lr: float) -> None:
    """One Adam step (β = 0.9, 0.999, ε = 1e-8; Kingma & Ba 2015), elementwise, in place.

    Elementwise updates make Adam on stacked parameters (one slice per seed) identical to
    Adam run separately on each seed. Written out because ``torch.optim``'s first use
    imports its compiler stack (seconds a quick run cannot afford)."""
    beta1, beta2 = _ADAM_BETAS
    with torch.no_grad():
        for name, parameter in parameters.items():
            gradient = gradients[name]
            if name not in state:
                state[name] = (torch.zeros_like(parameter), torch.zeros_like(parameter))
            first, second = state[name]
            first.mul_(beta1).add_(gradient, alpha=1 - beta1)
            second.mul_(beta2).addcmul_(gradient, gradient, value=1 - beta2)
            denominator = (second / (1 - beta2**step)).sqrt_().add_(_ADAM_EPSILON)
            parameter.addcdiv_(first, denominator, value=-lr / (1 - beta1**step))


def _sgd(parameters: dict, gradients: dict, state: dict, step: int, lr: float) -> None:
    """Plain SGD ``θ ← θ − lr ∇``."""
    with torch.no_grad():
        for name, parameter in parameters.items():
            parameter.sub_(gradients[name], alpha=lr)


_STEP_RULES = {"adam": _adam, "sgd": _sgd}


# --------------------------------------------------------------------------- a quick online run


class OnlineRun(NamedTuple):
    """A :func:`train_online` run: test MSE ``mean (h − y)²`` on the fixed test set at
    ``steps`` (``test_mse[0]`` at initialisation) and ``trivial_mse = mean y²``, the score of
    predicting 0 (``≈ E[f*²] = 1`` for a normalised teacher)."""

    steps: np.ndarray
    test_mse: np.ndarray
    trivial_mse: float


def _as_student_inputs(inputs, dtype):
    """An array or tensor, or a tuple of them, as tensors of the student's dtype."""
    if isinstance(inputs, tuple):
        return tuple(torch.as_tensor(part, dtype=dtype) for part in inputs)
    return torch.as_tensor(inputs, dtype=dtype)


def _call_student(student: nn.Module, inputs) -> torch.Tensor:
    return (student(*inputs) if isinstance(inputs, tuple) else student(inputs)).reshape(-1)


def train_online(student, sample: Callable, steps: int, *, lr: float, batch_size: int = 128,
                 n_test: int = 2048, record_every: int = 10, seed=0,
                 forward: Callable | None = None) -> OnlineRun:
    """One student, online Adam on the square loss: the quick gradient-descent runs of
    lessons 8–10 and 12 (PAPER §4.7 protocol, **ours**; :func:`run` is the engine for sweeps).

    ``sample(size, generator) -> (inputs, targets)`` draws ``size`` points from the teacher's
    distribution with the numpy ``generator`` (``inputs``: an array/tensor, or a tuple of
    them passed as separate arguments; ``targets``: shape ``(size,)``). The test set of
    ``n_test`` points is drawn first, then a **fresh** batch of ``batch_size`` points at every
    step, so every gradient is an average over new samples and GD is a CSQ algorithm
    (lesson 4). Step ``t`` minimises ``½ mean (h − y)²`` with Adam (β = 0.9, 0.999,
    ε = 1e-8, learning rate ``lr``; the engine's :func:`_adam`). The test MSE is recorded at
    step 0, every ``record_every`` steps and at the last step. ``forward(student, inputs)``
    returns the predictions, shape ``(size,)`` (default: ``student(*inputs)`` flattened).
    ``seed``: int or numpy Generator for the data stream; the student comes initialised.
    """
    if not isinstance(student, nn.Module):
        raise TypeError(f"student must be a torch.nn.Module, got {type(student).__name__}")
    parameters = {name: p for name, p in student.named_parameters() if p.requires_grad}
    if not parameters:
        raise ValueError("student must have at least one trainable parameter")
    dtypes = {p.dtype for p in parameters.values()}
    if len(dtypes) != 1 or not next(iter(dtypes)).is_floating_point:
        raise TypeError(f"student parameters must share one floating dtype, got "
                        f"{sorted(map(str, dtypes))}")
    dtype = next(iter(dtypes))
    if not callable(sample):
        raise TypeError(f"sample must be a callable (size, generator) -> (inputs, targets), "
                        f"got {type(sample).__name__}")
    if forward is None:
        forward = _call_student
    elif not callable(forward):
        raise TypeError(f"forward must be None or a callable (student, inputs) -> predictions, "
                        f"got {type(forward).__name__}")
    steps = _check_int(steps, "steps", 1)
    lr = _check_positive(lr, "lr")
    batch_size = _check_int(batch_size, "batch_size", 1)
    n_test = _check_int(n_test, "n_test", 1)
    record_every = _check_int(record_every, "record_every", 1)
    if isinstance(seed, np.random.Generator):
        generator = seed
    else:
        generator = np.random.default_rng(_check_int(seed, "seed", 0))

    def draw(size: int):
        inputs, targets = sample(size, generator)
        return _as_student_inputs(inputs, dtype), torch.as_tensor(targets, dtype=dtype)

    test_inputs, test_targets = draw(n_test)
    if test_targets.shape != (n_test,) or not bool(torch.isfinite(test_targets).all()):
        raise ValueError(f"sample must return finite targets of shape (size,), got shape "
                         f"{tuple(test_targets.shape)} for size {n_test}")

    def test_mse() -> float:
        with torch.no_grad():
            predictions = forward(student, test_inputs)
        if predictions.shape != test_targets.shape:
            raise ValueError(f"forward must return predictions of shape ({n_test},), got "
                             f"{tuple(predictions.shape)}")
        return float(((predictions - test_targets) ** 2).mean())

    state: dict = {}
    recorded_steps, losses = [0], [test_mse()]
    for step in range(1, steps + 1):
        inputs, targets = draw(batch_size)
        loss = 0.5 * ((forward(student, inputs) - targets) ** 2).mean()
        values = torch.autograd.grad(loss, list(parameters.values()))
        _adam(parameters, dict(zip(parameters, values, strict=True)), state, step, lr)
        if step % record_every == 0 or step == steps:
            recorded_steps.append(step)
            losses.append(test_mse())
    return OnlineRun(np.array(recorded_steps), np.array(losses),
                     float((test_targets**2).mean()))


class _BatchedStudents:
    """All seeds' students as one stack of parameters, trained with ``torch.func``.

    ``stack_module_state`` stacks the parameters along a new leading axis (one slice per
    seed); ``functional_call`` runs the architecture with one slice; ``vmap`` maps it over
    the slices with the input batch shared (``in_dims=None``) and the labels per seed.
    The loss of seed ``s`` depends only on slice ``s``, so ``vmap(grad_and_value(loss))``
    returns every seed's gradient of its own loss at once."""

    def __init__(self, modules: list[nn.Module]):
        from torch.func import functional_call, grad_and_value, stack_module_state, vmap

        params, buffers = stack_module_state(modules)
        self.parameters = {name: value.detach().clone() for name, value in params.items()}
        self.buffers = {name: value.detach() for name, value in buffers.items()}
        base = copy.deepcopy(modules[0]).to("meta")

        def outputs(parameters, buffers, inputs):
            return functional_call(base, (parameters, buffers), inputs).reshape(-1)

        def loss(parameters, buffers, inputs, labels):
            return 0.5 * ((outputs(parameters, buffers, inputs) - labels) ** 2).mean()

        self._outputs = vmap(outputs, in_dims=(0, 0, None))
        self._gradients = vmap(grad_and_value(loss), in_dims=(0, 0, None, 0))

    def predict(self, inputs) -> torch.Tensor:
        with torch.no_grad():
            return self._outputs(self.parameters, self.buffers, inputs)

    def gradients(self, inputs, labels):
        gradients, losses = self._gradients(self.parameters, self.buffers, inputs, labels)
        return gradients, losses


class _LoopedStudents:
    """The reference route: one module per seed, autograd per seed, the same step rule."""

    def __init__(self, modules: list[nn.Module]):
        self.modules = modules
        self.parameters = [dict(module.named_parameters()) for module in modules]
        for module in modules:
            module.requires_grad_(True)

    def predict(self, inputs) -> torch.Tensor:
        with torch.no_grad():
            return torch.stack([module(*inputs).reshape(-1) for module in self.modules])

    def gradients(self, inputs, labels):
        gradients, losses = [], []
        for module, parameters, target in zip(self.modules, self.parameters, labels, strict=True):
            loss = 0.5 * ((module(*inputs).reshape(-1) - target) ** 2).mean()
            values = torch.autograd.grad(loss, list(parameters.values()))
            gradients.append(dict(zip(parameters, values, strict=True)))
            losses.append(loss.detach())
        return gradients, torch.stack(losses)


def _choose_members(config: Experiment, setup: _Setup) -> np.ndarray:
    """Teacher member of each seed: seed ``s`` picks uniformly among the candidates,
    distinct seeds taking distinct members while there are enough."""
    candidates = setup.candidates
    chosen: list[int] = []
    for seed in config.seeds:
        generator = np.random.default_rng([int(seed), 11])
        order = generator.permutation(len(candidates))
        pick = next((int(candidates[i]) for i in order if int(candidates[i]) not in chosen),
                    int(candidates[order[0]]))
        chosen.append(pick)
    return np.array(chosen, dtype=np.int64)


def run(config: Experiment, *, device: str = "auto", method: str = "batched",
        progress: bool = False) -> list[dict]:
    """Train every seed of ``config`` and return tidy records (PAPER §4.7 protocol, **ours**).

    One record per seed and checkpoint (steps ``0, eval_every, 2·eval_every, …, steps``):
    the configuration's fields (``seeds`` replaced by ``seed``), ``config_hash``,
    ``member`` (the teacher's position in its family), ``variant`` (``"online"`` or
    ``"fixed"``), ``step``, ``train_loss`` (online: mean MSE of the batches since the
    last checkpoint, before each update; fixed: MSE on the whole training set),
    ``test_loss`` (MSE on ``n_test`` fresh points), ``trivial_loss`` (MSE of predicting 0
    on the same test points: ``≈ E[f*²] = 1``), ``wall_time`` (seconds since the run
    started), ``device``.

    ``method="batched"`` trains all seeds at once with ``torch.func`` (``vmap`` over
    stacked parameters, :class:`_BatchedStudents`); ``"loop"`` trains them one after the
    other with plain autograd — same numbers to float tolerance (tested), slower.
    ``progress=True`` shows a ``tqdm.auto`` bar (a widget in JupyterLab, text in a terminal).
    """
    if not isinstance(config, Experiment):
        raise TypeError(f"config must be a csqlab.train.Experiment, got {type(config).__name__}")
    if method not in ("batched", "loop"):
        raise ValueError(f"method must be 'batched' or 'loop', got {method!r}")
    from tqdm.auto import tqdm

    start = time.perf_counter()
    device = resolve_device(device)
    dtype = _DTYPES[config.dtype]
    setup = FAMILIES[config.family].build(config)
    members = _choose_members(config, setup)
    data = _Data(config, setup, members, device, dtype)
    modules = [setup.student(seed, dtype).to(device) for seed in config.seeds]
    students = _BatchedStudents(modules) if method == "batched" else _LoopedStudents(modules)
    step_rule = _STEP_RULES[config.optimiser]
    states: list[dict] = [{} for _ in config.seeds]
    test_inputs = setup.inputs(data.x_test)
    trivial = (data.y_test**2).mean(dim=1)
    pending_losses: list[torch.Tensor] = []
    records: list[dict] = []
    base = {key: value for key, value in config.as_dict().items() if key != "seeds"}
    base["config_hash"] = config_hash(config)
    base["variant"] = "online" if config.online else "fixed"
    base["device"] = device.type

    def checkpoint(step: int, batch_losses: torch.Tensor | None) -> None:
        test = ((students.predict(test_inputs) - data.y_test) ** 2).mean(dim=1)
        if config.online:
            train = 2.0 * batch_losses if batch_losses is not None else None
        else:
            train_outputs = students.predict(setup.inputs(data.x_train))
            train = ((train_outputs - data.y_train) ** 2).mean(dim=1)
        elapsed = time.perf_counter() - start
        for index, seed in enumerate(config.seeds):
            records.append({**base, "seed": int(seed), "member": int(members[index]),
                            "step": step,
                            "train_loss": float("nan") if train is None else float(train[index]),
                            "test_loss": float(test[index]),
                            "trivial_loss": float(trivial[index]),
                            "wall_time": round(elapsed, 4)})

    bar = tqdm(total=config.steps, disable=not progress, leave=False,
               desc=f"{config.family} n={config.size} lr={config.lr:g}")
    for step in range(1, config.steps + 1):
        x, y = data.batch()
        inputs = setup.inputs(x)
        gradients, losses = students.gradients(inputs, y)
        if step == 1 and config.online:
            checkpoint(0, losses.detach())
        elif step == 1:
            checkpoint(0, None)
        pending_losses.append(losses.detach())
        if method == "batched":
            step_rule(students.parameters, gradients, states[0], step, config.lr)
        else:
            for parameters, grads, state in zip(students.parameters, gradients, states,
                                                strict=True):
                step_rule(parameters, grads, state, step, config.lr)
        if step % config.eval_every == 0 or step == config.steps:
            checkpoint(step, torch.stack(pending_losses).mean(dim=0))
            pending_losses = []
        bar.update(1)
    bar.close()
    if config.steps == 0:
        checkpoint(0, None)
    return records


# --------------------------------------------------------------------------- cache and sweeps


class CacheCorruptionWarning(UserWarning):
    """A :class:`ResultCache` entry failed to parse or verify: it is not used, and
    :func:`sweep` recomputes the run and overwrites the entry."""


class CacheDirectoryError(ValueError):
    """A :class:`ResultCache` directory cannot take new files (missing parent, a regular
    file in the way, no permission, full disk); the message names the directory."""


def _records_checksum(records) -> str:
    """SHA-256 (hex) of records as canonical JSON (sorted keys, no spaces): the same for
    the records stored and for the records parsed back from the file."""
    text = json.dumps(records, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Finished runs on disk, one JSON file per configuration, keyed by :func:`cache_key`
    (configuration hash + package version).

    Files are written atomically (a temporary file in the same directory, flushed to disk,
    then ``os.replace``), so an interrupted sweep never leaves a half-written result: a run
    is either fully cached or absent, and re-running the sweep resumes from the missing
    ones. Each entry holds the configuration, its hash, the package version, the records
    and ``records_sha256``, the SHA-256 of the records (:func:`_records_checksum`).
    :meth:`load` uses an entry only when it parses, is for this configuration and its
    records match the checksum; anything else (a number edited by hand, invalid UTF-8,
    ``null``, no records, an entry written before checksums existed, a directory in the
    entry's place) is reported with a :class:`CacheCorruptionWarning` and treated as
    absent, so :func:`sweep` recomputes it and :meth:`store` overwrites it.
    """

    def __init__(self, directory):
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"directory must be a path, got {type(directory).__name__}")
        self.directory = Path(directory)

    def path(self, config: Experiment) -> Path:
        return self.directory / f"{cache_key(config)}.json"

    def __contains__(self, config: Experiment) -> bool:
        """True when ``config`` has an entry that verifies (checked quietly)."""
        records, _ = self._read(config)
        return records is not None

    def _read(self, config: Experiment) -> tuple[list[dict] | None, str | None]:
        """``(records, None)`` for an entry that verifies, ``(None, None)`` when absent,
        ``(None, reason)`` when the entry is damaged or not this configuration's."""
        path = self.path(config)
        if path.is_dir():
            return None, "a directory, not a file"
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None, None  # absent (a directory that cannot exist: check_writable says)
        except OSError as error:
            return None, f"unreadable: {error.strerror or error}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, f"not valid UTF-8 at byte {error.start}"
        try:
            content = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            return None, f"not valid JSON: {getattr(error, 'msg', error)}"
        if not isinstance(content, dict):
            kind = ("null" if content is None else "an array" if isinstance(content, list)
                    else "a string" if isinstance(content, str) else "a bare value")
            return None, f"not a JSON object but {kind}"
        if "config_hash" not in content:
            return None, "no configuration hash"
        if content["config_hash"] != config_hash(config):
            return None, "written for another configuration"
        records = content.get("records")
        if records is None:
            return None, "no records"
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return None, "records are not a list of objects"
        checksum = content.get("records_sha256")
        if checksum is None:
            return None, "no checksum: written by an older csqlab"
        if checksum != _records_checksum(records):
            return None, "checksum of the records does not match: edited or damaged"
        if any(row.get("config_hash") != content["config_hash"] for row in records):
            return None, "records of another configuration"
        return records, None

    def load(self, config: Experiment) -> list[dict] | None:
        """The cached records of ``config``; None when absent, or when the entry fails to
        parse or verify — then reported once with a :class:`CacheCorruptionWarning`
        (``cache entry PATH is corrupt (REASON); recomputing``) and never used."""
        records, reason = self._read(config)
        if reason is not None:
            warnings.warn(f"cache entry {self.path(config)} is corrupt ({reason}); recomputing",
                          CacheCorruptionWarning, stacklevel=2)
        return records

    def _refuse(self, error: OSError) -> CacheDirectoryError:
        reason = error.strerror or str(error)
        return CacheDirectoryError(
            f"cache directory {self.directory} cannot take new files ({reason}): choose "
            "another directory (--cache DIR on the command line, cache_dir= in Python) or "
            "make this one writable")

    def check_writable(self) -> None:
        """Create the directory if needed and a probe file in it, then delete the probe;
        :class:`CacheDirectoryError` (a ValueError naming the directory and what to do)
        when that fails. :func:`sweep` calls this before any training."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(dir=self.directory, prefix=".probe-")
            os.close(handle)
            os.unlink(probe)
        except OSError as error:
            raise self._refuse(error) from error

    def store(self, config: Experiment, records: list[dict]) -> Path:
        """Write ``records`` for ``config`` atomically, with their checksum; returns the
        file's path. A directory in the entry's place is removed first (the cache owns
        its entries' names); :class:`CacheDirectoryError` when the directory cannot take
        the file."""
        from csqlab import __version__

        path = self.path(config)
        content = {"config": config.as_dict(), "config_hash": config_hash(config),
                   "version": __version__, "records_sha256": _records_checksum(records),
                   "records": records}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            _write_atomically(path, json.dumps(content).encode())
        except OSError as error:
            raise self._refuse(error) from error
        return path


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same directory,
    flushed to disk, and ``os.replace``: readers see the old file or the new one, never
    half of one (not even after a crash of the machine)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; results are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@dataclass
class SweepResult:
    """Records of every configuration of a sweep, and how many runs were executed now
    versus loaded from the cache."""

    records: list[dict]
    executed: int
    loaded: int
    seconds: float


def _run_and_store(config: Experiment, directory, device: str, progress: bool) -> list[dict]:
    records = run(config, device=device, progress=progress)
    if directory is not None:
        ResultCache(directory).store(config, records)
    return records


def _joblib_or_none(n_jobs: int):
    try:
        import joblib
    except ImportError:
        print(f"n_jobs={n_jobs} asks for parallel runs, but joblib is not installed: running "
              "the sweep in one process (pip install joblib to spread it over workers)")
        return None
    return joblib


def sweep(configs, *, cache_dir=None, n_jobs: int = 1, backend: str | None = None,
          device: str = "auto", progress: bool = True, after_run: Callable | None = None
          ) -> SweepResult:
    """Run (or load from ``cache_dir``) every configuration; records of all of them.

    With ``cache_dir``, each finished run is stored at once (:class:`ResultCache`), so a
    sweep killed half-way resumes where it stopped and loses no finished run. An entry
    that fails to parse or verify is reported (:class:`CacheCorruptionWarning`) and
    recomputed, never used; when anything is to be computed, the directory is checked
    first with a probe file (:meth:`ResultCache.check_writable`), so a cache that cannot
    take the results fails with :class:`CacheDirectoryError` before any training (a
    complete cache loads from a read-only directory).
    ``after_run(config, records)`` is called after each run executed here (progress
    reports; tests inject failures with it).

    Parallel runs: ``n_jobs > 1`` (or ``-1``, all cores) spreads the runs over workers with
    ``joblib.Parallel(n_jobs, backend=backend)`` — imported lazily; if joblib is missing
    the sweep says so and runs in one process. Each worker stores its own results. On a
    cluster, joblib hands the runs to Dask or Ray::

        from dask.distributed import Client        # or: from ray.util.joblib import register_ray
        client = Client("scheduler-address:8786")  #      register_ray()
        sweep(configs, cache_dir="shared/cache", n_jobs=-1, backend="dask")   # or "ray"

    (or wrap the call in ``joblib.parallel_config(backend="dask")``); the cache directory
    must then be on a file system every worker sees.
    """
    configs = list(configs)
    for config in configs:
        if not isinstance(config, Experiment):
            raise TypeError(f"configs must hold csqlab.train.Experiment objects, got "
                            f"{type(config).__name__}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    if after_run is not None and not callable(after_run):
        raise TypeError(f"after_run must be callable or None, got {type(after_run).__name__}")
    from tqdm.auto import tqdm

    start = time.perf_counter()
    cache = None if cache_dir is None else ResultCache(cache_dir)
    results: dict[int, list[dict]] = {}
    pending = []
    for index, config in enumerate(configs):
        cached = None if cache is None else cache.load(config)
        if cached is not None:
            results[index] = cached
        else:
            pending.append(index)
    loaded = len(results)
    if cache is not None and pending:
        cache.check_writable()  # before any training: a run that cannot be stored is lost
    joblib = _joblib_or_none(n_jobs) if n_jobs != 1 and len(pending) > 1 else None
    if joblib is not None:
        outputs = joblib.Parallel(n_jobs=n_jobs, backend=backend)(
            joblib.delayed(_run_and_store)(configs[i], cache_dir, device, False) for i in pending)
        for index, records in zip(pending, outputs, strict=True):
            results[index] = records
            if after_run is not None:
                after_run(configs[index], records)
    else:
        for index in tqdm(pending, disable=not progress, desc="runs"):
            records = _run_and_store(configs[index], cache_dir, device, progress)
            results[index] = records
            if after_run is not None:
                after_run(configs[index], records)
    records = [row for index in range(len(configs)) for row in results[index]]
    return SweepResult(records, len(pending), loaded, time.perf_counter() - start)


# --------------------------------------------------------------------------- summaries


def final_losses(records: list[dict], *, step: int | None = None) -> list[dict]:
    """Test MSE at the last checkpoint (or at ``step``) per configuration, averaged over seeds.

    One row per ``(family, size, lr, variant, width, …)`` configuration hash: the
    configuration fields, ``test_mean``, ``test_std`` (over seeds, ``ddof=0``),
    ``train_mean``, ``trivial_mean``, ``n_seeds``, ``step``."""
    groups: dict[str, list[dict]] = {}
    for row in records:
        groups.setdefault(row["config_hash"], []).append(row)
    summary = []
    for rows in groups.values():
        target = max(r["step"] for r in rows) if step is None else step
        last = [r for r in rows if r["step"] == target]
        if not last:
            continue
        test = np.array([r["test_loss"] for r in last])
        train_values = np.array([r["train_loss"] for r in last], dtype=float)
        keep = {k: v for k, v in last[0].items()
                if k not in ("seed", "member", "step", "train_loss", "test_loss",
                             "trivial_loss", "wall_time")}
        summary.append({**keep, "step": target, "test_mean": float(test.mean()),
                        "test_std": float(test.std()),
                        "train_mean": float(np.nanmean(train_values))
                        if np.isfinite(train_values).any() else float("nan"),
                        "trivial_mean": float(np.mean([r["trivial_loss"] for r in last])),
                        "n_seeds": len(last)})
    return summary


def best_over_learning_rates(records: list[dict]) -> list[dict]:
    """For each ``(family, model, size, variant)``: the summary row of the learning rate
    with the lowest final mean test MSE — the sweep's most favourable setting for GD."""
    best: dict[tuple, dict] = {}
    for row in final_losses(records):
        key = (row["family"], row["model"], row["size"], row["variant"])
        if key not in best or row["test_mean"] < best[key]["test_mean"]:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r["family"], r["variant"], r["size"]))


# --------------------------------------------------------------------------- named experiments

QUICK_LEARNING_RATES = (1e-3, 3e-3)
"""The subset of the learning-rate sweep used in quick mode."""
FULL_LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3)
"""The learning-rate sweep of our protocol (PAPER §4.7 **[ours]**), used in full mode."""
QUICK_SEEDS = (0, 1, 2)
FULL_SEEDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class ExperimentSpec:
    """A named experiment: ``configs(mode)`` lists its :class:`Experiment` runs for a mode of
    :data:`MODES`; ``figure(records, title)`` draws the paper-style figure from its records.
    ``section`` is the result of PAPER §4 it serves (or ``"contrast"``)."""

    name: str
    title: str
    section: str
    description: str
    configs: Callable[[str], list[Experiment]]
    figure: Callable[[list[dict], str], object]


MODES = ("quick", "full")
"""Sweep sizes: ``quick`` (under a minute per experiment on two cores; the lessons and the
CLI default) and ``full`` (``--full``: all four learning rates, five seeds, more sizes and
steps; the results shipped in ``csqlab/data``)."""


def _protocol_configs(model: str, family: str, group: str, sizes: dict, width: Callable[[int], int],
                      degree: int, steps: dict, mode: str, n_train: int | None = None,
                      rates: dict | None = None) -> list[Experiment]:
    """The protocol's grid for one mode: sizes × learning rates, all seeds of a run trained
    together (``sizes``/``steps``/``rates`` map a mode to its values)."""
    rates = (rates or {}).get(mode) or (QUICK_LEARNING_RATES if mode == "quick"
                                       else FULL_LEARNING_RATES)
    seeds = QUICK_SEEDS if mode == "quick" else FULL_SEEDS
    return [Experiment(model, family, group, size, width(size), degree=degree, lr=lr,
                       batch=256 if mode == "full" else 128, steps=steps[mode], n_train=n_train,
                       n_test={"quick": 1024, "full": 4096}[mode], seeds=seeds,
                       eval_every=max(1, steps[mode] // 20), dtype="float32")
            for size in sizes[mode] for lr in rates]


def _figure_size_sweep(records: list[dict], title: str, size_name: str = "n"):
    """Two panels: left, test MSE during training (best learning rate per size, mean ± std
    over seeds); right, final test MSE against size for every learning rate of the sweep,
    with the trivial line at 1."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    best = {row["size"]: row for row in best_over_learning_rates(records)
            if row["variant"] == "online"} or {
        row["size"]: row for row in best_over_learning_rates(records)}
    curves, steps = {}, None
    for size, row in sorted(best.items()):
        rows = [r for r in records if r["config_hash"] == row["config_hash"]]
        steps = sorted({r["step"] for r in rows})
        seeds = sorted({r["seed"] for r in rows})
        table = {(r["seed"], r["step"]): r["test_loss"] for r in rows}
        curves[size] = np.array([[table[(s, t)] for t in steps] for s in seeds])
    plotting.plot_loss_curves(steps, curves, ax=left, size_name=size_name,
                              title="Test MSE during training (best learning rate)")
    top = max(1.6, min(3.0, 1.1 * max(float(c[:, 1:].mean(axis=0).max()) if c.shape[1] > 1
                                       else 1.0 for c in curves.values())))
    left.set_ylim(0.0, top)
    summary = final_losses(records)
    for lr in sorted({row["lr"] for row in summary}):
        rows = sorted((r for r in summary if r["lr"] == lr), key=lambda r: r["size"])
        sizes = [r["size"] for r in rows]
        finals = [np.array([x["test_loss"] for x in records
                            if x["config_hash"] == r["config_hash"] and x["step"] == r["step"]])
                  for r in rows]
        plotting.plot_final_loss_vs_size(sizes, finals, ax=right, label=f"lr = {lr:g}",
                                         xlabel=f"input size {size_name}",
                                         title="Final test MSE against size")
    right.set_ylim(0.0, max(1.6, right.get_ylim()[1]))
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def _figure_fixed_train_set(records: list[dict], title: str, size_name: str = "n"):
    """Final train and test MSE against size, fixed training set versus online batches
    (best learning rate each): memorising the training set is not learning."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    figure, ax = plt.subplots(figsize=(6, 4))
    for variant, name in (("fixed", "fixed training set"), ("online", "online (fresh batches)")):
        rows = [r for r in best_over_learning_rates(records) if r["variant"] == variant]
        if not rows:
            continue
        sizes = [r["size"] for r in rows]
        for column, what in (("test_loss", "test"), ("train_loss", "train")):
            if variant == "online" and what == "train":
                continue
            finals = [np.array([x[column] for x in records
                                if x["config_hash"] == r["config_hash"] and x["step"] == r["step"]])
                      for r in rows]
            plotting.plot_final_loss_vs_size(sizes, finals, ax=ax, label=f"{name}: {what} MSE",
                                             xlabel=f"input size {size_name}",
                                             ylabel="final MSE", title=title)
    ax.set_ylim(0.0, max(1.6, ax.get_ylim()[1]))
    figure.tight_layout()
    return figure


_SUCCESS_LEVEL = 0.1


def steps_to_success(records: list[dict], level: float = _SUCCESS_LEVEL) -> list[dict]:
    """First checkpoint at which each seed's test MSE falls below ``level`` (NaN if never):
    one row per ``(size, lr, seed)`` with ``steps`` — the sparse-parity contrast's measure."""
    level = _check_positive(level, "level")
    runs: dict[tuple, list[dict]] = {}
    for row in records:
        runs.setdefault((row["size"], row["lr"], row["seed"]), []).append(row)
    result = []
    for (size, lr, seed), rows in sorted(runs.items()):
        hits = [r["step"] for r in sorted(rows, key=lambda r: r["step"]) if r["test_loss"] < level]
        result.append({"size": size, "lr": lr, "seed": seed,
                       "steps": float(hits[0]) if hits else float("nan")})
    return result


def _figure_sparse_parity(records: list[dict], title: str):
    """Left: test MSE against steps (plateau, then a sudden drop), one line per n; right:
    steps to reach test MSE 0.1 against n, log–log, with the fitted power ``n^a``."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    lr = min(r["lr"] for r in records)
    curves, steps = {}, None
    for size in sorted({r["size"] for r in records}):
        rows = [r for r in records if r["size"] == size and r["lr"] == lr]
        steps = sorted({r["step"] for r in rows})
        table = {(r["seed"], r["step"]): r["test_loss"] for r in rows}
        curves[size] = np.array([[table[(s, t)] for t in steps]
                                 for s in sorted({r["seed"] for r in rows})])
    plotting.plot_loss_curves(steps, curves, ax=left, title="Test MSE: plateau, then a drop")
    left.set_ylim(0.0, 1.6)
    hits = [r for r in steps_to_success(records) if r["lr"] == lr]
    sizes = np.array(sorted({r["size"] for r in hits}), dtype=float)
    per_size = [np.array([r["steps"] for r in hits if r["size"] == s]) for s in sizes]
    means = np.array([np.nanmean(v) if np.isfinite(v).any() else np.nan for v in per_size])
    right.loglog(sizes, means, label=f"mean over seeds (lr = {lr:g})")
    for size, values in zip(sizes, per_size, strict=True):
        right.plot(np.full(len(values), size), values, linestyle="", marker=".", color="0.5")
    ok = np.isfinite(means)
    if ok.sum() >= 2:
        slope, intercept = np.polyfit(np.log(sizes[ok]), np.log(means[ok]), 1)
        right.loglog(sizes, np.exp(intercept) * sizes**slope, linestyle="--", marker="",
                     label=f"fit $\\propto n^{{{slope:.1f}}}$")
    right.set(xlabel="input size n", ylabel=f"steps to test MSE < {_SUCCESS_LEVEL:g}",
              title="Steps to success against n")
    right.legend()
    figure.suptitle(title)
    figure.tight_layout()
    return figure


_SIZES = {"quick": (8, 16, 32), "full": (8, 16, 24, 32, 48)}
_STEPS = {"quick": 300, "full": 1000}

EXPERIMENTS: dict[str, ExperimentSpec] = {}
"""Every experiment ``python -m csqlab reproduce NAME`` can run, by name."""


def _register(spec: ExperimentSpec) -> None:
    EXPERIMENTS[spec.name] = spec


_register(ExperimentSpec(
    "gnn-degree-parity", "GNN on degree-histogram parities (PAPER §4.1)", "§4.1",
    "Message-passing GNN students (node MLP 1 → 2n → 2n, head 2n → 2n → 1: about twice the "
    "teacher's 4n² parameters) learning a degree-histogram parity on directed G(n, 1/2).",
    lambda mode: _protocol_configs("gnn", "degree-parity", "symmetric", _SIZES,
                                   lambda n: 2 * n, 2, _STEPS, mode),
    lambda records, title: _figure_size_sweep(records, title, "n (nodes)")))
_register(ExperimentSpec(
    "gnn-hidden-planes", "GNN with Gaussian node features, hidden planes (PAPER §4.2)", "§4.2",
    "ShallowGNN students of width 16 (the teacher has 2k = 8 units, k = 4) on per-node hidden "
    "planes, one 6-node graph, node features in R^d.",
    lambda mode: _protocol_configs("shallow-gnn", "gnn-planes", "symmetric", _SIZES,
                                   lambda d: 16, 4, _STEPS, mode),
    lambda records, title: _figure_size_sweep(records, title, "d (feature dimension)")))
_register(ExperimentSpec(
    "cnn-hidden-planes", "CNN on cyclically averaged hidden planes (PAPER §4.3)", "§4.3",
    "Circular CNN students (the group-averaged network over C_n, width 16; the teacher has "
    "2k = 8 filters, k = 4), Gaussian inputs in R^n.",
    lambda mode: _protocol_configs("group-averaged", "cnn-planes", "cyclic", _SIZES,
                                   lambda n: 16, 4, _STEPS, mode),
    lambda records, title: _figure_size_sweep(records, title)))
_register(ExperimentSpec(
    "frame-averaged-parities", "Frame-averaged MLP on orbit-averaged parities of ReLUs "
    "(PAPER §4.4)", "§4.4",
    "Frame-averaged MLP students (canonicalisation frame of C_n, one hidden layer of 2·n·2^k "
    "units, twice the teacher's n·2^k, k = 4) on C_n-orbit-averaged parities of ReLUs.",
    lambda mode: _protocol_configs("frame-mlp", "frame-parities", "cyclic", _SIZES,
                                   lambda n: 2 * n * 2**4, 4, _STEPS, mode),
    lambda records, title: _figure_size_sweep(records, title)))
_register(ExperimentSpec(
    "invariant-polynomials", "DeepSets on set monomials (PAPER §4.5, set variant)", "§4.5",
    "ReLU DeepSets students (width 64) on f_S(X) = n^{-1/2} Σ_i Π_{j∈S} X_ij with 8 rows, "
    "|S| = k = 3, features in R^d.",
    lambda mode: _protocol_configs("deepsets", "set-monomials", "symmetric", _SIZES,
                                   lambda d: 64, 3, _STEPS, mode),
    lambda records, title: _figure_size_sweep(records, title, "d (feature dimension)")))
_FIXED_STEPS = {"quick": 600, "full": 2000}
_FIXED_RATES = {"quick": (3e-3,)}
_register(ExperimentSpec(
    "fixed-train-set", "Fixed training set versus online batches (PAPER §4.4 family)", "§4.7",
    "The frame-averaged experiment with a fixed training set of 512 points (minibatches drawn "
    "from it, many epochs) next to online training: train MSE falls, test MSE does not.",
    lambda mode: [*_protocol_configs("frame-mlp", "frame-parities", "cyclic", _SIZES,
                                     lambda n: 2 * n * 2**4, 4, _FIXED_STEPS, mode, n_train=512,
                                     rates=_FIXED_RATES),
                  *_protocol_configs("frame-mlp", "frame-parities", "cyclic", _SIZES,
                                     lambda n: 2 * n * 2**4, 4, _FIXED_STEPS, mode,
                                     rates=_FIXED_RATES)],
    lambda records, title: _figure_fixed_train_set(records, title)))
_register(ExperimentSpec(
    "sparse-parity", "Contrast: sparse parities are learned in n^O(k) steps", "contrast",
    "A width-128 MLP learning a 3-sparse parity on {±1}^n with online Adam (lr 3e-3): a "
    "plateau, then a sudden drop (Barak et al. 2022). Step budgets stay below 2^n.",
    lambda mode: [Experiment("mlp", "sparse-parity", "trivial", n, 128, degree=3, lr=3e-3,
                             batch=128, steps=800 if mode == "quick" else 2000,
                             n_test=1024 if mode == "quick" else 2048,
                             seeds=QUICK_SEEDS if mode == "quick" else FULL_SEEDS, eval_every=20)
                  for n in ((16, 24, 32, 40) if mode == "quick" else (16, 24, 32, 40, 48))],
    lambda records, title: _figure_sparse_parity(records, title)))


def figure_final_losses(records_by_name: dict, columns: int = 3):
    """One panel per experiment: final test MSE against size at the best learning rate
    (mean ± std over seeds), with the trivial line at 1 — the lesson 11 overview of
    PAPER §4.1–4.5 (protocol ours). ``records_by_name`` maps experiment names to records."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    if not records_by_name:
        raise ValueError("records_by_name must map at least one experiment name to records")
    columns = _check_int(columns, "columns", 1)
    rows = -(-len(records_by_name) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows),
                                squeeze=False)
    for ax, (name, records) in zip(axes.flat, records_by_name.items(), strict=False):
        spec = _check_name(name)
        best = [r for r in best_over_learning_rates(records) if r["variant"] == "online"]
        finals = [np.array([x["test_loss"] for x in records
                            if x["config_hash"] == r["config_hash"] and x["step"] == r["step"]])
                  for r in best]
        plotting.plot_final_loss_vs_size([r["size"] for r in best], finals, ax=ax,
                                         label="best lr", title=f"{spec.section}: {name}",
                                         xlabel="input size")
        ax.set_ylim(0.0, 1.6)
    for ax in list(axes.flat)[len(records_by_name):]:
        ax.set_visible(False)
    figure.tight_layout()
    return figure


# --------------------------------------------------------------------------- reproduce


@dataclass
class Reproduction:
    """What :func:`reproduce` did: the records, runs executed/loaded, wall time, and the
    files written (CSV and JSON of the records, the PNG figure)."""

    name: str
    full: bool
    records: list[dict]
    executed: int
    loaded: int
    seconds: float
    paths: dict


def _check_name(name: str) -> ExperimentSpec:
    if name not in EXPERIMENTS:
        raise ValueError(f"name must be one of {sorted(EXPERIMENTS)}, got {name!r}")
    return EXPERIMENTS[name]


def experiment_configs(name: str, mode: str = "quick") -> list[Experiment]:
    """The configurations of experiment ``name`` in a mode of :data:`MODES`."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    return _check_name(name).configs(mode)


def write_records(records: list[dict], path) -> Path:
    """Records as CSV (header from the first record's keys; ``None`` written empty)."""
    import csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


def experiment_figure(name: str, records: list[dict]):
    """The figure of experiment ``name`` drawn from ``records`` (a matplotlib Figure)."""
    spec = _check_name(name)
    if not records:
        raise ValueError("records must not be empty")
    return spec.figure(records, spec.title)


def reproduce(name: str, *, full: bool = False, out=None, cache_dir=None, device: str = "auto",
              progress: bool = True, n_jobs: int = 1) -> Reproduction:
    """Run experiment ``name`` (quick mode, or ``full=True``) and write its results.

    Runs go through :func:`sweep` with the cache in ``cache_dir`` (default
    ``<out>/cache``; finished runs are reused, an interrupted reproduction resumes).
    Writes ``<out>/<name>[-full].csv`` and ``.json`` (the records) and ``.png`` (the
    figure) when ``out`` is given."""
    spec = _check_name(name)
    if out is not None and cache_dir is None:
        cache_dir = Path(out) / "cache"
    result = sweep(spec.configs("full" if full else "quick"), cache_dir=cache_dir, device=device,
                   progress=progress, n_jobs=n_jobs)
    paths = {}
    if out is not None:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        stem = Path(out) / (name + ("-full" if full else ""))
        paths["csv"] = write_records(result.records, stem.with_suffix(".csv"))
        paths["json"] = stem.with_suffix(".json")
        paths["json"].write_text(json.dumps(result.records))
        figure = experiment_figure(name, result.records)
        paths["png"] = stem.with_suffix(".png")
        figure.savefig(paths["png"])
        plt.close(figure)
    return Reproduction(name, bool(full), result.records, result.executed, result.loaded,
                        result.seconds, paths)


# --------------------------------------------------------------------------- shipped results

DATA_MANIFEST = "manifest.json"


def _data_directory() -> Path:
    from importlib import resources

    return Path(str(resources.files("csqlab") / "data"))


def _data_path(data_dir) -> Path:
    if data_dir is None:
        return _data_directory()
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a path or None, got {type(data_dir).__name__}")
    return Path(data_dir)


_RESTORE = ("restore it (reinstall csqlab, or git checkout csqlab/data) or regenerate it with "
            "python -m csqlab cache-results")


def cached_experiments(*, data_dir=None) -> dict:
    """The manifest of results shipped in ``csqlab/data`` (or ``data_dir``): per experiment
    the file, its SHA-256, the mode (``"full"``), the configuration hashes, the package
    version that computed it and the wall time it took. ``{}`` without a manifest;
    ValueError naming the manifest when it is unreadable."""
    path = _data_path(data_dir) / DATA_MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the manifest {path} of the shipped results is unreadable "
                         f"({error}): {_RESTORE}") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("experiments"), dict):
        raise ValueError(f"the manifest {path} of the shipped results has no table of "
                         f"experiments: {_RESTORE}")
    return manifest["experiments"]


def load_cached(name: str, *, data_dir=None) -> list[dict]:
    """Records of experiment ``name`` shipped with the package (or stored in ``data_dir``
    by :func:`cache_results`), checked against the manifest's SHA-256 before use;
    ValueError naming the file when it is missing, unreadable or differs by one byte."""
    import gzip

    _check_name(name)
    directory = _data_path(data_dir)
    manifest_path = directory / DATA_MANIFEST
    manifest = cached_experiments(data_dir=directory)
    if name not in manifest:
        raise ValueError(f"name must be one of the cached experiments {sorted(manifest)}, "
                         f"got {name!r}")
    entry = manifest[name]
    file = entry.get("file") if isinstance(entry, dict) else None
    if (not isinstance(file, str) or Path(file).name != file or file in ("", ".", "..")
            or not isinstance(entry.get("sha256"), str)):
        raise ValueError(f"the manifest {manifest_path} has no valid file name and SHA-256 "
                         f"for {name!r} (a plain file name in {directory} is expected): "
                         f"{_RESTORE}")
    path = directory / file
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"the shipped file {path} is missing: {_RESTORE}") from None
    except OSError as error:
        raise ValueError(f"the shipped file {path} is unreadable ({error.strerror or error}): "
                         f"{_RESTORE}") from error
    if hashlib.sha256(content).hexdigest() != entry["sha256"]:
        raise ValueError(f"the shipped file {path} does not match its SHA-256 in the manifest "
                         f"{manifest_path} (corrupted or edited): {_RESTORE}")
    try:
        records = json.loads(gzip.decompress(content))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the shipped file {path} matches its SHA-256 but is not gzipped "
                         f"JSON records ({error}): {_RESTORE}") from error
    if not isinstance(records, list) or len(records) != entry.get("records", len(records)):
        raise ValueError(f"the shipped file {path} does not hold the {entry.get('records')} "
                         f"records its manifest {manifest_path} lists: {_RESTORE}")
    return records


def _compute_seconds(records: list[dict]) -> float:
    """Training time of a sweep from its records: the sum over configurations of the last
    checkpoint's wall time (the same whether the runs were executed now or loaded)."""
    last: dict[str, float] = {}
    for row in records:
        last[row["config_hash"]] = max(last.get(row["config_hash"], 0.0), row["wall_time"])
    return float(sum(last.values()))


def cache_results(names=None, *, cache_dir=None, progress: bool = True) -> dict:
    """Compute experiments in full mode and store their records in ``csqlab/data`` with the
    manifest (developer tool behind ``python -m csqlab cache-results``). Files are gzipped
    JSON with a zero timestamp: the same records give the same bytes and the same SHA-256.
    Each file and the manifest are written atomically, one experiment at a time, so an
    interrupted recomputation keeps every experiment it finished (and the runs of the one
    it was in, when ``cache_dir`` is given)."""
    import gzip

    from csqlab import __version__

    names = sorted(EXPERIMENTS) if names is None else list(names)
    for name in names:
        _check_name(name)
    directory = _data_directory()
    directory.mkdir(exist_ok=True)
    manifest_path = directory / DATA_MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {
        "experiments": {}}
    for name in names:
        configs = experiment_configs(name, "full")
        result = sweep(configs, cache_dir=cache_dir, progress=progress)
        content = gzip.compress(json.dumps(result.records, separators=(",", ":")).encode(),
                                compresslevel=9, mtime=0)
        file = f"{name}.json.gz"
        _write_atomically(directory / file, content)
        manifest["experiments"][name] = {
            "file": file, "sha256": hashlib.sha256(content).hexdigest(), "mode": "full",
            "config_hashes": [config_hash(c) for c in configs],
            "version": __version__, "seconds": round(_compute_seconds(result.records), 1),
            "records": len(result.records)}
        _write_atomically(manifest_path,
                          (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    return manifest["experiments"]
