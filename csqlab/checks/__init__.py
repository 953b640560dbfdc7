"""Exercise feedback for the lessons.

Every exercise ``L.K`` of lesson ``L`` has a check ``csqlab.checks.exL_K(answer)``
living in the submodule ``csqlab.checks.lessonLL`` (two digits, then the letter of an
inserted lesson: exercise 10b.1 is ``ex10b_1`` in ``lesson10b``). A check

* prints ``Exercise L.K: not attempted yet`` when the learner's stub still raises
  ``NotImplementedError``;
* prints the first property that fails, with a hint that does not reveal the answer;
* prints ``Exercise L.K: passed k/k`` when every property holds;

and never raises, so a lesson runs top to bottom with the stubs in place. It returns a
:class:`CheckResult` that tests (and instructors' hidden tests) can inspect.
"""

from __future__ import annotations

import importlib
import re

from ._core import CheckResult, Property, run_check

__all__ = ["CheckResult", "Property", "run_check"]

_NAME = re.compile(r"^ex(\d+)([a-z]?)_(\d+)$")


def __getattr__(name: str):
    match = _NAME.match(name)
    if match is None:
        raise AttributeError(f"module 'csqlab.checks' has no attribute {name!r}")
    number, letter = int(match.group(1)), match.group(2)
    lesson = f"{number}{letter}"
    try:
        module = importlib.import_module(f"{__name__}.lesson{number:02d}{letter}")
    except ModuleNotFoundError as error:
        raise AttributeError(f"no checks for lesson {lesson} (looked for {error.name})") from None
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(f"lesson {lesson} has no exercise check {name!r}") from None
