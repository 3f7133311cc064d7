# Two commands on a fresh machine: `make run` (the dashboard on the demo 案场) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ANCHANG_DB ?= $(CURDIR)/data/anchang.duckdb

.PHONY: run test lint demo bench browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/python cli.py demo --if-missing --db "$(ANCHANG_DB)"
	$(BIN)/python -m ui.serve --server.headless true --server.address 127.0.0.1 \
	  --server.port 8501 --browser.gatherUsageStats false --client.toolbarMode viewer

demo: $(VENV)/.installed
	$(BIN)/python cli.py demo --force --db "$(ANCHANG_DB)"

browser-deps:
	@bash scripts/ensure-browser-deps.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: $(VENV)/.dev-installed browser-deps lint
	$(BIN)/python -m pytest -q

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
