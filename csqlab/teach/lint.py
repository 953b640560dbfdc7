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
* the first code cell calls ``csqlab.setup(`` (seeds, threads, figure style);
* every repository file a cell refers to exists (``repo-reference``): relative Markdown/HTML
  link and image targets (``notes/glossary.md``, ``../README.md``), file paths with a known
  extension (``csqlab/bounds.py``, ``solutions/03_ex1.py``, ``PAPER.md``), and the section
  citations ``PAPER §x.y`` / ``BACKGROUND §x`` (they refer to ``PAPER.md`` /
  ``BACKGROUND.md``). A path is looked up beside the notebook, then at the repository root
  (the nearest folder above the notebook holding ``pyproject.toml`` or ``.git``), and must
  lie inside the repository;
* no code cell longer than ``MAX_CODE_LINES`` (15) lines (``cell-length``): heavy code lives
  in ``csqlab``; a lesson shows the call and names the file to read.

The last two rules came after the lessons were written. ``KNOWN_OFFENDERS`` below is the
temporary allow-list of the cells that broke them on that day: those problems are not
reported while their entry stands. Fix a cell, then delete its entry; an entry that no
longer matches a problem is itself reported (rule ``allow-list``), so the list can only
shrink. ``lint_notebook(path, allow=())``, or ``CSQLAB_LINT_STRICT=1 python -m csqlab.teach
lint``, ignores the list and shows every problem.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

IGNORE_TAG = "nbval-ignore-output"
RAISES_TAG = "raises-exception"

_VOLATILE = re.compile(r"\bclear_output\b|\bdisplay_id\b|\bOutput\s*\(")
_INSTALL = re.compile(r"^\s*[!%]\s*(pip|conda|mamba|apt|apt-get)\b", re.MULTILINE)
_NETWORK = re.compile(
    r"https?://|\burlopen\b|\burlretrieve\b|\brequests\.(get|post)\b|!\s*(wget|curl)\b"
)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)

MAX_CODE_LINES = 15
STRICT_ENVIRONMENT = "CSQLAB_LINT_STRICT"

# Markdown links and images, [text](target "title"); HTML href/src attributes.
_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_HTML_LINK = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # https:, mailto:, data:, attachment:
# A file path with a known extension, not part of a longer path or URL.
_FILE_PATH = re.compile(
    r"(?<![\w/.:-])((?:\.\.?/)*[\w.-]+(?:/[\w.-]+)*\."
    r"(?:md|py|ipynb|cfg|toml|txt|csv|json|ya?ml|png|jpe?g|gif|svg))(?![\w/-])"
)
# "PAPER §4.1", "BACKGROUND §8.1", "our PAPER notes": the design notes PAPER.md, BACKGROUND.md.
_NOTES_CITATION = re.compile(r"\b(PAPER|BACKGROUND)(?:\.md)?\s*(§\s*[\d.]*\d|notes\b)")

# Temporary allow-list (issue 15): the lesson cells that broke ``repo-reference`` or
# ``cell-length`` when those rules were added. Entries are (lesson file, cell id, rule,
# detail); the detail is the reference as written for ``repo-reference`` and ``None`` for
# ``cell-length``. Delete an entry once its cell is fixed (a stale entry is reported).
KNOWN_OFFENDERS: frozenset[tuple[str, str, str, str | None]] = frozenset()


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


def _repository_root(folder: Path) -> Path:
    """The nearest folder at or above ``folder`` holding ``pyproject.toml`` or ``.git``
    (``folder`` itself when there is none)."""
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").exists() or (candidate / ".git").exists():
            return candidate
    return folder


def _references(source: str, markdown: bool) -> list[tuple[str, str]]:
    """``(as written, path)`` for every repository file ``source`` refers to, in order,
    each once. Link targets count in Markdown cells only; paths and section citations in
    both kinds of cell."""
    found: dict[str, str] = {}
    if markdown:
        links = (*_MD_LINK.finditer(source), *_HTML_LINK.finditer(source))
        for match in sorted(links, key=lambda match: match.start()):
            target = match.group(1)
            if target.startswith("#") or _SCHEME.match(target):
                continue
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if path:
                found.setdefault(target, path)
    for match in _FILE_PATH.finditer(source):
        found.setdefault(match.group(1), match.group(1))
    for match in _NOTES_CITATION.finditer(source):
        found.setdefault(match.group(0), f"{match.group(1)}.md")
    return list(found.items())


def _missing(path: str, folder: Path, root: Path) -> str | None:
    """Why ``path`` (relative to the notebook's folder, else to the root) is not a file or
    folder of the repository; ``None`` when it is."""
    inside = False
    for base in (folder, root):
        resolved = (base / path).resolve()
        if not resolved.is_relative_to(root.resolve()):
            continue
        inside = True
        if resolved.exists():
            return None
    return "is not in the repository" if inside else "points outside the repository"


def _code_lines(source: str) -> int:
    return len(source.rstrip().splitlines())


def lint_notebook(path, *, allow=None) -> list[Problem]:
    """Return the hygiene problems of one notebook (empty list when clean).

    ``allow`` is the allow-list of known offences, entries ``(lesson file, cell id, rule,
    detail)``; the default is ``KNOWN_OFFENDERS`` (none when the environment variable
    ``CSQLAB_LINT_STRICT`` is ``1``), and ``allow=()`` reports everything.
    """
    if allow is None:
        allow = () if os.environ.get(STRICT_ENVIRONMENT) == "1" else KNOWN_OFFENDERS
    allow = frozenset(allow)
    path = Path(path)
    name = str(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        return [Problem(name, None, "json", f"not a readable notebook: {error}")]

    problems: list[Problem] = []
    folder = path.resolve().parent
    root = _repository_root(folder)
    expected = {entry for entry in allow if entry[0] == path.name}
    used: set[tuple] = set()

    def add(index, rule, message):
        problems.append(Problem(name, index, rule, message))

    def add_known(index, cell, rule, detail, message):
        """A problem of a rule with an allow-list: skipped while its entry stands."""
        entry = (path.name, cell.get("id"), rule, detail)
        if entry in expected:
            used.add(entry)
        else:
            add(index, rule, message)

    def check_references(index, cell, source, markdown):
        for written, target in _references(source, markdown):
            why = _missing(target, folder, root)
            if why is not None:
                add_known(index, cell, "repo-reference", written,
                          f"refers to {target!r} (written {written!r}), which {why}")

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
            check_references(index, cell, source, markdown=True)
            continue
        if cell.get("cell_type") != "code":
            continue
        code_index += 1
        check_references(index, cell, source, markdown=False)
        if (lines := _code_lines(source)) > MAX_CODE_LINES:
            add_known(index, cell, "cell-length", None,
                      f"code cell of {lines} lines (at most {MAX_CODE_LINES}): move the work "
                      "into csqlab and show the call")
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
    for entry in sorted(expected - used, key=str):
        add(None, "allow-list", f"KNOWN_OFFENDERS entry {entry} matches no problem any more: "
                                "delete it from csqlab/teach/lint.py")
    return problems


def lint_paths(paths, *, allow=None) -> list[Problem]:
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
            problems.extend(lint_notebook(notebook, allow=allow))
    return problems


# ------------------------------------------------------------------ citations outside the lessons
# The same citations of the internal design notes are forbidden in the library, the tests, the
# benchmarks, the README, CONTRIBUTING and the course notes: learners have none of those notes.
# Cite the published paper (Kiani et al., ICLR 2024) or a source from
# lessons/notes/bibliography.md, or name a notes file (lessons/notes/proof-maps.md, glossary.md).
SOURCE_CITATION_ROOTS = ("csqlab", "tests", "benchmarks", "README.md", "CONTRIBUTING.md",
                         "lessons/notes")
# citation-map.md lists the old citations on purpose; this module and its tests spell them out
# as the rule's patterns and examples.
SOURCE_CITATION_EXEMPT = frozenset({"lessons/notes/citation-map.md", "csqlab/teach/lint.py",
                                    "tests/test_teach.py"})
_SOURCE_SUFFIXES = (".py", ".md", ".cfg", ".toml", ".txt")
_SOURCE_CITATION = re.compile(
    _NOTES_CITATION.pattern + r"|\b(?:PAPER|BACKGROUND|COURSE|STYLE)\.md\b|\bPAPER's\b")


def lint_sources(root, *, roots=SOURCE_CITATION_ROOTS, exempt=SOURCE_CITATION_EXEMPT) -> list[Problem]:
    """Rule ``internal-citation``: every line under ``roots`` (relative to ``root``) that
    cites the internal design notes ("PAPER §4.1", "BACKGROUND §8", "PAPER.md", "PAPER's").
    The message names the line."""
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"root must be a folder, got {root}")
    problems: list[Problem] = []
    for name in roots:
        base = root / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base] if base.exists() else []
        for path in files:
            relative = path.relative_to(root).as_posix()
            if (not path.is_file() or path.suffix not in _SOURCE_SUFFIXES or relative in exempt
                    or "__pycache__" in path.parts):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in _SOURCE_CITATION.finditer(line):
                    problems.append(Problem(relative, None, "internal-citation",
                                            f"line {number} cites the internal design notes "
                                            f"({match.group(0)!r}): cite the published source "
                                            "or a lessons/notes file"))
    return problems
