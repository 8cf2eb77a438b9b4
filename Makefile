# Two commands do everything on a fresh machine:  make serve  |  make test
VENV ?= .venv
PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
# CPU-only torch first (the CUDA build is several GB). Where PyPI would give a CUDA build, pass
#   make serve TORCH_ARGS="--index-url https://download.pytorch.org/whl/cpu"
TORCH_ARGS ?=
BIN = $(VENV)/bin

.PHONY: serve test test-fast install index bench bundle clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0 $(TORCH_ARGS)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

index: install
	$(BIN)/dafu index

serve: index
	$(BIN)/dafu serve --host $(HOST) --port $(PORT)

# The full suite (what CI runs): real model, real index, real browser. browser-deps installs Chromium and
# its driver when either is missing and returns at once when both are there.
test: install
	@sh .ci/browser-deps
	$(BIN)/python -m pytest -q

# No model, no index, no browser: parsing, formats, chunking, normalisation, CLI/web input checks (< 1 min).
test-fast: install
	$(BIN)/python -m pytest -q -m "not model and not browser"

# Offline install folder for air-gapped offices: dist/dafu-bundle/ with wheels/ (dafu and every dependency,
# torch 2.13.0 CPU included), model/ (the converted model) and INSTALL.md. See README "Offline install".
bundle: install
	$(BIN)/python tools/bundle.py dist/dafu-bundle --torch-args "$(TORCH_ARGS)"

bench: install
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_query.py

clean:
	rm -rf $(VENV) build *.egg-info
