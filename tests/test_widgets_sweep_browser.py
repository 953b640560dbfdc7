"""Lesson 11: the sweep browser shows exactly what csqlab.experiments computes from the cached
records (final test MSE per size = the mean over seeds of the last checkpoint)."""

import importlib

import numpy as np
import pytest

from csqlab import experiments, widgets

# the package binds the factory over the submodule's name; import the module itself
module = importlib.import_module("csqlab.widgets.sweep_browser")


def direct_final(records, size, lr, variant):
    last = max(r["step"] for r in records)
    values = [r["test_loss"] for r in records if r["size"] == size and r["lr"] == lr
              and r["variant"] == variant and r["step"] == last]
    return np.mean(values), np.std(values)


@pytest.fixture(scope="module")
def browser():
    return widgets.sweep_browser("frame-averaged-parities")


def test_state_matches_the_records_for_a_chosen_learning_rate(browser):
    records = experiments.load_cached("frame-averaged-parities")
    lr = sorted({r["lr"] for r in records})[0]
    browser.controls["lr"].value = lr
    state = browser.state
    assert state.lr == lr and set(state.lrs) == {lr}
    for size, mean, std in zip(state.sizes, state.final_mean, state.final_std, strict=True):
        expected = direct_final(records, size, lr, "online")
        assert mean == pytest.approx(expected[0]) and std == pytest.approx(expected[1])
    assert browser.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_best_learning_rate_is_the_minimum_over_the_sweep(browser):
    browser.controls["lr"].value = module.BEST
    records = experiments.load_cached("frame-averaged-parities")
    for size, mean in zip(browser.state.sizes, browser.state.final_mean, strict=True):
        candidates = [direct_final(records, size, lr, "online")[0]
                      for lr in {r["lr"] for r in records}]
        assert mean == pytest.approx(min(candidates))


def test_switching_experiment_refreshes_the_choices(browser):
    names = sorted(experiments.cached_experiments())
    other = next(n for n in names if n != "frame-averaged-parities")
    browser.controls["experiment"].value = other
    records = experiments.load_cached(other)
    assert browser.state.name == other
    assert list(browser.controls["lr"].options) == [module.BEST, *sorted({r["lr"] for r in records})]
    assert set(browser.state.sizes) == {r["size"] for r in records if r["variant"] == "online"}
    browser.controls["experiment"].value = "frame-averaged-parities"


def test_fixed_training_set_variant_is_offered_where_cached():
    if "fixed-train-set" not in experiments.cached_experiments():
        pytest.skip("fixed-train-set not cached")
    box = widgets.sweep_browser("fixed-train-set", variant="fixed")
    records = experiments.load_cached("fixed-train-set")
    assert set(box.controls["variant"].options) == {"fixed", "online"}
    assert box.state.variant == "fixed"
    expected = {row["size"]: row["test_mean"] for row in experiments.best_over_learning_rates(records)
                if row["variant"] == "fixed"}
    assert dict(zip(box.state.sizes, box.state.final_mean, strict=True)) == pytest.approx(expected)


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="name must be one of the cached experiments"):
        widgets.sweep_browser("nope")
    with pytest.raises(ValueError, match="variant must be one of"):
        module.sweep_state("frame-averaged-parities", variant="sideways")
    with pytest.raises(ValueError, match="lr must be 'best' or one of"):
        module.sweep_state("frame-averaged-parities", lr=0.5)
