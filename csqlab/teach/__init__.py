"""Course tooling: regenerate lesson outputs, lint notebooks, make assignments.

Command line: ``python -m csqlab.teach regen PATH...``, ``python -m csqlab.teach lint [PATH...]``.
"""

from .lint import Problem, lint_notebook, lint_paths
from .regen import execute_notebook, regen, verify

__all__ = ["stopwatch", "Problem", "lint_notebook", "lint_paths", "execute_notebook", "regen", "verify"]


def stopwatch(seconds: float) -> str:
    """Format a wall-clock time as ``⏱ 12.3 ms``.

    Lessons print every timing through this function: ``lessons/sanitize.cfg`` masks
    exactly this pattern, so measured times never break strict output comparison.
    """
    if seconds < 0:
        raise ValueError(f"seconds must be non-negative, got {seconds}")
    if seconds < 1e-3:
        return f"⏱ {seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"⏱ {seconds * 1e3:.1f} ms"
    return f"⏱ {seconds:.2f} s"
