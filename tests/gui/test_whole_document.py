"""A source card's Summarise: the whole document's cited summary appears in the chat."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama
from tests.gui import test_main_window as main_window_tests
from tests.gui.test_main_window import OpenWindow, ask, wait_indexed

from kenning.core.domain.answers import AnswerStatus

open_window = main_window_tests.open_window  # the same fixtures: a real window on a real index
docs = main_window_tests.docs


def test_summarise_on_a_source_card_shows_the_documents_summary_in_the_chat(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    window.indexing.add_folder(str(docs))
    wait_indexed(qtbot, window, files=5)
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    fake_ollama.reply = "Cookies are sent back to the server that set them [1]."
    ask(qtbot, window, "How does curl keep a cookie?")

    cookies = str(docs / "curl-http-cookies.md")
    card = next(c for c in window.sources.cards.cards if c.hit.path == cookies)
    qtbot.waitUntil(window.chat_panel.send_button.isEnabled)  # the first answer is being saved
    summarise = next(b for b in card.findChildren(QPushButton) if b.text() == "Summarise")
    with qtbot.waitSignal(window.chat.answered, timeout=60_000) as answered:
        summarise.click()
    summary = answered.args[0]
    assert summary.question == "Summarise curl-http-cookies.md"
    assert summary.status is AnswerStatus.ANSWERED
    assert {c.path for c in summary.citations} == {cookies}
    prompts = [r.body["messages"][-1]["content"] for r in fake_ollama.requests if r.path == "/api/chat"]
    assert any("Summarise these consecutive passages" in p for p in prompts)
    qtbot.waitUntil(lambda: "Summarise curl-http-cookies.md" in window.chat_panel.transcript.toPlainText())
    assert "Cookies are sent back" in window.chat_panel.transcript.toPlainText()


def test_with_background_summaries_on_each_document_gets_a_summary_passage(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = "An overview of the whole document [1]."
    window = open_window(fake_ollama.url)
    window.services.settings.summaries.background = True
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    with qtbot.waitSignal(window.background_summaries.finished, timeout=240_000) as done:
        window.indexing.add_folder(str(docs))
    workspace = window.services.workspace
    assert workspace is not None
    indexed = [r for r in workspace.store.file_records().values() if r.chunks]
    assert done.args[0] == len(indexed) >= 5
    rows = workspace.store.chunks_table.search().where("section[1] = 'Summary'").limit(None).to_list()
    assert {row["path"] for row in rows} == {r.path for r in indexed}
