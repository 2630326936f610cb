# The two commands that matter: `make run` and `make test`. See README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# Demo mode, with links in mails pointing at this server.
DEMO_ENV = TILLIT_DEMO=1 BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test lint typecheck pytest test-postgres messages compile-messages setup

# Create the virtualenv and install the locked dependencies (again only when the lock changes).
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --inexact keeps pip and uv themselves in the virtualenv.
$(VENV)/.synced: pyproject.toml uv.lock $(BIN)/uv
	$(BIN)/uv sync --locked --inexact --quiet
	touch $@

setup: $(VENV)/.synced compile-messages

compile-messages: $(VENV)/.synced
	$(BIN)/tillit compilemessages --ignore=.venv --ignore=var -v 0

run: setup
	$(BIN)/tillit migrate --verbosity 0
	$(BIN)/tillit createcachetable
	$(BIN)/tillit catalogue import --builtin
	$(DEMO_ENV) $(BIN)/tillit demo
	@echo "Tillit: http://127.0.0.1:$(PORT)/  (the worker and the scheduler run beside it; Ctrl-C stops all)"
	@$(DEMO_ENV) $(BIN)/tillit db_worker & worker=$$!; \
	$(DEMO_ENV) $(BIN)/tillit scheduler --interval 300 >/dev/null & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/tillit runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.synced
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

test: lint typecheck setup
	$(BIN)/tillit makemigrations --check --dry-run
	$(BIN)/python scripts/dependency-audit
	$(BIN)/pytest

# The same pytest suite against a throwaway PostgreSQL 15 cluster.
test-postgres: setup
	scripts/with-postgres $(BIN)/pytest

# A long schemathesis run over the whole API (the test suite runs a few examples per operation):
# FUZZ_EXAMPLES generated requests per operation, plus the coverage phase's edge cases.
.PHONY: fuzz
FUZZ_EXAMPLES ?= 100
fuzz: setup
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q src/tillit/api/tests/test_schema.py \
		-k keeps_its_description

# A bounded load test (docs/benchmarks.md): a temporary demo instance served by gunicorn on
# loopback, LOAD_USERS simulated people for LOAD_SECONDS; fails on any error.
.PHONY: loadtest
LOAD_USERS ?= 20
LOAD_SECONDS ?= 30
loadtest: setup
	@dir=$$(mktemp -d); \
	env -u DATABASE_URL TILLIT_VAR_DIR=$$dir TILLIT_DEMO=1 $(BIN)/tillit loadtest \
		--users $(LOAD_USERS) --seconds $(LOAD_SECONDS); \
	status=$$?; rm -rf $$dir; exit $$status

# A gallery of the main pages for the README, in Chromium with the demo's data: the browser
# tests' own run through them (src/tillit/e2e/tests/test_gallery.py), a PNG of each page.
.PHONY: screenshots
screenshots: setup
	mkdir -p docs/screenshots
	TILLIT_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest -q -rs src/tillit/e2e/tests/test_gallery.py

# Refresh the message catalogues after changing translatable strings.
messages: $(VENV)/.synced
	cd src/tillit && ../../$(BIN)/tillit makemessages -l sv --no-obsolete --no-location
