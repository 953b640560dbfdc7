"""Binder configuration: pins equal what the tests run with; scripts are well formed."""

import os
import re
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _pins():
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "--")):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"binder/requirements.txt: not an exact pin: {line!r}"
        pins[match.group(1).lower()] = match.group(2)
    return pins


def test_requirements_pin_exactly_the_installed_versions():
    pins = _pins()
    for required in ["numpy", "torch", "matplotlib", "ipywidgets", "tqdm"]:
        assert required in pins, f"{required} is a runtime dependency and must be pinned"
    for name, pinned in pins.items():
        installed = version(name)
        # torch is pinned as the CPU build (2.13.0+cpu); compare the public version
        assert pinned.split("+")[0] == installed.split("+")[0], (name, pinned, installed)


def test_torch_comes_from_the_cpu_index():
    text = (BINDER / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert _pins()["torch"].endswith("+cpu")
    assert "-e ." not in text


def test_runtime_names_a_python():
    assert re.fullmatch(r"python-3\.(1[0-9])\s*", (BINDER / "runtime.txt").read_text())


def test_scripts_are_executable_bash():
    for name in ["postBuild", "start"]:
        path = BINDER / name
        assert os.access(path, os.X_OK), f"binder/{name} must be executable"
        assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert "--no-deps" in (BINDER / "postBuild").read_text()
    start = (BINDER / "start").read_text()
    assert "OMP_NUM_THREADS=1" in start and start.rstrip().endswith('exec "$@"')


def test_ci_installs_cpu_torch_then_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert 'pip install -q "torch==' + _pins()["torch"].split("+")[0] + '"' in ci
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make test" in ci
