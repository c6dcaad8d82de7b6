# Two commands do everything: `make run` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
export FLASK_APP := pmcohort

.PHONY: install run test bench browser-deps migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

## Start web (http://127.0.0.1:5000), worker and beat on the embedded SQLite default, with demo data.
run: seed
	@echo
	@echo "PM Cohort is starting at http://127.0.0.1:5000  (Ctrl-C stops web, worker and beat)"
	@echo "Sign in as lead@demo.example.com, mentor1@demo.example.com, engineer1@demo.example.com"
	@echo "or admin@demo.example.com; the password for every demo account is: pmcohort-demo"
	@echo
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start --procfile Procfile

## Debian's Chromium for the browser tests (a test tool's own browser download does not work here).
browser-deps:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium not found at $(CHROMIUM): browser tests will be skipped"; fi; }

## Every test. Set DATABASE_URL / REDIS_URL to run against PostgreSQL and Redis.
## Checks first: ruff (lint and format), the import contracts (layers), bandit (any medium or high finding fails).
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive --severity-level medium pmcohort worker
	$(BIN)/pytest

## Speed figures (never asserted in tests): matching engine, password hashing, the login page under
## gunicorn, a 90 s load run of 200 users on PostgreSQL (BENCH_DATABASE_URL, default load_bench),
## reminder delivery against bare Celery tasks and the duplicate window (these two need DATABASE_URL
## on PostgreSQL and REDIS_URL; they skip without), and the cohort console on a 2,400-member cohort
## with a 5,000-row CSV import (BENCH_CONSOLE_DATABASE_URL, default console_bench).
bench: install
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/python -m benchmarks.bench_matching
	$(BIN)/python -m benchmarks.bench_passwords
	$(BIN)/python -m benchmarks.bench_http
	$(BIN)/python -m benchmarks.bench_load
	$(BIN)/python -m benchmarks.bench_reminders
	$(BIN)/python -m benchmarks.bench_duplicate_window
	$(BIN)/python -m benchmarks.bench_writing
	$(BIN)/python -m benchmarks.bench_console

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
