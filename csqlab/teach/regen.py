"""Execute lesson notebooks exactly as the test suite will see them.

``regen`` runs each notebook top to bottom in a fresh ``python3`` kernel (nbclient),
stores the outputs with a normalised notebook metadata — no widget state (a widget's
output becomes a placeholder line), no timing metadata, kernelspec ``python3``,
execution counts 1..N — and then checks the result
with ``pytest --nbval`` (strict output comparison). Running it twice leaves the files
byte-for-byte unchanged, because every lesson is seeded.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_PLACEHOLDER = "Run this cell to show the interactive widget."
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


def _notebook_paths(paths) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
            )
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise ValueError(f"paths must be notebooks or folders of notebooks, got {path}")
    return found


def execute_notebook(path, *, timeout: int = 600):
    """Run one notebook in a fresh kernel in its own folder; return the executed node."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    previous = [cell.get("outputs", []) for cell in nb.cells]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    env_before = os.environ.get("CSQLAB_FULL")
    os.environ.pop("CSQLAB_FULL", None)  # committed outputs are always quick mode
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent.resolve())}},
            record_timing=False,
            store_widget_state=False,
            allow_errors=True,  # cells tagged raises-exception keep their error; lint checks the rest
        )
        client.execute()
    finally:
        if env_before is not None:
            os.environ["CSQLAB_FULL"] = env_before
    _normalise(nb)
    _keep_equivalent_outputs(nb, previous, _sanitize_patterns(path.parent.resolve()))
    return nb


def _sanitize_patterns(folder: Path) -> list[tuple[re.Pattern, str]]:
    """The (regex, replacement) pairs of the sanitize file nbval uses for ``folder``."""
    sanitize = _find_sanitize(folder)
    if sanitize is None:
        return []
    parser = configparser.ConfigParser()
    parser.read(sanitize, encoding="utf-8")
    return [(re.compile(parser[section]["regex"]), parser[section]["replace"])
            for section in parser.sections()]


def _masked(outputs, patterns) -> str:
    text = json.dumps(outputs, sort_keys=True, ensure_ascii=False)
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


def _keep_equivalent_outputs(nb, previous, patterns) -> None:
    """Keep a cell's stored outputs when the fresh ones differ only in masked text.

    Timings differ on every run; nbval masks them with the sanitize file. Keeping the
    stored version in that case makes regen idempotent: a second run changes no byte.
    """
    if len(previous) != len(nb.cells) or not patterns:
        return
    for cell, old in zip(nb.cells, previous, strict=True):
        if cell.cell_type != "code" or not old:
            continue
        old = [dict(output) for output in old]
        for output in old:
            if "execution_count" in output:
                output["execution_count"] = cell.execution_count
        if _masked(old, patterns) == _masked(cell.outputs, patterns):
            cell.outputs = _as_nodes(old)


def _as_nodes(outputs):
    import nbformat

    return [nbformat.from_dict(output) for output in outputs]


def _coalesce_streams(outputs) -> list:
    """Merge consecutive stream outputs of one stream: how a kernel splits them is timing."""
    merged: list = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] = merged[-1]["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def _normalise(nb) -> None:
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": dict(LANGUAGE_INFO),
    }
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = _coalesce_streams(cell.get("outputs", []))
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] = count
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                # Widget state is never stored, so a stored view could only show "model not
                # found", and its model id is random: keep a stable placeholder instead.
                del data[WIDGET_VIEW]
                data["text/plain"] = WIDGET_PLACEHOLDER


def verify(paths) -> int:
    """Strict nbval over ``paths`` in this environment; returns pytest's exit code."""
    paths = [str(p) for p in paths]
    root = Path(paths[0]).resolve().parent
    sanitize = _find_sanitize(root)
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q",
               "-p", "no:cacheprovider"]
    if sanitize is not None:
        command += ["--nbval-sanitize-with", str(sanitize)]
    return subprocess.call(command + paths)


def _find_sanitize(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "sanitize.cfg"
        if candidate.exists():
            return candidate
        if (folder / "pyproject.toml").exists():
            candidate = folder / "lessons" / "sanitize.cfg"
            return candidate if candidate.exists() else None
    return None


def regen(paths, *, verify_after: bool = True, timeout: int = 600) -> int:
    """Execute and rewrite every notebook in ``paths``, then verify them with nbval."""
    import nbformat

    notebooks = _notebook_paths(paths)
    if not notebooks:
        raise ValueError("paths contain no notebooks")
    for path in notebooks:
        print(f"executing {path}", flush=True)
        nb = execute_notebook(path, timeout=timeout)
        tmp = path.with_suffix(".ipynb.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, path)  # atomic: an interrupted run never leaves half a notebook
    if not verify_after:
        return 0
    return verify(notebooks)
