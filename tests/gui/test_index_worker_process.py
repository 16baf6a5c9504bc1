"""Indexing runs in a worker process, not in the window's: files become searchable, Stop ends the
worker's sync, and a worker killed mid-run is started again and finishes the folder."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

from kenning.core.settings import Settings
from kenning.ui.indexing import IndexProgress
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

pytestmark = pytest.mark.slow

TEXT_DOCS = ("net/curl", "net/openssh")  # small text files: a run of many short batches


def copy_docs(corpus: Path, target: Path, parts: tuple[str, ...] = ()) -> int:
    sources = [corpus / "docs" / p for p in parts] if parts else [corpus / "docs"]
    for source in sources:
        shutil.copytree(source, target / source.name)
    return sum(1 for p in target.rglob("*") if p.is_file())


def open_window(qtbot: QtBot, data: Path) -> MainWindow:
    settings = Settings()
    settings.index.commit_chunks = 16  # a commit every few files: a kill lands between commits
    window = MainWindow(AppServices(data, settings))  # no embedder handed in: the app's own default
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.services.workspace_ready, timeout=120_000):
        window.services.start()
    return window


def indexed_files(window: MainWindow) -> int:
    views = window.indexing.views
    return views[0].stats.indexed if views and views[0].stats else -1


def first_files_done(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[int] = []
    window.indexing.progress.connect(lambda p: seen.append(p.done) if isinstance(p, IndexProgress) else None)
    qtbot.waitUntil(lambda: any(done >= 1 for done in seen), timeout=240_000)


def test_a_killed_worker_is_restarted_and_the_folder_ends_fully_indexed(
    qtbot: QtBot, tmp_path: Path, corpus: Path
) -> None:
    docs = tmp_path / "docs"
    total = copy_docs(corpus, docs, TEXT_DOCS)
    window = open_window(qtbot, tmp_path / "data")
    assert not window.indexing.in_process
    reasons: list[str | None] = []
    window.indexing.sync_paused.connect(reasons.append)
    memory: list[object] = []
    window.indexing.memory.connect(memory.append)

    window.indexing.add_folder(str(docs))
    first_files_done(qtbot, window)
    pid = window.indexing.worker_pid
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)  # the OOM killer, a crash in a native library

    qtbot.waitUntil(lambda: any(r and "stopped unexpectedly" in r for r in reasons), timeout=60_000)
    qtbot.waitUntil(lambda: window.indexing.worker_pid not in (None, pid), timeout=60_000)
    qtbot.waitUntil(lambda: indexed_files(window) == total and not window.indexing.busy, timeout=300_000)
    assert reasons[-1] is None  # the status line no longer says the sync is paused

    window.modes.setCurrentWidget(window.search_view)
    window.search_view.query.setText("HTTP Strict Transport Security preload")
    with qtbot.waitSignal(window.search_view.searched, timeout=60_000) as found:
        window.search_view.run_search()
    assert found.args[0].hits[0].path.endswith("HSTS.md")

    # Files were read and embedded in the worker only: the window's workspace never built an indexer.
    workspace = window.services.workspace
    assert workspace is not None and "indexer" not in workspace.__dict__
    qtbot.waitUntil(lambda: bool(memory), timeout=30_000)
    assert "indexer" in window._status.work.toolTip()  # the memory of both processes, on the status line


def test_stop_ends_the_workers_sync(qtbot: QtBot, tmp_path: Path, corpus: Path) -> None:
    docs = tmp_path / "docs"
    total = copy_docs(corpus, docs)
    window = open_window(qtbot, tmp_path / "data")
    window.indexing.add_folder(str(docs))
    first_files_done(qtbot, window)
    pid = window.indexing.worker_pid
    assert pid is not None

    window.indexing.stop()
    qtbot.waitUntil(lambda: window.indexing.worker_pid is None and not window.indexing.busy, timeout=60_000)
    assert not psutil.pid_exists(pid)  # the worker ended and was reaped
    window.indexing.refresh()
    qtbot.waitUntil(lambda: indexed_files(window) >= 0, timeout=30_000)
    assert indexed_files(window) < total
