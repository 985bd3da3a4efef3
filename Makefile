# roshan — the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
DEMO_DIR ?= demo
SEED ?= 2026
export UV_PYTHON_DOWNLOADS := never

.PHONY: venv demo test test-fast lint system-deps postgres clean

$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --inexact --python $(PY) --quiet
	touch $@

venv: $(VENV)/.synced  ## create .venv with the locked dependencies

demo: venv  ## simulate a synthetic crackdown and run every stage on it
	$(PY) -m roshan.cli.main demo --out $(DEMO_DIR) --seed $(SEED) --force

system-deps:  ## Debian tools some tests use (chromium, age, poppler); installed when root
	@bash scripts/system-deps.sh

postgres:  ## make sure a PostgreSQL server answers on 127.0.0.1:5432
	@bash scripts/ensure-postgres.sh

test: venv system-deps lint  ## lint, then the whole test suite (SQLite and PostgreSQL)
	@source scripts/ensure-postgres.sh && $(VENV)/bin/pytest -q -n 2 --dist loadfile -p no:cacheprovider

test-fast: venv  ## the suite without slow tests
	$(VENV)/bin/pytest -q -n 2 --dist loadfile -m "not slow"

lint: venv  ## ruff (lint and format) over the code, tests and benchmarks; the stages' import layers; mypy over src (pyproject.toml)
	$(VENV)/bin/ruff check --quiet src tests bench
	$(VENV)/bin/ruff format --check --quiet src tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy src/roshan

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache
