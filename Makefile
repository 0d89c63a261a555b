# Both `make serve` and `make test` bootstrap .venv themselves; a second run reinstalls nothing
# unless pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install serve test lint validate build bench bench-serve release-check clean distclean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(INSTALLED)

serve: $(INSTALLED)
	$(BIN)/ecodata validate
	$(BIN)/ecodata serve --dist dist --host 127.0.0.1 --port 8001

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
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'polars>=1,<3'
	$(BIN)/python benchmarks/whole_process.py
	$(BIN)/python benchmarks/validate_speed.py

bench-serve: $(INSTALLED)
	$(BIN)/python benchmarks/serve_load.py

# The data must not change without a version bump: compares with the newest tag, or HEAD (uncommitted work).
BASE ?= $(shell git describe --tags --abbrev=0 2>/dev/null || echo HEAD)
release-check: $(INSTALLED)
	$(BIN)/ecodata release-check --base $(BASE)

clean:
	rm -rf dist .pytest_cache tests/artifacts

distclean: clean
	rm -rf $(VENV)
