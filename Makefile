# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "fullcost needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DEMO_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "fullcost needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[report,serve]'
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/fullcost estimate deepseek-v3
	@mkdir -p out && $(BIN)/fullcost report deepseek-v3 --samples 100000 -o out/deepseek-v3-report.html --figures out/figures --xlsx out/deepseek-v3.xlsx
	@echo "fullcost is installed in $(VENV): run it as $(BIN)/fullcost, or after 'source $(BIN)/activate' as fullcost"
	@echo
	@echo "The interactive app: $(BIN)/fullcost serve   then open http://127.0.0.1:8000/m/deepseek-v3"
	@echo "  (move an assumption and the iceberg follows; --workers N for more users; see README, Serve)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

test: lint
	bash scripts/install-test-deps.sh
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_estimate.py
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
