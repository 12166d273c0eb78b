# The handful of targets people need. `make run` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
# The quick start asks for debug explicitly: the settings default to debug off and need a secret key then.
DJANGO_DEBUG ?= true
export DJANGO_DEBUG
NODE_STAMP := node_modules/.installed
# The suite runs in one process a core (at most four); tests/parallel.py gives each its own Redis database.
PYTEST_ARGS ?= --numprocesses=auto --maxprocesses=4

.PHONY: install run test lint format security worker beat migrate seed bench bench-scale check-deploy production-check backup restore backup-drill clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(PY_STAMP) $(NODE_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_questionnaire_library

seed: migrate
	$(BIN)/python manage.py seed_demo

# Back up the database (pg_dump) and the private files, with a manifest of checksums, into a new folder:
#   make backup BACKUP_DIR=/srv/backups/2027-03-08      make restore BACKUP_DIR=... [FORCE=--force]
# Both use the environment of the site (DATABASE_URL, PRIVATE_MEDIA_ROOT); PostgreSQL's client tools are needed.
BACKUP_DIR ?= backups/$(shell date +%Y%m%d-%H%M%S)
backup: install
	$(BIN)/python manage.py backup $(BACKUP_DIR)

restore: install
	$(BIN)/python manage.py restore $(BACKUP_DIR) $(FORCE)

# Seed, back up, drop the database and the files, restore, and prove nothing was lost (as CI does).
backup-drill: install
	bash .ci/backup-drill

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	DJANGO_DEBUG=true $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A worker with Celery beat embedded, for one machine: it also runs the reminders and daily summaries on schedule.
worker: install
	$(BIN)/celery -A peerreview worker --beat --schedule=$(VENV)/celerybeat-schedule --loglevel=INFO --concurrency=2

# Beat on its own, beside workers started without it. Run exactly one beat for the whole site.
beat: install
	$(BIN)/celery -A peerreview beat --schedule=$(VENV)/celerybeat-schedule --loglevel=INFO

bench: install
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks scale

# Only every page at national scale through gunicorn (builds the scale database on first use; see benchmarks/national.py).
bench-scale: install
	$(BIN)/python -m benchmarks scale

# Static security analysis of the application's code: fails on any finding of high severity (pyproject.toml holds
# the reviewed allow-list).
security: install
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high

check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-only-$$(date +%s)-a-long-random-looking-secret-value \
	DJANGO_ALLOWED_HOSTS=peer-review.example $(BIN)/python manage.py check --deploy --fail-level WARNING

# The README's production steps on this machine (PostgreSQL and Redis on loopback), then a browser walks a review.
production-check: install
	bash .ci/production

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
