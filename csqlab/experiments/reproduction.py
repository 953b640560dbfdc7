"""Reproduce a named experiment: run its sweep and write its records and figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from csqlab.experiments.registry import _check_name, experiment_figure
from csqlab.experiments.sweeps import sweep


@dataclass
class Reproduction:
    """What :func:`reproduce` did: the records, runs executed/loaded, wall time, and the
    files written (CSV and JSON of the records, the PNG figure)."""

    name: str
    full: bool
    records: list[dict]
    executed: int
    loaded: int
    seconds: float
    paths: dict

def write_records(records: list[dict], path) -> Path:
    """Records as CSV (header from the first record's keys; ``None`` written empty)."""
    import csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path

def reproduce(name: str, *, full: bool = False, out=None, cache_dir=None, device: str = "auto",
              progress: bool | None = None, scheduler: str | None = None,
              workers: int | None = None) -> Reproduction:
    """Run experiment ``name`` (quick mode, or ``full=True``) and write its results.

    Runs go through :func:`sweep` with the cache in ``cache_dir`` (default
    ``<out>/cache``; finished runs are reused, an interrupted reproduction resumes), in
    this process, or on a Dask cluster: ``workers=N`` local worker processes, or the
    existing one at ``scheduler`` (see :func:`sweep`). Writes ``<out>/<name>[-full].csv``
    and ``.json`` (the records) and ``.png`` (the figure) when ``out`` is given."""
    spec = _check_name(name)
    if out is not None and cache_dir is None:
        cache_dir = Path(out) / "cache"
    result = sweep(spec.configs("full" if full else "quick"), cache_dir=cache_dir, device=device,
                   progress=progress, scheduler=scheduler, workers=workers)
    paths = {}
    if out is not None:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        stem = Path(out) / (name + ("-full" if full else ""))
        paths["csv"] = write_records(result.records, stem.with_suffix(".csv"))
        paths["json"] = stem.with_suffix(".json")
        paths["json"].write_text(json.dumps(result.records))
        figure = experiment_figure(name, result.records)
        paths["png"] = stem.with_suffix(".png")
        figure.savefig(paths["png"])
        plt.close(figure)
    return Reproduction(name, bool(full), result.records, result.executed, result.loaded,
                        result.seconds, paths)
