"""The one lock file (constraints.txt): exact, complete, consistent with pyproject.toml, used by
`make lab`, `make test`, Binder and CI alike; and the environment under test is the locked one."""

import os
import re
from importlib.metadata import PackageNotFoundError, distributions, version
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
LOCK = ROOT / "constraints.txt"
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.\-]*)==([0-9][A-Za-z0-9_.!+\-]*)")
NOT_LOCKED = {"csqlab", "pip", "setuptools", "wheel"}  # the project itself and the installer


def parse_lock(text: str) -> dict[str, str]:
    """{canonical name: version} of a lock file; every non-comment line is one exact pin."""
    pins = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.fullmatch(line)
        if match is None:
            raise ValueError(f"constraints.txt line {number}: not an exact pin: {line!r}")
        name = canonicalize_name(match.group(1))
        if name in pins:
            raise ValueError(f"constraints.txt line {number}: {name} pinned twice")
        pins[name] = match.group(2)
    return pins


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        requirements += extra
    requirements += project["build-system"]["requires"] + ["editables"]  # editable builds
    return [Requirement(r) for r in requirements]


def inconsistencies(pins: dict[str, str], requirements: list[Requirement]) -> list[str]:
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(Version(pins[name]), prereleases=True):
            problems.append(f"lock pins {name}=={pins[name]}, outside {requirement}")
    return problems


def test_every_line_is_an_exact_pin():
    pins = parse_lock(LOCK.read_text())
    assert len(pins) > 50  # the whole closure, not just the direct dependencies
    assert not NOT_LOCKED & set(pins)
    assert all("+" not in v for v in pins.values()), "pin public versions (torch without +cpu)"
    assert "make lock" in LOCK.read_text().split("\n\n")[0]


def test_the_parser_rejects_what_is_not_an_exact_pin():
    for bad in ["numpy>=2", "numpy", "-e .", "numpy==2.0\nNumPy==2.1"]:
        with pytest.raises(ValueError):
            parse_lock(bad)


def test_every_requirement_of_pyproject_is_locked_inside_its_range():
    assert inconsistencies(parse_lock(LOCK.read_text()), pyproject_requirements()) == []


def test_the_consistency_check_can_fail():
    pins = parse_lock(LOCK.read_text())
    requirements = pyproject_requirements()
    stale = dict(pins, numpy="1.20.0")  # below numpy>=1.24
    assert any("numpy" in p for p in inconsistencies(stale, requirements))
    missing = {k: v for k, v in pins.items() if k != "nbval"}
    assert any("nbval" in p for p in inconsistencies(missing, requirements))


def test_the_environment_under_test_is_exactly_the_lock():
    """A fresh `make test` venv holds the locked closure and nothing else."""
    pins = parse_lock(LOCK.read_text())
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    different = {n: (v, installed.get(n)) for n, v in pins.items()
                 if installed.get(n, "").split("+")[0] != v}
    assert different == {}, "installed versions differ from constraints.txt: run make test"
    extra = set(installed) - set(pins) - NOT_LOCKED
    assert extra == set(), "installed but not locked: run make lock"


def test_make_installs_every_extra_under_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    for target in ["install-lab", "install-test"]:
        body = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert "-c $(LOCK)" in body and "--no-build-isolation" in body, target
    assert "LOCK = constraints.txt" in makefile
    assert "\nlock:" in makefile  # the documented one-command refresh
    readme = (ROOT / "README.md").read_text()
    assert "make lock" in readme
    torch = parse_lock(LOCK.read_text())["torch"]
    assert set(re.findall(r"torch==([0-9.]+)", readme)) == {torch}, "README's torch pin is stale"


def test_binder_installs_cpu_torch_then_the_course_under_the_lock():
    text = (BINDER / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("#", "--"))]
    assert lines == [f"torch=={parse_lock(LOCK.read_text())['torch']}+cpu"]
    post = (BINDER / "postBuild").read_text()
    assert "-c constraints.txt hatchling editables" in post
    assert '--no-build-isolation -c constraints.txt ".[lab]"' in post


def test_binder_runtime_is_the_python_the_lock_was_resolved_with():
    runtime = re.fullmatch(r"python-(3\.\d+)\s*", (BINDER / "runtime.txt").read_text())
    assert runtime
    assert f"Python {runtime.group(1)}." in LOCK.read_text().split("\n\n")[0]


def test_binder_scripts_are_executable_bash():
    for name in ["postBuild", "start"]:
        path = BINDER / name
        assert os.access(path, os.X_OK), f"binder/{name} must be executable"
        assert path.read_text().startswith("#!/usr/bin/env bash\n")
    start = (BINDER / "start").read_text()
    assert "OMP_NUM_THREADS=1" in start and start.rstrip().endswith('exec "$@"')


def test_ci_builds_a_fresh_venv_and_runs_only_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert 'work="$(mktemp -d)"' in ci and 'python3 -m venv "$venv"' in ci
    assert 'pip install -q "torch==$torch_version"' in ci
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip().startswith("make ")]
    assert commands == ['make test VENV="$venv"']
    assert "make test" in (ROOT / "README.md").read_text()


def test_torch_is_the_cpu_build_when_installed():
    try:
        installed = version("torch")
    except PackageNotFoundError:
        pytest.skip("torch is not installed")
    import torch
    assert installed.split("+")[0] == parse_lock(LOCK.read_text())["torch"]
    assert torch.version.cuda is None or torch.cuda.is_available()


# ---------------------------------------------------------------- what the library imports

OPTIONAL_IMPORTS = {"dask": "cluster", "nbformat": "lab", "nbclient": "lab"}
"""Third-party modules csqlab imports only inside functions, and the extra that installs them
(``dask``: sweeps on a cluster, with a clear error without it; ``nbformat``/``nbclient``: the
instructor tools of ``csqlab.teach``, which need JupyterLab's stack)."""


def third_party_imports(package: Path) -> tuple[set[str], set[str]]:
    """Top-level names of the third-party modules that ``package`` imports at module level,
    and of those it imports only inside functions (``__future__``, the standard library
    and csqlab itself left out)."""
    import ast
    import sys

    module_level, inside = set(), set()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        outer = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                if root in sys.stdlib_module_names or root in ("csqlab", "__future__"):
                    continue
                (module_level if id(node) in outer else inside).add(root)
    return module_level, inside - module_level


def installed_closure(requirements: list[str]) -> set[str]:
    """Canonical names of the installed distributions that ``requirements`` pull in (their
    own requirements followed recursively, markers evaluated with no extra)."""
    from importlib.metadata import distribution

    closure: set[str] = set()
    pending = [Requirement(r) for r in requirements]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in closure:
            continue
        closure.add(name)
        for extra in requirement.extras:  # dask[distributed] pulls distributed
            for line in distribution(requirement.name).requires or []:
                nested = Requirement(line)
                if nested.marker is not None and nested.marker.evaluate({"extra": extra}):
                    pending.append(nested)
        for line in distribution(requirement.name).requires or []:
            nested = Requirement(line)
            if nested.marker is None or nested.marker.evaluate({"extra": ""}):
                pending.append(nested)
    return closure


def distributions_of(modules: set[str]) -> dict[str, set[str]]:
    """Module name -> canonical names of the installed distributions that provide it."""
    from importlib.metadata import packages_distributions

    provided = packages_distributions()
    return {m: {canonicalize_name(d) for d in provided.get(m, [])} for m in modules}


def test_every_module_the_library_imports_is_installed_by_its_dependencies():
    """A fresh `make lab` (and Binder) installs only the core dependencies and the `lab`
    extra: every third-party module csqlab imports at module level must come with the core
    dependencies (scipy once came only with the `test` extra, so `make lab` could not import
    csqlab.hard), and each one it imports inside functions with the extra named for it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = installed_closure(project["dependencies"])
    module_level, inside = third_party_imports(ROOT / "csqlab")
    assert {"numpy", "torch", "scipy"} <= module_level  # the scan sees the real imports
    missing = {m: d for m, d in distributions_of(module_level).items() if not d & core}
    assert missing == {}, "imported at module level but not installed by the core dependencies"
    assert inside <= set(OPTIONAL_IMPORTS) | module_level | {
        m for m, d in distributions_of(inside).items() if d & core}, (
        f"imported inside functions, with no extra named: {sorted(inside)}")
    for module, extra in OPTIONAL_IMPORTS.items():
        if module in inside:
            with_extra = installed_closure(project["dependencies"]
                                           + project["optional-dependencies"][extra])
            assert distributions_of({module})[module] & with_extra, (module, extra)


def test_the_import_check_can_fail(tmp_path):
    """The scan finds a module-level import the core dependencies do not install."""
    package = tmp_path / "fake"
    package.mkdir()
    (package / "__init__.py").write_text("import os\nimport pytest\n\ndef f():\n    import dask\n")
    module_level, inside = third_party_imports(package)
    assert module_level == {"pytest"} and inside == {"dask"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = installed_closure(project["dependencies"])
    assert not distributions_of({"pytest"})["pytest"] & core
