"""Course tooling: regenerate lesson outputs, lint notebooks, make assignments.

Command line: ``python -m csqlab.teach regen PATH...``, ``python -m csqlab.teach lint [PATH...]``.
"""

from .lint import Problem, lint_notebook, lint_paths
from .regen import execute_notebook, regen, verify

__all__ = ["stopwatch", "roundoff", "Problem", "lint_notebook", "lint_paths", "execute_notebook", "regen", "verify"]


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


def roundoff(value: float, floor: float = 1e-12) -> str:
    """Format a deviation that should be zero up to floating-point round-off.

    Returns the relation and the value: values below ``floor`` give ``"< 1e-12"`` (their
    digits depend on the BLAS build, the CPU and the library versions, so a lesson that
    printed them would not be reproducible); larger values give ``"= 0.489"`` (three
    significant digits), so a real deviation still shows. Lessons write
    ``f"max |f − g| {roundoff(error)}"``.
    """
    import math

    if isinstance(value, (bool, str, complex)):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"value must be a real number, got {type(value).__name__}") from None
    if math.isnan(value):
        raise ValueError("value must not be NaN")
    if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not 0 < floor < math.inf:
        raise ValueError(f"floor must be a positive finite number, got {floor!r}")
    if abs(value) < floor:
        return f"< {floor:.0e}"
    return f"= {value:.2e}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"= {value:.3g}"
