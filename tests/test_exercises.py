"""Every exercise: its solution passes its check, and the notebook's stub does not.

Convention (README, Contributing): a stub cell tagged ``exercise-stub`` whose code raises
``NotImplementedError("Exercise L.K: ...")``, followed by a cell tagged ``exercise-check``
holding one expression ``csqlab.checks.exL_K(...)``; the solution is
``lessons/solutions/LL_exK.py`` and defines the same names as the stub. A lesson id may carry a
letter (lesson 10b: "Exercise 10b.1", ``ex10b_1``, ``10b_ex1.py``).
"""

import re
from pathlib import Path

import nbformat
import pytest

from csqlab.teach.assignment import lesson_notebooks, lesson_prefix

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
SOLUTIONS = LESSONS / "solutions"
_LABEL = re.compile(r"Exercise (\d+[a-z]?)\.(\d+)")


def _exercises():
    found = []
    for path in lesson_notebooks(LESSONS):
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            if "exercise-stub" not in cell.metadata.get("tags", []):
                continue
            label = _LABEL.search(cell.source)
            assert label, f"{path.name} cell {index}: stub without 'Exercise L.K' label"
            check = next(
                (c for c in cells[index + 1:] if "exercise-check" in c.metadata.get("tags", [])),
                None,
            )
            assert check is not None, f"{path.name}: no check cell after stub {label.group(0)}"
            lesson, number = label.group(1), int(label.group(2))
            found.append(
                pytest.param(path.name, lesson, number, cell.source, check.source,
                             id=f"ex{lesson}_{number}")
            )
    return found


EXERCISES = _exercises()


def _run(code: str, check: str):
    namespace: dict = {}
    exec(compile(code, "<exercise>", "exec"), namespace)
    exec(compile("import csqlab, csqlab.checks", "<setup>", "exec"), namespace)
    return eval(compile(check.strip(), "<check>", "eval"), namespace)


@pytest.mark.parametrize("notebook, lesson, number, stub, check", EXERCISES)
def test_stub_is_not_attempted(notebook, lesson, number, stub, check, capsys):
    result = _run(stub, check)
    assert result.status == "not attempted", (notebook, result)


@pytest.mark.parametrize("notebook, lesson, number, stub, check", EXERCISES)
def test_solution_passes(notebook, lesson, number, stub, check, capsys):
    solution = SOLUTIONS / f"{lesson_prefix(lesson)}_ex{number}.py"
    assert solution.exists(), f"missing solution {solution.relative_to(ROOT)}"
    result = _run(solution.read_text(), check)
    assert result.ok, (notebook, result.message)


def test_every_solution_belongs_to_an_exercise():
    expected = {f"{lesson_prefix(lesson)}_ex{number}.py" for _, lesson, number, *_ in (p.values for p in EXERCISES)}
    present = {p.name for p in SOLUTIONS.glob("*.py")}
    assert present <= expected, f"solutions without an exercise: {sorted(present - expected)}"
