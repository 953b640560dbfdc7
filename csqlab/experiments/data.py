"""The results shipped in ``csqlab/data``: read and checked against the manifest, or recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from csqlab.experiments.cache import _write_atomically
from csqlab.experiments.config import config_hash
from csqlab.experiments.registry import EXPERIMENTS, _check_name, experiment_configs
from csqlab.experiments.sweeps import sweep

# --------------------------------------------------------------------------- shipped results

DATA_MANIFEST = "manifest.json"


def _data_directory() -> Path:
    from importlib import resources

    return Path(str(resources.files("csqlab") / "data"))


def _data_path(data_dir) -> Path:
    if data_dir is None:
        return _data_directory()
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a path or None, got {type(data_dir).__name__}")
    return Path(data_dir)


_RESTORE = ("restore it (reinstall csqlab, or git checkout csqlab/data) or regenerate it with "
            "python -m csqlab cache-results")


def cached_experiments(*, data_dir=None) -> dict:
    """The manifest of results shipped in ``csqlab/data`` (or ``data_dir``): per experiment
    the file, its SHA-256, the mode (``"full"``), the configuration hashes, the package
    version that computed it and the wall time it took. ``{}`` without a manifest;
    ValueError naming the manifest when it is unreadable."""
    path = _data_path(data_dir) / DATA_MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the manifest {path} of the shipped results is unreadable "
                         f"({error}): {_RESTORE}") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("experiments"), dict):
        raise ValueError(f"the manifest {path} of the shipped results has no table of "
                         f"experiments: {_RESTORE}")
    return manifest["experiments"]


def load_cached(name: str, *, data_dir=None) -> list[dict]:
    """Records of experiment ``name`` shipped with the package (or stored in ``data_dir``
    by :func:`cache_results`), checked against the manifest's SHA-256 before use;
    ValueError naming the file when it is missing, unreadable or differs by one byte."""
    import gzip

    _check_name(name)
    directory = _data_path(data_dir)
    manifest_path = directory / DATA_MANIFEST
    manifest = cached_experiments(data_dir=directory)
    if name not in manifest:
        raise ValueError(f"name must be one of the cached experiments {sorted(manifest)}, "
                         f"got {name!r}")
    entry = manifest[name]
    file = entry.get("file") if isinstance(entry, dict) else None
    if (not isinstance(file, str) or Path(file).name != file or file in ("", ".", "..")
            or not isinstance(entry.get("sha256"), str)):
        raise ValueError(f"the manifest {manifest_path} has no valid file name and SHA-256 "
                         f"for {name!r} (a plain file name in {directory} is expected): "
                         f"{_RESTORE}")
    path = directory / file
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"the shipped file {path} is missing: {_RESTORE}") from None
    except OSError as error:
        raise ValueError(f"the shipped file {path} is unreadable ({error.strerror or error}): "
                         f"{_RESTORE}") from error
    if hashlib.sha256(content).hexdigest() != entry["sha256"]:
        raise ValueError(f"the shipped file {path} does not match its SHA-256 in the manifest "
                         f"{manifest_path} (corrupted or edited): {_RESTORE}")
    try:
        records = json.loads(gzip.decompress(content))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the shipped file {path} matches its SHA-256 but is not gzipped "
                         f"JSON records ({error}): {_RESTORE}") from error
    if not isinstance(records, list) or len(records) != entry.get("records", len(records)):
        raise ValueError(f"the shipped file {path} does not hold the {entry.get('records')} "
                         f"records its manifest {manifest_path} lists: {_RESTORE}")
    return records


def _compute_seconds(records: list[dict]) -> float:
    """Training time of a sweep from its records: the sum over configurations of the last
    checkpoint's wall time (the same whether the runs were executed now or loaded)."""
    last: dict[str, float] = {}
    for row in records:
        last[row["config_hash"]] = max(last.get(row["config_hash"], 0.0), row["wall_time"])
    return float(sum(last.values()))


def cache_results(names=None, *, cache_dir=None, progress: bool | None = None,
                  scheduler: str | None = None, workers: int | None = None) -> dict:
    """Compute experiments in full mode and store their records in ``csqlab/data`` with the
    manifest (developer tool behind ``python -m csqlab cache-results``); ``scheduler`` /
    ``workers`` run the sweeps on a Dask cluster (see :func:`sweep`). Files are gzipped
    JSON with a zero timestamp: the same records give the same bytes and the same SHA-256.
    Each file and the manifest are written atomically, one experiment at a time, so an
    interrupted recomputation keeps every experiment it finished (and the runs of the one
    it was in, when ``cache_dir`` is given)."""
    import gzip

    from csqlab import __version__

    names = sorted(EXPERIMENTS) if names is None else list(names)
    for name in names:
        _check_name(name)
    directory = _data_directory()
    directory.mkdir(exist_ok=True)
    manifest_path = directory / DATA_MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {
        "experiments": {}}
    for name in names:
        configs = experiment_configs(name, "full")
        result = sweep(configs, cache_dir=cache_dir, progress=progress,
                       scheduler=scheduler, workers=workers)
        content = gzip.compress(json.dumps(result.records, separators=(",", ":")).encode(),
                                compresslevel=9, mtime=0)
        file = f"{name}.json.gz"
        _write_atomically(directory / file, content)
        manifest["experiments"][name] = {
            "file": file, "sha256": hashlib.sha256(content).hexdigest(), "mode": "full",
            "config_hashes": [config_hash(c) for c in configs],
            "version": __version__, "seconds": round(_compute_seconds(result.records), 1),
            "records": len(result.records)}
        _write_atomically(manifest_path,
                          (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    return manifest["experiments"]
