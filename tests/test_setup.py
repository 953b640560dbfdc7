"""csqlab.setup(): seeds, threads, style and full mode (lesson 00's environment check)."""

import random

import matplotlib
import numpy as np
import pytest
import torch

import csqlab


def test_setup_makes_draws_repeatable():
    csqlab.setup(seed=3)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    csqlab.setup(seed=3)
    second = (random.random(), np.random.rand(), torch.rand(1).item())
    assert first == second
    csqlab.setup(seed=4)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) != first


def test_setup_reports_environment_and_sets_one_thread():
    info = csqlab.setup()
    assert info["threads"] == torch.get_num_threads() == 1
    assert torch.are_deterministic_algorithms_enabled()
    assert info["csqlab"] == csqlab.__version__
    assert info["full_mode"] is False


def test_setup_applies_course_style():
    csqlab.setup()
    assert matplotlib.rcParams["figure.facecolor"] == "white"
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    assert len(cycle["color"]) == len(cycle["marker"]) == 8
    assert cycle["color"][0].lower().lstrip("#") == "0072b2"  # Okabe–Ito blue


@pytest.mark.parametrize("value, expected", [("1", True), ("0", False), ("", False), ("yes", True)])
def test_full_mode_reads_environment(monkeypatch, value, expected):
    monkeypatch.setenv("CSQLAB_FULL", value)
    assert csqlab.full_mode() is expected


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_bad_seed_value(seed):
    with pytest.raises(ValueError, match="seed"):
        csqlab.setup(seed=seed)


@pytest.mark.parametrize("seed", [1.5, "0", None, True])
def test_bad_seed_type(seed):
    with pytest.raises(TypeError, match="seed"):
        csqlab.setup(seed=seed)


def test_numpy_integer_seed_is_accepted():
    assert csqlab.setup(seed=np.int64(7))["seed"] == 7


def test_bad_threads():
    with pytest.raises(ValueError, match="threads"):
        csqlab.setup(threads=0)
