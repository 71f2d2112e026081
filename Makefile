# cipd-hub — the two set-up commands are `make run` and `make test`; everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CIPD_HOME ?= $(CURDIR)/var

.PHONY: install browser postgres lint lint-imports run test screenshots soak bench orchestrate dashboards demo build clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The real-browser test drives Debian's Chromium (no browser download: the network is closed).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: install Debian's chromium package (browser tests will be skipped)"; fi; }

# The PostgreSQL part of the suite starts its own throwaway server from Debian's binaries
# (tests/support/postgres_server.py: initdb + pg_ctl on a unix socket, no Docker).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL missing: install Debian's postgresql package (PostgreSQL tests will be skipped)"; fi; }

# Imports go one way (pyproject [tool.importlinter]); a wrong one fails the run before any test.
lint-imports: install
	$(BIN)/lint-imports

lint: install lint-imports
	$(BIN)/ruff check --select F,E9 cli demo storage orchestration dashboards api ingestion data_contracts bench

test: install browser postgres lint-imports
	$(BIN)/python -m pytest -m "not soak" -q

# Refresh the README's screenshots (the real-browser test, saving into docs/screenshots).
screenshots: install browser
	CIPD_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/dashboards/test_dashboard_browser.py

soak: install
	$(BIN)/python -m pytest -m soak -q -s tests/reliability

bench: install
	$(BIN)/python -m bench.run

demo: install
	$(BIN)/cipd demo

build: install
	$(BIN)/cipd build

run: install
	$(BIN)/cipd up

# Processes started here, like those `cipd up` starts, create files owner-only (umask 077:
# DuckDB's write-ahead logs included, docs/hardening.md).
# Dagster's instance (runs, schedules, sensor cursors) lives under CIPD_HOME/dagster, with the
# run queue that lets one warehouse writer run at a time (orchestration/instance/dagster_home.py).
# Its UI only behind the hub's sign-in (docs/operator_plane.md): the daemon, plus the gateway on
# port 3000 (an `admin` account: `cipd users add LOGIN --role admin`).
orchestrate: install
	umask 077; export DAGSTER_HOME=$$($(BIN)/python -m orchestration.instance.dagster_home); \
	$(BIN)/dagster-daemon run -m orchestration.defs.definitions & daemon=$$!; \
	trap 'kill $$daemon' EXIT INT TERM; \
	$(BIN)/python -m orchestration.gateway -m orchestration.defs.definitions

dashboards: install
	umask 077; $(BIN)/streamlit run dashboards/app.py

clean:
	rm -rf $(VENV) var dbt_project/target dbt_project/logs
