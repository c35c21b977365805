# Two commands run the project: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: install run serve serve-web serve-worker test lint-imports bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.x).")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(BIN)/flask --app portal init-db
	$(BIN)/flask --app portal demo-data --if-empty
	PORT=$(PORT) $(BIN)/flask --app portal serve

# Production: gunicorn's workers and the job worker as separate processes against DATABASE_URL and REDIS_URL
# (README "Running in production"). `serve` runs both and stops both; under a service manager run `serve-web` and
# `serve-worker` as two services instead (after `flask --app portal init-db`). Jobs go through Redis unless
# PORTAL_JOBS_BACKEND says otherwise.
serve serve-web serve-worker: export PORTAL_JOBS_BACKEND ?= redis

serve: install
	$(BIN)/flask --app portal init-db
	$(BIN)/python -m portal.supervisor all

serve-web: install
	$(BIN)/python -m portal.supervisor web

serve-worker: install
	$(BIN)/python -m portal.supervisor worker

# The import rules (pyproject.toml, [tool.importlinter]) are checked before the suite runs.
test: install $(VENV)/.test-installed lint-imports
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint-imports: $(VENV)/.test-installed
	PYTHONPATH=. $(BIN)/lint-imports --no-cache --no-logo

$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c constraints.txt
	touch $@

bench: install $(VENV)/.bench-installed
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
