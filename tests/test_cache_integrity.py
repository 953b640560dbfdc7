"""Integrity of the result cache (csqlab.experiments.ResultCache, sweep, the reproduce CLI) and of
the results shipped in csqlab/data (load_cached against its SHA-256 manifest).

Every cache entry carries the SHA-256 of its records and its configuration hash; an entry
that does not parse or verify is reported once (CacheCorruptionWarning; ``warning: ...`` on
stderr in the CLI), never used, recomputed and overwritten atomically. A cache directory
that cannot take a file fails before any training. Each case is built by hand on a
temporary directory: a number edited in a valid JSON entry, invalid UTF-8, ``null``, no
``records``, no checksum (an entry of the old format), another configuration's entry, a
directory in place of an entry; a cache directory under a regular file, and one refusing
new files (tests run as root, which chmod does not stop: the refusal is simulated at
the probe file's creation, and a real chmod test runs where it takes effect). The shipped
data is copied to a temporary directory and damaged there (one byte flipped, a file
missing, the manifest unreadable).
"""

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from csqlab import __main__ as cli
from csqlab import experiments
from csqlab.experiments import sweeps

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "csqlab" / "data"

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py

BASE = experiments.Experiment("mlp", "sparse-parity", "trivial", 8, 8, degree=2, batch=16, steps=3,
                        n_test=32, eval_every=3, seeds=(0, 1), dtype="float64")
CONFIGS = [replace(BASE, lr=lr) for lr in (1e-3, 3e-3)]


@pytest.fixture()
def filled(tmp_path):
    """A cache directory holding both runs of CONFIGS, and the records of a fresh sweep."""
    cache_dir = tmp_path / "cache"
    result = experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    assert (result.executed, result.loaded) == (2, 0)
    return cache_dir, result.records


def numbers(records):
    """Records without their wall time (a recomputed run takes another time)."""
    return [{k: v for k, v in row.items() if k != "wall_time"} for row in records]


def entry(cache_dir) -> Path:
    return experiments.ResultCache(cache_dir).path(CONFIGS[0])


def resweep(cache_dir, reason: str):
    """A sweep over a cache with one damaged entry: exactly one warning naming the entry and
    the reason; the damaged run is executed again, the other loaded."""
    path = entry(cache_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    reports = [w for w in caught if issubclass(w.category, experiments.CacheCorruptionWarning)]
    assert len(reports) == 1, [str(w.message) for w in caught]
    message = str(reports[0].message)
    assert message.startswith(f"cache entry {path} is corrupt (")
    assert message.endswith("); recomputing") and reason in message
    assert (result.executed, result.loaded) == (1, 1)
    return result


def assert_repaired(cache_dir, records):
    """The recomputed entry replaced the damaged one: a plain file that verifies, no
    temporary file left, and the next sweep loads everything without a warning."""
    assert entry(cache_dir).is_file()
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    assert (again.executed, again.loaded) == (0, 2)
    assert numbers(again.records) == numbers(records)


# --------------------------------------------------------------------------- damaged entries


def test_stored_entry_carries_the_checksum_of_its_records(filled):
    cache_dir, records = filled
    content = json.loads(entry(cache_dir).read_text())
    assert content["config_hash"] == experiments.config_hash(CONFIGS[0])
    canonical = json.dumps(content["records"], sort_keys=True, separators=(",", ":"))
    assert content["records_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert content["records"] == records[: len(content["records"])]


def test_a_hand_edited_number_is_reported_and_recomputed(filled):
    """A test MSE edited in a valid JSON entry: the checksum no longer matches, the edited
    number is never used and the recomputed entry holds the true one."""
    cache_dir, records = filled
    path = entry(cache_dir)
    content = json.loads(path.read_text())
    true_value = content["records"][-1]["test_loss"]
    content["records"][-1]["test_loss"] = 0.001
    path.write_text(json.dumps(content))
    result = resweep(cache_dir, "checksum")
    assert numbers(result.records) == numbers(records)
    assert 0.001 not in [r["test_loss"] for r in result.records]
    assert json.loads(path.read_text())["records"][-1]["test_loss"] == true_value
    assert_repaired(cache_dir, records)


@pytest.mark.parametrize(("content", "reason"), [
    (b"\xff\xfe{\"records\": []}", "not valid UTF-8"),
    (b"null", "not a JSON object"),
    (b"[1, 2]", "not a JSON object"),
    (b"{ truncated", "not valid JSON"),
    (b"", "not valid JSON"),
], ids=["invalid-utf8", "null", "list", "truncated", "empty"])
def test_an_unparsable_entry_is_reported_and_recomputed(filled, content, reason):
    cache_dir, records = filled
    entry(cache_dir).write_bytes(content)
    assert CONFIGS[0] not in experiments.ResultCache(cache_dir)
    assert numbers(resweep(cache_dir, reason).records) == numbers(records)
    assert_repaired(cache_dir, records)


def test_an_entry_without_records_is_reported_and_recomputed(filled):
    cache_dir, records = filled
    path = entry(cache_dir)
    content = json.loads(path.read_text())
    del content["records"]
    path.write_text(json.dumps(content))
    assert numbers(resweep(cache_dir, "no records").records) == numbers(records)
    assert_repaired(cache_dir, records)


def test_an_entry_without_checksum_is_recomputed(filled):
    """An entry of the format before checksums (config, config_hash, version, records) is not
    trusted: reported as "no checksum" and recomputed into the new format."""
    cache_dir, records = filled
    path = entry(cache_dir)
    content = json.loads(path.read_text())
    del content["records_sha256"]
    path.write_text(json.dumps(content))
    assert numbers(resweep(cache_dir, "no checksum").records) == numbers(records)
    assert "records_sha256" in json.loads(path.read_text())
    assert_repaired(cache_dir, records)


def test_another_configurations_entry_is_reported_and_recomputed(filled):
    """The second run's file copied over the first's (a valid entry, checksum included):
    its configuration hash gives it away."""
    cache_dir, records = filled
    other = experiments.ResultCache(cache_dir).path(CONFIGS[1])
    shutil.copyfile(other, entry(cache_dir))
    assert numbers(resweep(cache_dir, "another configuration").records) == numbers(records)
    assert_repaired(cache_dir, records)


def test_a_directory_in_place_of_an_entry_is_reported_and_replaced(filled):
    cache_dir, records = filled
    path = entry(cache_dir)
    path.unlink()
    path.mkdir()
    (path / "stray").write_text("x")
    assert numbers(resweep(cache_dir, "a directory").records) == numbers(records)
    assert_repaired(cache_dir, records)


def test_load_reports_and_refuses_a_damaged_entry_without_raising(tmp_path):
    """ResultCache.load on its own: None (and one warning) for a damaged entry, None and no
    warning for an absent one; ``in`` is True only for an entry that verifies."""
    cache = experiments.ResultCache(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.load(CONFIGS[0]) is None and CONFIGS[0] not in cache
    cache.path(CONFIGS[0]).write_bytes(b"null")
    with pytest.warns(experiments.CacheCorruptionWarning, match="not a JSON object"):
        assert cache.load(CONFIGS[0]) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert CONFIGS[0] not in cache  # membership checks without reporting


# --------------------------------------------------------------------------- the command line


@pytest.fixture()
def tiny_experiment(monkeypatch):
    """A registered experiment of the two runs of CONFIGS (one size, two learning rates)."""
    spec = experiments.ExperimentSpec("tiny", "A tiny sweep", "test", "for tests",
                                lambda mode: list(CONFIGS),
                                experiments.EXPERIMENTS["gnn-hidden-planes"].figure)
    monkeypatch.setitem(experiments.EXPERIMENTS, "tiny", spec)
    return spec


def summary(out: str) -> list[str]:
    return [line for line in out.splitlines() if "final test MSE" in line]


def test_cli_warns_about_an_edited_entry_and_prints_the_true_summary(tiny_experiment, tmp_path,
                                                                     capsys):
    """The issue's session: reproduce with --cache, edit the number behind the summary line,
    reproduce again: a warning on stderr names the entry, and the summary is the true one."""
    cache_dir = tmp_path / "cache"
    arguments = ["reproduce", "tiny", "--out", str(tmp_path / "out"), "--cache",
                 str(cache_dir), "--quiet"]
    assert cli.main(arguments) == 0
    first = capsys.readouterr()
    assert "warning" not in first.err
    best = experiments.best_over_learning_rates(experiments.sweep(CONFIGS, cache_dir=cache_dir,
                                                      progress=False).records)[0]
    path = experiments.ResultCache(cache_dir).path(
        next(c for c in CONFIGS if experiments.config_hash(c) == best["config_hash"]))
    content = json.loads(path.read_text())
    for row in content["records"]:
        if row["step"] == best["step"]:
            row["test_loss"] = 0.001
    path.write_text(json.dumps(content))
    assert cli.main(arguments) == 0
    second = capsys.readouterr()
    assert f"warning: cache entry {path} is corrupt (checksum" in second.err
    assert second.err.count("warning:") == 1
    assert "Traceback" not in second.err
    assert "1 runs executed, 1 loaded" in second.out
    assert summary(second.out) == summary(first.out)
    assert "0.001" not in "\n".join(summary(second.out))


def test_cli_refuses_a_cache_directory_under_a_regular_file(tiny_experiment, tmp_path, capsys,
                                                            monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache_dir = blocker / "cache"
    monkeypatch.setattr(sweeps, "run", lambda *a, **k: pytest.fail("trained before the check"))
    assert cli.main(["reproduce", "tiny", "--out", str(tmp_path / "out"), "--cache",
                     str(cache_dir), "--quiet"]) != 0
    err = capsys.readouterr().err
    assert str(cache_dir) in err and "--cache" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- unwritable directories


def no_training(monkeypatch):
    monkeypatch.setattr(sweeps, "run", lambda *a, **k: pytest.fail("trained before the check"))


@pytest.mark.parametrize("layout", ["under-a-file", "is-a-file"])
def test_a_cache_directory_that_cannot_exist_fails_before_training(tmp_path, monkeypatch, layout):
    """A cache path under a regular file (or a regular file itself): no directory can be made
    there, whoever runs the test (root included)."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache_dir = blocker / "cache" if layout == "under-a-file" else blocker
    no_training(monkeypatch)
    with pytest.raises(experiments.CacheDirectoryError, match="cache directory") as error:
        experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    assert isinstance(error.value, ValueError)
    assert str(cache_dir) in str(error.value)
    assert "another directory" in str(error.value)


def test_a_directory_refusing_new_files_fails_before_training(tmp_path, monkeypatch):
    """The check is a real probe: a temporary file created and deleted in the directory. Root
    ignores chmod, so the refusal is simulated where the probe is created (mkstemp raising
    EACCES for that directory, as it does for a read-only directory)."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    real_mkstemp = tempfile.mkstemp

    def refusing(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == cache_dir:
            raise PermissionError(13, "Permission denied", str(Path(dir) / ".probe"))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refusing)
    no_training(monkeypatch)
    with pytest.raises(experiments.CacheDirectoryError, match="Permission denied") as error:
        experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    assert str(cache_dir) in str(error.value)
    assert list(cache_dir.iterdir()) == []


def test_a_read_only_directory_fails_before_training_where_chmod_applies(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache_dir.chmod(0o555)
    try:
        if os.access(cache_dir, os.W_OK):
            pytest.skip("chmod does not stop this user (root): see the simulated test above")
        no_training(monkeypatch)
        with pytest.raises(experiments.CacheDirectoryError, match=str(cache_dir)):
            experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    finally:
        cache_dir.chmod(0o755)


def test_a_full_cache_in_a_read_only_directory_still_loads(filled, monkeypatch):
    """Nothing to compute, nothing to write: a complete cache is usable read-only."""
    cache_dir, records = filled
    real_mkstemp = tempfile.mkstemp

    def refusing(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == cache_dir:
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refusing)
    no_training(monkeypatch)
    result = experiments.sweep(CONFIGS, cache_dir=cache_dir, progress=False)
    assert (result.executed, result.loaded) == (0, 2) and result.records == records


def test_a_store_that_fails_names_the_directory(tmp_path, monkeypatch):
    """A directory that stops taking files after the check (disk full, remounted read-only):
    the store fails with the directory named, not a raw traceback from the temporary file."""
    cache = experiments.ResultCache(tmp_path)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(experiments.CacheDirectoryError, match="No space left") as error:
        cache.store(CONFIGS[0], [])
    assert str(tmp_path) in str(error.value)


# --------------------------------------------------------------------------- shipped data


@pytest.fixture()
def data_copy(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def shipped(copy: Path, name: str) -> Path:
    return copy / json.loads((copy / "manifest.json").read_text())["experiments"][name]["file"]


def test_an_untouched_copy_of_the_shipped_data_loads_like_the_package(data_copy):
    assert experiments.cached_experiments(data_dir=data_copy) == experiments.cached_experiments()
    assert experiments.load_cached("sparse-parity", data_dir=data_copy) == \
        experiments.load_cached("sparse-parity")


@pytest.mark.parametrize("position", [0, 100, -1])
def test_one_changed_byte_in_a_shipped_file_names_the_file(data_copy, position):
    path = shipped(data_copy, "gnn-degree-parity")
    content = bytearray(path.read_bytes())
    content[position] ^= 0x01
    path.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="does not match its SHA-256") as error:
        experiments.load_cached("gnn-degree-parity", data_dir=data_copy)
    assert str(path) in str(error.value)
    assert experiments.load_cached("sparse-parity", data_dir=data_copy)  # the others still load


def test_a_missing_shipped_file_names_the_file(data_copy):
    path = shipped(data_copy, "sparse-parity")
    path.unlink()
    with pytest.raises(ValueError, match="missing") as error:
        experiments.load_cached("sparse-parity", data_dir=data_copy)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("content", [b"{ truncated", b"\xff", b"null", b'{"experiments": 3}'],
                         ids=["truncated", "invalid-utf8", "null", "no-table"])
def test_an_unreadable_manifest_names_the_manifest(data_copy, content):
    (data_copy / "manifest.json").write_bytes(content)
    for call in (lambda: experiments.cached_experiments(data_dir=data_copy),
                 lambda: experiments.load_cached("sparse-parity", data_dir=data_copy)):
        with pytest.raises(ValueError, match="manifest") as error:
            call()
        assert str(data_copy / "manifest.json") in str(error.value)


def test_a_manifest_entry_pointing_outside_the_data_directory_is_refused(data_copy, tmp_path):
    outside = tmp_path / "elsewhere.json.gz"
    shutil.copyfile(shipped(data_copy, "sparse-parity"), outside)
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["experiments"]["sparse-parity"]["file"] = "../elsewhere.json.gz"
    (data_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="manifest"):
        experiments.load_cached("sparse-parity", data_dir=data_copy)
