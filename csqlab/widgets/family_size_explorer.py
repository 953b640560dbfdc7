"""How much does a symmetry group shrink a hard family? (lesson 7)

Averaging the degree-``k`` parities ``χ_S`` on ``{−1,+1}^n`` over a permutation group ``G``
leaves one orthonormal invariant function per orbit of k-subsets, so the family size is
``m = #orbits ≥ C(n, k)/|G|``. With ``γ = 0`` the counting lemma (standard form,
:func:`csqlab.bounds.counting_lemma`) gives ``q ≥ m τ²/2`` queries of tolerance ``τ``.

:func:`family_size_explorer` lets the learner pick the group (trivial, cyclic ``C_n``,
dihedral ``D_n``, symmetric ``S_n``), ``k``, the largest ``n`` and ``τ``, and shows the
exact family size (:func:`csqlab.groups.subset_orbit_count`), the floor ``C(n, k)/|G|``
and the bound against ``n``. :func:`family_size_state` is the pure computation behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from csqlab import bounds, groups
from csqlab.widgets._figures import figure_png

__all__ = ["family_size_explorer"]

GROUP_BUILDERS = {
    "trivial": groups.trivial,
    "cyclic": groups.cyclic,
    "dihedral": groups.dihedral,
    "symmetric": groups.symmetric,
}
"""The groups on offer, by name; each is built for every n on the curve."""

GROUP_SYMBOLS = {"trivial": "{e}", "cyclic": "C_n", "dihedral": "D_n", "symmetric": "S_n"}

MAX_N = 100
"""Largest n offered (|S_100| = 100! still fits a float's log10)."""


@dataclass(frozen=True)
class FamilySizeState:
    """Everything the explorer shows, for one choice of (group, k, n, τ).

    Arrays run over ``ns = max(3, k), …, n``: ``group_order`` (|G| as exact ints),
    ``n_orbits`` (exact family size m), ``log10_family`` (log10 C(n, k)),
    ``log10_floor`` (log10 of C(n, k)/|G|, may be negative for S_n: then the floor is
    below one member and says nothing), ``log10_min_queries`` (log10 of m τ²/2 with γ = 0,
    from :func:`csqlab.bounds.bound_curve`). ``bound`` is the
    :class:`csqlab.bounds.CountingBound` at the largest n."""

    group: str
    k: int
    n: int
    tolerance: float
    ns: np.ndarray
    group_order: list
    n_orbits: list
    log10_family: np.ndarray
    log10_floor: np.ndarray
    log10_min_queries: np.ndarray
    bound: bounds.CountingBound

    @property
    def family_size(self) -> int:
        """#orbits at the largest n."""
        return self.n_orbits[-1]

    @property
    def floor(self) -> float:
        """C(n, k)/|G| at the largest n."""
        return 10.0 ** float(self.log10_floor[-1])

    def summary(self) -> str:
        order = self.group_order[-1]
        order_text = f"{order}" if order < 10**6 else f"10^{math.log10(order):.1f}"
        return (
            f"n = {self.n}, k = {self.k}, G = {GROUP_SYMBOLS[self.group]} (|G| = {order_text}): "
            f"C(n, k) = {math.comb(self.n, self.k)}, family size #orbits = {self.family_size}, "
            f"C(n, k)/|G| = {self.floor:.4g}; counting lemma (γ = 0, τ = {self.tolerance:.3g}): "
            f"q ≥ m τ²/2 ≈ {self.bound.min_queries:.4g} queries"
        )


def family_size_state(group: str = "cyclic", k: int = 3, n: int = 40,
                      tolerance: float = 0.01) -> FamilySizeState:
    """Family sizes and counting-lemma bounds of the orbit-averaged degree-``k`` parities for
    ``n = max(3, k)..n`` under the named group (pure; the explorer shows its result)."""
    if group not in GROUP_BUILDERS:
        raise ValueError(f"group must be one of {sorted(GROUP_BUILDERS)}, got {group!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not max(3, k) <= n <= MAX_N:
        raise ValueError(f"n must be an integer in [max(3, k), {MAX_N}] = [{max(3, k)}, {MAX_N}], "
                         f"got {n!r}")
    ns = np.arange(max(3, int(k)), int(n) + 1)
    built = [GROUP_BUILDERS[group](int(size)) for size in ns]
    orders = [g.order for g in built]
    counts = [groups.subset_orbit_count(g, int(k)) for g in built]
    log10_family = np.atleast_1d(bounds.log10_binomial(ns, np.full(len(ns), int(k))))
    log10_floor = log10_family - np.array([math.log10(order) for order in orders])
    curve = bounds.bound_curve(ns, np.log10(np.array(counts, dtype=float)), 0.0, tolerance)
    bound = bounds.counting_lemma(tolerance, 0.0, m=counts[-1])
    return FamilySizeState(group, int(k), int(n), float(tolerance), ns, orders, counts,
                           log10_family, log10_floor, curve.log10_min_queries, bound)


def draw_family_sizes(state: FamilySizeState, figure=None):
    """The explorer's picture on a matplotlib Figure (Agg, no pyplot state): left, family size
    against n (exact #orbits, the floor C(n, k)/|G| and C(n, k) without symmetry); right,
    log10 of the counting-lemma bound. Returns the figure."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4)) if figure is None else figure
    left, right = figure.subplots(1, 2)
    symbol = GROUP_SYMBOLS[state.group]
    every = max(1, len(state.ns) // 12)  # markers identify the lines without cluttering them
    left.plot(state.ns, 10.0**state.log10_family, linestyle=":", markevery=every,
              label="no symmetry: $C(n,k)$")
    left.plot(state.ns, state.n_orbits, markevery=every, label=f"#orbits under ${symbol}$")
    visible = state.log10_floor >= 0
    floor_label = f"floor $C(n,k)/|{symbol}|$"
    if not np.any(visible):
        floor_label += " (below 1: not drawn)"
    left.plot(state.ns[visible], 10.0 ** state.log10_floor[visible], linestyle="--",
              marker="", label=floor_label)
    left.set(yscale="log", xlabel="input size $n$", ylabel="family size $m$ (members)",
             title=f"Degree-{state.k} parities averaged over ${symbol}$")
    left.legend()
    trivial = bounds.bound_curve(state.ns, state.log10_family, 0.0, state.tolerance)
    right.plot(state.ns, trivial.log10_min_queries, linestyle=":", markevery=every,
               label="no symmetry")
    right.plot(state.ns, state.log10_min_queries, markevery=every, label=f"${symbol}$-invariant")
    right.axhline(0.0, color="0.5", linewidth=1.0, marker="", label="one query ($q = 1$)")
    right.set(xlabel="input size $n$", ylabel=r"$\log_{10}$(queries), $q \geq m\tau^2/2$",
              title=f"Counting lemma, $\\gamma = 0$, $\\tau = {state.tolerance:.3g}$")
    right.legend()
    figure.tight_layout()
    return figure


def family_size_explorer(group: str = "cyclic", k: int = 3, n: int = 40, tolerance: float = 0.01):
    """Widget: pick a group, k, the largest n and τ; see the orbit-averaged family size,
    ``C(n, k)/|G|`` and the counting-lemma bound against n.

    Returns an ``ipywidgets.VBox`` with ``.controls`` (``"group"``, ``"k"``, ``"n"``,
    ``"tolerance"``), ``.state`` (the :class:`FamilySizeState` shown) and ``.image`` (the PNG).
    """
    import ipywidgets as widgets

    initial = family_size_state(group, k, n, tolerance)  # validates the arguments
    controls = {
        "group": widgets.Dropdown(options=list(GROUP_BUILDERS), value=group, description="group"),
        "k": widgets.IntSlider(value=k, min=1, max=8, description="k"),
        "n": widgets.IntSlider(value=n, min=10, max=MAX_N, description="largest n"),
        "tolerance": widgets.FloatLogSlider(value=tolerance, base=10, min=-3, max=-1, step=0.25,
                                            description="τ", readout_format=".3g"),
    }
    summary = widgets.HTML()
    image = widgets.Image(format="png")
    box = widgets.VBox([widgets.HBox([controls["group"], controls["k"]]),
                        widgets.HBox([controls["n"], controls["tolerance"]]), summary, image])
    box.controls = controls
    box.image = image

    def show(state: FamilySizeState) -> None:
        box.state = state
        summary.value = f"<p>{state.summary()}</p>"
        image.value = figure_png(draw_family_sizes(state))

    def update(_change=None) -> None:
        show(family_size_state(controls["group"].value, controls["k"].value,
                               controls["n"].value, controls["tolerance"].value))

    for control in controls.values():
        control.observe(update, names="value")
    show(initial)
    return box

