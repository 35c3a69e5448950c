# EcoZone — the verbs a developer types. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST := $(PY) -m pytest -q
# Development defaults; production sets its own environment (README, "Production").
export ECOZONE_DEBUG ?= 1

.PHONY: run setup install vendor migrate demo test test-sqlite test-postgres test-browser fuzz lint mutation format messages bench clean

run: setup ## install, migrate, load reference + demo data, serve on $(HOST):$(PORT)
	@$(PY) manage.py demo_accounts
	@$(PY) manage.py signing_key --create
	@$(PY) manage.py checkpoint --schedule
	@$(PY) manage.py verify_platform --schedule
	@# the background worker (re-examination computing) runs beside the web server and stops with it
	@$(PY) manage.py db_worker --interval 1 --no-reload --no-startup-delay > var/worker.log 2>&1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

setup: install vendor migrate demo

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

vendor: static/vendor/.installed

static/vendor/.installed: package-lock.json scripts/vendor.sh
	scripts/vendor.sh
	@touch $@

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py load_demo

test: install vendor ## the whole suite: SQLite, then PostgreSQL, then the browser journeys
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-browser

test-sqlite: install
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL $(PYTEST) -m "not browser"

test-postgres: install
	@echo "== Test suite on PostgreSQL"
	scripts/with-postgres.sh $(PYTEST) -m "not browser"

# The API fuzzing (tests/test_api_fuzz.py, schemathesis) runs inside test-sqlite and test-postgres
# with a few examples per operation; `make fuzz FUZZ_EXAMPLES=200` searches harder, on both.
FUZZ_EXAMPLES ?= 200
fuzz: install
	@echo "== API fuzzing ($(FUZZ_EXAMPLES) examples per operation) on SQLite, then PostgreSQL"
	env -u DATABASE_URL ECOZONE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) tests/test_api_fuzz.py
	ECOZONE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) scripts/with-postgres.sh $(PYTEST) tests/test_api_fuzz.py

test-browser: install vendor
	@echo "== Browser journeys in headless Chromium"
	@if scripts/system-deps.sh; then \
		env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser; \
	else \
		echo "!!!!!! SKIPPED the browser tests: Chromium or the CJK fonts are missing (see above) !!!!!!"; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run -v 0

# Mutation testing of the scoring engine and the rule evaluator against their unit tests (mutmut,
# configured in pyproject.toml; one process; long). Results are kept in mutants/ and reused for
# unchanged code: `rm -rf mutants` for a fresh run. `mutmut show NAME` prints one mutant.
mutation: install
	$(VENV)/bin/mutmut run --max-children 1
	@$(VENV)/bin/mutmut results

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install ## refresh the zh-hans catalogue after changing user-visible strings
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location -i "node_modules/*" -i ".venv/*" -i "static/vendor/*" -i "var/*" -i "*/tests/*"
	$(PY) scripts/translate.py

bench: install vendor
	$(PY) bench/run_all.py
	bench/bench_showcase.sh

clean:
	rm -rf $(VENV) var node_modules static/vendor test-artifacts
