# Both `make serve` and `make test` bootstrap .venv themselves; a second run reinstalls nothing
# unless pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install serve test lint validate build bench bench-serve clean distclean

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
	$(BIN)/python benchmarks/validate_speed.py

bench-serve: $(INSTALLED)
	$(BIN)/python benchmarks/serve_load.py

clean:
	rm -rf dist .pytest_cache tests/artifacts

distclean: clean
	rm -rf $(VENV)
