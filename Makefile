# 警务通办 — the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils
TEST_APT_PACKAGES := chromium redis-server nginx

.PHONY: run test venv test-venv system-deps test-system-deps db-upgrade seed test-sqlite test-postgres lint bench translations

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 (python3.11)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

venv: $(VENV)/.installed
test-venv: $(VENV)/.installed-test

# WeasyPrint needs Pango; without libharfbuzz-subset0 it silently subsets fonts in Python
# (a one-page Chinese certificate then takes ~2 s instead of ~0.1 s); a CJK font is needed.
system-deps:
	@bash scripts/ensure-system-packages.sh $(APT_PACKAGES)

test-system-deps:
	@bash scripts/ensure-system-packages.sh $(APT_PACKAGES) $(TEST_APT_PACKAGES)

db-upgrade: venv
	@mkdir -p instance
	$(FLASK) db upgrade heads

seed: db-upgrade
	$(FLASK) seed-demo

run: venv system-deps seed
	@echo ""
	@echo "  警务通办 is running: open http://$(HOST):$(PORT)"
	@echo ""
	$(FLASK) serve --host $(HOST) --port $(PORT)

lint: test-venv
	$(VENV)/bin/ruff check .

test-sqlite: test-venv
	DATABASE_URL= $(VENV)/bin/pytest -q -p no:cacheprovider -n 2 -m "not cluster"

test-postgres: test-venv
	@if [ "$$CI" = "true" ] || $(PY) scripts/pg_reachable.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -q -p no:cacheprovider -n 2; \
	else \
		echo "NOTICE: no PostgreSQL server reachable at $(PG_URL): the PostgreSQL run is skipped locally (CI always runs it)."; \
	fi

test: test-venv test-system-deps lint test-sqlite test-postgres

bench: test-venv
	@bash scripts/ensure-system-packages.sh $(APT_PACKAGES) redis-server wrk
	$(PY) -m bench.run $(BENCH_ARGS)

translations: venv
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations
	$(VENV)/bin/pybabel compile -d app/translations
