"""Folders stay in sync by themselves in the window: new, changed and deleted files reach the index,
and a folder that disappears is shown offline with its passages kept."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

SAMPLE_DOCS = Path(__file__).resolve().parents[2] / "resources" / "sample-docs"


def indexed_files(window: MainWindow) -> int:
    views = window.indexing.views
    return views[0].stats.indexed if views and views[0].stats else -1


def test_changes_on_disk_reach_the_window(qtbot: QtBot, tmp_path: Path, embedder: Any) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("curl-http-cookies.md", "openssh-tunnels.txt"):
        shutil.copy2(SAMPLE_DOCS / name, docs / name)
    window = MainWindow(AppServices(tmp_path / "data", Settings(), embedder=embedder))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.services.workspace_ready, timeout=120_000):
        window.services.start()
    window.indexing.add_folder(str(docs))
    qtbot.waitUntil(lambda: indexed_files(window) == 2, timeout=120_000)

    # A new file is indexed without any action from the user, and search finds it.
    (docs / "notes.md").write_text("# Field notes\n\nThe quokka colony lives on Rottnest Island.\n")
    qtbot.waitUntil(lambda: indexed_files(window) == 3, timeout=120_000)
    window.modes.setCurrentWidget(window.search_view)
    window.search_view.query.setText("quokka colony island")
    with qtbot.waitSignal(window.search_view.searched, timeout=30_000) as found:
        window.search_view.run_search()
    assert found.args[0].hits[0].path.endswith("notes.md")

    # Deleted: its passages go.
    (docs / "notes.md").unlink()
    qtbot.waitUntil(lambda: indexed_files(window) == 2, timeout=120_000)

    # The whole folder disappears (an unmounted drive): shown offline, passages kept, then back.
    card_text = lambda: window.folders.cards[str(docs)].figures.text()  # noqa: E731
    moved = tmp_path / "elsewhere"
    docs.rename(moved)
    qtbot.waitUntil(lambda: "offline" in card_text(), timeout=120_000)
    assert indexed_files(window) == 2
    moved.rename(docs)
    qtbot.waitUntil(lambda: "offline" not in card_text(), timeout=120_000)
    assert indexed_files(window) == 2
