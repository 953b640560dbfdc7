"""Sweeps over many configurations through the cache (in this process or on a Dask cluster),
and the summaries of their records.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from csqlab.experiments.cache import ResultCache
from csqlab.experiments.config import Experiment, config_hash
from csqlab.experiments.runner import run
from csqlab.training.gd import _check_positive
from csqlab.training.online import resolve_device

PROGRESS_ENV = "CSQLAB_PROGRESS"


class ClusterError(RuntimeError):
    """A sweep on a Dask cluster could not finish: dask.distributed is not installed, the
    scheduler cannot be reached, or runs failed on the workers (then raised only after
    every other run is stored, so a rerun computes only the missing ones)."""


@dataclass
class SweepResult:
    """Records of every configuration of a sweep, and how many runs were executed now
    versus loaded from the cache."""

    records: list[dict]
    executed: int
    loaded: int
    seconds: float


def show_progress(progress: bool | None = None) -> bool:
    """Whether to draw progress bars: ``progress`` when it is True or False; for ``None``
    (the default of :func:`sweep`, :func:`reproduce` and the CLI) the environment variable
    ``CSQLAB_PROGRESS`` (``1`` on, ``0`` off) when set, else on exactly when standard error
    is a terminal and no test is running (pytest sets ``PYTEST_CURRENT_TEST``). Notebooks
    (not a terminal) are therefore quiet by default and their stored outputs stay the
    same; ``progress=True`` or ``CSQLAB_PROGRESS=1`` draws the bars there as widgets."""
    if progress is not None:
        if not isinstance(progress, bool):
            raise TypeError(f"progress must be True, False or None, got {progress!r}")
        return progress
    setting = os.environ.get(PROGRESS_ENV, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    if setting:
        raise ValueError(f"the environment variable {PROGRESS_ENV} must be 0 or 1, "
                         f"got {setting!r}")
    if "PYTEST_CURRENT_TEST" in os.environ:
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty())


def _run_on_worker(config: Experiment, device: str) -> list[dict]:
    """One run on a Dask worker: ``device`` is resolved there (``"auto"``: the worker's GPU
    when it has one), no progress bar (the client draws one over the runs)."""
    return run(config, device=device, progress=False)


# No dashboard, and the scheduler's HTTP server (metrics) and its port on free local ports
# (left alone, the HTTP server takes port 8787, or warns when another cluster has it);
# Dask's log below errors silenced.
LOCAL_CLUSTER_QUIET = {"scheduler_port": 0, "dashboard_address": None,
                       "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
                       "silence_logs": logging.ERROR}

# Dask starts worker processes with MALLOC_TRIM_THRESHOLD_=65536 (memory handed back to the
# system early); on the many small tensors of a training run that costs about 1.6x the CPU
# time per run (measured: a spawned process with it against one without). Unset for the
# workers of the local clusters made here (a restarted worker keeps its nanny's setting).
LOCAL_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}

_CLUSTER_NEEDS = ("sweeps on a Dask cluster need dask.distributed: pip install "
                  "'csqlab[cluster]' (or dask[distributed])")


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None):
    """A ``dask.distributed.Client``: connected to the scheduler at address ``scheduler``,
    or to a new ``LocalCluster`` of ``workers`` worker processes with one thread each
    (:data:`LOCAL_CLUSTER_QUIET`: free ports, no dashboard, Dask's log below errors
    silenced; :data:`LOCAL_WORKER_CONFIG`), closed at exit (with the cluster it made)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:
        raise ClusterError(_CLUSTER_NEEDS) from error
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({error})"
                               ) from error
        with client:
            yield client
        return
    import dask

    with dask.config.set(LOCAL_WORKER_CONFIG):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               **LOCAL_CLUSTER_QUIET)
    with cluster, Client(cluster) as client:
        yield client


def _check_cluster(scheduler, workers) -> None:
    if scheduler is not None and workers is not None:
        raise ValueError("give scheduler (an existing cluster) or workers (a local one), "
                         "not both")
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise TypeError(f"scheduler must be a Dask scheduler address such as "
                        f"'tcp://host:8786', got {scheduler!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ValueError(f"workers must be a positive integer or None, got {workers!r}")


def sweep(configs, *, cache_dir=None, scheduler: str | None = None, workers: int | None = None,
          device: str = "auto", progress: bool | None = None, after_run: Callable | None = None
          ) -> SweepResult:
    """Run (or load from ``cache_dir``) every configuration; records of all of them.

    With ``cache_dir``, each finished run is stored at once (:class:`ResultCache`), so a
    sweep killed half-way resumes where it stopped and loses no finished run. An entry
    that fails to parse or verify is reported (:class:`CacheCorruptionWarning`) and
    recomputed, never used; when anything is to be computed, the directory is checked
    first with a probe file (:meth:`ResultCache.check_writable`), so a cache that cannot
    take the results fails with :class:`CacheDirectoryError` before any training (a
    complete cache loads from a read-only directory).
    ``after_run(config, records)`` is called after each run executed here is stored
    (progress reports; tests inject failures with it).

    Where the runs execute: by default one after the other in this process. With
    ``workers=N``, on a new Dask ``LocalCluster`` of ``N`` worker processes with one
    thread each; with ``scheduler="tcp://host:8786"``, on an existing Dask cluster (its
    workers need csqlab installed; ``pip install 'csqlab[cluster]'``). Each run is one
    task; ``device`` (``"auto"``: CUDA when present) is resolved by the worker that runs
    it. Results come back to this process, which stores each one in the cache **as its
    task completes** — the same atomic write as the serial path, by one writer, on this
    machine's disk (the workers need not see the cache directory). A worker that dies
    loses only the run it was computing: Dask retries it elsewhere (up to the scheduler's
    ``allowed-failures``); a run that still fails does not stop the others, and the sweep
    then raises :class:`ClusterError` naming them once every other run is stored, so
    the rerun computes only what is missing. :class:`ClusterError` (a RuntimeError) for
    failed runs, an unreachable scheduler or a missing dask.distributed.

    ``progress``: a ``tqdm.auto`` bar over the runs (and, in this process, over each
    run's steps); ``None`` decides with :func:`show_progress` (quiet in tests and
    notebooks unless asked for).
    """
    configs = list(configs)
    for config in configs:
        if not isinstance(config, Experiment):
            raise TypeError(f"configs must hold csqlab.experiments.Experiment objects, got "
                            f"{type(config).__name__}")
    _check_cluster(scheduler, workers)
    resolve_device(device)  # checks the name; each run resolves it where it executes
    if after_run is not None and not callable(after_run):
        raise TypeError(f"after_run must be callable or None, got {type(after_run).__name__}")
    progress = show_progress(progress)
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

    def finished(index: int, records: list[dict]) -> None:
        if cache is not None:
            cache.store(configs[index], records)
        results[index] = records
        if after_run is not None:
            after_run(configs[index], records)

    with tqdm(total=len(pending), disable=not progress, desc="runs") as bar:
        if pending and (scheduler is not None or workers is not None):
            failed = _sweep_on_cluster(configs, pending, finished, bar, scheduler, workers,
                                       device)
            if failed:
                _raise_failures(configs, failed, len(pending), cache_dir)
        else:
            for index in pending:
                finished(index, run(configs[index], device=device, progress=progress))
                bar.update(1)
    records = [row for index in range(len(configs)) for row in results[index]]
    return SweepResult(records, len(pending), loaded, time.perf_counter() - start)


def _sweep_on_cluster(configs, pending, finished, bar, scheduler, workers, device) -> dict:
    """Submit every pending run; hand each to ``finished`` as it completes. Returns the
    runs that failed, ``{index: exception}``."""
    failed = {}
    with dask_client(scheduler, workers) as client:
        from dask.distributed import as_completed

        futures = {client.submit(_run_on_worker, configs[index], device, pure=False,
                                 key=f"csqlab-run-{config_hash(configs[index])}-{index}"): index
                   for index in pending}
        for future in as_completed(futures):
            index = futures.pop(future)
            try:
                records = future.result()
            except Exception as error:  # reported with the others, below
                failed[index] = error
                continue
            finally:
                future.release()
            finished(index, records)
            bar.update(1)
    return failed


def _raise_failures(configs, failed: dict, total: int, cache_dir) -> None:
    first = min(failed)
    names = ", ".join(f"{configs[i].family} size {configs[i].size} lr {configs[i].lr:g}"
                      for i in sorted(failed))
    kept = (f"the {total - len(failed)} finished runs are stored in {cache_dir}: rerun the "
            "sweep to compute only the missing ones" if cache_dir is not None else
            "pass cache_dir (--cache) to keep finished runs across reruns")
    raise ClusterError(f"{len(failed)} of {total} runs failed on the cluster ({names}; first "
                       f"error: {type(failed[first]).__name__}: {failed[first]}); {kept}"
                       ) from failed[first]


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
