# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both set up .venv on first use and find or start PostgreSQL and Redis (config/localservices.py).
PYTHON3 ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install assets run test bench

install: $(INSTALLED)

# Reinstalls when pyproject.toml changes.
$(INSTALLED): pyproject.toml
	test -x $(PYTHON) || $(PYTHON3) -m venv $(VENV)
	$(PYTHON) -m pip install --disable-pip-version-check -e '.[dev]'
	touch $@

# School portal front-end packages and stylesheet (package.json); skipped with a note when npm is missing.
assets:
	@if [ ! -f package.json ]; then exit 0; fi; \
	if ! command -v npm >/dev/null 2>&1; then echo "npm not found: skipping the portal's front-end build (install Node.js)"; exit 0; fi; \
	if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ] \
	   || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then \
	  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi; \
	fi; \
	npm run --silent build

run: $(INSTALLED) assets
	$(PYTHON) -m config.localservices run

# Extra pytest arguments: make test PYTEST_ARGS="-k F12 -x"
test: $(INSTALLED) assets
	$(PYTHON) -m config.localservices test $(PYTEST_ARGS)

# Benchmarks that print figures: the participants API against a hand-written SQL floor (seeds
# 100,000 participants into a separate database on first use), then the nightly status job.
bench: $(INSTALLED)
	$(PYTHON) -m config.localservices exec $(PYTHON) scripts/bench_participants.py
	$(PYTHON) -m config.localservices exec $(PYTHON) scripts/bench_daily_statuses.py
