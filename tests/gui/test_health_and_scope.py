"""The index health view (filter, retry, exclude) and the scope chips above the question box."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama
from tests.gui import test_main_window as main_window_tests
from tests.gui.test_main_window import OpenWindow, ask, wait_indexed

from kenning import paths
from kenning.core.domain.answers import AnswerStatus
from kenning.core.domain.file_health import FileState
from kenning.core.settings_file import load_settings
from kenning.ui.health_flow import open_health_view

open_window = main_window_tests.open_window  # the same fixtures: a real window on a real index
docs = main_window_tests.docs


def test_health_view_filters_retries_and_excludes(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    (docs / "song.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(2_000))
    (docs / "draft.tmp").write_text("half-written")
    window = open_window(fake_ollama.url)
    window.indexing.add_folder(str(docs))
    wait_indexed(qtbot, window, files=5)

    view = open_health_view(window)
    qtbot.waitUntil(lambda: len(view.rows) == 8, timeout=30_000)  # 5 documents, LICENSES.md, 2 skipped
    states = {Path(row.path).name: row.state for row in view.rows}
    assert states["song.mp3"] is FileState.SKIPPED and states["curl-http-cookies.md"] is FileState.SEARCHABLE

    view.state_filter.setCurrentIndex(view.state_filter.findData("skipped"))
    assert sorted(Path(p).name for p in view.visible_paths()) == ["draft.tmp", "song.mp3"]
    assert "ignored by rule *.tmp" in [row.reason for row in view.rows]
    view.state_filter.setCurrentIndex(0)
    qtbot.keyClicks(view.search, "cookies")
    assert [Path(p).name for p in view.visible_paths()] == ["curl-http-cookies.md"]

    # Retry: the file is read again (the watcher marks it on the writer thread and syncs it).
    target = str(docs / "curl-http-cookies.md")
    view.select_paths([target])
    assert view.buttons["Retry"].isEnabled()
    with qtbot.waitSignal(window.indexing.batch_done, timeout=120_000) as batch:
        view.buttons["Retry"].click()
    assert target in batch.args[0].indexed

    # Exclude: an ignore rule is saved and the file leaves the index.
    view.buttons["Exclude"].click()
    qtbot.waitUntil(lambda: "curl-http-cookies.md" in load_settings(paths.settings_file()).index.ignore)

    def gone() -> bool:
        workspace = window.services.workspace
        return workspace is not None and target not in workspace.store.file_records()

    qtbot.waitUntil(gone, timeout=120_000)
    view.close()


def test_a_document_scope_chip_limits_the_answer_to_that_document(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    window.indexing.add_folder(str(docs))
    wait_indexed(qtbot, window, files=5)
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    fake_ollama.reply = "Cookies are sent back to the server that set them [1]."

    broad = ask(qtbot, window, "How long may a browser cache an image or keep a cookie?")
    assert len({s.path for s in broad.sources}) > 1

    cookies = str(docs / "curl-http-cookies.md")
    card = next(c for c in window.sources.cards.cards if c.hit.path == cookies)
    only = next(b for b in card.findChildren(QPushButton) if b.text() == "Ask only this document")
    only.click()
    bar = window.chat_panel.scope_bar
    assert [chip.text() for chip in bar.chips] == ["Only: curl-http-cookies.md  ✕"]

    qtbot.waitUntil(window.chat_panel.send_button.isEnabled)  # the first answer is being saved
    scoped = ask(qtbot, window, "How long may a browser cache an image or keep a cookie?")
    assert scoped.status is AnswerStatus.ANSWERED
    assert scoped.sources and {s.path for s in scoped.sources} == {cookies}
    assert {c.path for c in scoped.citations} == {cookies}

    bar.chips[0].click()  # removing the chip widens the scope again
    assert bar.chips == [] and window.chat.scope is None and window.search_view.scope is None
