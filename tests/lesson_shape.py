"""The shape every lesson shares, checked the same way for each (imported by the lessons' claims
tests): it opens with its question, closes with a summary and 2-4 "Check your understanding"
questions whose model answers are a section of ``lessons/notes/understanding.md``, and its
markdown has at most 2,000 words (counted as whitespace-separated tokens)."""

import re
from pathlib import Path

import nbformat

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
MAX_WORDS = 2000


def markdown_cells(notebook: Path) -> list[str]:
    return [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown"]


def markdown_words(notebook: Path) -> int:
    return sum(len(source.split()) for source in markdown_cells(notebook))


def check_lesson_shape(notebook: Path, understanding_heading: str) -> str:
    """Assert the shared shape; ``understanding_heading`` is the lesson's heading in
    notes/understanding.md (without ``## ``). Returns the closing cell."""
    markdown = markdown_cells(notebook)
    assert "**The question of this lesson:**" in markdown[0], "the lesson must open with its question"
    closing = next(m for m in markdown if "## Check your understanding" in m)
    assert "## Summary" in closing, "the closing cell must hold the summary"
    questions = re.findall(r"^\d\. ", closing.split("## Check your understanding")[1], re.M)
    assert 2 <= len(questions) <= 4, f"{len(questions)} questions, expected 2-4"
    text = (LESSONS / "notes" / "understanding.md").read_text()
    assert f"\n## {understanding_heading}\n" in text, f"no section '{understanding_heading}'"
    section = text.split(f"\n## {understanding_heading}\n")[1].split("\n## ")[0]
    assert len(re.findall(r"^\*\*\d\. ", section, re.M)) == len(questions), (
        "one model answer per question")
    anchor = re.sub(r"[^\w\- ]", "", understanding_heading.lower()).replace(" ", "-")
    assert f"understanding.md#{anchor}" in closing, f"the lesson must link to #{anchor}"
    words = markdown_words(notebook)
    assert words <= MAX_WORDS, f"markdown has {words} words, at most {MAX_WORDS}"
    return closing
