"""Gradient descent is a CSQ algorithm (lesson 4; the CSQ setting).

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

What this module does not cover (lesson 4's box):
single-sample SGD in exact arithmetic, SGD that reuses samples, and losses that are not
affine in the label with real-valued labels are not CSQ algorithms in this sense.

All computations here are in float64. Nothing draws random numbers except the seeded
initialisation of :func:`two_layer_network`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
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
]

_MAX_CUBE_DIMENSION = 16
_METHODS = ("auto", "vmap", "jacfwd")
_ORACLES = (_oracles.ExactOracle, _oracles.SampleOracle, _oracles.AdversarialOracle)

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
