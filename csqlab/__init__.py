"""csqlab — a hands-on course on the hardness of learning under symmetries.

The library behind the notebooks in ``lessons/``. Each module is one idea:

* :mod:`csqlab.oracles`  — SQ and CSQ oracles (exact, sampled, adversarial)
* :mod:`csqlab.boolean`  — the cube, parities, the fast Walsh–Hadamard transform
* :mod:`csqlab.gaussian` — Hermite polynomials, quadrature, Mehler's formula
* :mod:`csqlab.bounds`   — pairwise correlations and the counting lemma
* :mod:`csqlab.groups`   — permutation groups, actions, Reynolds operator, frames
* :mod:`csqlab.models`   — the symmetric architectures (GNN, CNN, frame averaging, ...)
* :mod:`csqlab.adversary` — the adversary game of lesson 3
* :mod:`csqlab.hard`     — the hard families, each with its bound curve
* :mod:`csqlab.training` — gradient descent as CSQ queries, the online loop, the students
* :mod:`csqlab.experiments` — the experiments of the paper's results, their cache and figures

The layers and every module's purpose: CONTRIBUTING.md, "Architecture".

Start a notebook with ``import csqlab; csqlab.setup()``.
"""

from __future__ import annotations

import os
import random

__version__ = "0.1.0"

__all__ = ["__version__", "setup", "full_mode", "style_path"]

# Submodules load on first use (``csqlab.checks.ex0_1``, ``csqlab.boolean``): importing
# csqlab stays cheap, and a lesson needs only ``import csqlab``.
_SUBMODULES = frozenset({
    "boolean", "bounds", "checks", "gaussian", "groups", "hard", "models", "oracles",
    "plotting", "teach", "train", "widgets",
})


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'csqlab' has no attribute {name!r}")

_FULL_ENV = "CSQLAB_FULL"


def full_mode() -> bool:
    """True when the environment variable ``CSQLAB_FULL`` is set to ``1``.

    Full mode runs heavy sweeps at the sizes used for the cached results;
    the default (quick mode) keeps every notebook under a minute on one core.
    """
    value = os.environ.get(_FULL_ENV, "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def style_path() -> str:
    """Path of the course matplotlib style sheet shipped with the package."""
    from importlib import resources

    return str(resources.files("csqlab") / "styles" / "course.mplstyle")


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        # numpy integers are fine, floats and strings are not
        try:
            import numpy as np

            if isinstance(seed, np.integer):
                seed = int(seed)
            else:
                raise TypeError
        except TypeError:
            raise TypeError(f"seed must be a non-negative integer, got {seed!r}") from None
    if seed < 0 or seed >= 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32), got {seed}")
    return seed


def setup(seed: int = 0, *, threads: int = 1, quiet: bool = True) -> dict:
    """Make a notebook reproducible and give it the course look.

    * seeds Python's ``random``, numpy's legacy global generator and torch;
    * ``torch.set_num_threads(threads)`` (one thread by default: identical
      floating-point results run to run, and fair timings on Binder);
    * ``torch.use_deterministic_algorithms(True)``;
    * applies the course matplotlib style (white background, colour-blind-safe
      Okabe–Ito cycle with markers) and PNG figures in Jupyter;
    * reads ``CSQLAB_FULL=1`` as full mode (see :func:`full_mode`).

    Returns a small dict describing the environment (versions, threads, mode).
    Library functions never rely on the global seeds: every random function
    takes its own ``seed``/generator. The global seeds only protect notebook
    code that forgets to.
    """
    seed = _check_seed(seed)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)

    import numpy as np

    np.random.seed(seed)

    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)

    import matplotlib

    matplotlib.rcParams.update(matplotlib.rcParamsDefault)
    import matplotlib.pyplot as plt

    plt.style.use(style_path())
    _png_figures()

    return {
        "csqlab": __version__,
        "numpy": np.__version__,
        "torch": torch.__version__.split("+")[0],
        "matplotlib": matplotlib.__version__,
        "threads": torch.get_num_threads(),
        "full_mode": full_mode(),
        "seed": seed,
    }


def _png_figures() -> None:
    """Inline figures as PNG only (no SVG in committed notebooks)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    if get_ipython() is None:
        return
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover
        return
    set_matplotlib_formats("png")
