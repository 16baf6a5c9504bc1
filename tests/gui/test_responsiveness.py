"""The UI thread never waits for the core: every heavy core call (reading and parsing files,
embedding, index writes, searches, answers, Ollama requests) runs on a worker thread while PDFs are
indexed and an answer streams in, and closing mid-index stops cleanly.

How late a UI heartbeat gets meanwhile is a measurement, not a pass/fail: tests/bench/bench_ui_heartbeat.py.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama

import kenning.core.ingest.loaders as loaders
from kenning.core.answer.answerer import Answerer
from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.index.embedder import Embedder
from kenning.core.index.file_preparer import FilePreparer
from kenning.core.index.filters import sql_str
from kenning.core.index.indexer import Indexer
from kenning.core.index.store import Store
from kenning.core.search.retriever import Retriever
from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

# Real files of three formats (tests/data/corpus): 35 PDF pages and a DOCX. What matters is which
# thread the work runs on, not how much there is (bench_ui_heartbeat.py times a bigger folder).
DOCS = (
    "graphviz/man/gvpr.1.pdf",
    "graphviz/guides/neatoguide.pdf",
    "graphviz/man/dot.1.pdf",
    "web/apache/exports/mod_expires reference.docx",
)
# The core's heavy calls: (owner, attribute). Each is expected to run at least once in the test.
HEAVY: tuple[tuple[Any, str], ...] = (
    (Indexer, "sync"),
    (FilePreparer, "prepare"),
    (loaders, "load_document"),
    (Embedder, "embed"),
    (Embedder, "embed_query"),
    (Store, "replace_chunks"),
    (Store, "upsert_records"),
    (Retriever, "search"),
    (Answerer, "ask"),
    (OllamaClient, "version"),
    (OllamaClient, "list_models"),
    (OllamaClient, "chat_stream"),
)


class CoreCalls:
    """Records, for each heavy core call, the threads it ran on."""

    def __init__(self) -> None:
        self.threads: dict[str, set[str]] = {}
        self.on_ui_thread: list[str] = []
        self._lock = threading.Lock()

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            current = threading.current_thread()
            with self._lock:
                self.threads.setdefault(name, set()).add(current.name)
                if current is threading.main_thread():
                    self.on_ui_thread.append(name)
            return function(*args, **kwargs)

        return recorded


@pytest.fixture
def core_calls(monkeypatch: pytest.MonkeyPatch) -> CoreCalls:
    calls = CoreCalls()
    for owner, attribute in HEAVY:
        name = f"{getattr(owner, '__name__', owner)}.{attribute}"
        monkeypatch.setattr(owner, attribute, calls.wrap(name, getattr(owner, attribute)))
    return calls


@pytest.fixture
def big_folder(tmp_path: Path, corpus: Path) -> Path:
    target = tmp_path / "big"
    for rel in DOCS:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus / "docs" / rel, dest)
    return target


def open_window(qtbot: QtBot, data_dir: Path, host: str, embedder: Any) -> MainWindow:
    settings = Settings()
    settings.ollama.host = host
    window = MainWindow(AppServices(data_dir, settings, embedder=embedder))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignals([window.services.workspace_ready, window.services.model_ready], timeout=60_000):
        window.services.start()
    return window


@pytest.mark.slow
def test_no_core_work_runs_on_the_ui_thread_while_indexing_and_answering(
    qtbot: QtBot,
    tmp_path: Path,
    big_folder: Path,
    embedder: Any,
    fake_ollama: FakeOllama,
    core_calls: CoreCalls,
) -> None:
    window = open_window(qtbot, tmp_path / "data", fake_ollama.url, embedder)
    window.indexing.add_folder(str(big_folder))
    qtbot.waitUntil(lambda: window.indexing.busy, timeout=30_000)

    def all_indexed() -> bool:
        views = window.indexing.views
        return bool(views) and views[0].stats is not None and views[0].stats.indexed == len(DOCS)

    qtbot.waitUntil(lambda: not window.indexing.busy and all_indexed(), timeout=600_000)
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=30_000)
    fake_ollama.reply = " ".join(["gvpr is a graph stream editor inspired by awk [1]."] * 30)
    fake_ollama.token_delay_s = 0.005
    with qtbot.waitSignal(window.chat.answered, timeout=120_000) as answered:
        window.chat.ask("What is gvpr, the graph pattern scanning and processing language?")
    assert answered.args[0].text.startswith("gvpr is a graph stream editor")

    assert core_calls.on_ui_thread == [], f"core work ran on the UI thread: {core_calls.on_ui_thread}"
    expected = {f"{getattr(owner, '__name__', owner)}.{attribute}" for owner, attribute in HEAVY}
    assert set(core_calls.threads) == expected, "every heavy call ran (so the check above means something)"


def test_closing_mid_index_stops_cleanly_and_keeps_finished_work(
    qtbot: QtBot, tmp_path: Path, big_folder: Path, embedder: Any
) -> None:
    window = open_window(qtbot, tmp_path / "data", "http://127.0.0.1:9", embedder)
    window.indexing.add_folder(str(big_folder))
    qtbot.waitUntil(lambda: window.indexing.busy, timeout=30_000)
    window.close()
    assert window.services.writer.busy == 0  # the watcher's thread has finished

    store = Store(tmp_path / "data" / "index")
    records = store.file_records()
    for path, record in records.items():  # every recorded file has exactly its chunks, never half
        assert store.count_chunks(f"path = {sql_str(path)}") == record.chunks
