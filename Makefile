# Lobby: `make run` serves the demo hotel, `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi

.PHONY: run test pytest lint lock format translations compile-translations chromium axe bench bench-live bench-dashboard bench-offers bench-pages bench-guest bench-catalog profile-page bench-rush bench-group clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements.txt and requirements-dev.txt are lock files: every package, its exact version
# and the hashes of its files, so an install is the same everywhere or fails.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	@echo "Installing requirements.txt (locked, hashes checked) into $(VENV)…"
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	@echo "Installing requirements-dev.txt (locked, hashes checked) into $(VENV)…"
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# Re-make the lock files after changing requirements.in or requirements-dev.in (the direct
# dependencies, pinned). Versions already in the lock files are kept; to move one on:
# `make lock LOCK_ARGS="--upgrade-package redis"`. pip-tools lives in its own venv.
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.7.0
PIP_COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url $(LOCK_ARGS)

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet $(PIP_TOOLS)

lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics

run: $(VENV)/.installed compile-translations
	$(BIN)/flask db upgrade
	$(BIN)/flask lobby seed-demo --if-empty --base-url http://$(HOST):$(PORT)
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: lint pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

pytest: $(VENV)/.installed-dev compile-translations chromium axe
	$(BIN)/pytest

# The browser tests run axe-core (accessibility rules) on every page; npm, pinned, kept inside .venv.
AXE_VERSION := 4.14.1
AXE_STAMP := $(VENV)/node/.axe-core-$(AXE_VERSION)
axe: $(AXE_STAMP)

$(AXE_STAMP): | $(BIN)/python
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility tests (apt-get install npm)"; exit 1; }
	npm install --no-save --no-audit --no-fund --prefix $(VENV)/node axe-core@$(AXE_VERSION)
	touch $@

# Browser tests drive a system Chromium (Debian's package) through Playwright.
chromium: $(VENV)/.installed-dev
	@if [ -x /usr/bin/chromium ]; then \
		echo "Browser tests use Debian's Chromium at /usr/bin/chromium."; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Chromium is missing: installing Debian's package (apt-get install chromium)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "No /usr/bin/chromium and no apt-get: downloading Playwright's own Chromium (needs internet)…"; \
		$(BIN)/playwright install chromium; \
	fi

# Re-extract every interface string and merge it into each locale's catalog.
# --ignore-dirs replaces Babel's default, which skips "_*" folders such as templates/_macros.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments TRANSLATORS: --ignore-dirs ".* __pycache__" --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.booking_contention

bench-live: $(VENV)/.installed-dev
	$(BIN)/python -m bench.live_polls

bench-dashboard: $(VENV)/.installed-dev
	$(BIN)/python -m bench.dashboard

bench-offers: $(VENV)/.installed-dev
	$(BIN)/python -m bench.recommendations

bench-pages: $(VENV)/.installed-dev
	$(BIN)/python -m bench.all_pages

bench-guest: $(VENV)/.installed-dev
	$(BIN)/python -m bench.guest_pages

bench-catalog: $(VENV)/.installed-dev
	$(BIN)/python -m bench.catalog_pages

# One guest page under cProfile, with its SQL and lazy loads: `make profile-page PAGE=/stay`.
PAGE ?= /home
profile-page: $(VENV)/.installed-dev
	$(BIN)/python -m bench.profile_page $(PAGE)

bench-rush: $(VENV)/.installed-dev
	$(BIN)/python -m bench.checkout_rush

# 100 hotels, 10,000,000 order lines on PostgreSQL (BENCH_DATABASE_URL, every table there dropped);
# BENCH_ARGS=--reuse times the data a previous run built.
bench-group: $(VENV)/.installed-dev
	$(BIN)/python -m bench.group_dashboard $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LOCK_VENV) instance/*.sqlite3* translations/*/LC_MESSAGES/*.mo
