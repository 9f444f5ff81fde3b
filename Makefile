# The commands the README gives and CI reuses. Everything installs itself on first use.
PYTHON ?= python3.10
UV := $(PYTHON) -m uv
BIN := .venv/bin

.PHONY: run test train lint catalog-check bench install

run: install  ## install, train when the model is not current, start every process
	$(BIN)/dalil run

test: install  ## install and run the whole test suite
	$(BIN)/dalil test

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

train: install
	$(BIN)/dalil train

lint: install
	$(BIN)/ruff check .

catalog-check: install
	$(BIN)/dalil catalog check

bench: install
	$(BIN)/python bench/nlu_compare.py
	$(BIN)/python bench/nlu_eval.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/channels.py
	$(BIN)/python bench/load.py --think 3
	$(BIN)/python bench/load.py
