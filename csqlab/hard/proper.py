"""Proper learning of GNNs is NP-hard: a reduction sketch with brute force on tiny
instances (PAPER §4.6, lesson 10).

The paper states that properly learning GNNs is NP-hard; its reduction is not known to us
and is **not** reproduced here. This module computes **our sketch** of why such a statement
holds: a GNN evaluated on a graph with one node (or on an edgeless graph, each node seeing
only itself) is an ordinary network applied to the node's features, so any algorithm that
properly learns the GNN class also trains the small network, and training small networks
is NP-hard (Blum & Rivest 1992: deciding whether a 3-node threshold network — two hidden
linear-threshold units and a threshold output unit — fits a labelled sample is
NP-complete; later results do the same for ReLU networks).

The instance map. A training instance is ``(x_t, y_t)``, ``x_t ∈ {0, 1}^d``,
``y_t ∈ {0, 1}``. The GNN instance maps each sample to the one-node graph ``G_t`` with
adjacency ``A = [0]`` and node features ``(x_t, 1)`` (the constant feature plays the role of
the bias), with the same label. The GNN class is the message-passing network
``f(A, X) = head(Σ_v node_mlp(((A + I) X)_v))`` (each node aggregates itself and its
neighbours), :class:`csqlab.models.MessagePassingGNN` evaluated at ``A + I``, with
``node_mlp = step(X̃ W)`` (two threshold units) and ``head`` a threshold of the two hidden
bits. On one-node graphs ``(A + I) X = (x, 1)``, so ``f(G_t) = head(step(W·(x_t, 1)))`` is
the 3-node network. Weights ↦ weights is a bijection between the two hypothesis classes,
so the two instances have the same feasibility and the same optimal training error.

The brute force. Weights on a small integer grid (``weight_values``, default
``{−2, …, 2}``), units ``1[w·x + b > 0]``. Hidden units are enumerated once, reduced to
their distinct truth tables on the sample; then every ordered pair of hidden tables and
every threshold output rule on two bits (from the same grid, reduced to distinct tables) is
scored. :func:`brute_force_network` computes the hidden bits with numpy;
:func:`brute_force_gnn` computes them by running the csqlab GNN on the one-node graphs,
and checks the output rule by running the full GNN on the minimisers. The search space is
``|grid|^{2(d+1)+3}``: exponential in ``d`` (no surprise for an NP-hard problem; the grid
restriction is ours and makes the instances finite).
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from csqlab import models as _models
from csqlab.boolean import _check_int, _generator

__all__ = [
    "threshold_units",
    "with_constant_feature",
    "planted_threshold_network",
    "threshold_network_predict",
    "random_threshold_instance",
    "instance_to_graphs",
    "threshold_gnn",
    "BruteForceResult",
    "brute_force_network",
    "brute_force_gnn",
    "search_space_size",
]


def _check_points(points) -> np.ndarray:
    array = np.asarray(points, dtype=float)
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"points must have shape (N, d) with N, d >= 1, got shape {array.shape}")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError("points must be 0/1 vectors (Boolean inputs)")
    return array


def _check_labels(labels, n_points: int) -> np.ndarray:
    array = np.asarray(labels)
    if array.shape != (n_points,):
        raise ValueError(f"labels must have shape ({n_points},), got shape {array.shape}")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError("labels must be 0/1")
    return array.astype(bool)


def _check_values(weight_values) -> np.ndarray:
    values = np.asarray(weight_values, dtype=float)
    if values.ndim != 1 or values.size < 1 or not np.all(np.isfinite(values)):
        raise ValueError(f"weight_values must be a non-empty 1-D list of numbers, got {weight_values!r}")
    return values


def threshold_units(n_inputs: int, weight_values=(-2, -1, 0, 1, 2)) -> np.ndarray:
    """Every weight vector of a threshold unit on the grid: rows ``(w_1..w_{n_inputs}, b)``,
    shape ``(|grid|^{n_inputs+1}, n_inputs + 1)``; the unit computes ``1[w·x + b > 0]``."""
    n_inputs = _check_int(n_inputs, "n_inputs", 1)
    values = _check_values(weight_values)
    return np.array(list(itertools.product(values, repeat=n_inputs + 1)))


def with_constant_feature(points) -> np.ndarray:
    """``(x, 1)``: the constant feature that turns a bias into a weight."""
    points = np.asarray(points, dtype=float)
    return np.concatenate([points, np.ones((points.shape[0], 1))], axis=1)


def threshold_network_predict(points, hidden_weights, output_weights) -> np.ndarray:
    """The 3-node network ``1[a_1 h_1 + a_2 h_2 + a_0 > 0]``, ``h_m = 1[w_m·x + b_m > 0]``.
    ``hidden_weights`` shape ``(2, d + 1)`` (rows ``(w_m, b_m)``); ``output_weights``
    ``(a_1, a_2, a_0)``. Returns 0/1 predictions, shape ``(N,)``."""
    points = _check_points(points)
    hidden = (with_constant_feature(points) @ np.asarray(hidden_weights, float).T > 0) * 1.0
    a = np.asarray(output_weights, dtype=float)
    return (hidden @ a[:2] + a[2] > 0).astype(int)


def planted_threshold_network(d: int, weight_values=(-2, -1, 0, 1, 2), rng=None, *,
                              seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A random 3-node network on the grid: ``(hidden_weights (2, d+1), output_weights (3,))``;
    the output rule is AND, ``1[h_1 + h_2 − 1 > 0]`` (Blum & Rivest's output unit), whose
    weights ``(1, 1, −1)`` lie on the default grid."""
    d = _check_int(d, "d", 1)
    values = _check_values(weight_values)
    generator = _generator(rng, seed)
    hidden = generator.choice(values, size=(2, d + 1))
    return hidden, np.array([1.0, 1.0, -1.0])


def random_threshold_instance(d: int, n_samples: int, planted: bool = True,
                              weight_values=(-2, -1, 0, 1, 2), rng=None, *,
                              seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A tiny training instance: ``n_samples`` distinct points of ``{0, 1}^d`` (uniformly, without
    replacement) labelled by a planted grid network (``planted=True``: feasible) or by fair
    coin flips (``planted=False``: often infeasible). Returns ``(points, labels)``."""
    d = _check_int(d, "d", 1)
    n_samples = _check_int(n_samples, "n_samples", 1)
    if n_samples > 2**d:
        raise ValueError(f"n_samples must be at most 2^d = {2**d} (distinct points), got {n_samples}")
    generator = _generator(rng, seed)
    codes = generator.choice(2**d, size=n_samples, replace=False)
    points = ((codes[:, None] >> np.arange(d)) & 1).astype(float)
    if planted:
        hidden, output = planted_threshold_network(d, weight_values, generator)
        labels = threshold_network_predict(points, hidden, output)
    else:
        labels = generator.integers(0, 2, size=n_samples)
    return points, labels


def instance_to_graphs(points) -> tuple[torch.Tensor, torch.Tensor]:
    """The reduction's instance map: sample ``x_t`` ↦ the one-node graph with adjacency
    ``[0]`` and node features ``(x_t, 1)``. Returns ``(A, X)`` of shapes ``(N, 1, 1)`` and
    ``(N, 1, d + 1)``, float64."""
    points = _check_points(points)
    features = torch.as_tensor(with_constant_feature(points))[:, None, :]
    adjacency = torch.zeros(points.shape[0], 1, 1, dtype=torch.float64)
    return adjacency, features


class _Step(nn.Module):
    """``1[z > 0]`` elementwise: the threshold activation."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return (z > 0).to(z.dtype)


def threshold_gnn(hidden_weights, output_weights=None) -> _models.MessagePassingGNN:
    """The GNN of the reduction: :class:`csqlab.models.MessagePassingGNN` with node MLP
    ``step(Linear(d+1 → m))`` (rows of ``hidden_weights``, shape ``(m, d + 1)``, no bias: the
    constant feature carries it), sum readout, and head ``step(a_1 h_1 + a_2 h_2 + a_0)`` when
    ``output_weights = (a_1, a_2, a_0)`` is given (``m = 2``), else no head (the pooled hidden
    bits are returned). Evaluate at ``A + I`` (each node sees itself)."""
    hidden_weights = torch.as_tensor(np.asarray(hidden_weights, dtype=float))
    if hidden_weights.ndim != 2:
        raise ValueError(f"hidden_weights must have shape (m, d + 1), got {tuple(hidden_weights.shape)}")
    layer = nn.Linear(hidden_weights.shape[1], hidden_weights.shape[0], bias=False,
                      dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(hidden_weights)
    head = None
    if output_weights is not None:
        a = np.asarray(output_weights, dtype=float)
        if a.shape != (3,) or hidden_weights.shape[0] != 2:
            raise ValueError("output_weights must be (a_1, a_2, a_0) for two hidden units")
        output = nn.Linear(2, 1, dtype=torch.float64)
        with torch.no_grad():
            output.weight.copy_(torch.as_tensor(a[None, :2]))
            output.bias.copy_(torch.as_tensor(a[2:]))
        head = nn.Sequential(output, _Step())
    return _models.MessagePassingGNN(nn.Sequential(layer, _Step()), head=head,
                                     aggregation="sum", readout="sum")


def _run_gnn(network, adjacency, features) -> np.ndarray:
    eye = torch.eye(adjacency.shape[-1], dtype=adjacency.dtype)
    with torch.no_grad():
        return network(adjacency + eye, features).numpy()


class BruteForceResult(NamedTuple):
    """Outcome of a brute-force training run on the grid.

    ``min_errors``: the optimal number of misclassified samples; ``feasible``: whether it is
    0; ``n_optimal``: the number of (hidden table pair, output table) combinations reaching
    it; ``best``: one optimal ``(hidden_weights (2, d+1), output_weights (3,))``;
    ``n_hidden_tables``/``n_output_tables``: distinct truth tables enumerated.
    """

    min_errors: int
    feasible: bool
    n_optimal: int
    best: tuple[np.ndarray, np.ndarray]
    n_hidden_tables: int
    n_output_tables: int


def _output_rules(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct threshold rules on two bits from the grid: (tables (R, 4), weights (R, 3))."""
    weights = np.array(list(itertools.product(values, repeat=3)))
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    tables = (inputs @ weights[:, :2].T + weights[:, 2] > 0).T  # (R, 4)
    _, first = np.unique(tables, axis=0, return_index=True)
    first = np.sort(first)
    return tables[first], weights[first]


def _search(hidden_bits: np.ndarray, units: np.ndarray, labels: np.ndarray,
            values: np.ndarray) -> BruteForceResult:
    """Score every pair of distinct hidden tables with every output rule. ``hidden_bits``:
    (N, U) bits of all grid units on the sample."""
    tables, first = np.unique(hidden_bits.T, axis=0, return_index=True)  # (H, N)
    rule_tables, rule_weights = _output_rules(values)
    h1 = tables[:, None, :].astype(int)
    h2 = tables[None, :, :].astype(int)
    code = 2 * h1 + h2  # (H, H, N): index into a rule's 4-entry table
    best_errors, n_optimal, best = None, 0, None
    for r, table in enumerate(rule_tables):
        errors = (table[code] != labels).sum(axis=2)  # (H, H)
        low = int(errors.min())
        if best_errors is None or low < best_errors:
            best_errors, n_optimal = low, 0
            i, j = np.unravel_index(int(np.argmin(errors)), errors.shape)
            best = (np.stack([units[first[i]], units[first[j]]]), rule_weights[r])
        if low == best_errors:
            n_optimal += int((errors == low).sum())
    return BruteForceResult(best_errors, best_errors == 0, n_optimal, best, len(tables),
                            len(rule_tables))


def brute_force_network(points, labels, weight_values=(-2, -1, 0, 1, 2)) -> BruteForceResult:
    """Train the 3-node threshold network on ``(points, labels)`` by exhaustive search over the
    weight grid (hidden bits by numpy). Returns :class:`BruteForceResult`."""
    points = _check_points(points)
    labels = _check_labels(labels, points.shape[0])
    values = _check_values(weight_values)
    units = threshold_units(points.shape[1], values)
    hidden_bits = with_constant_feature(points) @ units.T > 0
    return _search(hidden_bits, units, labels, values)


def brute_force_gnn(adjacency, features, labels, weight_values=(-2, -1, 0, 1, 2)
                    ) -> BruteForceResult:
    """Train the GNN of :func:`threshold_gnn` on graphs ``(A, X)`` (from
    :func:`instance_to_graphs`) by exhaustive search over the same grid: the hidden bits of
    every grid unit come from one run of the csqlab GNN (all units as one wide node MLP,
    pooled by the sum readout), and the optimum found is re-checked by running the full GNN
    (hidden pair + head) on the graphs."""
    adjacency = torch.as_tensor(adjacency, dtype=torch.float64)
    features = torch.as_tensor(features, dtype=torch.float64)
    if adjacency.ndim != 3 or features.ndim != 3 or adjacency.shape[1] != 1:
        raise ValueError("adjacency and features must be batches of one-node graphs, shapes "
                         "(N, 1, 1) and (N, 1, d + 1)")
    labels = _check_labels(labels, features.shape[0])
    values = _check_values(weight_values)
    units = threshold_units(features.shape[-1] - 1, values)
    hidden_bits = _run_gnn(threshold_gnn(units), adjacency, features) > 0.5
    result = _search(hidden_bits, units, labels, values)
    hidden, output = result.best
    predictions = _run_gnn(threshold_gnn(hidden, output), adjacency, features)
    recomputed = int((predictions.reshape(-1).astype(bool) != labels).sum())
    if recomputed != result.min_errors:  # the head must score what the search scored
        raise RuntimeError(f"GNN re-check disagrees: {recomputed} vs {result.min_errors} errors")
    return result


def search_space_size(d: int, n_values: int = 5) -> int:
    """Number of weight settings of the 3-node network on a grid of ``n_values`` values:
    ``n_values^{2(d+1) + 3}``."""
    d = _check_int(d, "d", 1)
    n_values = _check_int(n_values, "n_values", 1)
    return n_values ** (2 * (d + 1) + 3)
