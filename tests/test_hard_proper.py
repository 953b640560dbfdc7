"""Tests for csqlab.hard.proper: our reduction sketch "properly learning GNNs is at least as
hard as training a 3-node threshold network" (lesson 10; PAPER §4.6 states the NP-hardness,
the paper's reduction is not reproduced). Checked: the instance map turns the network into
the GNN on one-node graphs; both brute forces agree; the search itself agrees with a naive
enumeration of every weight setting."""

import itertools

import numpy as np
import pytest
import torch

from csqlab import models
from csqlab.hard import proper as R


def naive_min_errors(points, labels, values):
    """Every weight setting of the 3-node network, scored directly (no truth-table reduction)."""
    units = R.threshold_units(points.shape[1], values)
    hidden = (R.with_constant_feature(points) @ units.T > 0).astype(float)  # (N, U)
    outputs = np.array(list(itertools.product(values, repeat=3)))
    best = len(labels)
    for u in range(units.shape[0]):
        scores = (hidden[:, u, None, None] * outputs[None, None, :, 0]
                  + hidden[:, :, None] * outputs[None, None, :, 1]
                  + outputs[None, None, :, 2]) > 0  # (N, U, R): unit u, every v, every rule
        errors = (scores != labels[:, None, None].astype(bool)).sum(axis=0)
        best = min(best, int(errors.min()))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_search_matches_naive_enumeration(seed):
    """The truth-table search finds the same optimum as scoring every weight setting."""
    values = (-1, 0, 1)
    planted = seed % 2 == 0
    points, labels = R.random_threshold_instance(2, 4, planted, values, seed=seed)
    assert R.brute_force_network(points, labels, values).min_errors == naive_min_errors(
        points, labels, np.array(values, float))


def test_xor_and_parity_instances():
    """XOR of 2 bits fits a 3-node network (OR and NAND, then AND); parity of 3 bits does not
    on the grid (the optimum is 1 error), by the search and by naive enumeration."""
    cube2 = ((np.arange(4)[:, None] >> np.arange(2)) & 1).astype(float)
    xor = cube2.sum(axis=1).astype(int) % 2
    assert R.brute_force_network(cube2, xor).feasible
    hidden = np.array([[1, 1, 0], [-1, -1, 2]])  # OR, NAND
    np.testing.assert_array_equal(R.threshold_network_predict(cube2, hidden, [1, 1, -1]), xor)
    cube3 = ((np.arange(8)[:, None] >> np.arange(3)) & 1).astype(float)
    parity = cube3.sum(axis=1).astype(int) % 2
    result = R.brute_force_network(cube3, parity)
    assert result.min_errors == 1 and not result.feasible
    small_grid = (-1, 0, 1)
    assert naive_min_errors(cube3, parity, np.array(small_grid, float)) == (
        R.brute_force_network(cube3, parity, small_grid).min_errors) >= 1


@pytest.mark.parametrize("seed", range(3))
def test_gnn_on_one_node_graphs_is_the_network_lesson10(seed):
    """Lesson 10 (reduction): on the one-node graph (A + I) X = (x, 1), so the GNN with the
    same weights predicts exactly what the 3-node network predicts."""
    rng = np.random.default_rng(seed)
    points, _ = R.random_threshold_instance(4, 12, seed=seed)
    hidden = rng.integers(-2, 3, size=(2, 5))
    output = rng.integers(-2, 3, size=3)
    adjacency, features = R.instance_to_graphs(points)
    gnn = R.threshold_gnn(hidden, output)
    with torch.no_grad():
        predictions = gnn(adjacency + torch.eye(1, dtype=torch.float64), features).numpy()
    np.testing.assert_array_equal(predictions.reshape(-1),
                                  R.threshold_network_predict(points, hidden, output))


@pytest.mark.parametrize("planted, seed", [(True, 0), (True, 1), (False, 2), (False, 3)])
def test_both_brute_forces_agree_lesson10(planted, seed):
    """Lesson 10 (reduction): the network instance and the GNN instance have the same optimal
    training error, the same feasibility and the same number of optimal settings."""
    points, labels = R.random_threshold_instance(3, 7, planted, seed=seed)
    network = R.brute_force_network(points, labels)
    adjacency, features = R.instance_to_graphs(points)
    gnn = R.brute_force_gnn(adjacency, features, labels)
    assert (network.min_errors, network.feasible, network.n_optimal, network.n_hidden_tables) == (
        gnn.min_errors, gnn.feasible, gnn.n_optimal, gnn.n_hidden_tables)
    if planted:
        assert network.feasible
    hidden, output = network.best
    errors = int((R.threshold_network_predict(points, hidden, output) != labels).sum())
    assert errors == network.min_errors


def test_parity_instance_infeasible_for_gnn_too_lesson10():
    cube3 = ((np.arange(8)[:, None] >> np.arange(3)) & 1).astype(float)
    parity = cube3.sum(axis=1).astype(int) % 2
    assert R.brute_force_gnn(*R.instance_to_graphs(cube3), parity).min_errors == 1


def test_threshold_gnn_is_permutation_invariant_on_edgeless_graphs():
    """The GNN is a GNN: on edgeless graphs with several nodes it is invariant under
    relabelling the nodes."""
    from csqlab import groups

    gnn = R.threshold_gnn(np.array([[1, -1, 0, 1], [0, 1, 1, -1]]), [1, 1, -1])
    features = torch.as_tensor(np.random.default_rng(0).integers(0, 2, (5, 4, 4)),
                               dtype=torch.float64)
    eye = torch.eye(4, dtype=torch.float64).expand(5, 4, 4)
    result = models.equivariance_error(gnn, groups.symmetric(4), (eye, features),
                                       action_in="graphs")
    assert result.ok


def test_counts_and_validation():
    assert R.threshold_units(2).shape == (125, 3)
    assert R.search_space_size(3) == 5**11
    with pytest.raises(ValueError, match="0/1"):
        R.brute_force_network([[0.5, 1.0]], [1])
    with pytest.raises(ValueError, match="labels"):
        R.brute_force_network([[0.0, 1.0]], [1, 0])
    with pytest.raises(ValueError, match="n_samples"):
        R.random_threshold_instance(2, 5)
    with pytest.raises(ValueError, match="weight_values"):
        R.threshold_units(2, [])
