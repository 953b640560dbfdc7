"""Tolerance explorer: how far sampled answers fall from the truth (lesson 1).

A statistical query answered from ``N`` fresh samples returns the empirical mean
``(1/N) Σ_i φ(x_i, f*(x_i))``; its error has standard deviation ``sd(φ)/√N ≤ 1/√N``.
That is the heuristic ``τ ≈ 1/√N`` linking the tolerance of an oracle to a sample size
(Kearns 1998). This module repeats one query many times with
:class:`csqlab.oracles.SampleOracle` on the uniform cube ``{−1,+1}^10`` and compares the
spread of the answers with the exact value (:class:`csqlab.oracles.ExactOracle`) and the
band ``exact ± 1/√N``.

* :func:`tolerance_state` — the pure computation (a :class:`ToleranceState`);
* :func:`plot_tolerance_state` — its picture: a histogram of the answers, the exact
  value and the shaded ``±τ`` band;
* :func:`tolerance_explorer` — the widget: a log slider for ``N`` and menus for the
  target and the query; ``box.state`` holds the current :class:`ToleranceState`,
  ``box.controls`` the controls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csqlab import boolean, oracles
from csqlab._validation import _check_int
from csqlab.widgets._figures import figure_png

__all__ = ["tolerance_explorer"]

#: Dimension of the cube the explorer works on.
CUBE_DIMENSION = 10

# The hidden parity uses coordinates x1, x4, x8 (indices 0, 3, 7); the majority votes over
# x1..x9 (an odd number of voters, so no ties; x10 is irrelevant).
_PARITY_SUBSET = (0, 3, 7)


def _parity_target(x):
    return boolean.parity(_PARITY_SUBSET, x)


def _majority_target(x):
    return np.sign(np.sum(x[:, :9], axis=1))


#: Targets ``f*`` on ``{−1,+1}^10`` (callables on batches of shape ``(N, 10)``).
TARGETS = {
    "parity x1·x4·x8": _parity_target,
    "majority of x1..x9": _majority_target,
}

#: Queries: ``(kind, function)``, kind 'CSQ' for ``h(x)``, 'SQ' for ``φ(x, y)``.
QUERIES = {
    "CSQ h(x) = x1": ("CSQ", lambda x: x[:, 0]),
    "CSQ h(x) = x1·x4·x8": ("CSQ", _parity_target),
    "SQ φ(x, y) = 1[y = x1 = x2]": (
        "SQ", lambda x, y: ((y == x[:, 0]) & (x[:, 0] == x[:, 1])).astype(float)
    ),
}


@dataclass(frozen=True)
class ToleranceState:
    """One experiment: ``n_repeats`` sampled answers to one query, each from ``n_samples`` draws.

    ``exact`` is the true expectation (enumeration of the cube); ``tolerance`` is the
    heuristic ``τ = 1/√N``; ``answers`` has shape ``(n_repeats,)``.
    """

    target: str
    query: str
    n_samples: int
    n_repeats: int
    seed: int
    exact: float
    tolerance: float
    answers: np.ndarray

    @property
    def errors(self) -> np.ndarray:
        """Signed errors ``answer − exact``."""
        return self.answers - self.exact

    @property
    def rms_error(self) -> float:
        """Root-mean-square error ``sqrt(mean((answer − exact)²))`` over the repeats."""
        return float(np.sqrt(np.mean(self.errors**2)))

    @property
    def fraction_within(self) -> float:
        """Fraction of answers inside the band ``[exact − τ, exact + τ]``."""
        return float(np.mean(np.abs(self.errors) <= self.tolerance))


def _check_name(value, options: dict, name: str) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


def tolerance_state(target: str = "majority of x1..x9", query: str = "CSQ h(x) = x1",
                    n_samples: int = 100, n_repeats: int = 200, seed: int = 0) -> ToleranceState:
    """Answer ``query`` about ``target`` ``n_repeats`` times from ``n_samples`` fresh samples each.

    ``target`` is a key of :data:`TARGETS`, ``query`` a key of :data:`QUERIES`. Every
    answer comes from one :class:`csqlab.oracles.SampleOracle` (seeded by ``seed``), so
    the repeats are independent; the exact value comes from
    :class:`csqlab.oracles.ExactOracle`. Deterministic for a given ``seed``.
    """
    _check_name(target, TARGETS, "target")
    _check_name(query, QUERIES, "query")
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_repeats = _check_int(n_repeats, "n_repeats", 1)
    seed = _check_int(seed, "seed", 0)
    distribution = oracles.Cube(CUBE_DIMENSION)
    kind, function = QUERIES[query]
    exact_oracle = oracles.ExactOracle(distribution, TARGETS[target])
    sample_oracle = oracles.SampleOracle(distribution, TARGETS[target], n_samples, seed=seed)
    if kind == "CSQ":
        exact = exact_oracle.csq(function)
        answers = [sample_oracle.csq(function) for _ in range(n_repeats)]
    else:
        exact = exact_oracle.sq(function)
        answers = [sample_oracle.sq(function) for _ in range(n_repeats)]
    return ToleranceState(target, query, n_samples, n_repeats, seed, float(exact),
                          sample_oracle.tolerance, np.asarray(answers))


def plot_tolerance_state(state: ToleranceState, ax=None):
    """Histogram of the sampled answers with the exact value and the band ``exact ± 1/√N``.

    The horizontal range is ``exact ± max(4τ, largest error)`` so the band keeps its
    meaning as ``N`` changes. Returns the Axes.
    """
    if not isinstance(state, ToleranceState):
        raise TypeError(f"state must be a ToleranceState, got {type(state).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    half_width = max(4 * state.tolerance, float(np.max(np.abs(state.errors))), 1e-3)
    bins = np.linspace(state.exact - half_width, state.exact + half_width, 41)
    counts, _, _ = ax.hist(state.answers, bins=bins, color="C0", alpha=0.8, zorder=2,
                           label=f"sampled answers ({state.fraction_within:.0%} in the band)")
    # the band goes on top of the histogram, translucent, so it stays visible
    ax.axvspan(state.exact - state.tolerance, state.exact + state.tolerance, alpha=0.25,
               color="C1", zorder=3, label=rf"band $\pm\tau$, $\tau = 1/\sqrt{{N}}$ = {state.tolerance:.3f}")
    ax.axvline(state.exact, color="k", linestyle="--", marker="none", zorder=4,
               label=f"exact value {state.exact:.3f}")
    ax.set_xlim(bins[0], bins[-1])
    ax.set_ylim(0, 1.6 * max(float(np.max(counts)), 1.0))  # room for the legend above the bars
    ax.set_title(f"{state.query}, target {state.target}\n"
                 f"{state.n_repeats} answers, each from N = {state.n_samples} samples",
                 fontsize="small")
    ax.set_xlabel("answer")
    ax.set_ylabel("number of answers")
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


def _render_png(state: ToleranceState) -> bytes:
    # Agg canvas on a bare Figure: no pyplot state, no interactive backend.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.0))
    FigureCanvasAgg(figure)
    plot_tolerance_state(state, figure.add_subplot())
    figure.tight_layout()
    return figure_png(figure)


def _summary(state: ToleranceState) -> str:
    return (f"exact {state.exact:.4f} · τ = 1/√N = {state.tolerance:.4f} · "
            f"RMS error {state.rms_error:.4f} · {state.fraction_within:.0%} of answers in the band")


def tolerance_explorer(target: str = "majority of x1..x9", query: str = "CSQ h(x) = x1",
                       n_samples: int = 100, n_repeats: int = 200, seed: int = 0):
    """Widget: move ``N`` and watch the sampled answers close in on the exact value.

    Controls (``box.controls``): ``"n_samples"`` (a log slider from 10 to 10⁴),
    ``"target"`` and ``"query"`` (menus over :data:`TARGETS` and :data:`QUERIES`).
    ``box.state`` is the :class:`ToleranceState` from :func:`tolerance_state` for the
    current values (``n_repeats`` and ``seed`` fixed at creation); ``box.image`` shows
    :func:`plot_tolerance_state` and ``box.summary`` its numbers.
    """
    import ipywidgets as widgets

    initial = tolerance_state(target, query, n_samples, n_repeats, seed)
    controls = {
        "n_samples": widgets.FloatLogSlider(
            value=initial.n_samples, base=10, min=1, max=4, step=0.25,
            description="N", readout_format=".0f", continuous_update=False),
        "target": widgets.Dropdown(options=list(TARGETS), value=target, description="target"),
        "query": widgets.Dropdown(options=list(QUERIES), value=query, description="query"),
    }
    image = widgets.Image(format="png", value=_render_png(initial))
    summary = widgets.HTML(value=_summary(initial))
    box = widgets.VBox([widgets.HBox([controls["target"], controls["query"]]),
                        controls["n_samples"], summary, image])
    box.controls, box.image, box.summary, box.state = controls, image, summary, initial

    def update(_change=None):
        box.state = tolerance_state(controls["target"].value, controls["query"].value,
                                    int(round(controls["n_samples"].value)), n_repeats, seed)
        image.value = _render_png(box.state)
        summary.value = _summary(box.state)

    for control in controls.values():
        control.observe(update, names="value")
    return box

