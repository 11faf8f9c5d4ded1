# `make html` and `make test` work on a fresh clone with nothing installed:
# they create .venv/ at the repository root, install the project into it and
# then build the docs or run the tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SPHINXOPTS ?=

.PHONY: html latexpdf tex test lint matrix browser slurm hyperfine clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,docs,slurm,bench]'
	@touch $(STAMP)

html: $(STAMP)
	$(BIN)/sphinx-build -b html $(SPHINXOPTS) docs docs/_build/html

# The PDF: Sphinx's LaTeX builder, then latexmk with pdflatex.  TeX Live (and
# poppler-utils' pdftotext, which the PDF test reads it with) come from Debian
# when missing and possible (root with apt).
latexpdf: $(STAMP) tex
	$(BIN)/sphinx-build -M latexpdf docs docs/_build $(SPHINXOPTS)

TEX_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre \
	texlive-pictures poppler-utils
tex:
	@if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1 && \
	    command -v pdftotext >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing TeX Live and poppler-utils (make latexpdf, the PDF test)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEX_PACKAGES) >/dev/null \
	    || echo "warning: could not install TeX Live; the PDF test will be skipped" >&2; \
	else echo "note: latexmk/pdflatex/pdftotext missing and not installable here; the PDF test will be skipped" >&2; fi

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

test: $(STAMP) browser slurm hyperfine tex
	@rm -rf $(COVERAGE_DIR) && mkdir -p $(COVERAGE_DIR)
	BENCHBENCH_COVERAGE_DIR=$(COVERAGE_DIR) $(BIN)/coverage run -m pytest
	@BENCHBENCH_COVERAGE_DIR=$(COVERAGE_DIR) $(BIN)/coverage combine -q
	@BENCHBENCH_COVERAGE_DIR=$(COVERAGE_DIR) $(BIN)/coverage report --format=total | \
		sed 's/^/coverage of sphinx_benchbench and runners, child processes included: /; s/$$/%/'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The support matrix (noxfile.py): floors and newest releases, each in a fresh virtual environment.
matrix: $(STAMP) browser slurm hyperfine
	$(BIN)/nox

clean:
	rm -rf docs/_build .coverage-data
