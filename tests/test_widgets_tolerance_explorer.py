"""The tolerance explorer of lesson 1: its state is the pure function's result, and that
result is right (exact values from closed forms, spread from the binomial variance)."""

import importlib
import math

import numpy as np
import pytest

import csqlab
from csqlab import boolean
from csqlab.widgets.tolerance_explorer import (
    QUERIES,
    TARGETS,
    ToleranceState,
    plot_tolerance_state,
    tolerance_explorer,
    tolerance_state,
)

MAJORITY_DEGREE_ONE = math.comb(8, 4) / 2**8  # Maj_9's coefficient on one voter


def _enumerated(target: str, query: str) -> float:
    """E[query] by a second route: an explicit sum over all 2^10 points."""
    points = boolean.cube(10, np.float64)
    labels = TARGETS[target](points)
    kind, function = QUERIES[query]
    values = function(points) * labels if kind == "CSQ" else function(points, labels)
    return float(np.mean(values))


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("query", sorted(QUERIES))
def test_exact_value_matches_enumeration(target, query):
    state = tolerance_state(target, query, n_samples=10, n_repeats=3)
    assert state.exact == pytest.approx(_enumerated(target, query), abs=1e-12)


def test_exact_values_match_closed_forms():
    """Lesson 1, section 2: x1 sees 0 on the parity and Maj's first coefficient on the majority."""
    assert tolerance_state("parity x1·x4·x8", "CSQ h(x) = x1", 10, 2).exact == 0.0
    assert tolerance_state("parity x1·x4·x8", "CSQ h(x) = x1·x4·x8", 10, 2).exact == 1.0
    majority = tolerance_state("majority of x1..x9", "CSQ h(x) = x1", 10, 2).exact
    assert majority == pytest.approx(MAJORITY_DEGREE_ONE, abs=1e-12)
    # 1[y = x1 = x2] on the parity: x1 = x2 w.p. 1/2, then y = x1 independently w.p. 1/2
    assert tolerance_state("parity x1·x4·x8", "SQ φ(x, y) = 1[y = x1 = x2]", 10, 2).exact == 0.25


def test_spread_matches_the_binomial_standard_deviation():
    """Lesson 1, section 3: the RMS error is sd(φ)/sqrt(N) with sd(x1·Maj)² = 1 − f̂(1)²."""
    state = tolerance_state("majority of x1..x9", "CSQ h(x) = x1", n_samples=400, n_repeats=400,
                            seed=5)
    predicted = math.sqrt(1 - MAJORITY_DEGREE_ONE**2) / math.sqrt(400)
    # the RMS over 400 repeats has relative sd about 1/sqrt(800) ≈ 3.5%
    assert state.rms_error == pytest.approx(predicted, rel=0.12)
    assert state.tolerance == pytest.approx(1 / 20)
    assert state.answers.shape == (400,)
    assert 0.55 < state.fraction_within < 0.8


def test_a_constant_query_has_no_sampling_error():
    state = tolerance_state("parity x1·x4·x8", "CSQ h(x) = x1·x4·x8", n_samples=17, n_repeats=20)
    assert np.all(state.answers == 1.0)
    assert state.rms_error == 0.0
    assert state.fraction_within == 1.0


def test_state_is_deterministic_and_seeded():
    first = tolerance_state(n_samples=50, n_repeats=30, seed=4)
    again = tolerance_state(n_samples=50, n_repeats=30, seed=4)
    other = tolerance_state(n_samples=50, n_repeats=30, seed=5)
    assert np.array_equal(first.answers, again.answers)
    assert not np.array_equal(first.answers, other.answers)


def test_widget_controls_drive_the_state():
    box = tolerance_explorer(n_repeats=40, seed=2)
    assert isinstance(box.state, ToleranceState)
    first_image = box.image.value
    box.controls["n_samples"].value = 1000
    expected = tolerance_state("majority of x1..x9", "CSQ h(x) = x1", 1000, 40, 2)
    assert box.state.n_samples == 1000
    assert np.array_equal(box.state.answers, expected.answers)
    assert box.image.value != first_image and box.image.value[:4] == b"\x89PNG"
    box.controls["target"].value = "parity x1·x4·x8"
    box.controls["query"].value = "SQ φ(x, y) = 1[y = x1 = x2]"
    expected = tolerance_state("parity x1·x4·x8", "SQ φ(x, y) = 1[y = x1 = x2]", 1000, 40, 2)
    assert box.state.exact == expected.exact == 0.25
    assert np.array_equal(box.state.answers, expected.answers)
    assert "0.2500" in box.summary.value


def test_factory_is_reachable_from_the_package():
    module = importlib.import_module("csqlab.widgets.tolerance_explorer")
    # the module shares the factory's name; importing it must not hide the factory
    assert csqlab.widgets.tolerance_explorer is module.tolerance_explorer
    for factory in (csqlab.widgets.tolerance_explorer, module.tolerance_explorer):
        box = factory(n_samples=10, n_repeats=5)
        assert isinstance(box.state, ToleranceState)


def test_plot_has_title_and_labels():
    import matplotlib.pyplot as plt

    ax = plot_tolerance_state(tolerance_state(n_samples=100, n_repeats=20))
    assert ax.get_title() and ax.get_xlabel() == "answer" and ax.get_ylabel()
    plt.close("all")
    with pytest.raises(TypeError, match="state"):
        plot_tolerance_state({"answers": [0.0]})


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"target": "xor"}, ValueError, "target must be one of"),
        ({"query": "h(x) = x2"}, ValueError, "query must be one of"),
        ({"n_samples": 0}, ValueError, "n_samples must be an integer >= 1"),
        ({"n_repeats": 0}, ValueError, "n_repeats must be an integer >= 1"),
        ({"n_samples": 2.5}, TypeError, "n_samples must be an integer"),
        ({"seed": -1}, ValueError, "seed must be an integer >= 0"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        tolerance_state(**kwargs)
