"""The real window, driven as a person would: a real index on disk, the real embedding model, and the
protocol-faithful fake Ollama over HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama

from kenning.core.domain.answers import Answer, AnswerStatus
from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

SAMPLE_DOCS = Path(__file__).resolve().parents[2] / "resources" / "sample-docs"
QUESTION = "How long may a browser cache an image?"
REPLY = (
    "Use ExpiresByType image/gif A2592000 so GIF images expire after a month in the client cache [1]. "
    "A cookie is a different mechanism [2]."
)

OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path, embedder: Any) -> Iterator[OpenWindow]:
    opened: list[MainWindow] = []

    def open_(host: str, data_dir: Path | None = None) -> MainWindow:
        settings = Settings()
        settings.ollama.host = host
        settings.ollama.connect_timeout_s = 1.0
        services = AppServices(data_dir or tmp_path / "data", settings, embedder=embedder)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(services.workspace_ready, timeout=60_000):
            services.start()
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS, target)
    return target


def wait_indexed(qtbot: QtBot, window: MainWindow, files: int) -> None:
    def indexed() -> bool:
        views = window.indexing.views
        return bool(views) and views[0].stats is not None and views[0].stats.indexed >= files

    qtbot.waitUntil(lambda: indexed() and not window.indexing.busy, timeout=240_000)


def ask(qtbot: QtBot, window: MainWindow, question: str, timeout: int = 60_000) -> Answer:
    box = window.chat_panel.question
    box.setFocus()
    qtbot.keyClicks(box, question)
    with qtbot.waitSignal(window.chat.answered, timeout=timeout) as done:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    answer = done.args[0]
    assert isinstance(answer, Answer)
    return answer


def answered_window(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> tuple[MainWindow, Answer]:
    """The window with the test folder indexed and QUESTION answered (REPLY) by the fake Ollama."""
    window = open_window(fake_ollama.url)
    window.indexing.add_folder(str(docs))
    wait_indexed(qtbot, window, files=5)
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    fake_ollama.reply = REPLY
    return window, ask(qtbot, window, QUESTION)


def test_add_folder_ask_click_citation_stop_and_ollama_down(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    assert "Kenning" in window.windowTitle()
    assert window.chat_stack.currentWidget() is window.welcome  # first run: nothing added yet

    window.indexing.add_folder(str(docs))
    wait_indexed(qtbot, window, files=5)
    card = window.folders.cards[str(docs.resolve())]
    assert "files" in card.figures.text() and window.chat_stack.currentWidget() is window.chat_panel
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    assert window.banner.isHidden()

    # Ask: the answer streams in, with citations as links.
    fake_ollama.reply = REPLY
    fake_ollama.token_delay_s = 0.005
    answer = ask(qtbot, window, QUESTION)
    assert answer.status is AnswerStatus.ANSWERED
    shown = window.chat_panel.transcript.toPlainText()
    assert "ExpiresByType image/gif A2592000" in shown and QUESTION in shown
    assert "cite:0-2" in window.chat_panel.transcript.toMarkdown()

    # Click [2]: source 2 is selected and shown in the viewer.
    window.chat_panel.transcript.anchorClicked.emit(QUrl("cite:0-2"))
    assert window.side_tabs.currentWidget() is window.sources
    cards = window.sources.cards.cards
    assert [c.property("selected") for c in cards[:2]] == [False, True]
    qtbot.waitUntil(lambda: window.sources.viewer.shown == answer.sources[1], timeout=20_000)

    # Details and inspector are filled.
    assert window.details.value_text("model")
    assert window.inspector.table.rowCount() >= len(answer.sources)
    assert "[1]" in window.inspector.prompt.toPlainText()

    # Stop mid-answer with Esc: the partial answer is kept and marked.
    fake_ollama.reply = " ".join(["word"] * 300) + " [1]."
    fake_ollama.token_delay_s = 0.03
    box = window.chat_panel.question
    qtbot.keyClicks(box, "Tell me everything about caching images")
    with qtbot.waitSignal(window.chat.token, timeout=30_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.chat.answered, timeout=10_000) as stopped:
        qtbot.keyClick(window.chat_panel, Qt.Key.Key_Escape)
    partial = stopped.args[0]
    assert partial.incomplete and 0 < len(partial.text.split()) < 300
    assert "stopped" in window.chat_panel.transcript.toPlainText().lower()

    # Ollama goes away: the banner explains, and answers fall back to the passages. The probe has
    # just talked to it, so its kept-alive connections are still open when the server stops.
    with qtbot.waitSignal(window.services.ollama_changed, timeout=10_000):
        window.services.check_ollama()
    assert window.services.ollama_state.running
    fake_ollama.stop()
    window.services.check_ollama()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert "not running" in window.banner.text.text() and "ollama serve" in window.banner.text.text()
    fallback = ask(qtbot, window, QUESTION)
    assert fallback.status is AnswerStatus.EXTRACTIVE
    assert "No language model was used" in window.chat_panel.transcript.toPlainText()


def test_first_run_without_ollama_shows_welcome_and_banner(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window("http://127.0.0.1:9")  # nothing listens on the discard port
    assert window.chat_stack.currentWidget() is window.welcome
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15_000)
    assert "search-only" in window.banner.text.text()
    assert "not running" in window._status.ollama.text().lower()


def test_conversations_are_kept_across_restarts(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, tmp_path: Path
) -> None:
    first = open_window("http://127.0.0.1:9", tmp_path / "data")
    first.indexing.add_folder(str(docs))
    wait_indexed(qtbot, first, files=5)
    ask(qtbot, first, QUESTION)
    qtbot.waitUntil(lambda: first.conversations.list.count() == 1, timeout=10_000)
    first.close()

    second = open_window("http://127.0.0.1:9", tmp_path / "data")
    qtbot.waitUntil(lambda: second.conversations.list.count() == 1, timeout=10_000)
    item = second.conversations.list.item(0)
    assert QUESTION in item.text()
    with qtbot.waitSignal(second.chat.conversation_opened, timeout=10_000):
        second.conversations.list.itemClicked.emit(item)
    assert QUESTION in second.chat_panel.transcript.toPlainText()
    assert len(second.sources.cards.cards) == len(second.chat.answers[0].sources) > 0


def test_a_broken_data_dir_gives_a_message_not_a_traceback(
    qtbot: QtBot, tmp_path: Path, embedder: Any
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data dir should be")
    services = AppServices(blocked, Settings(), embedder=embedder)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(services.workspace_failed, timeout=30_000) as failed:
        services.start()
    text = window.chat_panel.notice.text()
    assert str(failed.args[0]) in text and "Traceback" not in text
    assert not window.chat_panel.question.isEnabled()


def test_wrong_settings_are_shown_above_the_chat(qtbot: QtBot, tmp_path: Path, embedder: Any) -> None:
    from kenning.core.settings_file import read_settings

    path = tmp_path / "settings.toml"
    path.write_text('[index]\nmax_file_mb = "50"\n', encoding="utf-8")
    loaded = read_settings(path)
    window = MainWindow(AppServices(tmp_path / "data", loaded.settings, embedder=embedder))
    qtbot.addWidget(window)
    window.show()
    window.show_settings_issues([i.message for i in loaded.issues])
    assert window.settings_notice.isVisible()
    assert 'index.max_file_mb = "50"' in window.settings_notice.text()
    assert "using the default (50.0)" in window.settings_notice.text()


def test_new_chat_and_delete_while_an_answer_streams_leave_the_new_chat_alone(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = REPLY
    window = open_window(fake_ollama.url)
    window.indexing.add_folder(str(docs))
    wait_indexed(qtbot, window, files=5)
    qtbot.waitUntil(lambda: window.services.ollama_state.running, timeout=10_000)
    ask(qtbot, window, QUESTION)
    qtbot.waitUntil(lambda: window.chat.conversation_id is not None, timeout=30_000)
    first_id = window.chat.conversation_id
    assert first_id is not None
    store = window.services.conversations()

    def hold_after_the_rewrite() -> None:  # a follow-up is first rewritten (one chat), then answered
        fake_ollama.hold_from_chat = sum(1 for r in fake_ollama.requests if r.path == "/api/chat") + 1

    fake_ollama.hold_after_chunks = 2  # the next answer streams two words, then waits
    hold_after_the_rewrite()
    with qtbot.waitSignal(window.chat.token, timeout=60_000):
        window.chat_panel.ask.emit("And for PNG images?")
    window.chat.new_chat()
    fake_ollama.release.set()
    # The stopped answer lands in its own conversation; the new chat stays empty and unsaved.
    qtbot.waitUntil(lambda: len(store.turns(first_id)) == 2, timeout=30_000)
    qtbot.waitUntil(lambda: window.services.readers.busy == 0, timeout=30_000)
    assert window.chat.conversation_id is None and window.chat.answers == []
    assert "PNG" not in window.chat_panel.transcript.toPlainText()

    # Deleting the conversation whose answer streams: nothing is stored, no error is shown.
    fake_ollama.release.clear()
    fake_ollama.hold_from_chat = 10**6  # the first question of the new chat is not held
    failures: list[object] = []
    window.chat.failed.connect(failures.append)
    with qtbot.waitSignal(window.chat.answered, timeout=60_000):
        window.chat_panel.ask.emit(QUESTION)
    fake_ollama.release.set()
    qtbot.waitUntil(lambda: window.chat.conversation_id is not None, timeout=30_000)
    second_id = window.chat.conversation_id
    fake_ollama.release.clear()
    hold_after_the_rewrite()
    with qtbot.waitSignal(window.chat.token, timeout=60_000):
        window.chat_panel.ask.emit("And for JPEG images?")
    window.chat.delete_conversation(second_id)
    fake_ollama.release.set()
    qtbot.waitUntil(lambda: window.services.readers.busy == 0, timeout=30_000)
    assert [c.id for c in store.recent()] == [first_id]
    assert failures == [] and window.chat.conversation_id is None


def test_a_remote_ollama_that_wants_a_token_says_so_in_the_banner(
    qtbot: QtBot, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    import keyring.backends.null

    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.null.Keyring)  # no token anywhere
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    guarded = FakeOllama(require_token="team-secret").start()
    try:
        window = open_window(guarded.url)
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15_000)
        text = window.banner.text.text()
        assert f"Ollama at {guarded.url} needs an access token: set it in Settings › Ollama." in text
        assert "not running" not in text and "ollama serve" not in text
    finally:
        guarded.stop()
