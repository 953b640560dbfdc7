"""The named experiments: one per result of the paper (Theorems A–D and the invariant
polynomials; lessons/notes/proof-maps.md), plus the contrasts of lesson 11.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from csqlab._validation import _check_int
from csqlab.experiments.config import Experiment
from csqlab.experiments.figures import (
    _figure_fixed_train_set,
    _figure_size_sweep,
    _figure_sparse_parity,
)
from csqlab.experiments.scaling import figure_samples_to_success, scaling_configs
from csqlab.experiments.sweeps import best_over_learning_rates

# --------------------------------------------------------------------------- named experiments

QUICK_LEARNING_RATES = (1e-3, 3e-3)
"""The subset of the learning-rate sweep used in quick mode."""
FULL_LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
"""The learning-rate sweep of our protocol (ours, lessons/notes/proof-maps.md), used in full
mode: wide enough that the best rate of every size sweep can be seen to be interior (the
lesson reports where it is not)."""
FIXED_SET_RATES = (1e-4, 3e-4, 1e-3, 3e-3)
"""The learning rates of the fixed-training-set comparison in full mode."""
QUICK_SEEDS = (0, 1, 2)
FULL_SEEDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class ExperimentSpec:
    """A named experiment: ``configs(mode)`` lists its :class:`Experiment` runs for a mode of
    :data:`MODES`; ``figure(records, title)`` draws the paper-style figure from its records.
    ``section`` is the result of the paper it serves (or ``"contrast"``); ``size_name`` labels
    the size axis (``"n (nodes)"``, ``"d (feature dimension)"``, …)."""

    name: str
    title: str
    section: str
    description: str
    configs: Callable[[str], list[Experiment]]
    figure: Callable[[list[dict], str], object]
    size_name: str = "n"


MODES = ("quick", "full")
"""Sweep sizes: ``quick`` (under a minute per experiment on two cores; the lessons and the
CLI default) and ``full`` (``--full``: all four learning rates, five seeds, more sizes and
steps; the results shipped in ``csqlab/data``)."""


def _protocol_configs(model: str, family: str, group: str, sizes: dict, width: Callable[[int], int],
                      degree: int, steps: dict, mode: str, n_train: int | None = None,
                      rates: dict | None = None) -> list[Experiment]:
    """The protocol's grid for one mode: sizes × learning rates, all seeds of a run trained
    together (``sizes``/``steps``/``rates`` map a mode to its values)."""
    rates = (rates or {}).get(mode) or (QUICK_LEARNING_RATES if mode == "quick"
                                       else FULL_LEARNING_RATES)
    seeds = QUICK_SEEDS if mode == "quick" else FULL_SEEDS
    return [Experiment(model, family, group, size, width(size), degree=degree, lr=lr,
                       batch=256 if mode == "full" else 128, steps=steps[mode], n_train=n_train,
                       n_test={"quick": 1024, "full": 4096}[mode], seeds=seeds,
                       eval_every=max(1, steps[mode] // 20), dtype="float32")
            for size in sizes[mode] for lr in rates]

_SIZES = {"quick": (8, 16, 32), "full": (8, 16, 24, 32, 48)}

WIDTH_RULES: dict[str, Callable[[int], int]] = {
    "gnn-degree-parity": lambda n: 2 * n,
    "gnn-hidden-planes": lambda d: 16,
    "cnn-hidden-planes": lambda n: 16,
    "frame-averaged-parities": lambda n: 2 * n * 2**4,
    "invariant-polynomials": lambda d: 64,
    "sparse-parity": lambda n: 128,
}
"""The student width of each size-sweep experiment as a function of its size."""
_STEPS = {"quick": 300, "full": 1000}

EXPERIMENTS: dict[str, ExperimentSpec] = {}
"""Every experiment ``python -m csqlab reproduce NAME`` can run, by name."""


def _register(spec: ExperimentSpec) -> None:
    EXPERIMENTS[spec.name] = spec


def _size_sweep(name: str, title: str, section: str, description: str, model: str, family: str,
                group: str, width: Callable[[int], int], degree: int,
                size_name: str = "n") -> ExperimentSpec:
    """An experiment of the protocol's size sweep (:data:`_SIZES`, :data:`_STEPS`, online),
    drawn with the two-panel size-sweep figure."""
    return ExperimentSpec(
        name, title, section, description,
        lambda mode: _protocol_configs(model, family, group, _SIZES, width, degree, _STEPS, mode),
        lambda records, title: _figure_size_sweep(records, title, size_name), size_name)


_register(_size_sweep(
    "gnn-degree-parity", "GNN on degree-histogram parities (Theorem A)", "§4.1",
    "Message-passing GNN students (node MLP 1 → 2n → 2n, head 2n → 2n → 1: about twice the "
    "teacher's 4n² parameters) learning a degree-histogram parity on directed G(n, 1/2).",
    "gnn", "degree-parity", "symmetric", WIDTH_RULES["gnn-degree-parity"], 2, "n (nodes)"))
_register(_size_sweep(
    "gnn-hidden-planes", "GNN with Gaussian node features, hidden planes (Theorem B)", "§4.2",
    "ShallowGNN students of width 16 (the teacher has 2k = 8 units, k = 4) on per-node hidden "
    "planes, one 6-node graph, node features in R^d.",
    "shallow-gnn", "gnn-planes", "symmetric", WIDTH_RULES["gnn-hidden-planes"], 4,
    "d (feature dimension)"))
_register(_size_sweep(
    "cnn-hidden-planes", "CNN on cyclically averaged hidden planes (Theorem C)", "§4.3",
    "Circular CNN students (the group-averaged network over C_n, width 16; the teacher has "
    "2k = 8 filters, k = 4), Gaussian inputs in R^n.",
    "group-averaged", "cnn-planes", "cyclic", WIDTH_RULES["cnn-hidden-planes"], 4))
_register(_size_sweep(
    "frame-averaged-parities", "Frame-averaged MLP on orbit-averaged parities of ReLUs "
    "(Theorem D)", "§4.4",
    "Frame-averaged MLP students (canonicalisation frame of C_n, one hidden layer of 2·n·2^k "
    "units, twice the teacher's n·2^k, k = 4) on C_n-orbit-averaged parities of ReLUs.",
    "frame-mlp", "frame-parities", "cyclic", WIDTH_RULES["frame-averaged-parities"], 4))
_register(_size_sweep(
    "invariant-polynomials", "DeepSets on set monomials (invariant polynomials, set variant)", "§4.5",
    "ReLU DeepSets students (width 64) on f_S(X) = n^{-1/2} Σ_i Π_{j∈S} X_ij with 8 rows, "
    "|S| = k = 3, features in R^d.",
    "deepsets", "set-monomials", "symmetric", WIDTH_RULES["invariant-polynomials"], 3,
    "d (feature dimension)"))
_FIXED_STEPS = {"quick": 600, "full": 2000}
_FIXED_RATES = {"quick": (3e-3,), "full": FIXED_SET_RATES}
_register(ExperimentSpec(
    "fixed-train-set", "Fixed training set versus online batches (Theorem D family)", "§4.7",
    "The frame-averaged experiment with a fixed training set of 512 points (minibatches drawn "
    "from it, many epochs) next to online training: train MSE falls, test MSE does not.",
    lambda mode: [*_protocol_configs("frame-mlp", "frame-parities", "cyclic", _SIZES,
                                     lambda n: 2 * n * 2**4, 4, _FIXED_STEPS, mode, n_train=512,
                                     rates=_FIXED_RATES),
                  *_protocol_configs("frame-mlp", "frame-parities", "cyclic", _SIZES,
                                     lambda n: 2 * n * 2**4, 4, _FIXED_STEPS, mode,
                                     rates=_FIXED_RATES)],
    lambda records, title: _figure_fixed_train_set(records, title)))
_register(ExperimentSpec(
    "sparse-parity", "Contrast: sparse parities are learned in n^O(k) steps", "contrast",
    "A width-128 MLP learning a 3-sparse parity on {±1}^n with online Adam (lr 3e-3): a "
    "plateau, then a sudden drop (Barak et al. 2022). The 2000 x 128 samples exceed 2^n at "
    "n = 16 (the cube may be revisited) and stay below it from n = 24.",
    lambda mode: [Experiment("mlp", "sparse-parity", "trivial", n,
                             WIDTH_RULES["sparse-parity"](n), degree=3, lr=3e-3,
                             batch=128, steps=800 if mode == "quick" else 2000,
                             n_test=1024 if mode == "quick" else 2048,
                             seeds=QUICK_SEEDS if mode == "quick" else FULL_SEEDS, eval_every=20)
                  for n in ((16, 24, 32, 40) if mode == "quick" else (16, 24, 32, 40, 48))],
    lambda records, title: _figure_sparse_parity(records, title)))
_register(ExperimentSpec(
    "steps-to-success", "Samples to success against size, with budgets that grow with the size",
    "scaling",
    "Online Adam students on five series (sparse parities with k = 2 and 3; orbit parities of "
    "ReLUs, degree-histogram parities and hidden planes with k growing with the size), four "
    "learning rates, five seeds: the fresh samples each seed needs to reach test MSE <= 0.1, "
    "censored runs reported as '> budget' (csqlab.experiments.scaling).",
    scaling_configs, lambda records, title: figure_samples_to_success(records, title),
    "size (n; d for hidden planes)"))


def figure_final_losses(records_by_name: dict, columns: int = 3):
    """One panel per experiment: final test MSE against size at the best learning rate
    (mean ± std over seeds), with the trivial line at 1 — the lesson 11 overview of
    Theorems A–D and the invariant polynomials (protocol ours). ``records_by_name`` maps experiment names to records."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    if not records_by_name:
        raise ValueError("records_by_name must map at least one experiment name to records")
    columns = _check_int(columns, "columns", 1)
    rows = -(-len(records_by_name) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows),
                                squeeze=False)
    for ax, (name, records) in zip(axes.flat, records_by_name.items(), strict=False):
        spec = _check_name(name)
        best = [r for r in best_over_learning_rates(records) if r["variant"] == "online"]
        finals = [np.array([x["test_loss"] for x in records
                            if x["config_hash"] == r["config_hash"] and x["step"] == r["step"]])
                  for r in best]
        plotting.plot_final_loss_vs_size([r["size"] for r in best], finals, ax=ax,
                                         label="best lr", title=f"{spec.section}: {name}",
                                         xlabel=spec.size_name)
        ax.set_ylim(0.0, 1.6)
    for ax in list(axes.flat)[len(records_by_name):]:
        ax.set_visible(False)
    figure.tight_layout()
    return figure

def _check_name(name: str) -> ExperimentSpec:
    if name not in EXPERIMENTS:
        raise ValueError(f"name must be one of {sorted(EXPERIMENTS)}, got {name!r}")
    return EXPERIMENTS[name]


def experiment_configs(name: str, mode: str = "quick") -> list[Experiment]:
    """The configurations of experiment ``name`` in a mode of :data:`MODES`."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    return _check_name(name).configs(mode)

def experiment_figure(name: str, records: list[dict]):
    """The figure of experiment ``name`` drawn from ``records`` (a matplotlib Figure)."""
    spec = _check_name(name)
    if not records:
        raise ValueError("records must not be empty")
    return spec.figure(records, spec.title)
