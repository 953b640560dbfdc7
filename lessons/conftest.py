"""Budget guard for the lessons, active when pytest runs them with ``--nbval``.

For every notebook it measures, inside the same test run, the wall time from the
kernel's start to its shutdown and the kernel's peak resident memory (``VmHWM`` of
the kernel process, read just before nbval stops it). At the end it prints a table
and fails the run when a notebook takes more than 60 s or 1 GB — the course budget
for Binder's single CPU and ~2 GB of memory.

Works with pytest-xdist: each worker writes one small JSON file per notebook into a
folder chosen by the controller, which prints the table.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

TIME_BUDGET_S = 60.0
MEMORY_BUDGET_MB = 1024.0

_started: dict[str, float] = {}


def _report_dir(config) -> Path:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return Path(workerinput["csqlab_budget_dir"])
    if not hasattr(config, "_csqlab_budget_dir"):
        config._csqlab_budget_dir = tempfile.mkdtemp(prefix="csqlab-budget-")
    return Path(config._csqlab_budget_dir)


def pytest_configure_node(node):  # xdist controller → worker
    node.workerinput["csqlab_budget_dir"] = str(_report_dir(node.config))


def _notebook_of(item):
    parent = getattr(item, "parent", None)
    if parent is not None and type(parent).__name__ == "IPyNbFile":
        return parent
    return None


def _kernel_pid(notebook):
    kernel = getattr(notebook, "kernel", None)
    manager = getattr(kernel, "km", None)
    if manager is None:
        return None
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None) or getattr(manager, "kernel", None)
    return getattr(process, "pid", None)


def _peak_rss_mb(pid) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    notebook = _notebook_of(item)
    if notebook is not None:
        _started.setdefault(str(notebook.path), time.perf_counter())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    notebook = _notebook_of(item)
    last_cell = notebook is not None and (nextitem is None or _notebook_of(nextitem) is not notebook)
    if last_cell:
        # the kernel is still alive here: nbval stops it in the teardown that follows
        pid = _kernel_pid(notebook)
        peak = _peak_rss_mb(pid) if pid is not None else None
        key = str(notebook.path)
        elapsed = time.perf_counter() - _started.get(key, time.perf_counter())
        record = {"notebook": os.path.relpath(key), "seconds": elapsed, "peak_mb": peak}
        out = _report_dir(item.config) / (Path(key).stem + ".json")
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, out)
    yield


def _records(config):
    folder = _report_dir(config)
    return sorted(
        (json.loads(p.read_text()) for p in folder.glob("*.json")), key=lambda r: r["notebook"]
    )


def _violations(records):
    bad = []
    for record in records:
        if record["seconds"] > TIME_BUDGET_S:
            bad.append(f"{record['notebook']}: {record['seconds']:.1f} s > {TIME_BUDGET_S:.0f} s")
        if record["peak_mb"] is None:
            bad.append(f"{record['notebook']}: kernel peak memory could not be measured")
        elif record["peak_mb"] > MEMORY_BUDGET_MB:
            bad.append(f"{record['notebook']}: {record['peak_mb']:.0f} MB > {MEMORY_BUDGET_MB:.0f} MB")
    return bad


def pytest_sessionfinish(session, exitstatus):
    if getattr(session.config, "workerinput", None) is not None:
        return
    if not session.config.getoption("nbval", default=False):
        return
    records = _records(session.config)
    session.config._csqlab_budget = (records, _violations(records))
    if session.config._csqlab_budget[1] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    records, violations = getattr(config, "_csqlab_budget", ([], []))
    if not records:
        return
    write = terminalreporter.write_line
    terminalreporter.section("lesson budget (wall time from kernel start, kernel peak RSS)")
    write(f"{'notebook':<48} {'time [s]':>9} {'peak [MB]':>10}")
    for record in records:
        peak = "n/a" if record["peak_mb"] is None else f"{record['peak_mb']:.0f}"
        write(f"{record['notebook']:<48} {record['seconds']:>9.1f} {peak:>10}")
    write(f"budget: {TIME_BUDGET_S:.0f} s and {MEMORY_BUDGET_MB:.0f} MB per notebook")
    if violations:
        write("OVER BUDGET:", red=True, bold=True)
        for line in violations:
            write("  " + line, red=True)
