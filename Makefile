# The two quick-start commands:  make lab   and   make test
# Both install into a virtual environment (VENV, default .venv; created with PYTHON) under
# the exact versions of constraints.txt, the one lock file for every extra.
PYTHON ?= python3
VENV ?= .venv
PY = $(VENV)/bin/python
PIP = $(PY) -m pip
LOCK = constraints.txt
TORCH_VERSION ?= $(shell sed -n 's/^torch==\([0-9.]*\).*/\1/p' $(LOCK))
# CPU torch: a plain `pip install torch` on Linux pulls a multi-GB CUDA build.
TORCH_INDEX ?= --index-url https://download.pytorch.org/whl/cpu
# The build backend (and what it needs for an editable install), installed from the lock.
BUILD_TOOLS = hatchling editables
LESSONS_NBVAL = --nbval --nbval-current-env --nbval-sanitize-with lessons/sanitize.cfg

.PHONY: lab test venv install-torch install-lab install-test versions test-lib test-lessons \
        lint regen bench lock

# The lock is resolved with the Binder runtime's Python (binder/runtime.txt); older ones lack wheels.
$(PY):
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" || \
	  { echo "make: the locked versions need Python >= 3.11; run with PYTHON=python3.11 (or newer)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

venv: $(PY)

# Installs torch only when the venv lacks the locked version (CI puts the CPU wheel there first).
install-torch: $(PY)
	@$(PY) -c "import importlib.metadata as m, sys; \
	  sys.exit(m.version('torch').split('+')[0] != '$(TORCH_VERSION)')" 2>/dev/null || \
	  $(PIP) install --retries 1 --timeout 20 -c $(LOCK) "torch==$(TORCH_VERSION)" $(TORCH_INDEX) || \
	  { echo "make: the CPU index is unreachable; installing torch==$(TORCH_VERSION) from the default index"; \
	    $(PIP) install -c $(LOCK) "torch==$(TORCH_VERSION)"; }

# The build backend comes from the lock too, so nothing in the install floats.
install-lab: install-torch
	$(PIP) install -c $(LOCK) $(BUILD_TOOLS)
	$(PIP) install --no-build-isolation -c $(LOCK) -e ".[lab]"

install-test: install-torch
	$(PIP) install -c $(LOCK) $(BUILD_TOOLS)
	$(PIP) install --no-build-isolation -c $(LOCK) -e ".[test,lab]"

versions:
	@echo "== $$($(PY) --version) in $(VENV); installed distributions:"
	@$(PIP) list --format=freeze --exclude-editable | tr '\n' ' ' | fold -s -w 100; echo

lab: install-lab
	$(PY) -m jupyterlab lessons/00_start_here.ipynb

test: install-test versions test-lib test-lessons

test-lib:
	$(PY) -m pytest -n 2 tests

test-lessons:
	$(PY) -m pytest $(LESSONS_NBVAL) -n 2 --dist loadfile lessons

lint:
	$(PY) -m csqlab.teach lint
	$(PY) -m ruff check csqlab tests benchmarks

regen:
	$(PY) -m csqlab.teach regen lessons

bench:
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

# Refresh the lock: resolve every extra afresh in a throw-away venv (TORCH_VERSION=X to move
# torch), then write constraints.txt atomically. Review the diff and run `make test`.
LOCK_VENV = build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(MAKE) --no-print-directory install-torch VENV=$(LOCK_VENV) TORCH_VERSION=$(TORCH_VERSION)
	$(LOCK_VENV)/bin/python -m pip install $(BUILD_TOOLS) ".[test,lab]"
	{ echo "# Exact versions of everything make lab, make test and Binder install: the runtime,"; \
	  echo "# the test and lab extras and the build backend. Resolved on $$(uname -sm) with"; \
	  echo "# $$($(LOCK_VENV)/bin/python --version). Do not edit: refresh with  make lock"; \
	  echo "# (tests/test_lock.py keeps it consistent with pyproject.toml and binder/)."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all | grep -v -i -E '^(csqlab|pip|setuptools|wheel)( @|==)' \
	    | sed 's/+cpu$$//' | LC_ALL=C sort -f -t= -k1,1; } > $(LOCK).tmp
	mv $(LOCK).tmp $(LOCK)
	rm -rf $(LOCK_VENV)
