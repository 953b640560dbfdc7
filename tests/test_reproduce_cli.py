"""The experiments CLI (python -m csqlab reproduce) and the results shipped in csqlab/data
(our experiment protocol, lessons/notes/proof-maps.md; lesson 11 reads them)."""

import csv
import gzip
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from csqlab import __main__ as cli
from csqlab import experiments
from csqlab.experiments import data as shipped
from csqlab.experiments import sweeps

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "csqlab" / "data"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.fixture()
def tiny_experiment(monkeypatch):
    """A registered experiment small enough to run in a test (two sizes, two lrs, 4 steps)."""
    base = experiments.Experiment("mlp", "sparse-parity", "trivial", 8, 8, degree=2, batch=16,
                            steps=4, n_test=32, eval_every=2, dtype="float64")

    def configs(mode):
        return [replace(base, size=n, lr=lr) for n in (8, 10) for lr in (1e-3, 3e-3)]

    spec = experiments.ExperimentSpec("tiny", "A tiny sweep", "test", "for tests", configs,
                                experiments.EXPERIMENTS["gnn-hidden-planes"].figure)
    monkeypatch.setitem(experiments.EXPERIMENTS, "tiny", spec)
    return spec


def test_list_names_every_experiment(capsys):
    assert cli.main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    for name, spec in experiments.EXPERIMENTS.items():
        assert name in out and spec.section in out


def test_reproduce_writes_records_and_figure_and_resumes_from_the_cache(tiny_experiment, tmp_path,
                                                                        capsys):
    assert cli.main(["reproduce", "tiny", "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "4 runs executed, 0 loaded" in out
    with open(tmp_path / "tiny.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 4 * 3 * 3  # runs × seeds × checkpoints (0, 2, 4)
    records = json.loads((tmp_path / "tiny.json").read_text())
    assert [float(r["test_loss"]) for r in rows] == [r["test_loss"] for r in records]
    assert (tmp_path / "tiny.png").read_bytes()[:4] == b"\x89PNG"
    assert cli.main(["reproduce", "tiny", "--out", str(tmp_path), "--quiet"]) == 0
    assert "0 runs executed, 4 loaded" in capsys.readouterr().out


def test_bad_command_lines_are_refused(capsys):
    assert cli.main(["reproduce"]) == 2
    assert cli.main(["reproduce", "nope"]) == 2
    assert "unknown experiment" in capsys.readouterr().err
    assert cli.main(["reproduce", "sparse-parity", "--threads", "0"]) == 2


def test_module_entry_point_runs():
    """``python -m csqlab reproduce --list`` works as a program (from the repository root)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "csqlab", "reproduce", "--list"], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "frame-averaged-parities" in result.stdout


# --------------------------------------------------------------------------- shipped results


def manifest():
    return json.loads((DATA / "manifest.json").read_text())["experiments"]


def test_every_experiment_ships_cached_results():
    assert set(manifest()) == set(experiments.EXPERIMENTS)


@pytest.mark.parametrize("name", sorted(experiments.EXPERIMENTS))
def test_cached_results_match_their_checksum_and_configs(name):
    """The shipped file has the SHA-256 of the manifest, its records come from exactly the
    configurations of the recorded mode (same hashes as the registry computes now), and
    every record carries its configuration's fields."""
    entry = manifest()[name]
    content = (DATA / entry["file"]).read_bytes()
    assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    configs = experiments.experiment_configs(name, entry["mode"])
    assert entry["config_hashes"] == [experiments.config_hash(c) for c in configs]
    records = json.loads(gzip.decompress(content))
    assert len(records) == entry["records"]
    assert {r["config_hash"] for r in records} == set(entry["config_hashes"])
    by_hash = {experiments.config_hash(c): c for c in configs}
    for row in records[:: max(1, len(records) // 50)]:
        config = by_hash[row["config_hash"]]
        assert row["size"] == config.size and row["lr"] == config.lr
        assert row["seed"] in config.seeds
    assert experiments.load_cached(name) == records


def test_every_shipped_result_is_a_full_sweep():
    """Lesson 11 plots the full sweeps (size sweeps up to 48; steps-to-success up to n = 128
    for the sparse parities), every configuration of the full mode present, five seeds."""
    for name, entry in manifest().items():
        assert entry["mode"] == "full", name
        configs = experiments.experiment_configs(name, "full")
        sizes = {c.size for c in configs}
        assert max(sizes) == (128 if name == "steps-to-success" else 48), name
        records = experiments.load_cached(name)
        assert {r["size"] for r in records} == sizes
        assert {r["config_hash"] for r in records} == {experiments.config_hash(c) for c in configs}
        assert {r["seed"] for r in records} == {0, 1, 2, 3, 4}, name


def test_cache_results_writes_files_and_manifest_and_keeps_finished_experiments(
        tiny_experiment, tmp_path, monkeypatch):
    """``python -m csqlab cache-results``: gzipped records with the manifest's SHA-256, read
    back by load_cached; a second experiment failing mid-way leaves the first one's file and
    manifest entry intact (each written atomically), and a rerun with the same run cache
    executes nothing already finished."""
    data, runs = tmp_path / "data", tmp_path / "runs"
    data.mkdir()
    monkeypatch.setattr(shipped, "_data_directory", lambda: data)
    spec = experiments.ExperimentSpec("tiny-2", "Another tiny sweep", "test", "for tests",
                                tiny_experiment.configs, tiny_experiment.figure)
    monkeypatch.setitem(experiments.EXPERIMENTS, "tiny-2", spec)
    with pytest.raises(ValueError, match="name must be one of"):
        experiments.cache_results(["tiny", "nope"], cache_dir=runs, progress=False)
    assert not list(data.iterdir())  # names are checked before anything is computed
    real_sweep = experiments.sweep
    calls = []

    def failing_second_sweep(configs, **keywords):
        calls.append(len(configs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_sweep(configs, **keywords)

    monkeypatch.setattr(shipped, "sweep", failing_second_sweep)
    with pytest.raises(KeyboardInterrupt):
        experiments.cache_results(["tiny", "tiny-2"], cache_dir=runs, progress=False)
    entries = json.loads((data / "manifest.json").read_text())["experiments"]
    assert set(entries) == {"tiny"} and entries["tiny"]["mode"] == "full"
    assert sorted(path.name for path in data.iterdir()) == ["manifest.json", "tiny.json.gz"]
    assert all(path.stat().st_mode & 0o777 == 0o644 for path in data.iterdir())
    content = (data / "tiny.json.gz").read_bytes()
    assert hashlib.sha256(content).hexdigest() == entries["tiny"]["sha256"]
    records = experiments.load_cached("tiny")
    assert len(records) == entries["tiny"]["records"] == 4 * 3 * 3
    monkeypatch.setattr(shipped, "sweep", real_sweep)
    executed = []
    monkeypatch.setattr(sweeps, "run", lambda *a, **k: executed.append(a) or [])
    experiments.cache_results(["tiny"], cache_dir=runs, progress=False)
    assert executed == []  # every run of "tiny" came from the run cache
    assert experiments.load_cached("tiny") == records
    assert (data / "tiny.json.gz").read_bytes() == content  # same records, same bytes


def test_a_corrupted_cache_file_is_refused(tmp_path, monkeypatch):
    entry = manifest()["sparse-parity"]
    (tmp_path / entry["file"]).write_bytes(b"not the data")
    (tmp_path / "manifest.json").write_text((DATA / "manifest.json").read_text())
    monkeypatch.setattr(shipped, "_data_directory", lambda: tmp_path)
    with pytest.raises(ValueError, match="does not match its SHA-256"):
        experiments.load_cached("sparse-parity")


def test_shipped_data_stays_small():
    """Under 3 MB in all; most of it is the steps-to-success records (65,750 checkpoints: 200
    per sparse-parity run are the resolution of its samples to success)."""
    total = sum(path.stat().st_size for path in DATA.iterdir())
    assert total < 3_000_000


def _first_configs():
    """The smallest configuration of each shipped experiment (of each family, for the
    steps-to-success experiment): cheap to rerun."""
    chosen = []
    for name in experiments.EXPERIMENTS:
        configs = experiments.experiment_configs(name, "full")
        families = sorted({c.family for c in configs}) if name == "steps-to-success" else [None]
        for family in families:
            chosen.append((name, min((c for c in configs if family in (None, c.family)),
                                     key=lambda c: (c.size, c.lr))))
    return chosen


@pytest.mark.parametrize("name, config", _first_configs(),
                         ids=lambda v: v if isinstance(v, str) else f"{v.family}-{v.size}")
def test_the_shipped_records_are_what_this_code_computes(name, config):
    """The shipped results come from this code: the first checkpoints of a shipped run (at
    step 0 and after ``eval_every`` steps), recomputed now, give its records (seeds,
    teachers, losses). A run's checkpoints do not depend on how many steps follow, so the
    rerun stops there. Losses agree to 1e-4 relative: on the machine that computed them they
    are equal, and another CPU's float32 round-off, amplified by training, may move them
    (results of an older student, replaced by the present one, differed by up to 2e-5 within 100
    steps)."""
    steps = config.eval_every
    fresh = experiments.run(replace(config, steps=steps), device="cpu")
    stored = [r for r in experiments.load_cached(name)
              if r["config_hash"] == experiments.config_hash(config) and r["step"] <= steps]
    assert len(fresh) == len(stored) == 2 * len(config.seeds)
    key = lambda r: (r["seed"], r["step"])  # noqa: E731
    for new, old in zip(sorted(fresh, key=key), sorted(stored, key=key), strict=True):
        assert (new["seed"], new["step"], new["member"]) == (old["seed"], old["step"], old["member"])
        for column in ("test_loss", "train_loss", "trivial_loss"):
            if old[column] != old[column]:  # NaN: no batches before step 0
                assert new[column] != new[column], column
            else:
                assert new[column] == pytest.approx(old[column], rel=1e-4, abs=1e-9), (column, new)
