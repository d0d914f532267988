# Two commands on a fresh machine (see README):
#   make run   - install everything, convert the model, ingest the default corpus, start the app
#   make test  - install everything (test extras, chromium, llama.cpp) and run the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-core
TSTAMP := $(VENV)/.installed-test

export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: setup setup-test model ingest run serve test test-fast bench eval eval-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, from the local CPU wheel: otherwise a several-GB CUDA build is pulled in.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

# system packages first: the llm extra builds llama-cpp-python with the compiler it installs.
# It is built from source without AVX-512: on an AVX-512 CPU both the prebuilt wheel and a native
# build crash (SIGSEGV) at the first token of the test's Gemma model (llama-cpp-python 0.3.36,
# measured 2026-12-02); with AVX2 kernels it runs, on either kind of CPU.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
$(TSTAMP): $(STAMP) pyproject.toml
	bash scripts/install-system-deps.sh
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir --no-binary llama-cpp-python -e ".[test,llm]"
	touch $@

setup: $(STAMP) model

setup-test: $(TSTAMP) model
	bash scripts/install-system-deps.sh

model: $(STAMP)
	$(BIN)/steunwijs setup-model

ingest: setup
	$(BIN)/steunwijs ingest

run: ingest
	$(BIN)/steunwijs serve

serve: setup
	$(BIN)/steunwijs serve

test: setup-test
	$(BIN)/pytest -ra

test-fast: setup-test
	$(BIN)/pytest -ra -m "not slow and not llm and not browser and not server"

bench: ingest
	$(BIN)/python -m benchmarks.ingest_search
	$(BIN)/python -m benchmarks.answer_latency
	$(BIN)/python benchmarks/answer_latency.py --set evals/sets/test.jsonl
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/embedding_speed.py
	$(BIN)/python -m benchmarks.roles_map

# the headline figures: the frozen test split (dev: eval-dev; nothing is tuned on either)
eval: ingest
	$(BIN)/steunwijs eval --set evals/sets/test.jsonl

eval-dev: ingest
	$(BIN)/steunwijs eval --set evals/sets/dev.jsonl --out data/eval/dev --no-baseline

clean:
	rm -rf $(VENV) data models
