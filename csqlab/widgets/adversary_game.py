"""Play the counting lemma's adversary game against all parities (lesson 3).

The learner asks bounded correlational queries about an unknown parity ``χ_S`` on
``{−1,+1}^n``; the adversary of :class:`csqlab.adversary.AdversaryGame` answers 0 whenever that
is legal for some candidate. The picture shows how many parities are still consistent after
each query, next to the lemma's guarantee ``m − q · 2(1 − γ)/(τ² − γ)`` (here ``γ = 0``).

Three kinds of query: one parity ``χ_S`` (removes at most that parity), a random ``±1``
query (:func:`csqlab.adversary.random_bounded_queries`; removes almost nothing) and the bent
mixture of ``4^k`` parities around ``χ_S`` (:func:`csqlab.adversary.bent_coset_query`; removes
``4^k`` of them while ``2^{−k} > τ``, none once it mixes too many).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from csqlab import adversary
from csqlab.boolean import subset_to_mask
from csqlab.widgets._figures import figure_png

__all__ = ["adversary_game"]

QUERY_KINDS = {
    "one parity χ_S": "parity",
    "random ±1 query": "random",
    "bent mixture of 4^k parities around χ_S": "bent",
}


@dataclass
class GameState:
    """What the widget shows: the game (its ``history`` and ``consistent`` mask), the last
    answer, how many candidates the last query removed, and a message for the learner."""

    game: adversary.AdversaryGame
    last_answer: float | None = None
    last_removed: int | None = None
    message: str = ""
    random_learner: object = field(default=None, repr=False)


def parse_subset(text: str, n: int) -> int:
    """Bitmask of a subset typed as comma-separated coordinates, e.g. ``"0, 3, 5"``
    (empty text: the empty set, i.e. the constant function)."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    try:
        indices = tuple(int(item) for item in items)
    except ValueError:
        raise ValueError(f"subset must be comma-separated integers, got {text!r}") from None
    return subset_to_mask(indices, n)


def build_query(state: GameState, kind: str, subset_text: str, half_width: int) -> np.ndarray:
    """The bounded query of one kind (a pure function of the state and the controls)."""
    game = state.game
    n = game.n_points.bit_length() - 1
    if kind == "random":
        return state.random_learner(game)
    mask = parse_subset(subset_text, n)
    if kind == "parity":
        return game.candidate(mask)
    return adversary.bent_coset_query(game, mask, half_width)


class GamePicture:
    """The widget's figure (Agg backend, no pyplot): drawn once, its lines updated per query."""

    def __init__(self):
        self.figure = Figure(figsize=(5.5, 3.4), dpi=80)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.14, right=0.97, bottom=0.15, top=0.9)
        self.ax = self.figure.add_subplot()
        (self.played,) = self.ax.plot([], [], marker="o", label="consistent parities (your game)")
        (self.guaranteed,) = self.ax.plot([], [], linestyle="--", marker="s", markersize=3,
                                          label=r"lemma: at least $m - q\cdot 2/\tau^2$")
        self.ax.set(xlabel="number of queries $q$", ylabel="consistent candidates")
        self.ax.legend(loc="upper right", fontsize="small")

    def render(self, state: GameState) -> bytes:
        """PNG of consistent candidates against queries, next to the lemma's guarantee."""
        game = state.game
        self.played.set_data(np.arange(game.n_queries + 1),
                             [game.m] + [r.n_consistent for r in game.history])
        horizon = np.arange(max(game.n_queries, int(np.ceil(game.bound.min_queries or 0))) + 2)
        self.guaranteed.set_data(horizon, [game.bound.consistent_after(q) for q in horizon])
        self.ax.set(xlim=(-0.5, horizon[-1] + 0.5), ylim=(0, game.m * 1.05),
                    title=f"Adversary game: m = {game.m} parities, τ = {game.tolerance:g}")
        return figure_png(self.figure)


def adversary_game(n: int = 8, tolerance: float = 0.24, seed: int = 0) -> widgets.VBox:
    """The interactive adversary game of lesson 3.

    Controls (``box.controls``): ``n`` and ``tolerance`` (changing either starts a new game),
    ``kind`` (the query kind), ``subset`` (coordinates of ``S``), ``half_width`` (``k`` of the
    bent mixture), and the buttons ``ask`` and ``reset``. ``box.state`` is a
    :class:`GameState`; its ``game`` is a :class:`csqlab.adversary.AdversaryGame` on all ``2^n``
    parities, so tests can compare it with the game played directly.
    """
    controls = {
        "n": widgets.IntSlider(value=n, min=2, max=12, description="n"),
        "tolerance": widgets.FloatSlider(value=tolerance, min=0.05, max=0.6, step=0.01,
                                         description="τ"),
        "kind": widgets.Dropdown(options=list(QUERY_KINDS.items()), value="parity",
                                 description="query"),
        "subset": widgets.Text(value="0", description="S ="),
        "half_width": widgets.IntSlider(value=2, min=0, max=6, description="k"),
        "ask": widgets.Button(description="Ask"),
        "reset": widgets.Button(description="New game"),
    }
    status = widgets.HTML()
    image = widgets.Image(format="png")
    picture = GamePicture()
    box = widgets.VBox([
        widgets.HBox([controls["n"], controls["tolerance"]]),
        widgets.HBox([controls["kind"], controls["subset"], controls["half_width"]]),
        widgets.HBox([controls["ask"], controls["reset"]]),
        status,
        image,
    ])
    box.controls = controls

    def show() -> None:
        state = box.state
        game = state.game
        status.value = (
            f"queries asked: {game.n_queries}; consistent parities: {game.n_consistent} of "
            f"{game.m}; lemma: one query removes at most {game.bound.per_query:.1f}"
            if game.bound.applicable else state.message
        ) + (f"<br>{state.message}" if state.message else "")
        image.value = picture.render(state)

    def new_game(_=None) -> None:
        game = adversary.AdversaryGame.parities(controls["n"].value, controls["tolerance"].value)
        box.state = GameState(game, random_learner=adversary.random_bounded_queries(seed=seed))
        controls["half_width"].max = controls["n"].value // 2
        show()

    def ask(_=None) -> None:
        state = box.state
        before = state.game.n_consistent
        try:
            query = build_query(state, controls["kind"].value, controls["subset"].value,
                                controls["half_width"].value)
        except ValueError as error:
            state.message = f"cannot build that query: {error}"
        else:
            state.last_answer = state.game.query(query)
            state.last_removed = before - state.game.n_consistent
            state.message = (f"answer {state.last_answer:+.3f}; this query removed "
                             f"{state.last_removed} parities"
                             + (" — one parity left: solved!" if state.game.solved else ""))
        show()

    controls["ask"].on_click(ask)
    controls["reset"].on_click(new_game)
    controls["n"].observe(new_game, names="value")
    controls["tolerance"].observe(new_game, names="value")
    new_game()
    return box
