"""Proper learning of GNNs is NP-hard: a small instance of the reduction (lesson 10b).

Kiani et al. (2024) state that properly learning GNNs is NP-hard; their reduction is not
reproduced here. This module computes the course's route to such a statement, for one named
class: message-passing GNNs ``f(A, X) = head(Σ_v φ(((A + I) X)_v))`` whose node map ``φ`` is
two linear-threshold units and whose head is a threshold unit (:func:`threshold_gnn`). (For the
class ``1ᵀσ(A X W) a`` of lesson 8 the route fails: on a one-node graph ``A X = 0``, so every
graph gets the same output.)

Step 1, Blum and Rivest (1992). SET-SPLITTING — can the elements ``{0, …, n−1}`` be coloured
with two colours so that no subset ``C_j`` of a given list is monochromatic? — is NP-complete,
and maps to a training set in ``{0, 1}^n`` (:func:`splitting_training_set`): the origin is
positive, each unit vector ``e_i`` negative, each indicator vector ``1_{C_j}`` positive. A
3-node network with two threshold hidden units and output AND fits this set iff the instance
has a splitting: the negatives rejected by hidden unit 1 form one colour class and no positive
``1_{C_j}`` can have all its elements in it (a unit accepting 0 and rejecting every ``e_i``,
``i ∈ C_j``, has ``b > 0``, ``w_i ≤ −b``, so ``w·1_{C_j} + b ≤ (1 − |C_j|) b ≤ 0``); conversely
a splitting ``(S_1, S_2)`` gives the weights of :func:`splitting_network`. (Blum and Rivest
also handle a general threshold output unit with extra points, not built here.)

Step 2, the instance map (:func:`instance_to_graphs`). Each point ``x_t`` becomes the one-node
graph with adjacency ``[0]`` and node features ``(x_t, 1)``; at ``A + I`` the GNN computes
``head(φ(x_t, 1))``, the 3-node network weight for weight, so the GNN training set has a
consistent GNN of the class iff the network instance has a consistent network.

Two independent deciders are computed: :func:`find_splitting` searches the colourings, and
:func:`consistent_and_network` decides whether a consistent network with AND output exists by
linear programming (scipy's HiGHS) over the ways of assigning the negative points to the unit
that rejects them — it does not use the set structure at all. Both are exponential in ``n``,
as one expects of an NP-complete problem; the complexity assumption that makes proper
*PAC learning* hard is RP ≠ NP (Pitt and Valiant 1988).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
from scipy.optimize import linprog
from torch import nn

from csqlab import models as _models
from csqlab.boolean import _check_int

__all__ = [
    "with_constant_feature",
    "threshold_network_predict",
    "AND_OUTPUT",
    "check_splitting_instance",
    "splitting_training_set",
    "is_splitting",
    "find_splitting",
    "splitting_network",
    "ConsistencyResult",
    "consistent_and_network",
    "instance_to_graphs",
    "threshold_gnn",
]

#: Output weights ``(a_1, a_2, a_0)`` of the AND unit ``1[h_1 + h_2 − 1.5 > 0]``.
AND_OUTPUT = np.array([1.0, 1.0, -1.5])


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


def check_splitting_instance(n_elements: int, subsets) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """Validate a SET-SPLITTING instance: ``n_elements >= 2`` and a non-empty list of subsets of
    ``{0, …, n_elements − 1}``, each with at least two distinct elements. Returns
    ``(n_elements, subsets as sorted tuples)``."""
    n_elements = _check_int(n_elements, "n_elements", 2)
    if isinstance(subsets, (str, bytes)) or not isinstance(subsets, Sequence) or not subsets:
        raise ValueError(f"subsets must be a non-empty list of subsets, got {subsets!r}")
    clean = []
    for subset in subsets:
        items = sorted({int(i) for i in subset})
        if len(items) < 2 or items[0] < 0 or items[-1] >= n_elements:
            raise ValueError(f"subsets must hold at least 2 elements of 0..{n_elements - 1}, "
                             f"got {subset!r}")
        clean.append(tuple(items))
    return n_elements, tuple(clean)


def splitting_training_set(n_elements: int, subsets) -> tuple[np.ndarray, np.ndarray]:
    """Blum and Rivest's training set for a SET-SPLITTING instance: points in ``{0, 1}^n``,
    the origin (label 1), the unit vectors ``e_0, …, e_{n−1}`` (label 0), then the indicator
    vector of each subset (label 1). Returns ``(points (1 + n + m, n), labels)``."""
    n_elements, subsets = check_splitting_instance(n_elements, subsets)
    indicators = np.zeros((len(subsets), n_elements))
    for row, subset in enumerate(subsets):
        indicators[row, list(subset)] = 1.0
    points = np.concatenate([np.zeros((1, n_elements)), np.eye(n_elements), indicators])
    labels = np.concatenate([[1], np.zeros(n_elements, int), np.ones(len(subsets), int)])
    return points, labels


def _check_split(split, n_elements: int) -> np.ndarray:
    array = np.asarray(split)
    if array.shape != (n_elements,) or not np.all((array == 0) | (array == 1)):
        raise ValueError(f"split must be {n_elements} booleans (True: colour 1), got {split!r}")
    return array.astype(bool)


def is_splitting(n_elements: int, subsets, split) -> bool:
    """Whether the colouring ``split`` (True: colour 1) leaves no subset monochromatic."""
    n_elements, subsets = check_splitting_instance(n_elements, subsets)
    split = _check_split(split, n_elements)
    return all(0 < int(split[list(subset)].sum()) < len(subset) for subset in subsets)


def find_splitting(n_elements: int, subsets) -> np.ndarray | None:
    """A splitting by brute force over the ``2^(n−1)`` colourings with element 0 in colour 1
    (swapping the colours maps splittings to splittings); ``None`` when there is none."""
    n_elements, subsets = check_splitting_instance(n_elements, subsets)
    for rest in itertools.product((True, False), repeat=n_elements - 1):
        split = np.array((True, *rest))
        if is_splitting(n_elements, subsets, split):
            return split
    return None


def splitting_network(n_elements: int, split) -> np.ndarray:
    """Hidden weights ``(2, n + 1)`` (rows ``(w_m, b_m)``) of the 3-node network that a
    splitting ``(S_1, S_2)`` gives (with output :data:`AND_OUTPUT`): unit 1 has ``w_i = −1`` on
    ``S_1``, ``w_i = n`` on ``S_2`` and ``b = 1/2``, unit 2 the same with the colours swapped.
    Unit 1 rejects exactly the ``e_i`` with ``i ∈ S_1`` among the unit vectors and accepts the
    origin and every subset meeting ``S_2``."""
    n_elements = _check_int(n_elements, "n_elements", 2)
    split = _check_split(split, n_elements)
    first = np.where(split, -1.0, float(n_elements))
    second = np.where(split, float(n_elements), -1.0)
    return np.stack([np.append(first, 0.5), np.append(second, 0.5)])


class ConsistencyResult(NamedTuple):
    """Outcome of :func:`consistent_and_network`: ``hidden_weights`` ``(2, d + 1)`` of a
    consistent network with output :data:`AND_OUTPUT` (``None`` when none exists),
    ``n_assignments`` assignments of the negatives tried, ``n_lps`` linear programs solved."""

    hidden_weights: np.ndarray | None
    n_assignments: int
    n_lps: int


def _separating_unit(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray | None:
    """``(w, b)`` with ``w·x + b ≥ 1`` on ``positives`` and ``≤ −1`` on ``negatives`` (an LP;
    strict separation of finite sets rescales to margin 1), or ``None`` when infeasible."""
    rows = np.concatenate([-with_constant_feature(positives), with_constant_feature(negatives)])
    result = linprog(np.zeros(rows.shape[1]), A_ub=rows, b_ub=-np.ones(len(rows)),
                     bounds=[(None, None)] * rows.shape[1], method="highs")
    if result.status == 0:
        return result.x
    if result.status == 2:
        return None
    raise RuntimeError(f"linprog failed: {result.message}")


def consistent_and_network(points, labels) -> ConsistencyResult:
    """Decide whether a 3-node network with two threshold hidden units and output AND fits
    ``(points, labels)``. Such a network accepts a point iff both units do, so it fits iff the
    negative points split into two groups ``N_1, N_2`` with each ``N_m`` strictly separable
    from all positive points by a hyperplane; every assignment (up to swapping the units) is
    tried, each group by one LP (results memoised). Returns :class:`ConsistencyResult`."""
    points = _check_points(points)
    labels = _check_labels(labels, points.shape[0])
    positives, negatives = points[labels], points[~labels]
    memo: dict[tuple[int, ...], np.ndarray | None] = {}

    def unit(group: tuple[int, ...]):
        if group not in memo:
            memo[group] = _separating_unit(positives, negatives[list(group)])
        return memo[group]

    n_neg, tried = len(negatives), 0
    for rest in itertools.product((0, 1), repeat=max(n_neg - 1, 0)):
        sides = (0, *rest)[:n_neg]
        tried += 1
        first = unit(tuple(i for i in range(n_neg) if sides[i] == 0))
        second = unit(tuple(i for i in range(n_neg) if sides[i] == 1)) if first is not None else None
        if first is not None and second is not None:
            return ConsistencyResult(np.stack([first, second]), tried, len(memo))
    return ConsistencyResult(None, tried, len(memo))


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
