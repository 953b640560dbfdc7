"""The budget-vs-bound table (csqlab.experiments.budget) and the samples-to-success summaries
(csqlab.experiments.scaling), each checked by a second route: parameters counted on the built
students, the counting lemma's q recomputed with math.comb, the crossover sizes found by a
plain scan, and the censoring / best-rate logic on hand-made records."""

import math

import numpy as np
import pytest
import torch

from csqlab.experiments import FAMILIES, budget, experiment_configs, scaling
from csqlab.experiments.registry import WIDTH_RULES

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.mark.parametrize("name", sorted(WIDTH_RULES))
def test_parameter_counts_match_the_built_students(name):
    for config in {c.size: c for c in experiment_configs(name, "full")}.values():
        student = FAMILIES[config.family].build(config).student(0, torch.float32)
        assert budget.student_parameters(config) == sum(p.numel() for p in student.parameters())


def test_scaling_students_parameter_counts_match_too():
    for config in {(c.family, c.size): c for c in scaling.scaling_configs("full")}.values():
        student = FAMILIES[config.family].build(config).student(0, torch.float32)
        assert budget.student_parameters(config) == sum(p.numel() for p in student.parameters())


def test_table_at_size_48_by_hand():
    """T·B, τ = 1/√B and q = m τ²/2 for the γ = 0 families from math.comb; the degree
    parities' q from m = 2^7 and their γ; the hidden planes not applicable."""
    rows = {name: {r.size: r for r in budget.budget_table(name)} for name in WIDTH_RULES}
    tau = 1 / math.sqrt(256)
    for name, m in (("invariant-polynomials", math.comb(48, 3)),
                    ("frame-averaged-parities", math.comb(48, 4) / 48)):
        row = rows[name][48]
        assert row.samples == 1000 * 256 and row.tolerance == pytest.approx(tau)
        assert 10**row.log10_bound == pytest.approx(m * tau**2 / 2, rel=1e-9)
        assert row.log10_queries == pytest.approx(math.log10(1000 * row.parameters))
        assert row.vacuous
    degree = rows["gnn-degree-parity"][48]
    assert 10**degree.log10_m == pytest.approx(2**7)
    assert 10**degree.log10_bound == pytest.approx(2**7 * (tau**2 - degree.gamma) / 2)
    assert 10**degree.log10_bound < 1 < 10**degree.log10_queries
    for name in ("gnn-hidden-planes", "cnn-hidden-planes"):
        assert all(r.log10_bound is None and r.gamma > tau**2 for r in rows[name].values())


def test_crossovers_by_a_plain_scan():
    """Set monomials (k = 3, width 64, T = 1000, B = 256): the first d with
    C(d, 3) τ²/2 > T·p(d), scanned one by one; frame parities (k = 4): q ~ n³ against
    T·p ~ n², so not below 10^6; the CNN planes never (γ = |G| t^k = 1)."""
    tau2 = 1 / 256

    def first(q, p, start=8):
        n = start
        while q(n) <= 1000 * p(n):
            n += 1
        return n

    crossing = first(lambda d: math.comb(d, 3) * tau2 / 2, lambda d: 64 * d + 2 * 64**2 + 4 * 64 + 1)
    assert budget.bound_applies_from("invariant-polynomials").non_vacuous_from == crossing
    frame = budget.bound_applies_from("frame-averaged-parities")
    assert frame.applies_from == 8 and frame.non_vacuous_from is None
    n = 10**6  # at the search limit q is still below T·p
    assert math.comb(n, 4) / n * tau2 / 2 < 1000 * ((n + 2) * 32 * n + 1)
    assert budget.bound_applies_from("cnn-hidden-planes").applies_from is None
    degree = budget.bound_applies_from("gnn-degree-parity")
    for size, expected in ((degree.non_vacuous_from, True), (degree.non_vacuous_from - 1, False)):
        curve = budget.family_bound("gnn-degree-parity", [size], 1 / 16)
        p = 8 * size**2 + 10 * size + 1  # w = 2n: w + 2w² + 4w + 1
        assert bool(curve.log10_min_queries[0] > math.log10(1000 * p)) is expected


def _records(series_size_lr_seed_losses, batch=128, steps=100, every=10):
    records = []
    for (family, degree, size, lr, seed), losses in series_size_lr_seed_losses.items():
        for index, loss in enumerate(losses):
            records.append({"model": FAMILIES[family].model, "family": family, "group": "trivial",
                            "size": size, "width": 8, "degree": degree, "lr": lr,
                            "batch": batch, "steps": steps, "seed": seed,
                            "step": index * every, "test_loss": loss,
                            "config_hash": f"{family}{degree}{size}{lr}"})
    return records


def test_samples_censoring_and_the_interior_best_rate():
    runs = {}
    for lr, hits in ((1e-3, (None, None, None)), (3e-3, (3, 4, None)), (1e-2, (5, 6, 7))):
        for seed, hit in enumerate(hits):
            losses = [1.0] * 11 if hit is None else [1.0] * hit + [0.05] * (11 - hit)
            runs[("sparse-parity", 2, 16, lr, seed)] = losses
    records = _records(runs)
    rows = scaling.samples_to_success(records)
    censored = [r for r in rows if r["censored"]]
    assert len(censored) == 4 and all(r["samples"] == math.inf for r in censored)
    assert {r["samples"] for r in rows if r["lr"] == 3e-3 and not r["censored"]} == {
        30 * 128, 40 * 128}
    (summary,) = scaling.success_summary(records)
    assert summary["series"] == "sparse parity, k = 2"
    assert summary["lr"] == 3e-3 and summary["median"] == 40 * 128  # median of 3840, 5120, inf
    assert summary["interior"] and summary["censored"] == 1 and summary["budget"] == 100 * 128


def test_fit_exponent_recovers_a_power_and_refuses_too_few_points():
    sizes = np.array([16, 32, 64, 128])
    assert scaling.fit_exponent(sizes, 7 * sizes**2.5) == pytest.approx(2.5)
    assert scaling.fit_exponent(sizes, [10.0, 40.0, math.inf, 640.0]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="at least two"):
        scaling.fit_exponent(sizes, [1.0, math.inf, math.inf, math.inf])


def test_budgets_grow_with_the_size_and_every_series_is_labelled():
    configs = scaling.scaling_configs("full")
    for series in scaling.SERIES:
        steps = [series.budget[n] for n in series.sizes["full"]]
        assert steps == sorted(steps) and steps[-1] > steps[0]
    assert {scaling.series_label(c) for c in configs} == {s.label for s in scaling.SERIES}
    assert all(c.eval_every == c.steps // (200 if c.family == "sparse-parity" else 40) for c in configs)
    with pytest.raises(ValueError, match="level"):
        scaling.samples_to_success([], level=0)


def test_when_every_rate_is_censored_the_best_rate_is_the_lowest_test_mse_reached():
    """Three rates, every seed censored: the best rate is the one whose median lowest test
    MSE is smallest (here the middle one, so the grid brackets it); with the lowest at the
    grid's edge the summary says the grid does not bracket it."""
    def summary(lows):
        runs = {("sparse-parity", 3, 16, lr, seed): [1.0] * 5 + [low + 0.01 * seed] * 6
                for lr, low in zip((1e-3, 3e-3, 1e-2), lows, strict=True) for seed in range(3)}
        (row,) = scaling.success_summary(_records(runs))
        return row

    row = summary((0.9, 0.4, 0.7))
    assert row["best_by"] == "lowest test MSE" and row["median"] == math.inf
    assert row["lr"] == 3e-3 and row["lowest"] == pytest.approx(0.41) and row["interior"]
    assert row["censored"] == 3 and row["n_seeds"] == 3
    edge = summary((0.9, 0.7, 0.4))
    assert edge["lr"] == 1e-2 and not edge["interior"]


def test_the_bracket_field_tells_edge_interior_and_no_rate_learns():
    def summary(lows):
        runs = {("sparse-parity", 3, 16, lr, seed): [1.0] * 5 + [low] * 6
                for lr, low in zip((1e-3, 3e-3, 1e-2), lows, strict=True) for seed in range(3)}
        (row,) = scaling.success_summary(_records(runs))
        return row["bracket"]

    assert summary((0.9, 0.4, 0.7)) == "interior"
    assert summary((0.9, 0.7, 0.4)) == "edge"
    assert summary((0.99, 0.98, 0.97)) == "no rate learns"
    assert summary((0.99, 0.98, 0.89)) == "edge"
