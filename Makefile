# orbitdc: the two commands a fresh clone needs.
#   make demo   create .venv, install, run the baseline study end to end, write the report
#   make test   create .venv, install with test extras, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STUDY ?= studies/baseline.toml
# results/<study name>/: the study file's [study] name, which the demo study keeps equal to its
# file name
RESULTS ?= results/$(basename $(notdir $(STUDY)))
PYTEST_ARGS ?=

.PHONY: demo test bench lint clean help

help:
	@echo "make demo   - install into $(VENV) and run $(STUDY) end to end (results/ and report)"
	@echo "make test   - install into $(VENV) with test extras and run pytest"
	@echo "make bench  - run the benchmarks in benchmarks/"
	@echo "make lint   - ruff and mypy"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files record what was installed so repeated runs skip pip.
$(VENV)/.stamp-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[fast]"
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.stamp-demo

# The report step prints where the report and the design review are, and why the review's PDF
# was skipped when it was (no Chromium: install Debian's chromium).
demo: $(VENV)/.stamp-demo
	$(BIN)/orbitdc run $(STUDY) --no-report
	$(BIN)/orbitdc report $(RESULTS)

test: $(VENV)/.stamp-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.stamp-test
	$(BIN)/python benchmarks/run_all.py

lint: $(VENV)/.stamp-test
	$(BIN)/python -m pip install --quiet ruff mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) results .pytest_cache
