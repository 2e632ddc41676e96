# Twoway — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/twoway
export DJANGO_SETTINGS_MODULE ?= twoway.config.settings.local

.PHONY: demo test test-sqlite test-postgres lint bench venv chromium messages clean serve

$(BIN)/twoway: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) is required (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/twoway

## make demo: venv, migrate SQLite, load reference + demo data (first run only), serve on :8000
## with the scheduled work (reservation expiry, retries) running in the same process: no Redis
demo: venv
	$(BIN)/twoway migrate --noinput -v0
	$(BIN)/twoway loadreference --if-changed
	$(BIN)/twoway loadcsl --if-empty twoway/compliance/data/csl_sample.csv
	$(BIN)/twoway seed --if-empty
	$(BIN)/twoway search_rebuild --if-missing
	@echo "Twoway demo: http://127.0.0.1:8000  (accounts in README.md)"
	@# DEBUG off: the product's own 404/500 pages, never the debug page listing every URL.
	DJANGO_DEBUG=0 $(BIN)/twoway serve 127.0.0.1:8000

## make test: lint, the whole suite on SQLite, then on PostgreSQL (required when CI=true)
test: venv chromium lint test-sqlite test-postgres

lint: venv
	$(BIN)/ruff check .
	$(BIN)/twoway makemigrations --check --dry-run -v0 --settings=twoway.config.settings.test

test-sqlite: venv
	$(BIN)/pytest -q -x --ds=twoway.config.settings.test

test-postgres: venv
	@bash scripts/ensure-postgres.sh "$(PG_URL)" || exit $$?; \
	if [ -f var/.postgres-unavailable ]; then echo "PostgreSQL not reachable: skipped the PostgreSQL run (CI=true makes this an error)"; exit 0; fi; \
	DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q -x --ds=twoway.config.settings.test

chromium:
	@bash scripts/ensure-chromium.sh

bench: venv
	@bash scripts/ensure-postgres.sh "$(PG_URL)"
	@for b in bench/[a-z]*.py; do n=$$(basename $$b .py); echo "== bench.$$n"; DATABASE_URL="$(PG_URL)" $(BIN)/python -m bench.$$n || exit 1; done

messages: venv
	cd twoway && ../$(BIN)/twoway makemessages -l zh_Hans --ignore tests --no-obsolete && ../$(BIN)/twoway compilemessages

clean:
	rm -rf var/twoway.sqlite3* var/static
