# Two commands on a fresh machine: `make extract` and `make test`.
# Both create .venv/ on first use and install the pinned dependencies from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
RAW    ?= raw
OUT    ?= extracted
DEV    ?= ../shared/dev-pages
SEEDS  ?= ../shared/seeds

.PHONY: extract test evaluate evaluate-seeds setup clean typecheck docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

extract: $(STAMP)
	$(PY) -m pipeline extract $(RAW) --out $(OUT)

test: $(STAMP)
	$(PY) -m pytest

evaluate: $(STAMP)
	$(PY) -m pipeline evaluate $(DEV)/pages $(DEV)/gold.jsonl

evaluate-seeds: $(STAMP)
	$(PY) -m pipeline evaluate $(SEEDS) tests/fixtures/seeds_gold.jsonl

typecheck: $(STAMP)
	$(PY) -m mypy pipeline

docs: $(STAMP)
	$(PY) -m pipeline.data_dictionary > docs/data_dictionary.md

clean:
	rm -rf $(VENV) build *.egg-info
