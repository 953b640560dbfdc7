"""Samples to success against size: how the cost of gradient descent grows (lesson 11).

The experiment ``steps-to-success`` (:func:`scaling_configs`, registered in
:mod:`csqlab.experiments.registry`, full results shipped in ``csqlab/data``) trains, for every series below, online Adam students at each size with a step budget that
grows with the size, at four learning rates (more for the sparse parities and the hidden
planes, whose best rate was at the top of four in a first run), and measures the fresh samples (steps ×
batch) each seed needs to reach test MSE ``≤ 0.1`` (:func:`samples_to_success`; a seed that
never gets there within the budget is *censored*: "> budget", not a failure). Series:

* sparse parities on ``{±1}^n`` with fixed ``k = 2`` and ``k = 3`` (MLP of width 128):
  ``C(n, k)`` members, learnable in ``n^{O(k)}`` samples — straight lines on log–log axes;
* orbit-averaged parities of ReLUs with ``k = log_degree(n, even=True)`` (4 for
  ``n ≤ 16``, 6 from 24; frame-averaged MLP, twice the teacher's ``n·2^k`` units);
* degree-histogram parities with a window of ``round(√n)`` degrees (GNN of width ``2n``);
* per-node hidden planes with ``k = log_degree(d, even=True)`` (ShallowGNN of width 16).

The protocol is ours. :func:`success_summary` takes the best learning rate per size
(fewest median samples) and says whether it is interior to the grid; :func:`fit_exponent`
fits ``samples ∝ n^a`` by least squares on log–log axes over the sizes whose median is
not censored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from csqlab.experiments.config import Experiment

SUCCESS_LEVEL = 0.1
"""Test MSE at or below which a seed has learned its teacher (the trivial level is 1)."""
SCALING_RATES = {"quick": (3e-3,), "full": (1e-3, 3e-3, 1e-2, 3e-2)}
"""Adam learning rates of the experiment in each mode (a series may widen the full grid)."""
_BATCH = 128
NONE_LEARNS = 0.9
"""A censored size where the best rate's median lowest test MSE is at least this (within 10 %
of the trivial level) has nothing to bracket: ``bracket`` says "no rate learns"."""


@dataclass(frozen=True)
class _Series:
    label: str
    model: str
    family: str
    group: str
    sizes: dict  # mode -> sizes
    budget: dict  # size -> step budget
    width: object  # size -> width
    degree: object  # size -> k
    checkpoints: int = 40  # test evaluations per run: the resolution of the samples
    extra_rates: tuple = ()  # full mode: rates added to SCALING_RATES (the best one was its edge)

    def rates(self, mode: str) -> tuple:
        return SCALING_RATES[mode] + (self.extra_rates if mode == "full" else ())


def _log_degree(n: int) -> int:
    from csqlab.hard import classical

    return int(classical.log_degree(n, even=True))


SERIES = (
    _Series("sparse parity, k = 2", "mlp", "sparse-parity", "trivial",
            {"quick": (16, 32), "full": (16, 32, 64, 128)},
            {16: 1000, 32: 2000, 64: 4000, 128: 8000}, lambda n: 128, lambda n: 2, 200, (1e-1, 3e-1)),
    _Series("sparse parity, k = 3", "mlp", "sparse-parity", "trivial",
            {"quick": (16, 32), "full": (16, 24, 32, 48, 64)},
            {16: 1000, 24: 2000, 32: 4000, 48: 8000, 64: 12000}, lambda n: 128, lambda n: 3, 200,
            (1e-1, 3e-1)),
    _Series("orbit parities of ReLUs, k ≈ log₂ n", "frame-mlp", "frame-parities", "cyclic",
            {"quick": (8,), "full": (8, 12, 16, 24)},
            {8: 1000, 12: 2000, 16: 4000, 24: 12000},
            lambda n: 2 * n * 2 ** _log_degree(n), _log_degree),
    _Series("degree parities, √n window", "gnn", "degree-parity", "symmetric",
            {"quick": (4,), "full": (4, 6, 8, 12, 16)},
            {4: 1000, 6: 2000, 8: 4000, 12: 8000, 16: 16000}, lambda n: 2 * n, lambda n: 2),
    _Series("hidden planes (GNN), k ≈ log₂ d", "shallow-gnn", "gnn-planes", "symmetric",
            {"quick": (8,), "full": (8, 16, 32, 64)},
            {8: 1000, 16: 2000, 32: 4000, 64: 8000}, lambda n: 16, _log_degree, 40, (1e-1,)),
)
"""The series of the experiment: family, student, sizes per mode and step budget per size."""


def series_label(config: Experiment) -> str:
    """The :data:`SERIES` label of a configuration (or of a record's fields)."""
    for series in SERIES:
        if (series.family == config.family
                and (series.family != "sparse-parity" or series.degree(config.size) == config.degree)):
            return series.label
    raise ValueError(f"config is in no series of the steps-to-success experiment: {config!r}")


def scaling_configs(mode: str) -> list[Experiment]:
    """The experiment's configurations in a mode (``"quick"``: one rate, three seeds, two
    sizes of the sparse parities and one of the others; ``"full"``: :data:`SERIES`)."""
    seeds = (0, 1, 2) if mode == "quick" else (0, 1, 2, 3, 4)
    configs = []
    for series in SERIES:
        for size in series.sizes[mode]:
            steps = series.budget[size] // (4 if mode == "quick" else 1)
            for lr in series.rates(mode):
                configs.append(Experiment(
                    series.model, series.family, series.group, size, series.width(size),
                    degree=series.degree(size), lr=lr, batch=_BATCH, steps=steps,
                    n_test=1024 if mode == "quick" else 2048, seeds=seeds,
                    eval_every=max(1, steps // series.checkpoints)))
    return configs


def samples_to_success(records: list[dict], level: float = SUCCESS_LEVEL) -> list[dict]:
    """One row per configuration and seed: ``series``, ``size``, ``lr``, ``seed``,
    ``budget`` (steps × batch of the run), ``samples`` (steps × batch at the first
    checkpoint with test MSE ``≤ level``, or ``inf``), ``censored`` (never reached) and
    ``lowest`` (the lowest test MSE of the run)."""
    if not (isinstance(level, (int, float)) and 0 < level):
        raise ValueError(f"level must be a positive number, got {level!r}")
    runs: dict[tuple, list[dict]] = {}
    for row in records:
        runs.setdefault((row["config_hash"], row["seed"]), []).append(row)
    result = []
    for (_, seed), rows in runs.items():
        rows = sorted(rows, key=lambda r: r["step"])
        first = next((r["step"] for r in rows if r["test_loss"] <= level), None)
        head = rows[0]
        result.append({"series": series_label(_as_config(head)), "size": head["size"],
                       "degree": head["degree"], "lr": head["lr"], "seed": seed,
                       "budget": head["steps"] * head["batch"],
                       "samples": math.inf if first is None else first * head["batch"],
                       "censored": first is None,
                       "lowest": min(r["test_loss"] for r in rows)})
    return sorted(result, key=lambda r: (r["series"], r["size"], r["lr"], r["seed"]))


def _as_config(row: dict) -> Experiment:
    fields = {k: row[k] for k in Experiment.__dataclass_fields__ if k in row and k != "seeds"}
    return Experiment(**fields, seeds=(row["seed"],))


def success_summary(records: list[dict], level: float = SUCCESS_LEVEL) -> list[dict]:
    """Per series and size, at the best learning rate: the one with the fewest median
    samples (ties: the smaller rate) or, when every rate's median is censored, the one with
    the lowest median test MSE reached (``best_by`` says which). Fields: ``lr``, ``median``
    samples (``inf`` when more than half the seeds are censored), ``censored`` seeds of
    ``n_seeds``, ``budget``, ``lowest`` (median over seeds of the lowest test MSE, at that
    rate), ``rates`` (the grid), ``interior`` (the best rate is neither end of the grid:
    the grid brackets it) and ``bracket``: ``"interior"``, ``"edge"`` or, when every rate
    censors and even the best stays at ``lowest ≥`` :data:`NONE_LEARNS`, ``"no rate learns"``."""
    rows = samples_to_success(records, level)
    groups: dict[tuple, dict[float, list[dict]]] = {}
    for row in rows:
        groups.setdefault((row["series"], row["size"]), {}).setdefault(row["lr"], []).append(row)
    summary = []
    for (series, size), by_rate in sorted(groups.items()):
        rates = sorted(by_rate)
        medians = {lr: float(np.median([r["samples"] for r in by_rate[lr]])) for lr in rates}
        lowest = {lr: float(np.median([r["lowest"] for r in by_rate[lr]])) for lr in rates}
        solved = any(math.isfinite(m) for m in medians.values())
        best = min(rates, key=lambda lr: (medians[lr], lr) if solved else (lowest[lr], lr))
        seeds = by_rate[best]
        summary.append({"series": series, "size": size, "degree": seeds[0]["degree"],
                        "lr": best, "median": medians[best],
                        "censored": sum(r["censored"] for r in seeds), "n_seeds": len(seeds),
                        "budget": seeds[0]["budget"], "lowest": lowest[best],
                        "best_by": "samples" if solved else "lowest test MSE",
                        "rates": tuple(rates),
                        "interior": len(rates) > 2 and best not in (rates[0], rates[-1]),
                        "bracket": ("no rate learns" if not solved and lowest[best] >= NONE_LEARNS
                                    else "interior" if best not in (rates[0], rates[-1])
                                    else "edge")})
    return summary


def fit_exponent(sizes, samples) -> float:
    """Least-squares slope ``a`` of ``log samples`` against ``log n`` (``samples ∝ n^a``),
    over the finite values; ValueError with fewer than two."""
    sizes = np.asarray(sizes, dtype=float)
    samples = np.asarray(samples, dtype=float)
    if sizes.shape != samples.shape or sizes.ndim != 1:
        raise ValueError("sizes and samples must be 1-D arrays of equal length")
    keep = np.isfinite(samples) & (samples > 0)
    if keep.sum() < 2:
        raise ValueError("fit_exponent needs at least two finite, positive samples")
    return float(np.polyfit(np.log(sizes[keep]), np.log(samples[keep]), 1)[0])


def figure_samples_to_success(records: list[dict], title: str = "Samples to test MSE ≤ 0.1"):
    """Log–log: median samples to success against size per series (best rate per size),
    every seed as a dot; a censored median drawn at its budget as an open triangle ("> budget")."""
    import matplotlib.pyplot as plt

    summary = success_summary(records)
    per_seed = samples_to_success(records)
    figure, ax = plt.subplots(figsize=(7, 4.5))
    for colour, series in zip(("C0", "C1", "C2", "C3", "C4"), [s.label for s in SERIES],
                              strict=True):
        rows = [r for r in summary if r["series"] == series]
        if not rows:
            continue
        solved = [r for r in rows if math.isfinite(r["median"])]
        ax.plot([r["size"] for r in solved], [r["median"] for r in solved], color=colour,
                label=series)
        censored = [r for r in rows if not math.isfinite(r["median"])]
        ax.plot([r["size"] for r in censored], [r["budget"] for r in censored], linestyle="",
                marker="^", markerfacecolor="none", color=colour, markersize=9)
        dots = [r for r in per_seed if r["series"] == series and not r["censored"]
                and any(s["size"] == r["size"] and s["lr"] == r["lr"] for s in rows)]
        ax.plot([r["size"] for r in dots], [r["samples"] for r in dots], linestyle="",
                marker=".", color=colour, alpha=0.4)
    ax.plot([], [], linestyle="", marker="^", markerfacecolor="none", color="0.3",
            label="median censored: > budget")
    ax.set(xscale="log", yscale="log", xlabel="size (n, or d for hidden planes)",
           ylabel="fresh samples (steps × batch)", title=title)
    ax.legend(fontsize=7)
    figure.tight_layout()
    return figure
