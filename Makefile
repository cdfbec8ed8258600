# One entry point for the tasks the README and CI run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Development values, set explicitly: the settings themselves are safe by default (DEBUG off).
DEV := DEBUG=1

.PHONY: run test check lint lock install install-test smoke smoke-nodes

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更新的版本"; exit 1; }
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-test.lock
	@# axe-core for the accessibility tests; without npm those tests are skipped with the reason shown.
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; fi

# The hashed lock files from pyproject.toml (deploy/locks.py): run it after changing a dependency.
# Pins stay where pyproject.toml still allows them; LOCK_ARGS=--upgrade (or --upgrade-package NAME)
# moves them on.
lock: install-test
	$(BIN)/python deploy/locks.py compile $(LOCK_ARGS)

run: install
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py load_demo
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: lint
	$(BIN)/python deploy/locks.py check
	$(DEV) $(BIN)/python manage.py check
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

# Production settings under gunicorn against the local PostgreSQL and Redis, over real HTTP, with
# Redis and PostgreSQL faults and a wrk load test (deploy/smoke.py). Stops and restarts both services.
smoke: install
	$(BIN)/python deploy/smoke.py

# Two web nodes sharing only PostgreSQL, Redis and an S3 bucket (moto's server), behind nginx's
# upstream, with a worker (deploy/two_nodes.py): uploads and publishing seen across the nodes.
smoke-nodes: install-test
	$(BIN)/python deploy/two_nodes.py
