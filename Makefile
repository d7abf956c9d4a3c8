# Two commands on a fresh machine: `make extract` and `make test`.
# Both create .venv/ on first use and install the pinned dependencies from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
RAW    ?= raw
OUT    ?= extracted
DEV    ?= ../shared/dev-pages
DEV2   ?= ../shared/dev-pages-2
SEEDS  ?= ../shared/seeds

.PHONY: extract test evaluate evaluate-seeds setup clean typecheck docs report questions nightly bench

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

# precision/recall per field and per page kind on both labelled sets, against the ratchet floors
evaluate: $(STAMP)
	$(PY) -m pipeline evaluate $(DEV)/pages $(DEV)/gold.jsonl --floors eval_floors/dev-pages.json
	$(PY) -m pipeline evaluate $(DEV2)/pages $(DEV2)/gold.jsonl --floors eval_floors/dev-pages-2.json

evaluate-seeds: $(STAMP)
	$(PY) -m pipeline evaluate $(SEEDS) tests/fixtures/seeds_gold.jsonl

report: $(STAMP)
	$(PY) -m pipeline report $(OUT)

questions: $(STAMP)
	$(PY) examples/questions.py $(OUT)

# The nightly batch: incremental extraction (only new/changed pages), JSON log lines for the
# scheduler, then the quality report, in one command. From cron, call the command itself (see
# README): make turns every failing exit code into 2.
nightly: $(STAMP)
	$(PY) -m pipeline extract $(RAW) --out $(OUT) --log-format json --quiet --report

bench: $(STAMP)
	$(PY) bench/run_bench.py

typecheck: $(STAMP)
	$(PY) -m mypy pipeline

docs: $(STAMP)
	$(PY) -m pipeline.tables.data_dictionary > docs/data_dictionary.md

clean:
	rm -rf $(VENV) build *.egg-info
