# shigen — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
  BIN := $(VENV)/Scripts
else
  BIN := $(VENV)/bin
endif
PY := $(BIN)/python

.PHONY: demo test bench lint render clean browser-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

demo: $(VENV)/.installed
	$(PY) scripts/demo.py

test: $(VENV)/.installed
	$(PY) -m ruff check shigen tests scripts benchmarks
	$(PY) -m mypy
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check shigen tests scripts benchmarks

bench: $(VENV)/.installed
	$(PY) benchmarks/run.py
	$(PY) benchmarks/duplicate_corpus.py

# the site in headless Debian Chromium (Selenium + chromium-driver; installs them with apt-get when missing)
$(VENV)/.browser: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,browser]"
	@touch $@

browser-test: $(VENV)/.browser
	bash tests/browser/install.sh
	$(PY) -m pytest tests/browser/browser_site.py

render: $(VENV)/.browser
	bash scripts/render.sh

clean:
	rm -rf exports/demo .pytest_cache
