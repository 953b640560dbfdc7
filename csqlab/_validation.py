"""Argument checks shared by the library's public functions.

Validate at the public boundary, trust inside (CONTRIBUTING.md): every error names the
argument and what was expected, e.g. ``ValueError("n must be an integer >= 1, got 0")``.
"""

from __future__ import annotations

import math
import sys

import numpy as np


def _check_int(value, name: str, minimum: int = 0, maximum: int | None = None,
               cost=None) -> int:
    """``value`` as an int ``>= minimum`` (and ``<= maximum`` when given).

    ``cost(v)``, when given, says what size ``v`` would take (e.g. ``"8 GiB of memory"``);
    it is quoted in the error so that a refused size explains itself.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        detail = f" (it would take {cost(value)})" if cost is not None else ""
        raise ValueError(f"{name} must be at most {maximum}, got {value}{detail}")
    return value


def _format_bytes(n_bytes: float) -> str:
    """``"1.5 GiB"``-style size of ``n_bytes`` bytes (for size-limit errors)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def _memory(bytes_per_unit: float):
    """A ``cost`` for :func:`_check_int`: ``v`` units of ``bytes_per_unit`` bytes each."""
    return lambda value: f"about {_format_bytes(float(value) * bytes_per_unit)} of memory"


#: Largest array (in bytes) a public function builds for one result: 2 GiB.
MAX_ARRAY_BYTES = 2**31


def _check_memory(n_bytes: float, name: str, what: str) -> None:
    """Refuse, before any work, a result of ``n_bytes`` bytes over :data:`MAX_ARRAY_BYTES`;
    ``name`` is the argument (or arguments) that set the size."""
    if n_bytes > MAX_ARRAY_BYTES:
        raise ValueError(
            f"{name} too large: {what} would take about {_format_bytes(n_bytes)} of memory "
            f"(limit {_format_bytes(MAX_ARRAY_BYTES)})"
        )


def _check_cube_dimension(n, name: str = "n", bytes_per_point: float = 8.0,
                          what: str = "the values on the cube", minimum: int = 1) -> int:
    """``n`` for a result with ``bytes_per_point`` bytes for each of the ``2**n`` cube points,
    refused (ValueError naming ``name``) beyond :data:`MAX_ARRAY_BYTES`, before ``2**n`` is
    formed: float64 values allow ``n <= 28``."""
    n = _check_int(n, name, minimum)
    if bytes_per_point * 2.0 ** min(n, 1000) > MAX_ARRAY_BYTES:
        raise ValueError(
            f"{name} too large: {what} (2**{n} points) would take about "
            f"{_format_bytes(bytes_per_point * 2.0 ** min(n, 1000))} of memory "
            f"(limit {_format_bytes(MAX_ARRAY_BYTES)})"
        )
    return n


def _reject_complex(values, name: str) -> None:
    """TypeError for complex (or string) arrays and tensors: casting them to real drops the
    imaginary part silently (numpy only warns)."""
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        if isinstance(values, (str, bytes)):
            raise TypeError(f"{name} must be an array of real numbers, got {type(values).__name__}")
        if isinstance(values, complex):
            raise TypeError(f"{name} must be real, got complex value {values!r}")
        if isinstance(values, (list, tuple)):
            try:
                dtype = np.asarray(values).dtype
            except (TypeError, ValueError):  # ragged: the float conversion reports it
                return
        else:
            return
    if getattr(dtype, "is_complex", False) or (
        isinstance(dtype, np.dtype) and dtype.kind == "c"
    ):
        raise TypeError(f"{name} must be an array of real numbers, got complex dtype {dtype}")
    if isinstance(dtype, np.dtype) and dtype.kind in "USV":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {dtype}")


def _check_real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _generator(rng, seed) -> np.random.Generator:
    """One numpy Generator from ``rng`` (Generator or int seed) or ``seed``; default seed 0."""
    if rng is not None and seed is not None:
        raise ValueError("give either rng or seed, not both")
    if rng is None:
        rng = 0 if seed is None else seed
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
        raise TypeError(f"rng must be a numpy Generator or a non-negative int seed, got {rng!r}")
    return np.random.default_rng(int(rng))


def _is_torch(values) -> bool:
    # Looking torch up in sys.modules keeps `import csqlab.boolean` free of torch's import cost.
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(values, torch.Tensor)


def _finite_array(values, name: str) -> np.ndarray:
    """``values`` (array-like or torch tensor) as a float64 array: TypeError for complex,
    string or non-numeric input, ValueError for NaN or infinite entries."""
    _reject_complex(values, name)
    if _is_torch(values):
        values = values.detach().cpu().numpy()
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(values).__name__}"
        ) from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array
