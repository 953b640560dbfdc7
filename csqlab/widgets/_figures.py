"""Rendering shared by the widgets: a matplotlib figure as PNG bytes for ``ipywidgets.Image``."""

from __future__ import annotations

import io


def figure_png(figure) -> bytes:
    """The figure as PNG bytes (the figure's own canvas; no pyplot state, no display)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
