"""make-assignment: students get no solutions; instructors get working ones."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from csqlab.teach.assignment import lesson_notebooks, lesson_prefix, make_assignment

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
WITH_EXERCISES = [
    p for p in lesson_notebooks(LESSONS)
    if "exercise-stub" in p.read_text()
]


def _solution_lines(lesson: str):
    """Distinctive lines of a lesson's solutions (not shared with any stub)."""
    lines = set()
    for path in sorted((LESSONS / "solutions").glob(f"{lesson}_ex*.py")):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) > 12 and not line.startswith(("import ", "from ", "def ", "#", '"""', "return")):
                lines.add(line)
    return lines


@pytest.fixture(scope="module")
def assignments(tmp_path_factory):
    out = tmp_path_factory.mktemp("hw")
    return {p.name: make_assignment(p, out, otter=True) for p in WITH_EXERCISES}, out


def test_there_are_lessons_with_exercises():
    assert WITH_EXERCISES, "no lesson has exercises"


def test_students_get_no_solution_text(assignments):
    made, _ = assignments
    for name, (student, _instructor) in made.items():
        text = student.read_text()
        assert "%load" not in text and "solutions/" not in text, name
        source = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        for line in _solution_lines(name.split("_")[0]):
            assert line not in source, f"{name}: solution line leaked: {line!r}"


def test_metadata_marks_and_locks_cells(assignments):
    made, _ = assignments
    for name, (student, instructor) in made.items():
        nb = nbformat.read(student, as_version=4)
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert answers and len(answers) == len(checks), name
        assert all(c.metadata["nbgrader"]["points"] >= 1 for c in checks)
        assert all(c.metadata["editable"] is False and c.metadata["deletable"] is False for c in checks)
        setup = next(c for c in nb.cells if c.cell_type == "code")
        assert "csqlab.setup(" in setup.source and setup.metadata["editable"] is False
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        teacher = nbformat.read(instructor, as_version=4).cells
        solutions = [c for c in teacher if c.metadata.get("nbgrader", {}).get("solution")]
        assert all("### BEGIN SOLUTION" in c.source and "### END SOLUTION" in c.source
                   for c in solutions)
        assert any(c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION") for c in nb.cells)


def _exercise_only(path: Path):
    """The setup cell plus the exercise cells: what the checks depend on."""
    nb = nbformat.read(path, as_version=4)
    keep = [c for c in nb.cells if c.cell_type == "code" and (
        "csqlab.setup(" in c.source or c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("ex"))]
    nb.cells = keep
    return nb


def _run(nb, cwd):
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return [
        "".join(o.get("text", "")) for c in nb.cells if "exercise-check" in c.metadata.get("tags", [])
        for o in c.outputs if o.get("output_type") == "stream"
    ]


def test_instructor_copies_pass_and_student_copies_are_not_attempted(assignments):
    made, out = assignments
    for name, (student, instructor) in made.items():
        passed = _run(_exercise_only(instructor), out)
        assert passed and all(re.search(r": passed \d+/\d+", t) for t in passed), (name, passed)
        pending = _run(_exercise_only(student), out)
        assert pending and all("not attempted yet" in t for t in pending), (name, pending)


def test_lesson00_copies_execute_top_to_bottom(assignments):
    made, out = assignments
    student, instructor = made["00_start_here.ipynb"]
    for path, expected in [(instructor, "passed"), (student, "not attempted")]:
        nb = nbformat.read(path, as_version=4)
        texts = _run(nb, out)
        assert all(expected in t for t in texts)
        assert not any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code"
                       for o in c.outputs)


def test_cli_and_bad_input(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "csqlab.teach", "make-assignment",
         str(LESSONS / "00_start_here.ipynb"), "-o", str(tmp_path)],
        capture_output=True, text=True)
    assert result.returncode == 0 and (tmp_path / "instructor" / "00_start_here.ipynb").exists()
    with pytest.raises(ValueError, match="notebook"):
        make_assignment(tmp_path / "missing.ipynb", tmp_path)
    with pytest.raises(ValueError, match="points"):
        make_assignment(LESSONS / "00_start_here.ipynb", tmp_path, points=0)


def test_lettered_lessons_are_found_and_named(tmp_path):
    """Inserted lessons carry a letter: 10b_*.ipynb is a lesson, its exercise 10b.1 has the
    check ex10b_1 and the solution 10b_ex1.py."""
    for name in ("10_a.ipynb", "10b_b.ipynb", "11b_c.ipynb", "notes.ipynb", "1_short.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in lesson_notebooks(tmp_path)] == ["10_a.ipynb", "10b_b.ipynb", "11b_c.ipynb"]
    assert [lesson_prefix(x) for x in (1, "7", "10b")] == ["01", "07", "10b"]
    for bad in ("b10", "10bb", True, ""):
        with pytest.raises(ValueError, match="lesson"):
            lesson_prefix(bad)
    cells = [nbformat.v4.new_code_cell("import csqlab\nenv = csqlab.setup()"),
             nbformat.v4.new_code_cell('# Stuck? %load solutions/10b_ex1.py\ndef f():\n'
                                       '    raise NotImplementedError("Exercise 10b.1: f")',
                                       metadata={"tags": ["exercise-stub"]}),
             nbformat.v4.new_code_cell("csqlab.checks.ex10b_1(f)", metadata={"tags": ["exercise-check"]})]
    notebook = tmp_path / "10b_b.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "10b_ex1.py").write_text("def f():\n    return 42  # the answer\n")
    student, instructor = make_assignment(notebook, tmp_path / "out")
    grades = [c.metadata["nbgrader"]["grade_id"] for c in nbformat.read(student, as_version=4).cells[1:]]
    assert grades == ["ex10b_1-answer", "ex10b_1-check"]
    assert "10b_ex1.py" not in student.read_text() and "return 42" not in student.read_text()
    assert "return 42  # the answer" in instructor.read_text()
