"""Live sync never dies silently: a paused sync says why and offers Retry; a watcher that ended is
started again, so a folder added later is still indexed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.helpers.lock_holder import LockHolder

from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

SAMPLE_DOCS = Path(__file__).resolve().parents[2] / "resources" / "sample-docs"


def indexed(window: MainWindow, folder: Path) -> int:
    view = next((v for v in window.indexing.views if v.folder.path == str(folder)), None)
    return view.stats.indexed if view is not None and view.stats is not None else -1


def open_window(qtbot: QtBot, data: Path, embedder: Any) -> MainWindow:
    window = MainWindow(AppServices(data, Settings(), embedder=embedder))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.services.workspace_ready, timeout=120_000):
        window.services.start()
    return window


def test_a_paused_sync_shows_why_and_retry_catches_up(qtbot: QtBot, tmp_path: Path, embedder: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy2(SAMPLE_DOCS / "openssh-tunnels.txt", docs)
    window = open_window(qtbot, tmp_path / "data", embedder)
    window.indexing.add_folder(str(docs))
    qtbot.waitUntil(lambda: indexed(window, docs) == 1, timeout=120_000)

    status = window.statusBar()
    holder = LockHolder(tmp_path / "data" / "index")  # `kenning index` run from a terminal
    try:
        (docs / "notes.md").write_text("# Field notes\n\nThe quokka colony lives on Rottnest Island.\n")
        qtbot.waitUntil(lambda: status.sync_paused.isVisible(), timeout=120_000)
        assert status.sync_paused.text() == "⚠ Sync paused: Another Kenning process is updating this index."
    finally:
        holder.release()
    qtbot.mouseClick(status.sync_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: indexed(window, docs) == 2, timeout=120_000)
    qtbot.waitUntil(lambda: not status.sync_paused.isVisible() and not status.sync_retry.isVisible())


def test_a_watcher_that_ended_is_restarted_and_later_folders_are_indexed(
    qtbot: QtBot, tmp_path: Path, embedder: Any
) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    for folder, name in ((first, "openssh-tunnels.txt"), (later, "curl-http-cookies.md")):
        folder.mkdir()
        shutil.copy2(SAMPLE_DOCS / name, folder)
    window = open_window(qtbot, tmp_path / "data", embedder)
    window.indexing.add_folder(str(first))
    qtbot.waitUntil(lambda: indexed(window, first) == 1, timeout=120_000)

    running = window.indexing._task
    assert running is not None
    running.cancel()  # the watcher's loop ends without the app asking (as an escaped error did)
    qtbot.waitUntil(lambda: not running.running, timeout=60_000)
    window.indexing.add_folder(str(later))
    qtbot.waitUntil(lambda: indexed(window, later) == 1, timeout=120_000)
