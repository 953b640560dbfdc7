"""Turn lessons into graded assignments (``python -m csqlab.teach make-assignment``).

For every lesson notebook it writes two files into the output folder:

* ``NN_topic.ipynb`` — the **student** version: the solution pointers
  (``%load solutions/...``) and cells tagged ``hint`` are removed, stubs and the
  public checks are kept, exercise cells carry nbgrader metadata (``grade_id``,
  ``points``), and the setup cell and the check cells are locked
  (``editable: false``, ``deletable: false``);
* ``instructor/NN_topic.ipynb`` — the **instructor** version: the same notebook with
  each stub replaced by its solution between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``, which is nbgrader's source format (``nbgrader
  generate_assignment`` turns it back into a student version).

With ``otter=True`` every exercise also gets otter-grader style markers: a raw cell
``# BEGIN QUESTION`` / ``name`` / ``points`` before it and ``# END QUESTION`` after it,
and in the instructor copy the check is repeated as a ``# BEGIN TESTS`` cell.

Both versions are left without outputs. Anything in a public repository is public:
keep hidden tests and the instructor folder in a private copy.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

STUB_TAG = "exercise-stub"
CHECK_TAG = "exercise-check"
HINT_TAG = "hint"
# lesson ids are a number with an optional letter: "Exercise 10.2", "Exercise 10b.1"
_LABEL = re.compile(r"Exercise (\d+[a-z]?)\.(\d+)")
_LESSON_ID = re.compile(r"^(\d+)([a-z]?)$")
# lesson notebooks: NN_topic.ipynb or NNx_topic.ipynb (a letter for an inserted lesson, 10b)
LESSON_GLOBS = ("[0-9][0-9]_*.ipynb", "[0-9][0-9][a-z]_*.ipynb")
# "Stuck? ... %load solutions/NN_exK.py ..." up to the end of its sentence or line
_POINTER = re.compile(
    r"\s*Stuck\?(?:(?!\n\s*\n).){0,240}?(?:%load|solutions/)(?:(?!\n\s*\n).){0,120}?(?:\.(?=\s|$)|$)",
    re.DOTALL | re.MULTILINE,
)
_LOAD_LINE = re.compile(r"^.*(%load|solutions/\d\d[a-z]?_ex\d+\.py).*\n?", re.MULTILINE)


def lesson_prefix(lesson) -> str:
    """The file-name prefix of a lesson id: ``1`` → ``"01"``, ``"10b"`` → ``"10b"``."""
    match = _LESSON_ID.match(str(lesson))
    if isinstance(lesson, bool) or match is None:
        raise ValueError(f"lesson must be a number with an optional letter, got {lesson!r}")
    return f"{int(match.group(1)):02d}{match.group(2)}"


def lesson_notebooks(folder) -> list[Path]:
    """The lesson notebooks of ``folder`` (``NN_*.ipynb`` and ``NNx_*.ipynb``), in course order."""
    found = {path for pattern in LESSON_GLOBS for path in Path(folder).glob(pattern)}
    return sorted(found, key=lambda path: path.name)


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _lock(cell) -> None:
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False


def _strip_pointers(source: str) -> str:
    source = _POINTER.sub("", source)
    return _LOAD_LINE.sub("", source)


def _solution_source(solutions_dir: Path, lesson, number: int) -> str:
    path = solutions_dir / f"{lesson_prefix(lesson)}_ex{number}.py"
    if not path.exists():
        raise ValueError(f"no solution file {path} for exercise {lesson}.{number}")
    return path.read_text().strip("\n")


def make_assignment(notebook, out_dir, *, points: int = 1, otter: bool = False,
                    solutions_dir=None) -> tuple[Path, Path]:
    """Write the student and instructor versions of one lesson; return their paths."""
    import nbformat

    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.exists():
        raise ValueError(f"notebook must be an existing .ipynb file, got {notebook}")
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points must be a positive integer, got {points!r}")
    solutions_dir = Path(solutions_dir) if solutions_dir else notebook.parent / "solutions"
    out_dir = Path(out_dir)

    nb = nbformat.read(notebook, as_version=4)
    student_cells, instructor_cells = [], []
    first_code = True
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if HINT_TAG in tags:
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.source = _strip_pointers(cell.source) if STUB_TAG not in tags else cell.source
        label = _LABEL.search(cell.source) if (STUB_TAG in tags or CHECK_TAG in tags) else None
        if STUB_TAG in tags:
            if label is None:
                raise ValueError(f"{notebook.name}: exercise stub without an 'Exercise L.K' label")
            grade_id = f"ex{label.group(1)}_{label.group(2)}"
            stub = _strip_pointers(cell.source).strip("\n")
            solution = _solution_source(solutions_dir, label.group(1), int(label.group(2)))
            cell.metadata["nbgrader"] = _nbgrader(f"{grade_id}-answer", solution=True, grade=False,
                                                  locked=False)
            student = copy.deepcopy(cell)
            student.source = stub
            instructor = copy.deepcopy(cell)
            header = stub.splitlines()[0] if stub.startswith("#") else f"# Exercise {label.group(1)}.{label.group(2)}"
            instructor.source = f"{header}\n### BEGIN SOLUTION\n{solution}\n### END SOLUTION"
            if otter:
                begin = nbformat.v4.new_raw_cell(f"# BEGIN QUESTION\nname: {grade_id}\npoints: {points}")
                student_cells.append(begin)
                instructor_cells.append(copy.deepcopy(begin))
            student_cells.append(student)
            instructor_cells.append(instructor)
            continue
        if CHECK_TAG in tags:
            match = re.search(r"ex(\d+[a-z]?)_(\d+)", cell.source)
            grade_id = f"ex{match.group(1)}_{match.group(2)}" if match else "check"
            cell.metadata["nbgrader"] = _nbgrader(f"{grade_id}-check", solution=False, grade=True,
                                                  locked=True, points=points)
            _lock(cell)
            student_cells.append(cell)
            instructor_cells.append(copy.deepcopy(cell))
            if otter:
                test = nbformat.v4.new_raw_cell(
                    f"# BEGIN TESTS\nassert {cell.source.strip()}.ok\n# END TESTS"
                )
                instructor_cells.append(test)
                end = nbformat.v4.new_raw_cell("# END QUESTION")
                student_cells.append(end)
                instructor_cells.append(copy.deepcopy(end))
            continue
        if cell.cell_type == "code" and first_code:
            first_code = False
            _lock(cell)
            cell.metadata["nbgrader"] = _nbgrader("setup", solution=False, grade=False, locked=True)
        student_cells.append(cell)
        instructor_cells.append(copy.deepcopy(cell))

    paths = []
    for cells, folder in [(student_cells, out_dir), (instructor_cells, out_dir / "instructor")]:
        version = copy.deepcopy(nb)
        version.cells = cells
        for index, cell in enumerate(version.cells):
            cell["id"] = f"cell-{index:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / notebook.name
        nbformat.write(version, path)
        paths.append(path)
    return paths[0], paths[1]
