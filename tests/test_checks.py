"""The exercise-feedback machinery: report, never raise, never pass a wrong answer."""

import pytest

from csqlab import checks
from csqlab.checks import Property, run_check

PROPS = [
    Property("returns the square", lambda f: f(3) == 9, hint="multiply the number by itself"),
    Property("works on negatives", lambda f: f(-2) == 4),
]


def stub(x):
    raise NotImplementedError("Exercise 0.1: square a number")


def test_stub_is_not_attempted(capsys):
    result = run_check("0.1", stub, PROPS)
    assert result.status == "not attempted" and not result.ok
    assert capsys.readouterr().out.strip() == "Exercise 0.1: not attempted yet"


def test_wrong_answer_fails_with_hint(capsys):
    result = run_check("0.1", lambda x: 2 * x, PROPS)
    assert result.status == "failed" and result.passed == 0
    out = capsys.readouterr().out
    assert "failed: returns the square" in out and "Hint: multiply" in out


def test_partly_wrong_answer_counts_passed_properties():
    result = run_check("0.1", lambda x: x * abs(x), PROPS, quiet=True)
    assert (result.status, result.passed, result.total) == ("failed", 1, 2)


def test_crashing_answer_is_reported_not_raised(capsys):
    result = run_check("0.1", lambda x: 1 / 0, PROPS)
    assert result.status == "failed"
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_right_answer_passes(capsys):
    result = run_check("0.1", lambda x: x * x, PROPS)
    assert result.ok and (result.passed, result.total) == (2, 2)
    assert capsys.readouterr().out.strip() == "Exercise 0.1: passed 2/2"


def test_unknown_exercise_is_an_attribute_error():
    with pytest.raises(AttributeError):
        checks.ex99_1  # noqa: B018
    with pytest.raises(AttributeError):
        checks.not_a_check  # noqa: B018
