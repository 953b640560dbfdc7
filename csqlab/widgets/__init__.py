"""Interactive explorers for the lessons (ipywidgets).

Each factory lives in a submodule named after its idea and returns a widget whose
callbacks only call pure functions of ``csqlab``; the computed state is exposed on the
returned object (``widget.state``) so tests can set ``.value`` and check the result
without a browser. Factories are found by name: ``csqlab.widgets.adversary_game(...)``.
"""

from __future__ import annotations

import importlib
import pkgutil


def _factories() -> dict[str, str]:
    names = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in getattr(module, "__all__", ()):
            names[name] = info.name
    return names


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(name)
    module = _factories().get(name)
    if module is None:
        raise AttributeError(f"module 'csqlab.widgets' has no widget factory {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__():
    return sorted(_factories())
