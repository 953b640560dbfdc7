"""The machinery behind every exercise check: run properties, report, never raise."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

NOT_ATTEMPTED = "not attempted"
FAILED = "failed"
PASSED = "passed"


@dataclass(frozen=True)
class Property:
    """One property an answer must have.

    ``test(answer)`` returns ``True`` when the property holds (it may also raise
    ``AssertionError`` with a message). ``hint`` is shown when it fails: it points
    at the idea, never at the reference solution.
    """

    description: str
    test: Callable[[object], bool]
    hint: str = ""


@dataclass
class CheckResult:
    """Outcome of a check: ``status`` is 'not attempted', 'failed' or 'passed'."""

    exercise: str
    status: str
    passed: int
    total: int
    message: str
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    def __repr__(self) -> str:
        return (
            f"CheckResult(exercise={self.exercise!r}, status={self.status!r}, "
            f"passed={self.passed}, total={self.total})"
        )

    def _ipython_display_(self) -> None:
        # The message was already printed by run_check; showing the object again
        # in a notebook would only repeat it.
        return None


def run_check(exercise: str, answer, properties: Sequence[Property], *, quiet: bool = False):
    """Test ``answer`` against ``properties`` and print one line of feedback.

    ``answer`` is usually the learner's function. A stub raises
    ``NotImplementedError`` when called: that is reported as "not attempted yet".
    Any other exception inside a property counts as that property failing, with the
    exception's type and message shown (learners need to see their own errors).
    """
    total = len(properties)
    passed = 0
    details: list[str] = []
    if answer is None or answer is Ellipsis:
        return _finish(exercise, NOT_ATTEMPTED, 0, total, "not attempted yet", details, quiet)
    for prop in properties:
        try:
            holds = bool(prop.test(answer))
            reason = ""
        except NotImplementedError:
            return _finish(exercise, NOT_ATTEMPTED, 0, total, "not attempted yet", details, quiet)
        except AssertionError as error:
            holds, reason = False, str(error)
        except Exception as error:  # the learner's code failed: report, never raise
            holds = False
            reason = f"your code raised {type(error).__name__}: {error}"
            details.append("".join(traceback.format_exception_only(type(error), error)).strip())
        if holds:
            passed += 1
            continue
        message = f"failed: {prop.description}"
        if reason:
            message += f" ({reason})"
        if prop.hint:
            message += f". Hint: {prop.hint}"
        return _finish(exercise, FAILED, passed, total, message, details, quiet)
    return _finish(exercise, PASSED, passed, total, f"passed {passed}/{total}", details, quiet)


def _finish(exercise, status, passed, total, message, details, quiet):
    result = CheckResult(exercise, status, passed, total, f"Exercise {exercise}: {message}", details)
    if not quiet:
        print(result.message)
    return result
