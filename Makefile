# Two commands on a fresh machine (Python >= 3.11 and make):
#   make demo   set up, then open the auditor on a copy of the bundled demo project
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-fast test-compiled typecheck lint format docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/fastaudit demo

# Type check first, then both tiers on every core (pytest-xdist); plain `pytest` still runs
# serially.
test: typecheck
	$(BIN)/python -m pytest -n auto

# The fast tier: everything but the TUI, real processes and hostile CLI runs (~20 s on 2 cores).
# No type check, to stay quick.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow"

# The whole suite against the compiled build (setup.py, FASTAUDIT_COMPILE=1): a copy of the
# package with its listed modules compiled by mypyc, first on the path. Needs a C compiler.
test-compiled: $(STAMP)
	rm -rf build/compiled
	$(BIN)/python benchmarks/compiled_probe.py --build-only build/compiled
	PYTHONPATH=build/compiled/src $(BIN)/python -m pytest -n auto

# mypy, configured in pyproject.toml ([tool.mypy]): ~10 s cold on 2 busy cores, <1 s warm.
typecheck: $(STAMP)
	$(BIN)/mypy

lint: typecheck
	$(BIN)/ruff check src tests benchmarks setup.py
	$(BIN)/ruff format --check src tests benchmarks setup.py
	$(BIN)/fastaudit check .

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks setup.py
	$(BIN)/ruff format src tests benchmarks setup.py

# docs/rules.md from the rules themselves (tests/test_rules_doc.py fails when it is stale).
docs: $(STAMP)
	$(BIN)/fastaudit rules --format markdown > docs/rules.md

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
	find src -name '*.so' -delete  # a compiled build's extensions (setup.py), if any
