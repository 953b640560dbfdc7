"""The course notes (lessons/notes/*.md) link only to what exists: every relative link resolves
to a file of the repository, and every #anchor into a Markdown file names one of its headings
(GitHub's heading slugs). The citation map's suggested links (Markdown source in code spans,
relative to lessons/) are checked the same way, so a lesson that copies one gets a working link."""

import re
from pathlib import Path

import pytest

NOTES = Path(__file__).resolve().parents[1] / "lessons" / "notes"
LESSONS = NOTES.parent

_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"(?<!\\)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} (.+?)#*\s*$", text, re.M):
        base = slug(heading)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def broken_links(text: str, folder: Path, source: Path) -> list[str]:
    """The relative link targets in ``text`` (resolved from ``folder``) that name no file, or
    an anchor that no heading of the target file has."""
    broken = []
    for target in _LINK.findall(text):
        if _SCHEME.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        path = (folder / file_part).resolve() if file_part else source
        if not path.is_file():
            broken.append(f"{target} (no file {path})")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target} (no heading with anchor #{anchor} in {path.name})")
    return broken


NOTE_FILES = sorted(NOTES.glob("*.md"))


def test_the_notes_exist():
    assert {p.name for p in NOTE_FILES} >= {"README.md", "proof-maps.md", "answers.md",
                                            "glossary.md", "bibliography.md", "understanding.md",
                                            "citation-map.md"}


@pytest.mark.parametrize("path", NOTE_FILES, ids=lambda p: p.name)
def test_every_relative_link_in_the_notes_resolves(path):
    text = _CODE_SPAN.sub("", _FENCE.sub("", path.read_text(encoding="utf-8")))
    assert broken_links(text, NOTES, path) == []


def test_citation_map_replacements_resolve_from_the_lessons():
    """The replacement links of citation-map.md are written as a lesson would write them."""
    text = (NOTES / "citation-map.md").read_text(encoding="utf-8")
    spans = [span.strip("`") for span in _CODE_SPAN.findall(text)]
    suggested = "\n".join(span for span in spans if _LINK.search(span))
    assert "notes/proof-maps.md#the-experiment-protocol" in suggested
    assert broken_links(suggested, LESSONS, NOTES / "citation-map.md") == []


def test_the_checker_reports_a_missing_file_and_a_missing_anchor(tmp_path):
    (tmp_path / "a.md").write_text("# A title\n\n## Exercise 1.2: the SQ = CSQ step\n")
    text = ("[ok](a.md#exercise-12-the-sq--csq-step) [top](a.md#a-title) [web](https://x.org) "
            "[gone](b.md) [bad](a.md#nowhere)")
    assert broken_links(text, tmp_path, tmp_path / "a.md") == [
        f"b.md (no file {tmp_path / 'b.md'})", "a.md#nowhere (no heading with anchor #nowhere in a.md)"]


def test_lesson_11b_is_linked_where_the_maps_are_introduced():
    for name in ("README.md", "proof-maps.md"):
        assert "](../11b_recap_proof_maps.ipynb)" in (NOTES / name).read_text(encoding="utf-8"), name
