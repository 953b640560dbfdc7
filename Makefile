# The two quick-start commands:  make lab   and   make test
PYTHON ?= python3
PIP = $(PYTHON) -m pip
CONSTRAINTS = build/constraints.txt
LESSONS_NBVAL = --nbval --nbval-current-env --nbval-sanitize-with lessons/sanitize.cfg

.PHONY: lab test install-torch install-lab install-test test-lib test-lessons lint regen bench

# CPU torch first: a plain `pip install torch` on Linux pulls a multi-GB CUDA build.
install-torch:
	@$(PYTHON) -c "import torch" 2>/dev/null || \
	  $(PIP) install "torch==$$(sed -n 's/^torch==\([0-9.]*\).*/\1/p' binder/requirements.txt)" \
	    --index-url https://download.pytorch.org/whl/cpu

# The Binder pins are the single source of versions: install under them as constraints.
$(CONSTRAINTS): binder/requirements.txt
	@mkdir -p build
	@grep -v '^\s*\(#\|--\|$$\)' binder/requirements.txt | sed 's/+cpu//' > $@

install-lab: install-torch $(CONSTRAINTS)
	$(PIP) install -e ".[lab]" -c $(CONSTRAINTS)

install-test: install-torch $(CONSTRAINTS)
	$(PIP) install -e ".[test,lab]" -c $(CONSTRAINTS)

lab: install-lab
	$(PYTHON) -m jupyterlab lessons/00_start_here.ipynb

test: install-test test-lib test-lessons

test-lib:
	$(PYTHON) -m pytest -n 2 tests

test-lessons:
	$(PYTHON) -m pytest $(LESSONS_NBVAL) -n 2 --dist loadfile lessons

lint:
	$(PYTHON) -m csqlab.teach lint
	$(PYTHON) -m ruff check csqlab tests benchmarks

regen:
	$(PYTHON) -m csqlab.teach regen lessons

bench:
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PYTHON) $$f || exit 1; done
