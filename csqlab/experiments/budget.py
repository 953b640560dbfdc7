"""What gradient descent spends against what the counting lemma demands (lesson 11).

A run of ``T`` online steps with batches of ``B`` fresh samples draws ``T·B`` samples and,
read as a CSQ algorithm (lesson 4), issues ``T·p`` correlational queries: one per parameter
of the student per step, each an average over ``B`` samples, so of tolerance about
``τ = 1/√B``. The counting lemma asks ``q ≥ m(τ² − γ)/2`` queries of tolerance ``τ`` from
any CSQ learner of a family of ``m`` members with pairwise correlations ``≤ γ``. The runs
*illustrate* the bound only; they would *follow* from it at a size where ``q > T·p``.
:func:`budget_table` prints both at every trained size; :func:`bound_applies_from`
finds the sizes from which the lemma applies (``τ² > γ``) and from which it is non-vacuous
(``q > T·p``), with ``T``, ``B`` and the width rule of the experiment kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from csqlab._validation import _check_int
from csqlab.bounds import BoundCurve, tolerance_from_samples
from csqlab.experiments.config import Experiment
from csqlab.experiments.registry import WIDTH_RULES, experiment_configs

_HIDDEN_PLANE_C = 0.25
"""The overlap exponent of the hidden-plane packings, ``t = d^{c − 1/2}`` (lessons 8, 9)."""


def student_parameters(config: Experiment) -> int:
    """The number ``p`` of trainable parameters of the student of ``config``, in closed form
    (so it can be evaluated at sizes too large to build): message-passing GNN and DeepSets
    ``in·w + 2w² + 4w + 1`` (node MLP ``in → w → w``, head ``w → w → 1``; ``in = 1`` for
    the degree-parity GNN, ``d`` for DeepSets); ShallowGNN and the group-averaged network
    ``d·w + w``; frame-averaged MLP and MLP ``(n + 2)·w + 1``."""
    if not isinstance(config, Experiment):
        raise TypeError(f"config must be a csqlab.experiments.Experiment, got {type(config).__name__}")
    n, w = config.size, config.width
    if config.model == "gnn":
        return w + 2 * w * w + 4 * w + 1
    if config.model == "deepsets":
        return n * w + 2 * w * w + 4 * w + 1
    if config.model in ("shallow-gnn", "group-averaged"):
        return n * w + w
    if config.model in ("frame-mlp", "mlp"):
        return (n + 2) * w + 1
    raise ValueError(f"config.model {config.model!r} has no parameter count")


def family_bound(name: str, sizes, tolerance: float) -> BoundCurve:
    """The counting-lemma curve of the family experiment ``name`` trains, at ``sizes``:
    degree-histogram parities with a window of ``round(√n)`` degrees (exact γ); per-node
    and group-averaged hidden planes (``k = 4``, packings with ``c = 1/4``, the 6-node graph
    of the experiment for §4.2, ``|G| = n`` for §4.3); orbit-averaged parities of ReLUs
    (``k = 4``, ``C(n, 4)/n`` orbits, γ = 0); set monomials and sparse parities (``k = 3``,
    ``C(d, 3)`` orthonormal members)."""
    from csqlab.hard import classical, cnn, frames, gnn

    sizes = np.asarray(sizes, dtype=float)
    if name == "gnn-degree-parity":
        return gnn.degree_parity_bound_curve(sizes, tolerance, c=0.5)
    if name == "gnn-hidden-planes":
        config = experiment_configs(name, "full")[0]
        graph = gnn.sample_graphs(6, 1, directed=False, seed=config.data_seed)[0]
        return gnn.gnn_hidden_plane_bound_curve(sizes, config.degree, _HIDDEN_PLANE_C,
                                                tolerance, gnn.graph_factor(graph))
    if name == "cnn-hidden-planes":
        return cnn.group_averaged_plane_bound_curve(sizes, 4, _HIDDEN_PLANE_C, tolerance,
                                                    lambda n: n)
    if name == "frame-averaged-parities":
        return frames.frame_averaged_bound_curve(sizes, tolerance, "cyclic", k=4)
    if name in ("invariant-polynomials", "sparse-parity"):
        return classical.parity_bound_curve(sizes, tolerance, k=3)
    raise ValueError(f"name must be one of {sorted(WIDTH_RULES)}, got {name!r}")


@dataclass(frozen=True)
class BudgetRow:
    """One trained size: ``steps`` T, ``batch`` B, ``samples`` T·B, ``parameters`` p,
    ``log10_queries`` log10(T·p), ``tolerance`` τ = 1/√B, the family's ``gamma`` and
    ``log10_m``, the lemma's ``log10_bound`` (log10 q; None where not applicable)."""

    name: str
    size: int
    steps: int
    batch: int
    samples: int
    parameters: int
    log10_queries: float
    tolerance: float
    gamma: float
    log10_m: float
    log10_bound: float | None

    @property
    def vacuous(self) -> bool:
        """True when the lemma gives nothing or asks fewer queries than GD issues."""
        return self.log10_bound is None or self.log10_bound <= self.log10_queries


def _config_at(config: Experiment, name: str, size: int) -> Experiment:
    import dataclasses

    return dataclasses.replace(config, size=size, width=WIDTH_RULES[name](size))


def budget_table(name: str) -> list[BudgetRow]:
    """One :class:`BudgetRow` per size of the full sweep of experiment ``name`` (one of
    :data:`~csqlab.experiments.registry.WIDTH_RULES`)."""
    if name not in WIDTH_RULES:
        raise ValueError(f"name must be one of {sorted(WIDTH_RULES)}, got {name!r}")
    configs = {c.size: c for c in experiment_configs(name, "full")}
    sizes = sorted(configs)
    tolerance = tolerance_from_samples(configs[sizes[0]].batch)
    curve = family_bound(name, sizes, tolerance)
    rows = []
    for index, size in enumerate(sizes):
        config = configs[size]
        p = student_parameters(config)
        rows.append(BudgetRow(name, size, config.steps, config.batch, config.steps * config.batch,
                              p, math.log10(config.steps * p), tolerance,
                              float(curve.gamma[index]), float(curve.log10_m[index]),
                              float(curve.log10_min_queries[index])
                              if curve.applicable[index] else None))
    return rows


@dataclass(frozen=True)
class Crossover:
    """Sizes from which the lemma applies (``τ² > γ``) and is non-vacuous (``q > T·p``) for
    experiment ``name`` with its ``T``, ``B`` and width rule; None if not below ``limit``."""

    name: str
    applies_from: int | None
    non_vacuous_from: int | None
    limit: int


_SCAN = 4096


def _first(holds: np.ndarray, condition, start: int, limit: int) -> int | None:
    """Smallest ``n ≥ start`` from which the condition holds at every size up to ``limit``.

    ``holds[i]`` is the condition at ``start + i`` for every size up to ``min(limit, 4096)``
    (the degree parities' q is a sawtooth: it jumps when ``round(√n)`` grows and falls
    behind ``T·p`` in between); beyond, ``condition(n)`` is assumed to stay true once true
    (doubling, then bisection)."""
    top = start + len(holds) - 1
    if holds[-1]:
        index = len(holds) - 1
        while index > 0 and holds[index - 1]:
            index -= 1
        return start + index
    low, high = top, top
    while not condition(high):
        if high >= limit:
            return None
        low, high = high, min(2 * high, limit)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if condition(middle) else (middle, high)
    return high


def bound_applies_from(name: str, limit: int = 10**6) -> Crossover:
    """The :class:`Crossover` of experiment ``name``, searched up to size ``limit``."""
    if name not in WIDTH_RULES:
        raise ValueError(f"name must be one of {sorted(WIDTH_RULES)}, got {name!r}")
    limit = _check_int(limit, "limit", 2)
    config = experiment_configs(name, "full")[-1]
    tolerance = tolerance_from_samples(config.batch)
    start = min(c.size for c in experiment_configs(name, "full"))

    def evaluate(ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        curve = family_bound(name, ns, tolerance)
        queries = np.log10([config.steps * student_parameters(_config_at(config, name, int(n)))
                            for n in ns])
        bound = np.where(curve.applicable, curve.log10_min_queries, -np.inf)
        return curve.applicable, curve.applicable & (bound > queries)

    applies, non_vacuous = evaluate(np.arange(start, max(start, min(limit, _SCAN)) + 1))
    return Crossover(
        name,
        _first(applies, lambda n: bool(evaluate(np.array([n]))[0][0]), start, limit),
        _first(non_vacuous, lambda n: bool(evaluate(np.array([n]))[1][0]), start, limit),
        limit)
