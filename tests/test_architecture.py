"""The import layering of csqlab: every import points down a layer (or stays within one), and no
module imports itself back through others (no import cycle).

The layers, bottom to top, are listed in :data:`LAYERS` (CONTRIBUTING.md, "Architecture",
describes them). Every import counts, including the ones inside functions: a lazy import
still makes the modules depend on each other. The checker itself is tested on synthetic
modules, so that a cycle or an upward import would make it fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "csqlab"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundations", ("csqlab", "csqlab._validation", "csqlab.plotting")),
    ("math core", ("csqlab.boolean", "csqlab.gaussian", "csqlab.groups")),
    ("queries and bounds", ("csqlab.oracles", "csqlab.bounds")),
    ("games and contrasts", ("csqlab.adversary", "csqlab.contrast")),
    ("models", ("csqlab.models",)),
    ("hard families", ("csqlab.hard",)),
    ("training", ("csqlab.training",)),
    ("experiments", ("csqlab.experiments", "csqlab.experiments.capacity")),
    ("teaching", ("csqlab.checks", "csqlab.widgets", "csqlab.teach", "csqlab.__main__")),
]
"""Layer name and the modules in it; a dotted name stands for the module and, for a package,
every module under it. ``csqlab`` alone is the package's ``__init__``."""


def module_sources(root: Path = PACKAGE) -> dict[str, str]:
    """Dotted module name -> source text, for every ``.py`` file under ``root``."""
    sources = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def _is_package(name: str, sources: dict[str, str]) -> bool:
    return any(other.startswith(name + ".") for other in sources)


def imports_of(name: str, source: str, sources: dict[str, str]) -> set[str]:
    """The modules of ``sources`` that module ``name`` imports (anywhere in its body).

    ``from P import X`` counts as an import of ``P.X`` when that is a module, else of ``P``;
    relative imports are resolved against ``name``."""
    package = name if _is_package(name, sources) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in sources else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in sources:  # import a.b.c of a module a.b
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    return {name: imports_of(name, source, sources) for name, source in sources.items()}


def layer_of(name: str, layers=LAYERS) -> int | None:
    """Index of the layer holding module ``name`` (the longest matching entry wins)."""
    best, best_length = None, -1
    for index, (_, members) in enumerate(layers):
        for member in members:
            matches = name == member or (member != "csqlab" and name.startswith(member + "."))
            if matches and len(member) > best_length:
                best, best_length = index, len(member)
    return best


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def layering_problems(graph: dict[str, set[str]], layers=LAYERS) -> list[str]:
    """Every module without a layer, every upward import and every import cycle, as text."""
    problems = []
    for name in sorted(graph):
        if layer_of(name, layers) is None:
            problems.append(f"{name} has no layer")
    for name in sorted(graph):
        source_layer = layer_of(name, layers)
        for target in sorted(graph[name]):
            target_layer = layer_of(target, layers)
            if None not in (source_layer, target_layer) and target_layer > source_layer:
                problems.append(f"upward import: {name} ({layers[source_layer][0]}) imports "
                                f"{target} ({layers[target_layer][0]})")
    for cycle in find_cycles(graph):
        problems.append("import cycle: " + " <-> ".join(cycle))
    return problems


# --------------------------------------------------------------------------- the package


def test_csqlab_imports_point_down_and_form_no_cycle():
    graph = import_graph(module_sources())
    assert "csqlab.experiments.registry" in graph and "csqlab.training.gd" in graph
    assert "csqlab.experiments.capacity" in graph  # the width checks of lesson 11
    assert layering_problems(graph) == []


def test_the_reorganised_dependencies():
    """The arrows issue 16 removed stay removed: bounds knows no family, the families know no
    training code, and the training package knows no experiment."""
    graph = import_graph(module_sources())
    assert not {t for t in graph["csqlab.bounds"] if t.startswith("csqlab.hard")}
    for name, targets in graph.items():
        if name.startswith("csqlab.hard"):
            assert not {t for t in targets if t.startswith(("csqlab.training",
                                                            "csqlab.experiments"))}, name
        if name.startswith("csqlab.training"):
            assert not {t for t in targets if t.startswith("csqlab.experiments")}, name


# --------------------------------------------------------------------------- the checker can fail

SYNTHETIC_LAYERS = [("low", ("pkg.low",)), ("high", ("pkg.high",))]


def test_checker_reports_a_synthetic_cycle_and_upward_import():
    sources = {
        "pkg": "",
        "pkg.low": "def f():\n    from pkg.high import g\n",  # a lazy upward import
        "pkg.high": "from pkg import low\n",
        "pkg.low.a": "from . import b\n",
        "pkg.low.b": "import pkg.low.a\n",
    }
    graph = import_graph(sources)
    assert graph["pkg.high"] == {"pkg.low"}
    assert graph["pkg.low"] == {"pkg.high"}
    assert graph["pkg.low.a"] == {"pkg.low.b"} and graph["pkg.low.b"] == {"pkg.low.a"}
    layers = [("root", ("pkg",)), *SYNTHETIC_LAYERS]
    assert layering_problems(graph, layers) == [
        "upward import: pkg.low (low) imports pkg.high (high)",
        "import cycle: pkg.high <-> pkg.low",
        "import cycle: pkg.low.a <-> pkg.low.b",
    ]


def test_checker_reports_a_module_without_a_layer():
    graph = import_graph({"pkg.low": "", "pkg.new": "import pkg.low\n"})
    assert layering_problems(graph, SYNTHETIC_LAYERS) == ["pkg.new has no layer"]


@pytest.mark.parametrize("source, expected", [
    ("from csqlab.training import gd\n", {"csqlab.training.gd"}),
    ("from csqlab.training.gd import two_layer_network\n", {"csqlab.training.gd"}),
    ("import csqlab.training.gd as gd\n", {"csqlab.training.gd"}),
    ("from csqlab import __version__\n", {"csqlab"}),
    ("from .gd import two_layer_network\n", {"csqlab.training.gd"}),
])
def test_import_resolution(source, expected):
    sources = {"csqlab": "", "csqlab.training": "", "csqlab.training.gd": "",
               "csqlab.training.online": source}
    assert imports_of("csqlab.training.online", source, sources) == expected
