# Twoway — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/twoway
export DJANGO_SETTINGS_MODULE ?= twoway.config.settings.local

.PHONY: demo test test-sqlite test-postgres lint bench venv chromium cjk-font messages clean serve

# The runtime install (what `make demo` needs). The venv is made without ensurepip; the host's pip
# puts a current pip into it (~15 s less than ensurepip + upgrading pip), which installs the
# project. Without a host pip ≥ 22.3, ensurepip does it. Nothing is byte-compiled up front (pip
# would compile every module of every package, most never imported): Python compiles what a
# command imports, once, which is why make's commands write .pyc files even where
# PYTHONDONTWRITEBYTECODE is set.
export PYTHONDONTWRITEBYTECODE :=
$(BIN)/twoway: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) is required (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv --without-pip $(VENV)
	@if $(PYTHON) -m pip --python $(BIN)/python --version >/dev/null 2>&1; then \
	  echo "$(PYTHON) -m pip --python $(BIN)/python install -q --no-compile pip"; \
	  $(PYTHON) -m pip --python $(BIN)/python install -q --no-compile pip; \
	else \
	  $(BIN)/python -m ensurepip -q; \
	fi
	$(BIN)/python -m pip install -q --no-compile -e .
	@touch $@

# The development install (tests, lint, benchmarks) on top of it.
$(VENV)/.dev-installed: $(BIN)/twoway
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

venv: $(VENV)/.dev-installed

## make demo: venv, then one process migrates SQLite, loads reference data and the screening list,
## seeds the demo (first run only) with progress per step, builds the search index; then serves on
## :8000 (PORT=...) with the scheduled work (reservation expiry, customs and refund retries, search
## outbox) running in the same process: no Redis. DEBUG off: the product's own 404/500 pages.
demo: $(BIN)/twoway cjk-font
	$(BIN)/twoway seed --setup --if-empty
	$(BIN)/twoway search_rebuild --if-missing
	@echo "Twoway demo: http://127.0.0.1:$(PORT)  (accounts in README.md)"
	DJANGO_DEBUG=0 $(BIN)/twoway serve 127.0.0.1:$(PORT)

## make test: lint, the whole suite on SQLite, then on PostgreSQL (required when CI=true)
test: venv chromium cjk-font lint test-sqlite test-postgres

## lint: ruff (rules and formatting), the import contracts (the floors of the architecture),
## mypy with django-stubs (strict on rules/ and services.py), committed migrations.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy twoway
	$(BIN)/twoway makemigrations --check --dry-run -v0 --settings=twoway.config.settings.test

# Two workers (this machine has two cores); the PostgreSQL-only concurrency tests run alone after
# the rest, so their 40-thread pools never share the server's 100 connections with another worker.
test-sqlite: venv
	$(BIN)/pytest -q -x -n 2 --ds=twoway.config.settings.test

test-postgres: venv
	@bash scripts/ensure-postgres.sh "$(PG_URL)" || exit $$?; \
	if [ -f var/.postgres-unavailable ]; then echo "PostgreSQL not reachable: skipped the PostgreSQL run (CI=true makes this an error)"; exit 0; fi; \
	DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q -x -n 2 -m "not postgres" --ds=twoway.config.settings.test && \
	DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q -x -m postgres --ds=twoway.config.settings.test

chromium:
	@bash scripts/ensure-chromium.sh

cjk-font:
	@bash scripts/ensure-cjk-font.sh

bench: venv
	@bash scripts/ensure-postgres.sh "$(PG_URL)"
	@for b in bench/[a-z]*.py; do n=$$(basename $$b .py); echo "== bench.$$n"; DATABASE_URL="$(PG_URL)" $(BIN)/python -m bench.$$n || exit 1; done

messages: venv
	cd twoway && ../$(BIN)/twoway makemessages -l zh_Hans --ignore tests --no-obsolete && ../$(BIN)/twoway compilemessages

clean:
	rm -rf var/twoway.sqlite3* var/static
