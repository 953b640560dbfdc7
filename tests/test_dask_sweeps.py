"""Sweeps on a Dask cluster (csqlab.experiments.sweep with ``scheduler=`` / ``workers=``, the
CLI's ``--scheduler`` / ``--workers``) and the progress-bar switch.

Second routes: a real ``LocalCluster`` (worker processes, one thread each) against the serial
sweep in this process, record for record; a worker process killed with SIGKILL in the middle
of a sweep against the cache's content (every run finished before the kill stored intact)
and against the rerun (it executes exactly the missing runs and equals the serial sweep).
"""

import builtins
import os
import signal
import time
from dataclasses import replace

import pytest

from csqlab import __main__ as cli
from csqlab import experiments
from csqlab.experiments import sweeps

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py

BASE = experiments.Experiment("mlp", "sparse-parity", "trivial", 8, 8, degree=2, batch=16,
                              steps=4, n_test=32, eval_every=2, seeds=(0, 1), dtype="float64")
QUICK = [replace(BASE, lr=lr) for lr in (1e-3, 2e-3, 3e-3, 4e-3)]
# For the kill: run 1 is long (about 2 s), the others a few steps, so that when the first
# short run completes, run 1 is still being computed on its worker.
KILL = [replace(BASE, lr=1e-3), replace(BASE, lr=2e-3, steps=1200, eval_every=600),
        replace(BASE, lr=3e-3), replace(BASE, lr=4e-3)]
TIMEOUT = 60  # seconds for any wait on the cluster


def comparable(records):
    """Records without the wall time (the one field that differs run to run)."""
    return [{k: v for k, v in row.items() if k != "wall_time"} for row in records]


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes with one thread each; free ports, no dashboard, quiet logs."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  **sweeps.LOCAL_CLUSTER_QUIET) as local, \
            distributed.Client(local, timeout="30s") as client:
        client.wait_for_workers(2, timeout=TIMEOUT)
        yield local, client


@pytest.fixture(scope="module")
def serial_kill():
    return sweeps.sweep(KILL, progress=False).records


def test_cluster_sweep_equals_the_serial_sweep_and_the_client_writes_the_cache(cluster, tmp_path):
    local, client = cluster
    serial = sweeps.sweep(QUICK, progress=False)
    result = sweeps.sweep(QUICK, cache_dir=tmp_path, scheduler=local.scheduler_address,
                          progress=False)
    assert (result.executed, result.loaded) == (4, 0)
    assert comparable(result.records) == comparable(serial.records)
    cache = experiments.ResultCache(tmp_path)
    assert all(cache.load(config) is not None for config in QUICK)
    assert not list(tmp_path.glob(".tmp-*"))
    again = sweeps.sweep(QUICK, cache_dir=tmp_path, scheduler=local.scheduler_address,
                         progress=False)
    assert (again.executed, again.loaded) == (0, 4)
    assert again.records == result.records


def test_each_worker_resolves_device_auto_itself(cluster):
    """``device="auto"`` travels as the string: every worker resolves it (CUDA where the
    worker has a GPU); here every worker and every record say CPU, with one torch thread."""
    local, client = cluster

    def worker_device():
        import torch

        from csqlab.training.online import resolve_device
        return resolve_device("auto").type, torch.get_num_threads()

    expected = "cuda" if __import__("torch").cuda.is_available() else "cpu"
    assert set(client.run(worker_device).values()) == {(expected, 1)}
    result = sweeps.sweep(QUICK[:2], scheduler=local.scheduler_address, device="auto",
                          progress=False)
    assert {row["device"] for row in result.records} == {expected}


def kill_the_worker_running(client, config):
    """SIGKILL the worker process computing ``config`` (its task key names the config's
    hash); returns the pid killed."""
    prefix = f"csqlab-run-{experiments.config_hash(config)}-"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if any(str(key).startswith(prefix) for key in keys):
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                return pid
        time.sleep(0.01)
    raise AssertionError("the long run never appeared on a worker")


def sweep_killing_a_worker(local, client, cache_dir):
    """The KILL sweep on the cluster; at the first completed run, the worker computing the
    long run is killed. Returns (records seen by after_run per config, error or None)."""
    finished = {}

    def after_run(config, records):
        if not finished:
            kill_the_worker_running(client, KILL[1])
        finished[config] = records

    error = None
    try:
        sweeps.sweep(KILL, cache_dir=cache_dir, scheduler=local.scheduler_address,
                     progress=False, after_run=after_run)
    except sweeps.ClusterError as raised:
        error = raised
    return finished, error


def test_a_killed_worker_loses_no_finished_run_and_the_rerun_computes_only_the_rest(
        cluster, serial_kill, tmp_path, monkeypatch):
    """No retries (``allowed_failures = 0``): the run on the killed worker fails, every other
    run is still stored (intact: it loads back equal to what the sweep handed over), the
    sweep then raises ClusterError naming the failed run, and the rerun executes exactly the
    missing runs and gives the serial sweep's records."""
    local, client = cluster
    monkeypatch.setattr(local.scheduler, "allowed_failures", 0)
    finished, error = sweep_killing_a_worker(local, client, tmp_path)
    assert error is not None, "the run on the killed worker should have failed"
    cache = experiments.ResultCache(tmp_path)
    missing = [config for config in KILL if config not in cache]
    assert KILL[1] in missing and KILL[1] not in finished
    assert set(finished) == set(KILL) - set(missing)
    for config, records in finished.items():
        assert cache.load(config) == records
    assert f"{len(missing)} of 4 runs failed" in str(error)
    assert all(f"lr {config.lr:g}" in str(error) for config in missing)
    assert "rerun the sweep to compute only the missing ones" in str(error)
    assert not list(tmp_path.glob(".tmp-*"))
    client.wait_for_workers(2, timeout=TIMEOUT)  # the nanny restarts the killed worker
    resumed = sweeps.sweep(KILL, cache_dir=tmp_path, scheduler=local.scheduler_address,
                           progress=False)
    assert (resumed.executed, resumed.loaded) == (len(missing), 4 - len(missing))
    assert comparable(resumed.records) == comparable(serial_kill)


def test_with_retries_a_killed_worker_costs_only_its_run(cluster, serial_kill, tmp_path):
    """Dask's default retries: the killed worker's run is recomputed elsewhere and the sweep
    finishes in one go, equal to the serial sweep."""
    local, client = cluster
    client.wait_for_workers(2, timeout=TIMEOUT)
    assert local.scheduler.allowed_failures >= 1
    finished, error = sweep_killing_a_worker(local, client, tmp_path)
    assert error is None and set(finished) == set(KILL)
    result = sweeps.sweep(KILL, cache_dir=tmp_path, progress=False)
    assert (result.executed, result.loaded) == (0, 4)
    assert comparable(result.records) == comparable(serial_kill)


def test_cli_runs_on_a_local_cluster_and_on_a_scheduler(cluster, tmp_path, monkeypatch, capsys):
    """``--workers 2`` (a LocalCluster of its own) and ``--scheduler ADDRESS`` write the same
    records as the serial CLI run."""
    local, _ = cluster
    spec = experiments.ExperimentSpec("tiny", "A tiny sweep", "test", "for tests",
                                      lambda mode: QUICK[:2],
                                      experiments.EXPERIMENTS["gnn-hidden-planes"].figure)
    monkeypatch.setitem(experiments.EXPERIMENTS, "tiny", spec)
    runs = {}
    for name, flags in [("serial", []), ("workers", ["--workers", "2"]),
                        ("scheduler", ["--scheduler", local.scheduler_address])]:
        out = tmp_path / name
        assert cli.main(["reproduce", "tiny", "--out", str(out), "--quiet", *flags]) == 0
        assert "2 runs executed, 0 loaded" in capsys.readouterr().out
        runs[name] = comparable(__import__("json").loads((out / "tiny.json").read_text()))
    assert runs["workers"] == runs["serial"] == runs["scheduler"]


def test_cluster_options_are_checked(tmp_path, monkeypatch, capsys):
    with pytest.raises(ValueError, match="not both"):
        sweeps.sweep(QUICK, scheduler="tcp://127.0.0.1:1", workers=2)
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        sweeps.sweep(QUICK, workers=0)
    with pytest.raises(TypeError, match="scheduler must be a Dask scheduler address"):
        sweeps.sweep(QUICK, scheduler=8786)
    with pytest.raises(ValueError, match="device must be"):
        sweeps.sweep(QUICK, workers=2, device="abacus")
    with pytest.raises(SystemExit):
        cli.main(["reproduce", "sparse-parity", "--workers", "2", "--scheduler", "x"])
    assert cli.main(["reproduce", "sparse-parity", "--workers", "0"]) == 2
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "dask" or name.startswith(("dask.", "distributed")):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(sweeps.ClusterError, match=r"pip install 'csqlab\[cluster\]'"):
        sweeps.sweep(QUICK[:1], workers=2, progress=False)
    assert sweeps.sweep(QUICK[:1], progress=False).executed == 1  # serial needs no Dask
    assert cli.main(["reproduce", "sparse-parity", "--workers", "2", "--quiet",
                     "--out", str(tmp_path)]) == 1
    assert "error: sweeps on a Dask cluster need dask.distributed" in capsys.readouterr().err


def test_progress_default_is_quiet_off_a_terminal_and_under_tests(monkeypatch):
    """``progress=None``: CSQLAB_PROGRESS wins when set; else bars only on a terminal and
    never while pytest runs (so notebooks and the suite keep their outputs)."""
    assert sweeps.show_progress(True) is True and sweeps.show_progress(False) is False
    assert sweeps.show_progress() is False  # under pytest
    monkeypatch.delenv("PYTEST_CURRENT_TEST")

    class Terminal:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

        def write(self, text):
            return len(text)

        def flush(self):
            pass

    monkeypatch.setattr("sys.stderr", Terminal(True))
    assert sweeps.show_progress() is True
    monkeypatch.setattr("sys.stderr", Terminal(False))
    assert sweeps.show_progress() is False
    monkeypatch.setenv("CSQLAB_PROGRESS", "1")
    assert sweeps.show_progress() is True
    monkeypatch.setattr("sys.stderr", Terminal(True))
    monkeypatch.setenv("CSQLAB_PROGRESS", "0")
    assert sweeps.show_progress() is False
    monkeypatch.setenv("CSQLAB_PROGRESS", "yes")
    with pytest.raises(ValueError, match="CSQLAB_PROGRESS must be 0 or 1"):
        sweeps.show_progress()
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        sweeps.show_progress(1)


def test_progress_bars_count_the_runs_and_the_steps(monkeypatch):
    """With progress on, the serial sweep draws a bar over the runs and one over each run's
    steps (tqdm.auto; text on stderr outside a notebook)."""
    import io

    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    sweeps.sweep(QUICK[:2], progress=True)
    text = stream.getvalue()
    assert "runs: 100%" in text and "2/2" in text
    assert "sparse-parity n=8 lr=0.001" in text and "0/4" in text
    stream.truncate(0)
    sweeps.sweep(QUICK[:2], progress=False)
    assert stream.getvalue() == ""
