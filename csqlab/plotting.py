"""The course's standard figures, one function each.

Every function takes plain arrays (numpy or anything array-like) and an optional
matplotlib ``ax``; it draws on that Axes (or on a new figure) and returns the Axes,
always with a title and labelled axes. Colours and markers come from the course
style applied by :func:`csqlab.setup` (Okabe–Ito colour-blind-safe cycle with
markers); nothing here hard-codes a colour: reference lines use the last colour of
the style cycle, and the Gram matrix uses a diverging colormap centred at 0.

Figures and the lessons that use them:

* :func:`plot_gram` — pairwise correlations ``⟨f_i, f_j⟩`` of a hard family (lessons 2, 3, 5, 6, 8–10);
* :func:`plot_bound_curves` — ``log10`` of the number of queries the counting lemma
  forces, against input size (lessons 3, 8–10), with gaps where the bound does not apply;
* :func:`plot_loss_curves` / :func:`plot_final_loss_vs_size` — gradient-descent test error
  against the trivial predictor's error 1 (lessons 8–11);
* :func:`plot_degree_spectrum` — Fourier or Hermite weight per degree (lessons 2, 5, 6);
* :func:`plot_error_vs_samples` — Monte Carlo error against ``1/sqrt(N)`` (lessons 1, 5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "plot_gram",
    "plot_bound_curves",
    "plot_loss_curves",
    "plot_final_loss_vs_size",
    "plot_degree_spectrum",
    "plot_error_vs_samples",
]

#: The diverging colormap for signed matrices (ColorBrewer RdBu, reversed: positive is red).
DIVERGING_CMAP = "RdBu_r"


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _reference_colour() -> str:
    """Last colour of the active style cycle (black in the course style) for reference lines."""
    colours = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["k"])
    return colours[-1]


def _array(values, name: str, *, ndim: int | tuple[int, ...] = 1, allow_nan: bool = False,
           positive: bool = False, nonnegative: bool = False) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers") from None
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if array.ndim not in allowed:
        raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimension(s), "
                         f"got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    checked = array[~np.isnan(array)] if allow_nan else array
    if not np.all(np.isfinite(checked)):
        raise ValueError(f"{name} contains {'infinite' if allow_nan else 'NaN or infinite'} values")
    if positive and np.any(checked <= 0):
        raise ValueError(f"{name} must be positive (it is drawn on a log scale)")
    if nonnegative and np.any(checked < 0):
        raise ValueError(f"{name} must be non-negative")
    return array


def _label(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _trivial_line(ax, level: float) -> None:
    ax.axhline(level, linestyle="--", linewidth=1.2, color=_reference_colour(),
               label=f"trivial predictor (MSE = {level:g})")


def plot_gram(gram, ax=None, title: str = "Gram matrix of pairwise correlations",
              labels: Sequence[str] | None = None, *, xlabel: str = "member j",
              ylabel: str = "member i", colorbar_label: str = r"$\langle f_i, f_j\rangle$"):
    """Image of a Gram matrix ``G_ij = ⟨f_i, f_j⟩`` with a colourbar.

    The colormap is diverging and its limits are symmetric, ``±max|G_ij|``, so 0 is
    the neutral colour: an orthogonal family shows a clean diagonal. ``labels`` (one
    per row) name the members on both axes.
    """
    gram = _array(gram, "gram", ndim=2)
    if gram.shape[0] != gram.shape[1]:
        raise ValueError(f"gram must be square, got shape {gram.shape}")
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != gram.shape[0]:
            raise ValueError(f"labels must have one entry per row of gram ({gram.shape[0]}), "
                             f"got {len(labels)}")
    ax = _axes(ax)
    limit = float(np.max(np.abs(gram))) or 1.0
    image = ax.imshow(gram, cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit,
                      interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    ax.grid(False)
    if labels is not None:
        ticks = np.arange(len(labels))
        ax.set_xticks(ticks, labels, rotation=90)
        ax.set_yticks(ticks, labels)
    _label(ax, title, xlabel, ylabel)
    return ax


def plot_bound_curves(n, curves: Mapping[str, Sequence[float]], ax=None,
                      title: str = "CSQ lower bounds against input size", *,
                      xlabel: str = "input size n",
                      ylabel: str = r"$\log_{10}$(number of queries)"):
    """``log10`` of the number of queries against input size, one line per family or bound.

    ``curves`` maps a legend label to ``log10`` values, one per entry of ``n`` (plot
    logarithms: the bounds are superpolynomial and overflow floats). ``NaN`` means
    "not applicable" (the counting lemma needs ``τ² > γ``): the line
    breaks there, and a curve with no applicable point is marked so in the legend.
    """
    n = _array(n, "n")
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty dict mapping labels to arrays of log10 values")
    ax = _axes(ax)
    for label, values in curves.items():
        values = _array(values, f"curves[{label!r}]", allow_nan=True)
        if values.shape != n.shape:
            raise ValueError(f"curves[{label!r}] must have one value per entry of n "
                             f"({len(n)}), got {len(values)}")
        if np.all(np.isnan(values)):
            label = f"{label} (not applicable)"
        ax.plot(n, values, label=label)
    ax.legend()
    _label(ax, title, xlabel, ylabel)
    return ax


def plot_loss_curves(steps, losses_by_size: Mapping, ax=None,
                     title: str = "Test error during training", *, trivial_loss: float = 1.0,
                     xlabel: str = "training step", ylabel: str = "test MSE",
                     size_name: str = "n", log_y: bool = False):
    """Test mean-squared error against training step, one line per input size.

    ``losses_by_size`` maps a size to its losses at ``steps``: shape ``(len(steps),)``,
    or ``(n_seeds, len(steps))`` in which case the mean over seeds is drawn with a band
    of ± one standard deviation. The dashed line is the trivial predictor ``0``, whose
    test MSE is ``E[f²] = 1`` for a normalised target: a network that never beats it
    learned nothing (lessons 8–11).
    """
    steps = _array(steps, "steps")
    if not isinstance(losses_by_size, Mapping) or not losses_by_size:
        raise ValueError("losses_by_size must be a non-empty dict mapping sizes to loss arrays")
    ax = _axes(ax)
    for size, losses in losses_by_size.items():
        losses = _array(losses, f"losses_by_size[{size!r}]", ndim=(1, 2), nonnegative=True)
        if losses.shape[-1] != len(steps):
            raise ValueError(f"losses_by_size[{size!r}] must have one value per step "
                             f"({len(steps)}), got shape {losses.shape}")
        mean = losses.mean(axis=0) if losses.ndim == 2 else losses
        (line,) = ax.plot(steps, mean, label=f"{size_name} = {size}", markevery=max(1, len(steps) // 10))
        if losses.ndim == 2 and losses.shape[0] > 1:
            spread = losses.std(axis=0)
            ax.fill_between(steps, mean - spread, mean + spread, alpha=0.2, color=line.get_color(),
                            linewidth=0)
    _trivial_line(ax, trivial_loss)
    if log_y:
        ax.set_yscale("log")
    ax.legend()
    _label(ax, title, xlabel, ylabel)
    return ax


def plot_final_loss_vs_size(sizes, final_losses, ax=None,
                            title: str = "Final test error against input size", *,
                            trivial_loss: float = 1.0, xlabel: str = "input size n",
                            ylabel: str = "final test MSE", label: str = "mean ± std over seeds",
                            spread: str = "std"):
    """Final test MSE against input size: mean over seeds with error bars, and the trivial line.

    ``final_losses`` has one entry per size, each an array of per-seed losses (a 2-D
    array ``(n_sizes, n_seeds)`` or a list of arrays of any lengths). ``spread="std"``
    draws ± one standard deviation; ``spread="range"`` draws the min–max range.
    Call it repeatedly on one ``ax`` with different ``label`` to compare models.
    """
    sizes = _array(sizes, "sizes")
    if spread not in {"std", "range"}:
        raise ValueError(f"spread must be 'std' or 'range', got {spread!r}")
    if isinstance(final_losses, np.ndarray) and final_losses.ndim == 1:
        final_losses = final_losses[:, None]
    try:
        rows = list(final_losses)
    except TypeError:
        raise TypeError("final_losses must be a sequence with one array of losses per size") from None
    if len(rows) != len(sizes):
        raise ValueError(f"final_losses must have one entry per size ({len(sizes)}), got {len(rows)}")
    rows = [_array(np.atleast_1d(row), f"final_losses[{i}]", nonnegative=True)
            for i, row in enumerate(rows)]
    means = np.array([row.mean() for row in rows])
    if spread == "std":
        errors = np.array([row.std() for row in rows])
        yerr = np.vstack([errors, errors])
    else:
        yerr = np.vstack([means - [row.min() for row in rows], [row.max() for row in rows] - means])
    ax = _axes(ax)
    ax.errorbar(sizes, means, yerr=yerr, capsize=3, label=label)
    if not any(line.get_label().startswith("trivial predictor") for line in ax.get_lines()):
        _trivial_line(ax, trivial_loss)
    ax.legend()
    _label(ax, title, xlabel, ylabel)
    return ax


def plot_degree_spectrum(weights_by_degree, ax=None, title: str = "Weight per degree", *,
                         basis: str = "Fourier", xlabel: str = "degree k", ylabel: str | None = None,
                         log_y: bool = False):
    """Bar chart of the spectral weight at each degree ``k = 0, 1, ...``.

    For a Boolean function, ``W_k = Σ_{|S|=k} f̂(S)²``; in Gaussian space,
    ``W_k = Σ_{|α|=k} c_α²`` in the orthonormal Hermite basis. By Parseval the weights
    sum to ``E[f²]``; a hard family puts all its weight at high degree.
    """
    weights = _array(weights_by_degree, "weights_by_degree", nonnegative=True)
    ax = _axes(ax)
    ax.bar(np.arange(len(weights)), weights, label=f"{basis} weight")
    if log_y:
        ax.set_yscale("log")
    _label(ax, title, xlabel, ylabel if ylabel is not None else f"{basis} weight $W_k$")
    return ax


def plot_error_vs_samples(N, errors, ax=None, title: str = "Estimation error against samples", *,
                          xlabel: str = "number of samples N", ylabel: str = "absolute error",
                          label: str = "observed error", reference: bool = True):
    """Log–log plot of an estimation error against the sample size, with a ``1/sqrt(N)`` guide.

    The reference line ``C/sqrt(N)`` passes through the geometric mean of the points
    (``log C = mean(log error + ½ log N)``), so a slope of −1/2 is visible at a glance:
    the rate behind the tolerance heuristic ``τ ≈ 1/sqrt(N)`` (lesson 1).
    """
    N = _array(N, "N", positive=True)
    errors = _array(errors, "errors", positive=True)
    if errors.shape != N.shape:
        raise ValueError(f"errors must have one value per entry of N ({len(N)}), got {len(errors)}")
    ax = _axes(ax)
    ax.loglog(N, errors, label=label)
    if reference:
        constant = np.exp(np.mean(np.log(errors) + 0.5 * np.log(N)))
        grid = np.geomspace(N.min(), N.max(), 50)
        ax.loglog(grid, constant / np.sqrt(grid), linestyle="--", marker="none",
                  color=_reference_colour(), label=r"$\propto 1/\sqrt{N}$")
    ax.legend()
    _label(ax, title, xlabel, ylabel)
    return ax
