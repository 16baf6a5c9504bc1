"""The UI thread never waits for the core: a heartbeat timer keeps its beat while a few hundred PDF
pages are indexed and while an answer streams in, and closing mid-index stops cleanly."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama

from kenning.core.index.store import Store
from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

BEAT_MS = 20
ALLOWED_LATE_MS = 100
# About 200 pages of real PDFs, plus a DOCX and HTML file.
DOCS = (
    "debian/policy/fhs-3.0.pdf",
    "debian/faq/debian-faq.en.pdf",
    "math/glpk/gmpl.pdf",
)


class Heartbeat(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.worst_late_ms = 0.0
        self.beats = 0
        self._last = time.perf_counter()
        self._timer = QTimer(self, interval=BEAT_MS)
        self._timer.timeout.connect(self._on_beat)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_beat(self) -> None:
        now = time.perf_counter()
        self.worst_late_ms = max(self.worst_late_ms, (now - self._last) * 1000 - BEAT_MS)
        self._last = now
        self.beats += 1


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
def test_heartbeat_stays_on_time_while_indexing_and_streaming(
    qtbot: QtBot, tmp_path: Path, big_folder: Path, embedder: Any, fake_ollama: FakeOllama
) -> None:
    window = open_window(qtbot, tmp_path / "data", fake_ollama.url, embedder)
    heart = Heartbeat()
    heart.start()
    window.indexing.add_folder(str(big_folder))
    qtbot.waitUntil(lambda: window.indexing.busy, timeout=30_000)

    def all_indexed() -> bool:
        views = window.indexing.views
        return bool(views) and views[0].stats is not None and views[0].stats.indexed == len(DOCS)

    qtbot.waitUntil(lambda: not window.indexing.busy and all_indexed(), timeout=600_000)
    heart.stop()
    assert heart.beats > 50
    assert heart.worst_late_ms < ALLOWED_LATE_MS, f"a beat was {heart.worst_late_ms:.0f} ms late (indexing)"

    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    fake_ollama.reply = " ".join(["The FHS places host-specific configuration in /etc [1]."] * 30)
    fake_ollama.token_delay_s = 0.005
    heart = Heartbeat()
    heart.start()
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask("Where does host-specific configuration live?")
    heart.stop()
    assert heart.beats > 10
    assert heart.worst_late_ms < ALLOWED_LATE_MS, f"a beat was {heart.worst_late_ms:.0f} ms late (answer)"


def test_closing_mid_index_stops_cleanly_and_keeps_finished_work(
    qtbot: QtBot, tmp_path: Path, big_folder: Path, embedder: Any
) -> None:
    window = open_window(qtbot, tmp_path / "data", "http://127.0.0.1:9", embedder)
    window.indexing.add_folder(str(big_folder))
    qtbot.waitUntil(lambda: window.indexing.busy, timeout=30_000)
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 30
    assert window.services.writer.busy == 0  # the watcher's thread has finished

    store = Store(tmp_path / "data" / "index")
    records = store.file_records()
    for path, record in records.items():  # every recorded file has exactly its chunks, never half
        assert store.count_chunks(f"path = '{path}'") == record.chunks
