# Two commands: `make run` serves the app with the seed data; `make test` runs the suite.
PYTHON ?= python3
# `make run PORT=8001` serves on another port (8000 may be taken).
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The local demo's settings: DEBUG and a published key, which config.settings refuses in
# production. Export your own DJANGO_SETTINGS_MODULE to run the production settings.
export DJANGO_SETTINGS_MODULE ?= config.settings_local

.PHONY: run test live bench install migrate seed worker clean

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

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The live walk (tests/live): needs DATABASE_URL (PostgreSQL), REDIS_URL and pgbouncer; makes its own
# database beside DATABASE_URL's and drops it. REQUIRE_LIVE_STACK=1 turns a missing part into a failure.
# One process (-n 0 if pytest-xdist is there): the walk's steps share one stack, its queue and its data.
live: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -m live_stack tests/live $$($(PY) -c "import xdist; print('-n 0')" 2>/dev/null) $(PYTEST_ARGS)

# Benchmarks: writes docs/benchmarks.md. With DATABASE_URL (PostgreSQL) it also runs the
# 50-filler load test against gunicorn.
bench: $(STAMP)
	$(PY) bench/run.py

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
