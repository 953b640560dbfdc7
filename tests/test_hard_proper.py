"""Tests for csqlab.hard.proper: a small instance of the reduction behind "properly learning
GNNs is NP-hard" (lesson 10b). SET-SPLITTING → Blum and Rivest's training set → one-node graphs.
Checked: the splitting answer by brute force over colourings and the existence of a consistent
3-node network (AND output) by linear programming agree on yes- and no-instances, including
textbook no-instances (odd cycles, the Fano plane); a splitting's network fits the set; the GNN
of the covered class on one-node graphs is the network; the class 1ᵀσ(AXW)a is not covered."""

import itertools

import numpy as np
import pytest
import torch

from csqlab import groups, models
from csqlab.hard import proper as R

FANO = [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5)]


def cycle(n):
    return [(i, (i + 1) % n) for i in range(n)]


def random_instance(n, m, size, seed):
    rng = np.random.default_rng(seed)
    return n, [tuple(rng.choice(n, size, replace=False)) for _ in range(m)]


NO_INSTANCES = {"triangle": (3, cycle(3)), "5-cycle": (5, cycle(5)), "Fano plane": (7, FANO),
                "K4": (4, list(itertools.combinations(range(4), 2)))}
YES_INSTANCES = {"4-cycle": (4, cycle(4)), "Fano minus a line": (7, FANO[:-1]),
                 **{f"random {s}": random_instance(6, 8, 3, s) for s in range(3)}}


def monochromatic_free_colourings(n, subsets):
    """Every 2-colouring, counted directly (both colour names)."""
    return sum(all(len({colour[i] for i in subset}) == 2 for subset in subsets)
               for colour in itertools.product((0, 1), repeat=n))


@pytest.mark.parametrize("name", [*NO_INSTANCES, *YES_INSTANCES])
def test_splitting_and_lp_consistency_agree(name):
    """(a) brute force over colourings and (b) LP feasibility over assignments of the negatives
    give the same answer; yes-instances are the ones with a monochromatic-free colouring."""
    n, subsets = {**NO_INSTANCES, **YES_INSTANCES}[name]
    split = R.find_splitting(n, subsets)
    points, labels = R.splitting_training_set(n, subsets)
    result = R.consistent_and_network(points, labels)
    expected = name in YES_INSTANCES
    assert (split is not None) == (result.hidden_weights is not None) == expected
    assert (monochromatic_free_colourings(n, subsets) > 0) == expected
    if expected:
        assert R.is_splitting(n, subsets, split)
        predicted = R.threshold_network_predict(points, result.hidden_weights, R.AND_OUTPUT)
        np.testing.assert_array_equal(predicted, labels)
        np.testing.assert_array_equal(
            R.threshold_network_predict(points, R.splitting_network(n, split), R.AND_OUTPUT), labels)
    else:
        assert result.n_assignments == 2 ** (n - 1)  # every assignment, up to the swap, failed


def test_training_set_layout():
    points, labels = R.splitting_training_set(3, [(0, 1), (2, 1)])
    np.testing.assert_array_equal(points, [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1],
                                           [1, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(labels, [1, 0, 0, 0, 1, 1])


def test_splitting_network_fits_exactly_for_every_splitting_and_fails_otherwise():
    """For the 4-cycle: the weights of splitting_network fit the set iff the colouring splits."""
    n, subsets = YES_INSTANCES["4-cycle"]
    points, labels = R.splitting_training_set(n, subsets)
    for colour in itertools.product((True, False), repeat=n):
        fits = np.array_equal(R.threshold_network_predict(
            points, R.splitting_network(n, colour), R.AND_OUTPUT), labels)
        assert fits == R.is_splitting(n, subsets, colour)


def test_lp_decider_on_xor_and_on_bad_points():
    """XOR of two bits is OR AND NAND: the LP finds a consistent network, and it fits; points
    off the cube are rejected."""
    points = np.array([[0, 0], [1, 1], [1, 0], [0, 1]], dtype=float)
    labels = np.array([0, 0, 1, 1])
    result = R.consistent_and_network(points, labels)
    np.testing.assert_array_equal(
        R.threshold_network_predict(points, result.hidden_weights, R.AND_OUTPUT), labels)
    np.testing.assert_array_equal(
        R.threshold_network_predict(points, [[1, 1, -0.5], [-1, -1, 1.5]], R.AND_OUTPUT), labels)
    with pytest.raises(ValueError, match="0/1"):
        R.consistent_and_network([[0.5, 0.5]], [0])


@pytest.mark.parametrize("seed", range(3))
def test_gnn_on_one_node_graphs_is_the_network(seed):
    """On the one-node graph (A + I) X = (x, 1), so the GNN of the covered class with the same
    weights predicts exactly what the 3-node network predicts."""
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 2, size=(12, 4)).astype(float)
    hidden = rng.integers(-2, 3, size=(2, 5))
    output = rng.integers(-2, 3, size=3)
    adjacency, features = R.instance_to_graphs(points)
    gnn = R.threshold_gnn(hidden, output)
    with torch.no_grad():
        predictions = gnn(adjacency + torch.eye(1, dtype=torch.float64), features).numpy()
    np.testing.assert_array_equal(predictions.reshape(-1),
                                  R.threshold_network_predict(points, hidden, output))


def test_splitting_instance_becomes_a_gnn_training_set():
    """The Fano-minus-a-line instance: the splitting's weights, run as the GNN on the graphs,
    fit every label; the class 1ᵀσ(AXW)a gives one output for all one-node graphs (AX = 0)."""
    n, subsets = YES_INSTANCES["Fano minus a line"]
    points, labels = R.splitting_training_set(n, subsets)
    adjacency, features = R.instance_to_graphs(points)
    gnn = R.threshold_gnn(R.splitting_network(n, R.find_splitting(n, subsets)), R.AND_OUTPUT)
    with torch.no_grad():
        predicted = gnn(adjacency + torch.eye(1, dtype=torch.float64), features).numpy()
        shallow = models.ShallowGNN(n + 1, 8, seed=1)(adjacency, features).numpy()
    np.testing.assert_array_equal(predicted.reshape(-1), labels)
    assert np.ptp(shallow) == 0.0 and len(set(labels)) == 2


def test_threshold_gnn_is_permutation_invariant_on_edgeless_graphs():
    """The GNN is a GNN: on edgeless graphs with several nodes it is invariant under
    relabelling the nodes."""
    gnn = R.threshold_gnn(np.array([[1, -1, 0, 1], [0, 1, 1, -1]]), [1, 1, -1])
    features = torch.as_tensor(np.random.default_rng(0).integers(0, 2, (5, 4, 4)),
                               dtype=torch.float64)
    eye = torch.eye(4, dtype=torch.float64).expand(5, 4, 4)
    result = models.equivariance_error(gnn, groups.symmetric(4), (eye, features),
                                       action_in="graphs")
    assert result.ok


def test_validation():
    with pytest.raises(ValueError, match="subsets"):
        R.splitting_training_set(3, [(0, 3)])
    with pytest.raises(ValueError, match="subsets"):
        R.find_splitting(3, [(1, 1)])
    with pytest.raises(ValueError, match="subsets"):
        R.find_splitting(3, [])
    with pytest.raises(ValueError, match="n_elements"):
        R.find_splitting(1, [(0,)])
    with pytest.raises(ValueError, match="split"):
        R.splitting_network(3, [1, 0])
    with pytest.raises(ValueError, match="labels"):
        R.consistent_and_network([[0.0, 1.0]], [1, 0])
