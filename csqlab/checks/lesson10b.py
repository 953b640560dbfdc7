"""Checks for lesson 10b (NP-hardness of proper learning: set splitting → a 3-node network →
a GNN training set).

Every check tests properties of the learner's answer — the network it defines fits Blum and
Rivest's training set of several SET-SPLITTING instances, the graphs it builds make the GNN
equal the network for random weights — never a copy of a reference solution.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch

from csqlab.checks._core import Property, run_check
from csqlab.hard import proper

# ------------------------------------------------------------------------------ exercise 10b.1

_INSTANCES = [
    (4, [(0, 1), (1, 2), (2, 3), (0, 3)]),
    (7, [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6)]),
    (8, [(0, 1, 2, 3), (4, 5, 6, 7), (0, 4), (1, 5, 7), (2, 3, 6)]),
]


def ex10b_1(splitting_weights):
    """Exercise 10b.1 (derivation): ``splitting_weights(split)`` maps a splitting (booleans,
    True for colour 1) of a SET-SPLITTING instance on ``n`` elements to hidden weights
    ``(2, n + 1)`` (rows ``(w_m, b_m)``, unit ``1[w_m·x + b_m > 0]``) such that the network with
    output AND fits Blum and Rivest's training set of *every* instance the colouring splits."""

    def weights(fn, split):
        got = np.asarray(fn(np.asarray(split, dtype=bool)), dtype=float)
        n = len(split)
        assert got.shape == (2, n + 1), f"expected shape (2, {n + 1}), got {got.shape}"
        assert np.all(np.isfinite(got)), "the weights must be finite numbers"
        return got

    def fits(fn, n, subsets, split):
        points, labels = proper.splitting_training_set(n, subsets)
        predicted = proper.threshold_network_predict(points, weights(fn, split), proper.AND_OUTPUT)
        wrong = np.flatnonzero(predicted != labels)
        assert wrong.size == 0, (f"n = {n}: the network misclassifies point(s) "
                                 f"{[points[i].astype(int).tolist() for i in wrong[:3]]}")

    def origin_and_unit_vectors(fn):
        fits(fn, 4, _INSTANCES[0][1], [True, False, True, False])
        return True

    def every_instance(fn):
        for n, subsets in _INSTANCES:
            fits(fn, n, subsets, proper.find_splitting(n, subsets))
        return True

    def every_splitting(fn):
        n, subsets = _INSTANCES[2]
        for colour in itertools.product((True, False), repeat=n):
            if proper.is_splitting(n, subsets, colour):
                fits(fn, n, subsets, colour)
        return True

    return run_check("10b.1", splitting_weights, [
        Property("fits the 4-cycle's training set", origin_and_unit_vectors,
                 hint="unit 1 must accept the origin (b > 0) and reject e_i exactly for i in S_1"),
        Property("fits the training sets of three instances", every_instance,
                 hint="a subset's indicator must be accepted by both units: it has an element "
                      "in each colour — give that element a weight larger than all the "
                      "negative weights together"),
        Property("fits for every splitting of an 8-element instance", every_splitting,
                 hint="the weights may depend on the colouring only, not on the subsets"),
    ])


# ------------------------------------------------------------------------------ exercise 10b.2


def ex10b_2(to_graphs):
    """Exercise 10b.2: ``to_graphs(points)`` maps Boolean samples (N, d) to one-node graphs
    ``(A, X)`` of shapes (N, 1, 1) and (N, 1, d + 1) — adjacency 0, node features ``(x, 1)`` —
    so that the GNN of :func:`csqlab.hard.proper.threshold_gnn` at ``A + I`` equals the
    3-node threshold network with the same weights."""
    rng = np.random.default_rng(12)
    points = rng.integers(0, 2, size=(10, 3)).astype(float)

    def shapes(fn):
        adjacency, features = (torch.as_tensor(np.asarray(v), dtype=torch.float64)
                               for v in fn(points))
        assert tuple(adjacency.shape) == (10, 1, 1), f"A has shape {tuple(adjacency.shape)}"
        assert tuple(features.shape) == (10, 1, 4), f"X has shape {tuple(features.shape)}"
        assert torch.all(adjacency == 0), "one node and no edges: the adjacency is [0]"
        return True

    def same_predictions(fn):
        adjacency, features = (torch.as_tensor(np.asarray(v), dtype=torch.float64)
                               for v in fn(points))
        for _ in range(20):
            hidden = rng.integers(-2, 3, size=(2, 4))
            output = rng.integers(-2, 3, size=3)
            with torch.no_grad():
                gnn = proper.threshold_gnn(hidden, output)(
                    adjacency + torch.eye(1, dtype=torch.float64), features).numpy()
            network = proper.threshold_network_predict(points, hidden, output)
            assert np.array_equal(gnn.reshape(-1), network), (
                "the GNN and the network disagree for some weights")
        return True

    return run_check("10b.2", to_graphs, [
        Property("one-node graphs with d + 1 node features", shapes,
                 hint="A has shape (N, 1, 1); X stacks (x, 1) as the single node's features"),
        Property("the GNN equals the network for every weight", same_predictions,
                 hint="put the constant feature 1 last, so it multiplies the bias weight"),
    ])
