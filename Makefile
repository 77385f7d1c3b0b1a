# Manabiba: `make run` serves the portal with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed


.PHONY: run test lint typecheck contracts migrations-check pytest bench cluster messages clean

$(STAMP): requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

run: $(STAMP)
	DEBUG=1 $(BIN)/manabiba migrate --no-input -v0
	DEBUG=1 $(BIN)/manabiba load_reference
	DEBUG=1 $(BIN)/manabiba seed_demo
	DEBUG=1 ./scripts/serve-dev

test: $(STAMP) lint typecheck contracts migrations-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	DEBUG=1 $(BIN)/manabiba makemigrations --check --dry-run

# The suite runs on every core, eight at most (pytest-xdist; each worker takes a Redis database of its
# own, and Redis has sixteen); TEST_WORKERS=0 runs it in one process. Tests that open
# hundreds of database connections share the group "connections" and so run one after another.
TEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --maxprocesses 8 --dist loadgroup)

pytest: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then \
	  DJANGO_SETTINGS_MODULE=manabiba.config.settings_test $(BIN)/pytest $(XDIST) --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS); \
	else \
	  echo "NOTE: /usr/bin/chromium is missing, so the browser tests were NOT run."; \
	  echo "      Install Debian's Chromium with: sudo apt-get install chromium"; \
	  DJANGO_SETTINGS_MODULE=manabiba.config.settings_test $(BIN)/pytest $(XDIST) -m "not browser" --cov --cov-report=term-missing:skip-covered --cov-fail-under=0 $(PYTEST_ARGS); \
	fi

# Prints figures (page times, query counts); BENCH_SCALE=N generates N thousand residents.
# Then the catalogue at 100,000 programmes under gunicorn and wrk (installed with apt-get if
# missing; PostgreSQL when DATABASE_URL is set), written to docs/benchmarks.md; then the workspace
# (demo data) and the fiscal-year report (seed_demo --scale 200) against their 100 / 500 ms targets;
# the registration burst (wrk, SQLite and the PostgreSQL of DATABASE_URL) and, with PostgreSQL and
# REDIS_URL, the city-scale soak (BENCH_SOAK_SECONDS, default 600; seeds the city's size once).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_catalogue.py
	$(BIN)/python scripts/bench_registrations.py
	$(BIN)/python scripts/bench_reports.py
	$(BIN)/python scripts/bench_soak.py

# Two app servers, a task worker and nginx sharing PostgreSQL and Redis on this machine: proves that
# a change shows through the other server within a second, that a registration burst over both
# confirms exactly the capacity, and that every mail goes out once (scripts/cluster.py).
cluster: $(STAMP)
	$(BIN)/python scripts/cluster.py

# Needs GNU gettext (apt-get install gettext); the compiled catalogue is committed.
messages: $(STAMP)
	cd manabiba && DEBUG=1 ../$(BIN)/manabiba makemessages -l ja --no-obsolete --ignore=migrations
	cd manabiba && DEBUG=1 ../$(BIN)/manabiba compilemessages

clean:
	rm -rf $(VENV) var .coverage .mypy_cache .ruff_cache .pytest_cache
