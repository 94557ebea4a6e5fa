# memberflow: `make run` starts the demo server, `make test` runs every test. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
VENDOR := static/vendor/.stamp

.PHONY: install sysdeps run test soak lint typecheck clean bench bench-quick

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

$(VENDOR): package-lock.json
	bash scripts/vendor.sh

sysdeps:
	@bash scripts/sysdeps.sh

install: sysdeps $(STAMP) $(VENDOR)

run: install
	$(BIN)/memberflow init
	$(BIN)/memberflow demo --if-empty
	$(BIN)/memberflow serve --with-worker

test: install
	$(BIN)/ruff check engine workflows api tests
	$(BIN)/mypy
	$(BIN)/pytest

# Every benchmark, side by side; rewrites docs/performance.md (PostgreSQL and Redis on 127.0.0.1).
# QUICK=1: SQLite, small sizes, written to var/bench-quick.md.
bench: install $(BENCH_STAMP)
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,)

bench-quick:
	$(MAKE) bench QUICK=1

# The reliability runs (tests/reliability) at full size: thousands of transitions, kills and restarts.
soak: install
	MEMBERFLOW_SOAK=1 $(BIN)/pytest tests/reliability -q -s

lint: install
	$(BIN)/ruff check engine workflows api tests
	$(BIN)/ruff format --check engine workflows api tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache memberflow.db* node_modules static/vendor
