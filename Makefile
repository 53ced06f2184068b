# crc-tools — run `make help` for the targets.
.DEFAULT_GOAL := help
SHELL := /bin/sh

VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PYTEST_ARGS ?=
LAB_ARGS    ?=
WORKSPACE   ?=
# JupyterLab refuses to start as root (containers, CI) unless told to
LAB_ROOT    := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: help install demo test test-fast bench bench-docs lab dashboard lint clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: PYTHON=/path/to/python3.12 (the interpreter for .venv), PYTEST_ARGS='-k register' (make test),"
	@echo "           LAB_ARGS='--no-browser --port 8890' and WORKSPACE=DIR (make lab: Lab at a crc init workspace)"

$(STAMP): pyproject.toml
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "$(VENV) runs $$($(BIN)/python -V 2>&1); crc-tools needs Python >= 3.12: recreating $(VENV)"; \
		rm -rf $(VENV); \
	fi
	@if [ ! -x $(BIN)/python ]; then \
		py=$$(scripts/find-python) || exit 1; \
		echo "creating $(VENV) with $$py"; \
		"$$py" -m venv --clear $(VENV) || { v=$$("$$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
			echo "could not create $(VENV) with $$py: install its venv module (Debian/Ubuntu: apt-get install python$$v-venv)"; exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# An editable install leaves the package uncompiled, and where PYTHONDONTWRITEBYTECODE is set
	@# every crc command would compile it again: compile it once, as pip does for installed packages.
	$(BIN)/python -m compileall -q crc_tools
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (Python >= 3.12) and install the suite with its test tools

demo: $(STAMP) ## Run the main job on the shipped sample cases (validate, verify, score, status, documents)
	$(BIN)/crc demo

test: $(STAMP) ## Run every test (notebooks, documents, register, dashboard in chromium where installed)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP) ## Run the tests not marked slow
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: $(STAMP) ## Every benchmark: hostile inputs (seconds and peak memory under 1.5 GB); crc status on 10k/100k/1M notifications vs a pandas read, and on 1M naming 1,000 vs 100,000 chemicals; crc responses on 10 years of responses (195 Parties x 58 entries) vs a pandas read; one DGD vs the papermill floor, 20 batched vs single; dashboard overview vs an empty page, memory over 50 sessions; 20 sessions recording for a minute
	$(BIN)/python -m compileall -q crc_tools
	$(BIN)/python benchmarks/run.py

bench-docs: $(STAMP) ## Document benchmark: one crc dgd against the papermill+nbconvert floor; 20 DGDs batched against 20 single renders
	$(BIN)/python benchmarks/bench_documents.py

lab: $(STAMP) ## Open JupyterLab at the repository root (or WORKSPACE=DIR, a crc init workspace), notebooks in view; case files and reports open from it
	$(BIN)/jupytext --sync notebooks/[0-9]*.py
	@if [ -n "$(WORKSPACE)" ] && [ -d "$(WORKSPACE)/notebooks" ]; then $(BIN)/jupytext --sync "$(WORKSPACE)"/notebooks/[0-9]*.py; fi
	CRC_WORKSPACE="$(WORKSPACE)" $(BIN)/jupyter lab --ServerApp.root_dir="$(if $(WORKSPACE),$(WORKSPACE),.)" --LabApp.default_url=/lab/tree/notebooks $(LAB_ROOT) $(LAB_ARGS)

dashboard: $(STAMP) ## Serve the committee dashboard on the sample data (http://localhost:5006/)
	$(BIN)/crc dashboard

lint: $(STAMP) ## Check style and docstrings with ruff
	$(BIN)/ruff check crc_tools tests benchmarks

clean: ## Remove the environment and rendered documents (keeps the register)
	rm -rf $(VENV) .pytest_cache .hypothesis
	find reports -mindepth 1 ! -name README.md -delete 2>/dev/null || true
