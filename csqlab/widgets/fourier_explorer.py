"""Fourier spectrum explorer (lesson 2): pick a Boolean function and ``n``, see where its weight sits.

For ``f: {−1,+1}^n → {−1,+1}`` the widget shows the weight per degree
``W^k[f] = Σ_{|S|=k} f̂(S)²`` (a bar chart that sums to ``E[f²] = 1`` by Parseval) and the
largest coefficients ``f̂(S) = E[f χ_S]``. Everything is computed by pure functions:
:func:`family_on_cube` builds the function from :mod:`csqlab.boolean`, and
:func:`fourier_summary` runs the fast Walsh–Hadamard transform on it; the callbacks only
call these two and draw the result. The computed state is ``widget.state`` and the
controls are ``widget.controls[name]``, so tests can move a control and check the result.
"""

from __future__ import annotations

import html

import numpy as np

from csqlab import boolean
from csqlab.boolean import _check_int
from csqlab.widgets._figures import figure_png

__all__ = ["fourier_explorer"]

#: (label, key) pairs of the function families, in the order of the drop-down.
FAMILIES = (
    ("Majority", "majority"),
    ("AND", "and"),
    ("Tribes", "tribes"),
    ("Linear threshold (random weights)", "threshold"),
    ("Random function", "random"),
    ("Parity χ_S, S = {0, …, k−1}", "parity"),
)
_KEYS = tuple(key for _, key in FAMILIES)


def family_on_cube(family: str, n: int, *, degree: int = 3, width: int = 3,
                   seed: int = 0) -> np.ndarray:
    """Values on ``{−1,+1}^n`` (csqlab order) of one function of the explorer's families.

    * ``"majority"``: ``sign(Σ_j x_j)``; for even ``n`` ties go to ``+1``
      (:func:`csqlab.boolean.threshold_on_cube` with equal weights), which puts weight on
      even degrees too — Majority proper needs odd ``n``;
    * ``"and"``: −1 only at the all-(−1) point; ``"tribes"``: OR of ANDs of blocks of
      ``width`` coordinates;
    * ``"threshold"``: ``sign(Σ_j w_j x_j)`` with ``w ~ N(0, I_n)`` drawn from ``seed``;
    * ``"random"``: independent fair ±1 values drawn from ``seed``;
    * ``"parity"``: ``χ_S`` with ``S = {0, …, degree−1}`` (``degree = 0`` is the constant 1).
    """
    if family not in _KEYS:
        raise ValueError(f"family must be one of {', '.join(_KEYS)}, got {family!r}")
    n = _check_int(n, "n", 1)
    if family == "majority":
        return boolean.majority_on_cube(n) if n % 2 else boolean.threshold_on_cube(np.ones(n))
    if family == "and":
        return boolean.and_on_cube(n)
    if family == "tribes":
        return boolean.tribes_on_cube(n, width)
    if family == "threshold":
        weights = np.random.default_rng(_check_int(seed, "seed", 0)).normal(size=n)
        return boolean.threshold_on_cube(weights)
    if family == "random":
        return boolean.random_boolean_on_cube(n, seed=_check_int(seed, "seed", 0))
    degree = _check_int(degree, "degree", 0)
    if degree > n:
        raise ValueError(f"degree must be <= n = {n}, got {degree}")
    return boolean.parity_on_cube(tuple(range(degree)), n)


def fourier_summary(values, top: int = 8) -> dict:
    """Fourier coefficients, weight per degree and the ``top`` largest coefficients of ``values``.

    Returns a dict with ``coefficients`` (``f̂`` indexed by bitmask), ``weights``
    (``W^k`` for ``k = 0..n``), ``total_weight`` (``Σ_S f̂(S)²``, equal to ``E[f²]`` by
    Parseval), ``mean_square`` (``E[f²]`` computed directly) and ``top``: a list of
    ``(subset, f̂(S))`` sorted by ``|f̂(S)|`` descending (ties by bitmask), nonzero only.
    """
    top = _check_int(top, "top", 1)
    array, _ = boolean._check_cube_values(values)
    if array.ndim != 1:
        raise ValueError(f"values must have shape (2**n,), got shape {array.shape}")
    coefficients = boolean.fourier_coefficients(array)
    order = np.argsort(-np.abs(coefficients), kind="stable")[:top]
    largest = [(boolean.mask_to_subset(int(mask)), float(coefficients[mask]))
               for mask in order if abs(coefficients[mask]) > 1e-12]
    return {
        "coefficients": coefficients,
        "weights": boolean.degree_weights(array),
        "total_weight": float(np.sum(coefficients**2)),
        "mean_square": float(np.mean(array**2)),
        "top": largest,
    }


def _spectrum_png(weights: np.ndarray, title: str) -> bytes:
    # A bare Figure with the Agg canvas: no pyplot state, works under any backend.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from csqlab.plotting import plot_degree_spectrum

    figure = Figure(figsize=(5.5, 3.4), dpi=90)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    plot_degree_spectrum(weights, ax=ax, title=title)
    ax.set_ylim(0, 1.05)
    figure.tight_layout()
    return figure_png(figure)


def _top_table(largest) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(set(subset)) if subset else '∅')}</td>"
        f"<td style='text-align:right'>{value:+.4f}</td></tr>"
        for subset, value in largest
    )
    return ("<b>largest coefficients</b><table><tr><th>S</th><th>f̂(S)</th></tr>"
            f"{rows}</table>")


def fourier_explorer(family: str = "majority", n: int = 9, *, degree: int = 3, width: int = 3,
                     seed: int = 0, top: int = 8, max_n: int = 14):
    """Widget: the degree spectrum and largest Fourier coefficients of a chosen Boolean function.

    Controls (``widget.controls``): ``family`` (drop-down, see :data:`FAMILIES`), ``n``
    (1..``max_n``), ``degree`` (parity), ``width`` (tribes), ``seed`` (random function and
    random threshold); controls a family does not use are disabled. ``widget.state`` is a
    dict: the arguments, the ``values`` and every entry of :func:`fourier_summary`, plus
    ``note`` (a remark shown under the figure, e.g. for Majority at even ``n``).
    """
    import ipywidgets as widgets

    if family not in _KEYS:
        raise ValueError(f"family must be one of {', '.join(_KEYS)}, got {family!r}")
    max_n = _check_int(max_n, "max_n", 1)
    n = _check_int(n, "n", 1)
    if n > max_n:
        raise ValueError(f"n must be <= max_n = {max_n}, got {n}")
    degree = _check_int(degree, "degree", 0)
    width = _check_int(width, "width", 1)
    if degree > n or width > n:
        raise ValueError(f"degree and width must be <= n = {n}, got {degree} and {width}")
    seed = _check_int(seed, "seed", 0)
    top = _check_int(top, "top", 1)

    controls = {
        "family": widgets.Dropdown(options=FAMILIES, value=family, description="function"),
        "n": widgets.IntSlider(value=n, min=1, max=max_n, description="n"),
        "degree": widgets.IntSlider(value=degree, min=0, max=n, description="parity |S|"),
        "width": widgets.IntSlider(value=width, min=1, max=n, description="tribe width"),
        "seed": widgets.IntSlider(value=seed, min=0, max=20, description="seed"),
    }
    image = widgets.Image(format="png")
    table = widgets.HTML()
    note = widgets.HTML()
    box = widgets.VBox([
        widgets.HBox([controls["family"], controls["n"]]),
        widgets.HBox([controls["degree"], controls["width"], controls["seed"]]),
        widgets.HBox([image, table]),
        note,
    ])
    box.controls = controls
    box.state = {}
    updating = {"active": False}

    def refresh(_change=None):
        if updating["active"]:
            return
        updating["active"] = True
        try:
            size = controls["n"].value
            # Keep |S| and the tribe width legal for the new n (this may move those sliders).
            controls["degree"].max = size
            controls["width"].max = size
        finally:
            updating["active"] = False
        chosen = controls["family"].value
        controls["degree"].disabled = chosen != "parity"
        controls["width"].disabled = chosen != "tribes"
        controls["seed"].disabled = chosen not in {"random", "threshold"}
        parameters = {"family": chosen, "n": size, "degree": controls["degree"].value,
                      "width": controls["width"].value, "seed": controls["seed"].value}
        values = family_on_cube(chosen, size, degree=parameters["degree"],
                                width=parameters["width"], seed=parameters["seed"])
        summary = fourier_summary(values, top=top)
        remark = ""
        if chosen == "majority" and size % 2 == 0:
            remark = ("Majority needs odd n; at even n ties are sent to +1, "
                      "so even degrees carry weight too.")
        box.state = {**parameters, "values": values, **summary, "note": remark}
        label = dict((key, name) for name, key in FAMILIES)[chosen]
        image.value = _spectrum_png(summary["weights"], f"{label}, n = {size}")
        table.value = _top_table(summary["top"])
        note.value = (f"Σ_S f̂(S)² = {summary['total_weight']:.6f} (Parseval: E[f²] = "
                      f"{summary['mean_square']:.6f}). {html.escape(remark)}")

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    return box

