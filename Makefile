# reportgen: `make demo` builds the sample documents, `make test` runs the test suite.
# Both set everything up first: virtual environment, Python packages, system fonts.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test bench system-deps clean help
help:
	@echo "make demo   set up, then build every sample document into outputs/"
	@echo "make test   set up, then run the whole test suite"
	@echo "make bench  time builds at province scale, against LibreOffice (docs/performance.md)"

$(STAMP): pyproject.toml | system-deps
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "reportgen needs Python 3.11+, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

system-deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh

demo: $(STAMP) system-deps
	$(BIN)/reportgen build --workspace inputs --out outputs
	$(BIN)/reportgen build --workspace inputs/mau-2025 --out outputs/mau-2025

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

bench: $(STAMP) system-deps
	$(BIN)/python scripts/bench.py --runs 3

clean:
	rm -rf $(VENV) outputs archive .pytest_cache
