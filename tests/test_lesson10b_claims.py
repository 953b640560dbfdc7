"""Lesson 10b's printed claims, each recomputed by a second route: the instances rebuilt from
the lesson's seed, every 2-colouring enumerated directly, the LP decider's counts, the GNN run on
the graphs against the labels, and the lesson's shape (opening question, the class it covers,
the assumption, summary and check-your-understanding answers, length)."""

import itertools
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from lesson_shape import check_lesson_shape

from csqlab import models
from csqlab.hard import proper

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "10b_np_hardness_proper_learning.ipynb"
NOTES = NOTEBOOK.parent / "notes"
FANO = [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5)]


def lesson_instances():
    rng = np.random.default_rng(0)
    return {
        "triangle": (3, [(0, 1), (1, 2), (0, 2)]),
        "5-cycle": (5, [(i, (i + 1) % 5) for i in range(5)]),
        "Fano plane": (7, FANO),
        "4-cycle": (4, [(i, (i + 1) % 4) for i in range(4)]),
        "Fano minus a line": (7, FANO[:-1]),
        **{f"random {s + 1}": (6, [tuple(int(i) for i in rng.choice(6, 3, replace=False))
                                   for _ in range(8)]) for s in range(2)},
    }


def splittable_by_enumeration(n, subsets):
    return any(all(len({colour[i] for i in subset}) == 2 for subset in subsets)
               for colour in itertools.product((0, 1), repeat=n))


# name: (yes?, assignments tried, LPs solved), as printed
PRINTED = {"triangle": (False, 4, 5), "5-cycle": (False, 16, 19), "Fano plane": (False, 64, 87),
           "4-cycle": (True, 6, 7), "Fano minus a line": (True, 23, 24),
           "random 1": (True, 10, 11), "random 2": (True, 12, 14)}


@pytest.mark.parametrize("name", list(PRINTED))
def test_table_rows(name):
    """§1: 3 no- and 4 yes-instances; colourings, LP and direct enumeration agree; the LP's
    weights fit; the printed counts of assignments and LPs."""
    n, subsets = lesson_instances()[name]
    yes, assignments, lps = PRINTED[name]
    assert splittable_by_enumeration(n, subsets) == yes
    assert (proper.find_splitting(n, subsets) is not None) == yes
    points, labels = proper.splitting_training_set(n, subsets)
    result = proper.consistent_and_network(points, labels)
    assert (result.n_assignments, result.n_lps) == (assignments, lps)
    assert (result.hidden_weights is not None) == yes
    if yes:
        predicted = proper.threshold_network_predict(points, result.hidden_weights, proper.AND_OUTPUT)
        np.testing.assert_array_equal(predicted, labels)


def test_triangle_training_set_as_printed():
    points, labels = proper.splitting_training_set(3, [(0, 1), (1, 2), (0, 2)])
    assert points.astype(int).tolist() == [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1],
                                           [1, 1, 0], [0, 1, 1], [1, 0, 1]]
    assert labels.tolist() == [1, 0, 0, 0, 1, 1, 1]


def test_gnn_training_set_claims():
    """§2: 14 graphs, 7 of each label; S_1 = {0, 1, 3, 6}; the threshold GNN at A + I with the
    splitting's weights fits every label; 1ᵀσ(AXW)a gives one distinct output."""
    n, subsets = lesson_instances()["Fano minus a line"]
    points, labels = proper.splitting_training_set(n, subsets)
    split = proper.find_splitting(n, subsets)
    assert np.bincount(labels).tolist() == [7, 7] and np.flatnonzero(split).tolist() == [0, 1, 3, 6]
    assert proper.is_splitting(n, subsets, split)
    adjacency, features = proper.instance_to_graphs(points)
    gnn = proper.threshold_gnn(proper.splitting_network(n, split), proper.AND_OUTPUT)
    with torch.no_grad():
        predicted = gnn(adjacency + torch.eye(1, dtype=torch.float64), features).numpy()
        for seed in range(3):  # AX = 0 on one-node graphs, whatever the weights
            shallow = models.ShallowGNN(n + 1, 8, seed=seed)(adjacency, features).numpy()
            assert len(np.unique(shallow)) == 1
    np.testing.assert_array_equal(predicted.reshape(-1), labels)
    assert torch.all(torch.bmm(adjacency, features) == 0)


def _cells(kind=None):
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    return [c.source for c in cells if kind is None or c.cell_type == kind]


def test_names_the_class_and_the_assumption():
    """The class covered ((A + I)X aggregation, threshold units and head), why 1ᵀσ(AXW)a is not,
    the assumption RP ≠ NP with Pitt–Valiant and Blum–Rivest; no internal citations."""
    text = "\n".join(_cells("markdown"))
    assert "**The class covered.**" in text and "((A+I)X)_v" in text and "threshold" in text
    assert "**The class not covered.**" in text and "$AX=0$" in text
    assert "unless RP = NP" in text and "Pitt and Valiant, 1988" in text
    assert "Blum and Rivest" in text and "1992" in text
    assert not re.search(r"PAPER|BACKGROUND", "\n".join(_cells()))


def test_shape_and_written_solution():
    """The shared lesson shape; the derivation exercise has its written solution in answers.md."""
    check_lesson_shape(NOTEBOOK, "Lesson 10b — NP-hardness of proper learning")
    assert "## Exercise 10b.1: the weights a splitting gives" in (NOTES / "answers.md").read_text()


def test_understanding_q1_triangle():
    """Q1: every one of the 8 colourings of the triangle leaves an edge monochromatic
    (pigeonhole), and the LP decider tried all 2^(3−1) = 4 assignments."""
    subsets = [(0, 1), (1, 2), (0, 2)]
    assert all(any(c[i] == c[j] for i, j in subsets) for c in itertools.product((0, 1), repeat=3))
    points, labels = proper.splitting_training_set(3, subsets)
    assert proper.consistent_and_network(points, labels).n_assignments == 4
