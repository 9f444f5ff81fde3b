# The commands the README gives and CI reuses. Everything installs itself on first use.
PYTHON ?= python3.10
UV := $(PYTHON) -m uv
BIN := .venv/bin

.PHONY: run test train lint catalog-check bench install chromium

run: install  ## install, train when the model is not current, start every process
	$(BIN)/dalil run

test: install chromium  ## install and run the whole test suite
	$(BIN)/dalil test

# The web chat's browser tests drive Debian's Chromium (never a downloaded browser).
# Where apt-get cannot install it (not root, not Debian) they are skipped, and said so.
chromium:
	@test -x /usr/bin/chromium || apt-get install -y chromium \
		|| (apt-get update && apt-get install -y chromium) \
		|| echo "WARNING: no /usr/bin/chromium; the web chat's browser tests will be skipped"

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
