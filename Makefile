# Two commands: `make run` serves the app with the seed data; `make test` runs the suite's default
# scope (everything but the heavy tests) on both cores; `make test-heavy` the heavy ones.
PYTHON ?= python3
# `make run PORT=8001` serves on another port (8000 may be taken).
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The local demo's settings: DEBUG and a published key, which config.settings refuses in
# production. Export your own DJANGO_SETTINGS_MODULE to run the production settings.
export DJANGO_SETTINGS_MODULE ?= config.settings_local

.PHONY: run test test-heavy test-all live bench bench-openloop bench-pdf install migrate seed worker office clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py load_seeds
	$(PY) manage.py load_demo

run: seed
	@echo ""
	@echo "绩效目标管理: http://127.0.0.1:$(PORT)/  (登录 /accounts/login/，密码均为 demo-pass-2022)"
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest-xdist: one process per core, each with its own test database (README, "Tests").
XDIST ?= -n 2 --dist worksteal

test: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "not heavy" $(PYTEST_ARGS)

# The heavy tests (marked in tests/conftest.py and by @pytest.mark.heavy): servers started as
# subprocesses (gunicorn, Redis outages), LibreOffice renders, CPU/memory budgets, Chromium. Chromium,
# LibreOffice and the budgets on both cores; then the server tests (tests/deploy) one at a time: they
# start servers on free ports and stop Redis, and must not race each other.
test-heavy: $(STAMP)
	$(PY) -m pytest $(XDIST) -m heavy --ignore=tests/deploy $(PYTEST_ARGS)
	$(PY) -m pytest -m heavy tests/deploy $(PYTEST_ARGS)

test-all: test test-heavy

# The live walk (tests/live): needs DATABASE_URL (PostgreSQL), REDIS_URL and pgbouncer; makes its own
# database beside DATABASE_URL's and drops it. REQUIRE_LIVE_STACK=1 turns a missing part into a failure.
# One process (-n 0 if pytest-xdist is there): the walk's steps share one stack, its queue and its data.
live: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -m live_stack tests/live $$($(PY) -c "import xdist; print('-n 0')" 2>/dev/null) $(PYTEST_ARGS)

# Benchmarks: writes docs/benchmarks.md. With DATABASE_URL (PostgreSQL) it also runs the
# 50-filler load test against gunicorn.
bench: $(STAMP)
	$(PY) bench/run.py

# The deadline day, open loop (bench/openloop.py): offered load stepped 25 → 200 saves/s against
# gunicorn on DATABASE_URL (PostgreSQL); OPENLOOP_ARGS="--pooler pgbouncer --step-seconds 60".
bench-openloop: $(STAMP)
	$(PY) bench/openloop.py $(OPENLOOP_ARGS)

# The 任务书 PDF from click to file, warm converter against LibreOffice started per file.
bench-pdf: $(STAMP)
	$(PY) bench/pdf.py

# The worker keeps a warm LibreOffice for the PDFs (unoserver on 127.0.0.1:2003, projects/office.py)
# when this machine has LibreOffice and python3-uno; UNOSERVER_HOST= (empty) starts one per file.
worker: $(STAMP)
	UNOSERVER_HOST=$${UNOSERVER_HOST-127.0.0.1} UNOSERVER_START=$${UNOSERVER_START-1} \
	  $(VENV)/bin/celery -A config worker --loglevel=info

# The warm converter alone, in the foreground (for `make run`: UNOSERVER_HOST=127.0.0.1 make run).
office: $(STAMP)
	$(PY) manage.py office_server

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
