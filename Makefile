# Trader: `make run` starts the whole platform on the local exchange; `make test` runs every test.
# Both set up whatever is missing first (.venv, npm packages, the frontend build).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
# The test suite gets its own bundled Redis port so it never touches a running `make run`.
TEST_REDIS_PORT ?= 6480

.PHONY: help setup run stop test lint test-python test-frontend frontend bench clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build --silent

frontend: frontend/dist/index.html ## Build the React dashboard into frontend/dist

setup: $(VENV)/.installed frontend ## Install Python and npm packages and build the dashboard

run: setup ## Start web, worker, beat, the local exchange and streams (Ctrl-C stops all)
	$(PY) scripts/devrun.py run

stop: ## Stop a platform started by `make run` from another shell
	@$(PY) scripts/devrun.py stop

lint: $(VENV)/.installed ## ruff on all Python code
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-python: setup ## The Python suite (unit, integration, browser) on DATABASE_URL / REDIS_URL or defaults
	@bash scripts/ensure-chromium.sh
	@set -euo pipefail; \
	export TRADER_REDIS_PORT=$(TEST_REDIS_PORT); \
	export REDIS_URL="$$($(PY) scripts/devrun.py ensure-redis --bundled)"; \
	trap '$(PY) scripts/devrun.py stop-redis' EXIT; \
	echo "tests use Redis at $$REDIS_URL and database $${DATABASE_URL:-sqlite (default)}"; \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-frontend: frontend/node_modules/.installed ## Type-check and unit-test the dashboard (vitest)
	cd frontend && npm run lint --silent && npm test --silent

test: lint test-frontend test-python ## Everything: ruff, vitest, the Python suite and browser tests

bench: setup ## Run the benchmarks and print their tables
	@for b in bench/*_bench.py; do echo "== $$b"; $(PY) -m bench.$$(basename $$b .py) || exit 1; done

clean: ## Remove the venv, npm packages, builds and local state (.run)
	rm -rf $(VENV) frontend/node_modules frontend/dist staticfiles .run .pytest_cache .ruff_cache
