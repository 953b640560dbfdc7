"""Browse the cached training sweeps (lesson 11).

The results shipped in ``csqlab/data`` (:func:`csqlab.experiments.data.load_cached`) hold every seed,
learning rate and size of each experiment (our experiment protocol, lessons/notes/proof-maps.md). The browser picks
an experiment, a learning rate (or "best": the lowest final test MSE per size) and the
variant (online or fixed training set), and shows the test MSE during training per size
and the final test MSE against size with the trivial line at 1.
:func:`sweep_state` is the pure computation behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csqlab import experiments
from csqlab.widgets._figures import figure_png

__all__ = ["sweep_browser"]

BEST = "best"


@dataclass(frozen=True)
class SweepState:
    """What the browser shows for one choice. ``sizes`` (sorted); per size: ``lrs`` (the
    learning rate shown), ``final_mean``/``final_std`` (final test MSE over seeds),
    ``trivial`` (mean MSE of predicting 0); ``steps`` and ``curves`` (size → array
    ``(n_seeds, n_steps)`` of test MSE); ``mode`` of the cached sweep."""

    name: str
    lr: str | float
    variant: str
    mode: str
    sizes: tuple
    lrs: tuple
    final_mean: np.ndarray
    final_std: np.ndarray
    trivial: np.ndarray
    steps: tuple
    curves: dict

    def summary(self) -> str:
        parts = [f"{size}: {mean:.3f} ± {std:.3f} (lr {lr:g})"
                 for size, mean, std, lr in zip(self.sizes, self.final_mean, self.final_std,
                                                self.lrs, strict=True)]
        return (f"{self.name} ({self.mode} sweep, {self.variant}) — final test MSE by size: "
                + "; ".join(parts))


def _options(records: list[dict]) -> tuple[list, list]:
    return sorted({r["lr"] for r in records}), sorted({r["variant"] for r in records})


def sweep_state(name: str, lr=BEST, variant: str = "online", records=None) -> SweepState:
    """Final and per-step test MSE of the cached experiment ``name`` for one learning rate
    (or ``"best"``, per size) and variant (pure; the browser shows its result).
    ``records`` overrides the cached records (tests, freshly computed sweeps)."""
    if records is None:
        records = experiments.load_cached(name)
    rates, variants = _options(records)
    if variant not in variants:
        raise ValueError(f"variant must be one of {variants} for {name!r}, got {variant!r}")
    if lr != BEST and lr not in rates:
        raise ValueError(f"lr must be {BEST!r} or one of {rates} for {name!r}, got {lr!r}")
    summary = [row for row in experiments.final_losses(records) if row["variant"] == variant]
    if lr == BEST:
        chosen = {row["size"]: row for row in experiments.best_over_learning_rates(records)
                  if row["variant"] == variant}
    else:
        chosen = {row["size"]: row for row in summary if row["lr"] == lr}
    sizes = tuple(sorted(chosen))
    curves, steps = {}, ()
    for size in sizes:
        rows = [r for r in records if r["config_hash"] == chosen[size]["config_hash"]]
        steps = tuple(sorted({r["step"] for r in rows}))
        table = {(r["seed"], r["step"]): r["test_loss"] for r in rows}
        curves[size] = np.array([[table[(s, t)] for t in steps]
                                 for s in sorted({r["seed"] for r in rows})])
    mode = experiments.cached_experiments().get(name, {}).get("mode", "computed")
    return SweepState(name, lr, variant, mode, sizes,
                      tuple(chosen[s]["lr"] for s in sizes),
                      np.array([chosen[s]["test_mean"] for s in sizes]),
                      np.array([chosen[s]["test_std"] for s in sizes]),
                      np.array([chosen[s]["trivial_mean"] for s in sizes]), steps, curves)


def draw_sweep(state: SweepState, figure=None):
    """Left: test MSE during training per size (mean ± std over seeds); right: final test
    MSE against size with the trivial line. A matplotlib Figure (Agg, no pyplot state)."""
    from matplotlib.figure import Figure

    from csqlab import plotting

    figure = Figure(figsize=(10, 4)) if figure is None else figure
    left, right = figure.subplots(1, 2)
    size_name = experiments.EXPERIMENTS[state.name].size_name
    plotting.plot_loss_curves(list(state.steps), state.curves, ax=left, size_name=size_name.split()[0],
                              title=f"Test MSE during training ({state.variant})")
    left.set_ylim(0.0, 1.6)
    finals = [state.curves[size][:, -1] for size in state.sizes]
    label = "best lr per size" if state.lr == BEST else f"lr = {state.lr:g}"
    plotting.plot_final_loss_vs_size(list(state.sizes), finals, ax=right, label=label,
                                     xlabel=f"size {size_name}",
                                     title="Final test MSE against size")
    right.set_ylim(0.0, 1.6)
    figure.suptitle(f"{state.name} (cached {state.mode} sweep)")
    figure.tight_layout()
    return figure


def sweep_browser(name: str | None = None, lr=BEST, variant: str = "online"):
    """Widget: choose a cached experiment, a learning rate ("best" or one of the sweep) and
    the variant; see the training curves and the final test MSE against size.

    Returns an ``ipywidgets.VBox`` with ``.controls`` (``"experiment"``, ``"lr"``,
    ``"variant"``), ``.state`` (the :class:`SweepState` shown) and ``.image`` (the PNG).
    """
    import ipywidgets as widgets

    names = sorted(experiments.cached_experiments())
    if not names:
        raise ValueError("no cached experiments in csqlab/data (run python -m csqlab "
                         "cache-results)")
    name = names[0] if name is None else name
    if name not in names:
        raise ValueError(f"name must be one of the cached experiments {names}, got {name!r}")
    records = {name: experiments.load_cached(name)}

    def cached(experiment):
        if experiment not in records:
            records[experiment] = experiments.load_cached(experiment)
        return records[experiment]

    rates, variants = _options(cached(name))
    initial = sweep_state(name, lr, variant, cached(name))  # validates the arguments
    controls = {
        "experiment": widgets.Dropdown(options=names, value=name, description="experiment"),
        "lr": widgets.Dropdown(options=[BEST, *rates], value=lr, description="lr"),
        "variant": widgets.Dropdown(options=variants, value=variant, description="variant"),
    }
    summary = widgets.HTML()
    image = widgets.Image(format="png")
    box = widgets.VBox([widgets.HBox(list(controls.values())), summary, image])
    box.controls = controls
    box.image = image

    def show(state: SweepState) -> None:
        box.state = state
        summary.value = f"<p>{state.summary()}</p>"
        image.value = figure_png(draw_sweep(state))

    def on_experiment(_change=None) -> None:
        experiment = controls["experiment"].value
        new_rates, new_variants = _options(cached(experiment))
        # refresh the choices without firing an update per change; a value no longer
        # offered falls back to the default
        controls["lr"].unobserve(update, names="value")
        controls["variant"].unobserve(update, names="value")
        controls["lr"].options = [BEST, *new_rates]
        if controls["lr"].value not in controls["lr"].options:
            controls["lr"].value = BEST
        controls["variant"].options = new_variants
        if controls["variant"].value not in new_variants:
            controls["variant"].value = "online" if "online" in new_variants else new_variants[0]
        controls["lr"].observe(update, names="value")
        controls["variant"].observe(update, names="value")
        update()

    def update(_change=None) -> None:
        experiment = controls["experiment"].value
        show(sweep_state(experiment, controls["lr"].value, controls["variant"].value,
                         cached(experiment)))

    controls["experiment"].observe(on_experiment, names="value")
    controls["lr"].observe(update, names="value")
    controls["variant"].observe(update, names="value")
    show(initial)
    return box
