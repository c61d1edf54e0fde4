# reportgen: `make demo` builds the sample documents, `make test` runs the test suite.
# Both set everything up first: virtual environment, Python packages (from requirements.lock),
# system packages (make demo: what building needs; make test: also the tests' real clients).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCK   := requirements.lock
# pip-compile for `make lock`, in its own environment (not reportgen's)
PIP_TOOLS := pip-tools==7.7.0
LOCKENV   := .venv-lock

.PHONY: demo test lint test-long bench lock mutate system-deps system-deps-test clean help
help:
	@echo "make demo    set up, then build every sample document into outputs/"
	@echo "make test    set up (with the tests' system packages), then make lint and the whole test suite"
	@echo "make lint    ruff (lint, import order) and mypy, as configured in pyproject.toml"
	@echo "make test-long  the incremental-build property test with many more edit sequences (every format)"
	@echo "make lock    after changing pyproject.toml's dependencies: refresh requirements.lock"
	@echo "             (make lock UPGRADE=1: also move every pin to the newest allowed version)"
	@echo "make mutate  mutation testing (mutmut) of the modules that hold rules; not part of make test"
	@echo "             (make mutate MUTANTS='reportgen.vi.numbers*': only those; results in docs/testing.md)"
	@echo "make bench   time builds at province scale, against LibreOffice (docs/performance.md)"

# the environment is rebuilt from scratch when the lock changes: nothing installed before stays.
# --no-deps: the lock lists every package already (pip check then proves nothing is missing)
$(STAMP): $(LOCK) pyproject.toml | system-deps
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "reportgen needs Python 3.11+, found " + sys.version'
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $@

system-deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh demo

system-deps-test:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh test

demo: $(STAMP) system-deps
	$(BIN)/reportgen build --workspace inputs --out outputs
	$(BIN)/reportgen build --workspace inputs/mau-2025 --out outputs/mau-2025

lint: $(STAMP)
	$(BIN)/ruff check reportgen tests scripts
	$(BIN)/mypy

# on every core (at most 4 workers), a test file's tests in one worker (its module fixtures built once)
test: $(STAMP) system-deps-test lint
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

test-long: $(STAMP) system-deps-test
	REPORTGEN_LONG=1 $(BIN)/python -m pytest -q tests/behaviour/test_incremental_property.py

$(LOCKENV)/.stamp:
	$(PYTHON) -m venv $(LOCKENV)
	$(LOCKENV)/bin/python -m pip install -q '$(PIP_TOOLS)'
	@touch $@

lock: $(LOCKENV)/.stamp
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCKENV)/bin/pip-compile -q $(if $(UPGRADE),--upgrade) pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCKENV)/bin/pip-compile -q --extra mutate --constraint $(LOCK) \
		-o requirements-mutate.lock pyproject.toml

# mutmut, pinned in requirements-mutate.lock (the same pins as the lock, and mutmut's own),
# into the same environment; mutants are made and tested under mutants/
mutate: $(STAMP) system-deps-test
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements-mutate.lock
	$(BIN)/mutmut run $(MUTANTS) || true
	$(BIN)/mutmut results

bench: $(STAMP) system-deps-test
	$(BIN)/python scripts/bench.py --runs 3

clean:
	rm -rf $(VENV) $(LOCKENV) outputs archive .pytest_cache mutants
