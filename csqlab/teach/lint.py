"""Notebook hygiene rules for the lessons (run by the test suite).

A lesson is committed with its outputs and tested with strict nbval, so its stored
state must be exactly what a fresh kernel produces. The rules:

* every code cell executed, in order: execution counts 1..N;
* no error outputs, except in cells tagged ``raises-exception``;
* no stored widget state (``metadata.widgets``);
* ``clear_output``, ``display_id`` and ``Output`` widgets only in cells tagged
  ``nbval-ignore-output`` (their stored text depends on timing);
* figures as PNG only (no SVG outputs);
* exactly one H1 heading;
* every markdown image has alt text;
* no installs or network fetches at run time (``!pip``, ``%pip``, URLs in code);
* the first code cell calls ``csqlab.setup(`` (seeds, threads, figure style).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

IGNORE_TAG = "nbval-ignore-output"
RAISES_TAG = "raises-exception"

_VOLATILE = re.compile(r"\bclear_output\b|\bdisplay_id\b|\bOutput\s*\(")
_INSTALL = re.compile(r"^\s*[!%]\s*(pip|conda|mamba|apt|apt-get)\b", re.MULTILINE)
_NETWORK = re.compile(
    r"https?://|\burlopen\b|\burlretrieve\b|\brequests\.(get|post)\b|!\s*(wget|curl)\b"
)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    path: str
    cell: int | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f" cell {self.cell}" if self.cell is not None else "")
        return f"{where}: [{self.rule}] {self.message}"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def lint_notebook(path) -> list[Problem]:
    """Return the hygiene problems of one notebook (empty list when clean)."""
    path = Path(path)
    name = str(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        return [Problem(name, None, "json", f"not a readable notebook: {error}")]

    problems: list[Problem] = []

    def add(index, rule, message):
        problems.append(Problem(name, index, rule, message))

    if "widgets" in nb.get("metadata", {}):
        add(None, "widget-state", "stored widget state in metadata.widgets")

    cells = nb.get("cells", [])
    code_index = 0
    h1_count = 0
    first_code_seen = False
    for index, cell in enumerate(cells):
        source = _source(cell)
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "markdown":
            h1_count += sum(
                1 for line in source.splitlines() if re.match(r"^#\s+\S", line)
            )
            for alt, _target in _MD_IMAGE.findall(source):
                if not alt.strip():
                    add(index, "alt-text", "markdown image without alt text")
            for tag in _HTML_IMAGE.findall(source):
                if not re.search(r'\balt\s*=\s*"[^"]+"', tag):
                    add(index, "alt-text", "HTML image without alt text")
            continue
        if cell.get("cell_type") != "code":
            continue
        code_index += 1
        count = cell.get("execution_count")
        if count is None:
            add(index, "executed", "code cell never executed (strict nbval would skip it)")
        elif count != code_index:
            add(index, "order", f"execution count {count}, expected {code_index} (run top to bottom)")
        if not first_code_seen:
            first_code_seen = True
            if "csqlab.setup(" not in source:
                add(index, "setup-first", "the first code cell must call csqlab.setup()")
        if _INSTALL.search(source):
            add(index, "no-install", "installs at run time (!pip/%pip): dependencies belong in pyproject")
        if _NETWORK.search(source):
            add(index, "no-network", "network fetch or URL in a code cell: lessons work offline")
        volatile = bool(_VOLATILE.search(source))
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error" and RAISES_TAG not in tags:
                add(index, "error-output", f"error output {output.get('ename')} in a cell not tagged {RAISES_TAG}")
            if "image/svg+xml" in output.get("data", {}):
                add(index, "png-only", "SVG figure output: use PNG (csqlab.setup() selects it)")
            if output.get("transient") or output.get("metadata", {}).get("display_id"):
                volatile = True
        if volatile and IGNORE_TAG not in tags:
            add(index, "volatile-output", f"clear_output/display_id/Output widget without the {IGNORE_TAG} tag")
    if h1_count != 1:
        add(None, "one-h1", f"expected exactly one H1 heading, found {h1_count}")
    return problems


def lint_paths(paths) -> list[Problem]:
    """Lint every notebook under ``paths`` (files or folders)."""
    problems: list[Problem] = []
    for path in map(Path, paths):
        if path.is_dir():
            notebooks = [
                p for p in sorted(path.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
            ]
        elif path.exists():
            notebooks = [path]
        else:
            raise ValueError(f"paths must exist, got {path}")
        for notebook in notebooks:
            problems.extend(lint_notebook(notebook))
    return problems
