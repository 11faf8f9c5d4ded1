# `make html` and `make test` work on a fresh clone with nothing installed:
# they create .venv/ at the repository root, install the project into it and
# then build the docs or run the tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SPHINXOPTS ?=

.PHONY: html test lint browser slurm hyperfine clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,docs,slurm]'
	@touch $(STAMP)

html: $(STAMP)
	$(BIN)/sphinx-build -b html $(SPHINXOPTS) docs docs/_build/html

# The browser test needs Debian's chromium and chromedriver; install them when
# missing and possible (root with apt), otherwise that one test is skipped.
browser:
	@sh tools/ensure-chromium.sh

# The cluster test needs Debian's slurm-wlm and munge; installed like chromium.
slurm:
	@sh tools/ensure-slurm.sh

# The hyperfine importer test runs Debian's hyperfine; installed like chromium.
hyperfine:
	@sh tools/ensure-hyperfine.sh

# The suite under coverage, child processes included (pyproject.toml's [tool.coverage.run]);
# the figure is printed at the end.
COVERAGE_DIR := $(CURDIR)/.coverage-data

test: $(STAMP) browser slurm hyperfine
	@rm -rf $(COVERAGE_DIR) && mkdir -p $(COVERAGE_DIR)
	BENCHBENCH_COVERAGE_DIR=$(COVERAGE_DIR) $(BIN)/coverage run -m pytest
	@BENCHBENCH_COVERAGE_DIR=$(COVERAGE_DIR) $(BIN)/coverage combine -q
	@BENCHBENCH_COVERAGE_DIR=$(COVERAGE_DIR) $(BIN)/coverage report --format=total | \
		sed 's/^/coverage of sphinx_benchbench and runners, child processes included: /; s/$$/%/'

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf docs/_build .coverage-data
