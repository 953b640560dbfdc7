"""The experiments of the paper's results, Theorems A–D and the invariant polynomials (protocol **ours**; lessons/notes/proof-maps.md) and the contrasts of lesson 11.

A frozen :class:`~csqlab.experiments.config.Experiment` (model, family, group, size, width,
optimiser, lr, batch, steps, n_train, n_test, seeds) is trained by
:func:`~csqlab.experiments.runner.run`, all seeds at once (stacked parameters), returning
tidy records. The names below are the package's API (one import for lessons and the CLI);
the modules, bottom to top:

* :mod:`~csqlab.experiments.setup` — what a run needs from a family; then one module per
  result: :mod:`~csqlab.experiments.gnn` (§4.1, §4.2), :mod:`~csqlab.experiments.cnn` (§4.3),
  :mod:`~csqlab.experiments.frames` (§4.4), :mod:`~csqlab.experiments.polynomials` (§4.5),
  :mod:`~csqlab.experiments.parity` (the sparse-parity contrast);
* :mod:`~csqlab.experiments.config` — the configuration, its hashes, :data:`FAMILIES`;
* :mod:`~csqlab.experiments.runner` — one run; :mod:`~csqlab.experiments.cache` — the
  checked on-disk cache; :mod:`~csqlab.experiments.sweeps` — sweeps and summaries;
* :mod:`~csqlab.experiments.capacity` — can the student represent its teacher (width checks,
  the degree-parity diagnosis);
* :mod:`~csqlab.experiments.figures` — the paper-style figures;
  :mod:`~csqlab.experiments.registry` — the named experiments (:data:`EXPERIMENTS`);
* :mod:`~csqlab.experiments.reproduction` — ``python -m csqlab reproduce NAME [--full]``;
  :mod:`~csqlab.experiments.data` — the results shipped in ``csqlab/data``.
"""

from csqlab.experiments.cache import CacheCorruptionWarning, CacheDirectoryError, ResultCache
from csqlab.experiments.config import FAMILIES, Experiment, cache_key, config_hash
from csqlab.experiments.data import cache_results, cached_experiments, load_cached
from csqlab.experiments.registry import (
    EXPERIMENTS,
    FIXED_SET_RATES,
    FULL_LEARNING_RATES,
    MODES,
    QUICK_LEARNING_RATES,
    ExperimentSpec,
    experiment_configs,
    experiment_figure,
    figure_final_losses,
)
from csqlab.experiments.reproduction import Reproduction, reproduce, write_records
from csqlab.experiments.runner import run
from csqlab.experiments.setup import FamilySpec
from csqlab.experiments.sweeps import (
    SweepResult,
    best_over_learning_rates,
    final_losses,
    steps_to_success,
    sweep,
)

__all__ = [
    "Experiment",
    "FamilySpec",
    "FAMILIES",
    "config_hash",
    "cache_key",
    "run",
    "ResultCache",
    "CacheCorruptionWarning",
    "CacheDirectoryError",
    "SweepResult",
    "sweep",
    "final_losses",
    "best_over_learning_rates",
    "steps_to_success",
    "MODES",
    "QUICK_LEARNING_RATES",
    "FULL_LEARNING_RATES",
    "FIXED_SET_RATES",
    "ExperimentSpec",
    "EXPERIMENTS",
    "experiment_configs",
    "experiment_figure",
    "figure_final_losses",
    "write_records",
    "Reproduction",
    "reproduce",
    "cached_experiments",
    "load_cached",
    "cache_results",
]
