# Both `make serve` and `make test` bootstrap .venv themselves from the hashed lock; a second run
# reinstalls nothing unless pyproject.toml or the lock changed. `make lock` refreshes the lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check
# requirements/lock.txt: every runtime and test dependency, transitive ones too, pinned with hashes, for
# any platform on Python 3.11+. requirements/runtime.txt: the runtime part, same pins (.ci/wheel-check).
LOCK := requirements/lock.txt
RUNTIME_LOCK := requirements/runtime.txt
UV_VERSION := 0.13.8
LOCK_TOOL := .venv-lock
LOCK_UV := $(LOCK_TOOL)/.uv-$(UV_VERSION)
UV_COMPILE := $(LOCK_TOOL)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock'

.PHONY: install serve test lint validate build bench bench-serve audit-web release-check lock lock-upgrade clean \
	distclean

install: $(INSTALLED)

# The lock first (pip refuses anything unpinned or with a wrong hash), then ecodata itself, editable,
# built with the locked setuptools (-qq: without its warning about editable installs on every bootstrap).
$(INSTALLED): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --quiet --no-deps --no-build-isolation -e .
	$(PIP) check
	@touch $(INSTALLED)

# After editing pyproject.toml's dependencies: keeps every pin that still fits, adds or moves the rest.
lock: $(LOCK_UV)
	$(UV_COMPILE) --extra test -o $(LOCK) pyproject.toml
	$(UV_COMPILE) -c $(LOCK) -o $(RUNTIME_LOCK) pyproject.toml

# Everything to its newest release that pyproject.toml allows.
lock-upgrade: $(LOCK_UV)
	$(UV_COMPILE) --upgrade --extra test -o $(LOCK) pyproject.toml
	$(UV_COMPILE) --upgrade -c $(LOCK) -o $(RUNTIME_LOCK) pyproject.toml

# uv in a venv of its own, not in .venv, whose contents the lock decides; a new UV_VERSION reinstalls it.
$(LOCK_UV):
	@test -x $(LOCK_TOOL)/bin/python || $(PYTHON) -m venv $(LOCK_TOOL)
	$(LOCK_TOOL)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@touch $@

serve: $(INSTALLED)
	$(BIN)/ecodata validate
	$(BIN)/ecodata serve --out dist --host 127.0.0.1 --port 8001

test: lint
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

validate: $(INSTALLED)
	$(BIN)/ecodata validate

build: $(INSTALLED)
	$(BIN)/ecodata build --out dist

bench: $(INSTALLED)
	$(PIP) install --quiet 'polars>=1,<3'
	$(BIN)/python benchmarks/whole_process.py
	$(BIN)/python benchmarks/validate_speed.py

bench-serve: $(INSTALLED)
	$(BIN)/python benchmarks/serve_load.py

# Lighthouse 12 (npm, pinned, into .web-audit/) with Debian's chromium on home, a table, a row, search
# and a source page; needs Node 20 and `apt-get install chromium fonts-noto-cjk`.
LIGHTHOUSE := .web-audit/node_modules/.bin/lighthouse
audit-web: $(INSTALLED) $(LIGHTHOUSE)
	$(BIN)/python benchmarks/audit_web.py --lighthouse $(LIGHTHOUSE)

$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix .web-audit -E lighthouse@12.2.3

# The data must not change without a version bump: compares with the newest tag, or HEAD (uncommitted work).
BASE ?= $(shell git describe --tags --abbrev=0 2>/dev/null || echo HEAD)
release-check: $(INSTALLED)
	$(BIN)/ecodata release-check --base $(BASE)

clean:
	rm -rf dist .pytest_cache tests/artifacts

distclean: clean
	rm -rf $(VENV) $(LOCK_TOOL) .web-audit
