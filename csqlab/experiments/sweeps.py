"""Sweeps over many configurations through the cache, and the summaries of their records.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from csqlab.experiments.cache import ResultCache
from csqlab.experiments.config import Experiment
from csqlab.experiments.runner import run
from csqlab.training.gd import _check_positive


@dataclass
class SweepResult:
    """Records of every configuration of a sweep, and how many runs were executed now
    versus loaded from the cache."""

    records: list[dict]
    executed: int
    loaded: int
    seconds: float


def _run_and_store(config: Experiment, directory, device: str, progress: bool) -> list[dict]:
    records = run(config, device=device, progress=progress)
    if directory is not None:
        ResultCache(directory).store(config, records)
    return records


def _joblib_or_none(n_jobs: int):
    try:
        import joblib
    except ImportError:
        print(f"n_jobs={n_jobs} asks for parallel runs, but joblib is not installed: running "
              "the sweep in one process (pip install joblib to spread it over workers)")
        return None
    return joblib


def sweep(configs, *, cache_dir=None, n_jobs: int = 1, backend: str | None = None,
          device: str = "auto", progress: bool = True, after_run: Callable | None = None
          ) -> SweepResult:
    """Run (or load from ``cache_dir``) every configuration; records of all of them.

    With ``cache_dir``, each finished run is stored at once (:class:`ResultCache`), so a
    sweep killed half-way resumes where it stopped and loses no finished run. An entry
    that fails to parse or verify is reported (:class:`CacheCorruptionWarning`) and
    recomputed, never used; when anything is to be computed, the directory is checked
    first with a probe file (:meth:`ResultCache.check_writable`), so a cache that cannot
    take the results fails with :class:`CacheDirectoryError` before any training (a
    complete cache loads from a read-only directory).
    ``after_run(config, records)`` is called after each run executed here (progress
    reports; tests inject failures with it).

    Parallel runs: ``n_jobs > 1`` (or ``-1``, all cores) spreads the runs over workers with
    ``joblib.Parallel(n_jobs, backend=backend)`` — imported lazily; if joblib is missing
    the sweep says so and runs in one process. Each worker stores its own results. On a
    cluster, joblib hands the runs to Dask or Ray::

        from dask.distributed import Client        # or: from ray.util.joblib import register_ray
        client = Client("scheduler-address:8786")  #      register_ray()
        sweep(configs, cache_dir="shared/cache", n_jobs=-1, backend="dask")   # or "ray"

    (or wrap the call in ``joblib.parallel_config(backend="dask")``); the cache directory
    must then be on a file system every worker sees.
    """
    configs = list(configs)
    for config in configs:
        if not isinstance(config, Experiment):
            raise TypeError(f"configs must hold csqlab.experiments.Experiment objects, got "
                            f"{type(config).__name__}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    if after_run is not None and not callable(after_run):
        raise TypeError(f"after_run must be callable or None, got {type(after_run).__name__}")
    from tqdm.auto import tqdm

    start = time.perf_counter()
    cache = None if cache_dir is None else ResultCache(cache_dir)
    results: dict[int, list[dict]] = {}
    pending = []
    for index, config in enumerate(configs):
        cached = None if cache is None else cache.load(config)
        if cached is not None:
            results[index] = cached
        else:
            pending.append(index)
    loaded = len(results)
    if cache is not None and pending:
        cache.check_writable()  # before any training: a run that cannot be stored is lost
    joblib = _joblib_or_none(n_jobs) if n_jobs != 1 and len(pending) > 1 else None
    if joblib is not None:
        outputs = joblib.Parallel(n_jobs=n_jobs, backend=backend)(
            joblib.delayed(_run_and_store)(configs[i], cache_dir, device, False) for i in pending)
        for index, records in zip(pending, outputs, strict=True):
            results[index] = records
            if after_run is not None:
                after_run(configs[index], records)
    else:
        for index in tqdm(pending, disable=not progress, desc="runs"):
            records = _run_and_store(configs[index], cache_dir, device, progress)
            results[index] = records
            if after_run is not None:
                after_run(configs[index], records)
    records = [row for index in range(len(configs)) for row in results[index]]
    return SweepResult(records, len(pending), loaded, time.perf_counter() - start)


# --------------------------------------------------------------------------- summaries


def final_losses(records: list[dict], *, step: int | None = None) -> list[dict]:
    """Test MSE at the last checkpoint (or at ``step``) per configuration, averaged over seeds.

    One row per ``(family, size, lr, variant, width, …)`` configuration hash: the
    configuration fields, ``test_mean``, ``test_std`` (over seeds, ``ddof=0``),
    ``train_mean``, ``trivial_mean``, ``n_seeds``, ``step``."""
    groups: dict[str, list[dict]] = {}
    for row in records:
        groups.setdefault(row["config_hash"], []).append(row)
    summary = []
    for rows in groups.values():
        target = max(r["step"] for r in rows) if step is None else step
        last = [r for r in rows if r["step"] == target]
        if not last:
            continue
        test = np.array([r["test_loss"] for r in last])
        train_values = np.array([r["train_loss"] for r in last], dtype=float)
        keep = {k: v for k, v in last[0].items()
                if k not in ("seed", "member", "step", "train_loss", "test_loss",
                             "trivial_loss", "wall_time")}
        summary.append({**keep, "step": target, "test_mean": float(test.mean()),
                        "test_std": float(test.std()),
                        "train_mean": float(np.nanmean(train_values))
                        if np.isfinite(train_values).any() else float("nan"),
                        "trivial_mean": float(np.mean([r["trivial_loss"] for r in last])),
                        "n_seeds": len(last)})
    return summary


def best_over_learning_rates(records: list[dict]) -> list[dict]:
    """For each ``(family, model, size, variant)``: the summary row of the learning rate
    with the lowest final mean test MSE — the sweep's most favourable setting for GD."""
    best: dict[tuple, dict] = {}
    for row in final_losses(records):
        key = (row["family"], row["model"], row["size"], row["variant"])
        if key not in best or row["test_mean"] < best[key]["test_mean"]:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r["family"], r["variant"], r["size"]))

_SUCCESS_LEVEL = 0.1


def steps_to_success(records: list[dict], level: float = _SUCCESS_LEVEL) -> list[dict]:
    """First checkpoint at which each seed's test MSE falls below ``level`` (NaN if never):
    one row per ``(size, lr, seed)`` with ``steps`` — the sparse-parity contrast's measure."""
    level = _check_positive(level, "level")
    runs: dict[tuple, list[dict]] = {}
    for row in records:
        runs.setdefault((row["size"], row["lr"], row["seed"]), []).append(row)
    result = []
    for (size, lr, seed), rows in sorted(runs.items()):
        hits = [r["step"] for r in sorted(rows, key=lambda r: r["step"]) if r["test_loss"] < level]
        result.append({"size": size, "lr": lr, "seed": seed,
                       "steps": float(hits[0]) if hits else float("nan")})
    return result
