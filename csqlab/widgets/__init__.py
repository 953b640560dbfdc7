"""Interactive explorers for the lessons (ipywidgets).

Each factory lives in a submodule named after its idea and returns a widget whose
callbacks only call pure functions of ``csqlab``; the computed state is exposed on the
returned object (``widget.state``) so tests can set ``.value`` and check the result
without a browser. Every name in a submodule's ``__all__`` is available here:
``csqlab.widgets.adversary_game(...)``.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__: list[str] = []

# Import every submodule now and bind its public names on the package. A factory often
# shares its module's name (``tolerance_explorer``); importing the submodule binds the
# *module* to that attribute, so the factory must be bound afterwards, once, here.
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in getattr(_module, "__all__", ()):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _info, _module
