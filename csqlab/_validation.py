"""Argument checks shared by the library's public functions.

Validate at the public boundary, trust inside (STYLE.md): every error names the
argument and what was expected, e.g. ``ValueError("n must be an integer >= 1, got 0")``.
"""

from __future__ import annotations

import math
import sys

import numpy as np


def _check_int(value, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


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
