"""Width checks and the degree-parity diagnosis (csqlab.experiments.capacity; lesson 11).

Each construction is checked against the hard family's own ``evaluate`` (a second route: the
family computes its members from their definition, not from network weights); the
degree-parity breakpoints against the indicator by enumeration and the head's lower bound
against the sign changes of the triangle wave; the protocol widths against the registry's
and the scaling experiment's width rules."""

import itertools

import numpy as np
import pytest
import torch

from csqlab.experiments import FAMILIES, capacity, scaling
from csqlab.experiments.registry import WIDTH_RULES

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py

CONSTRUCTED = [case for case in capacity.CASES if case[0] != "set-monomials"]
LARGER = [("sparse-parity", 64, 3), ("frame-parities", 12, 4), ("degree-parity", 16, 2),
          ("degree-parity", 32, 2), ("gnn-planes", 32, 4), ("cnn-planes", 16, 4)]


@pytest.mark.parametrize("case", CONSTRUCTED + LARGER)
def test_the_protocol_student_represents_its_teacher_exactly(case):
    """Lesson 11: a failed run is an optimisation failure only if the student of the
    protocol width can compute the teacher — here by explicit weights, MSE < 1e-10."""
    check = capacity.width_check(*case, n_test=1024)
    assert check.route == "construction"
    assert check.units <= check.width
    assert check.test_mse < 1e-10


def test_every_degree_parity_teacher_at_n8_is_constructed_pointwise():
    """Theorem A at n = 8: all seven non-empty S of the window, pointwise against evaluate."""
    config = capacity.protocol_config("degree-parity", 8, 2)
    family = FAMILIES["degree-parity"].build(config).family
    x = family.sample(2048, seed=3)
    for member in range(1, len(family)):
        setup, student, units = capacity.constructed_student(config, member)
        with torch.no_grad():
            out = student(torch.as_tensor(x)).numpy()
        assert np.max(np.abs(out - family.evaluate(x, [member])[:, 0])) < 1e-10
        assert units <= 2 * 8


@pytest.mark.parametrize("n", [4, 8, 13])
def test_breakpoints_reproduce_the_indicator_and_the_head_bound_counts_sign_changes(n):
    window = range(max(0, n // 2 - 2), min(n, n // 2 + 2))
    for size in range(1, len(window) + 1):
        for subset in itertools.combinations(window, size):
            units = capacity.degree_parity_units(n, subset)
            t = np.arange(n)
            value = sum(s * np.maximum(t - m, 0) for m, s in
                        zip(units["breakpoints"], units["slopes"], strict=True))
            assert np.array_equal(value, np.isin(t, subset).astype(float))
            assert units["node"] <= max(subset) - min(subset) + 3  # inside [min S − 1, max S + 1]
    # (−1)^c on c = 0..n: the slope of the interpolant flips at every interior integer
    values = (-1.0) ** np.arange(n + 1)
    flips = np.count_nonzero(np.diff(np.sign(np.diff(values))))
    assert capacity.degree_parity_units(n, (0,))["head_lower_bound"] == flips == n - 1


@pytest.mark.parametrize("family, size, degree, width, word", [
    ("degree-parity", 8, 2, 7, "width"),
    ("frame-parities", 8, 4, 127, "width"),
    ("gnn-planes", 8, 4, 7, "width"),
    ("cnn-planes", 8, 4, 7, "width"),
    ("sparse-parity", 16, 3, 2, "width"),
])
def test_a_too_narrow_student_refuses_the_construction(family, size, degree, width, word):
    config = capacity.protocol_config(family, size, degree, width)
    with pytest.raises(ValueError, match=word):
        capacity.constructed_student(config)


def test_set_monomials_are_fitted_from_the_warm_start():
    """No exact ReLU construction of a cubic: a width-64 DeepSets student, warm-started by
    polarisation, fits train and test far below the trivial level 1 and below its start."""
    check = capacity.width_check("set-monomials", 8, 3, steps=400, n_train=4096, n_test=2048)
    assert check.route == "fit"
    assert check.train_mse < 0.1 and check.test_mse < 0.1
    assert check.test_mse < check.start_mse


def test_diagnosis_construction_is_exact_warm_start_stays_low_default_does_not_fit():
    """Theorem A at n = 8: the architecture expresses χ_S; from the construction plus noise 0.01
    Adam stays at low MSE; from the default initialisation it stays at the trivial level."""
    result = capacity.degree_parity_diagnosis(8, noises=(0.01,), multipliers=(2,),
                                              warm_steps=200, default_steps=300, n_train=2048,
                                              n_test=1024)
    exact, warm, default, raw, scaled = result["rows"]
    assert exact.test_mse < 1e-20 and exact.width == 16
    assert warm.test_mse < 1e-2 and warm.train_mse < 1e-2
    assert default.train_mse > 0.5 and default.test_mse > 0.5
    assert raw.test_mse > 0.5 and scaled.test_mse < raw.test_mse  # the head's task alone
    assert result["units"]["width"] <= 16 and result["subset"] == (2, 3, 4)
    assert len(capacity.format_diagnosis(result).splitlines()) <= 12


def test_protocol_widths_match_the_registry_and_the_scaling_series():
    for family, name in (("degree-parity", "gnn-degree-parity"), ("gnn-planes", "gnn-hidden-planes"),
                         ("cnn-planes", "cnn-hidden-planes"),
                         ("frame-parities", "frame-averaged-parities"),
                         ("set-monomials", "invariant-polynomials"),
                         ("sparse-parity", "sparse-parity")):
        for size in (8, 16, 32):
            assert capacity.protocol_width(family, size, 4) == WIDTH_RULES[name](size)
    for series in scaling.SERIES:
        for size in series.sizes["full"]:
            assert capacity.protocol_width(series.family, size, series.degree(size)) \
                == series.width(size), series.label


def test_the_table_has_one_line_per_check():
    checks = capacity.width_checks(CONSTRUCTED[:2], n_test=256)
    text = capacity.format_width_checks(checks)
    assert len(text.splitlines()) == 3 and "construction" in text


@pytest.mark.parametrize("call, error, word", [
    (lambda: capacity.width_check("no-such-family", 8, 2), ValueError, "family"),
    (lambda: capacity.width_check("degree-parity", 8, 2, width=0), ValueError, "width"),
    (lambda: capacity.width_check("degree-parity", 8, 2, member=0), ValueError, "member"),
    (lambda: capacity.width_check("degree-parity", 8, 2, lr=-1.0), ValueError, "lr"),
    (lambda: capacity.width_check("degree-parity", 8, 2, n_test=1), ValueError, "n_test"),
    (lambda: capacity.width_check("set-monomials", 8, 3, width=8), ValueError, "width"),
    (lambda: capacity.width_check("set-monomials", 8, 3, start="cold"), ValueError, "start"),
    (lambda: capacity.constructed_student("degree-parity"), TypeError, "config"),
    (lambda: capacity.constructed_student(capacity.protocol_config("set-monomials", 8, 3)),
     ValueError, "family"),
    (lambda: capacity.degree_parity_units(8, ()), ValueError, "subset"),
    (lambda: capacity.degree_parity_units(8, (8,)), ValueError, "subset"),
    (lambda: capacity.degree_parity_diagnosis(8, subset=(0,)), ValueError, "subset"),
    (lambda: capacity.degree_parity_diagnosis(8, noises=(-0.1,)), ValueError, "noises"),
    (lambda: capacity.degree_parity_diagnosis(8, multipliers=(0,)), ValueError, "multipliers"),
    (lambda: capacity.degree_parity_diagnosis(1), ValueError, "n"),
])
def test_bad_arguments_are_named(call, error, word):
    with pytest.raises(error, match=word):
        call()
