"""The paper-style figures of the named experiments (drawn from their records).
"""

from __future__ import annotations

import numpy as np

from csqlab.experiments.sweeps import (
    _SUCCESS_LEVEL,
    best_over_learning_rates,
    final_losses,
    steps_to_success,
)


def _figure_size_sweep(records: list[dict], title: str, size_name: str = "n"):
    """Two panels: left, test MSE during training (best learning rate per size, mean ± std
    over seeds); right, final test MSE against size for every learning rate of the sweep,
    with the trivial line at 1."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    best = {row["size"]: row for row in best_over_learning_rates(records)
            if row["variant"] == "online"} or {
        row["size"]: row for row in best_over_learning_rates(records)}
    curves, steps = {}, None
    for size, row in sorted(best.items()):
        rows = [r for r in records if r["config_hash"] == row["config_hash"]]
        steps = sorted({r["step"] for r in rows})
        seeds = sorted({r["seed"] for r in rows})
        table = {(r["seed"], r["step"]): r["test_loss"] for r in rows}
        curves[size] = np.array([[table[(s, t)] for t in steps] for s in seeds])
    plotting.plot_loss_curves(steps, curves, ax=left, size_name=size_name.split()[0],
                              title="Test MSE during training (best learning rate)")
    top = max(1.6, min(3.0, 1.1 * max(float(c[:, 1:].mean(axis=0).max()) if c.shape[1] > 1
                                       else 1.0 for c in curves.values())))
    left.set_ylim(0.0, top)
    summary = final_losses(records)
    for lr in sorted({row["lr"] for row in summary}):
        rows = sorted((r for r in summary if r["lr"] == lr), key=lambda r: r["size"])
        sizes = [r["size"] for r in rows]
        finals = [np.array([x["test_loss"] for x in records
                            if x["config_hash"] == r["config_hash"] and x["step"] == r["step"]])
                  for r in rows]
        plotting.plot_final_loss_vs_size(sizes, finals, ax=right, label=f"lr = {lr:g}",
                                         xlabel=f"size {size_name}",
                                         title="Final test MSE against size")
    right.set_ylim(0.0, max(1.6, right.get_ylim()[1]))
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def _figure_fixed_train_set(records: list[dict], title: str, size_name: str = "n"):
    """Final train and test MSE against size, fixed training set versus online batches
    (best learning rate each): memorising the training set is not learning."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    figure, ax = plt.subplots(figsize=(6, 4))
    for variant, name in (("fixed", "fixed training set"), ("online", "online (fresh batches)")):
        rows = [r for r in best_over_learning_rates(records) if r["variant"] == variant]
        if not rows:
            continue
        sizes = [r["size"] for r in rows]
        for column, what in (("test_loss", "test"), ("train_loss", "train")):
            if variant == "online" and what == "train":
                continue
            finals = [np.array([x[column] for x in records
                                if x["config_hash"] == r["config_hash"] and x["step"] == r["step"]])
                      for r in rows]
            plotting.plot_final_loss_vs_size(sizes, finals, ax=ax, label=f"{name}: {what} MSE",
                                             xlabel=f"input size {size_name}",
                                             ylabel="final MSE", title=title)
    ax.set_ylim(0.0, max(1.6, ax.get_ylim()[1]))
    figure.tight_layout()
    return figure

def _figure_sparse_parity(records: list[dict], title: str):
    """Left: test MSE against steps (plateau, then a sudden drop), one line per n; right:
    steps to reach test MSE 0.1 against n, log–log, with the fitted power ``n^a``."""
    import matplotlib.pyplot as plt

    from csqlab import plotting

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    lr = min(r["lr"] for r in records)
    curves, steps = {}, None
    for size in sorted({r["size"] for r in records}):
        rows = [r for r in records if r["size"] == size and r["lr"] == lr]
        steps = sorted({r["step"] for r in rows})
        table = {(r["seed"], r["step"]): r["test_loss"] for r in rows}
        curves[size] = np.array([[table[(s, t)] for t in steps]
                                 for s in sorted({r["seed"] for r in rows})])
    plotting.plot_loss_curves(steps, curves, ax=left, title="Test MSE: plateau, then a drop")
    left.set_ylim(0.0, 1.6)
    hits = [r for r in steps_to_success(records) if r["lr"] == lr]
    sizes = np.array(sorted({r["size"] for r in hits}), dtype=float)
    per_size = [np.array([r["steps"] for r in hits if r["size"] == s]) for s in sizes]
    means = np.array([np.nanmean(v) if np.isfinite(v).any() else np.nan for v in per_size])
    right.loglog(sizes, means, label=f"mean over seeds (lr = {lr:g})")
    for size, values in zip(sizes, per_size, strict=True):
        right.plot(np.full(len(values), size), values, linestyle="", marker=".", color="0.5")
    ok = np.isfinite(means)
    if ok.sum() >= 2:
        slope, intercept = np.polyfit(np.log(sizes[ok]), np.log(means[ok]), 1)
        right.loglog(sizes, np.exp(intercept) * sizes**slope, linestyle="--", marker="",
                     label=f"fit $\\propto n^{{{slope:.1f}}}$")
    right.set(xlabel="input size n", ylabel=f"steps to test MSE < {_SUCCESS_LEVEL:g}",
              title="Steps to success against n")
    right.legend()
    figure.suptitle(title)
    figure.tight_layout()
    return figure
