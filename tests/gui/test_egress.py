"""The window, driven through a whole session, connects to nothing but the configured Ollama host,
and never through a proxy, though every proxy variable points at a listening trap."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama
from tests.gui.test_main_window import QUESTION, REPLY, SAMPLE_DOCS, ask, wait_indexed
from tests.helpers.egress import ProxyTrap, guard, unexpected

from kenning.core.domain.answers import AnswerStatus
from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> Iterator[ProxyTrap]:
    trap = ProxyTrap()
    for name, value in trap.env().items():
        monkeypatch.setenv(name, value)
    yield trap
    trap.close()


def test_a_whole_session_talks_only_to_ollama_and_never_through_a_proxy(
    qtbot: QtBot, tmp_path: Path, embedder: Any, fake_ollama: FakeOllama, trap: ProxyTrap
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS, docs)
    settings = Settings()
    settings.ollama.host = fake_ollama.url
    settings.ollama.model = "llama3.2"
    fake_ollama.reply = REPLY
    with guard() as seen:
        services = AppServices(tmp_path / "data", settings, embedder=embedder)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(services.workspace_ready, timeout=60_000):
            services.start()

        window.indexing.add_folder(str(docs))  # add a folder and index it
        wait_indexed(qtbot, window, files=5)
        qtbot.waitUntil(lambda: window.services.ollama_state.running or trap.visits > 0, timeout=10_000)
        assert trap.visits == 0, "Ollama's version check went to HTTP(S)_PROXY"
        answer = ask(qtbot, window, QUESTION)  # ask
        assert answer.status is AnswerStatus.ANSWERED
        window.chat_panel.transcript.anchorClicked.emit(QUrl("cite:0-1"))  # open a source
        qtbot.waitUntil(lambda: window.sources.viewer.shown == answer.sources[0], timeout=20_000)
        window.modes.setCurrentIndex(2)  # the dashboard
        qtbot.waitUntil(
            lambda: window.dashboard is not None and window.dashboard.answers.value.text() == "1",
            timeout=20_000,
        )
        window.close()
    assert trap.close() == 0, "a request to Ollama on this machine went to HTTP(S)_PROXY"
    ollama_port = int(fake_ollama.url.rsplit(":", 1)[1])
    assert any(port == ollama_port for kind, _, port in seen if kind == "connect")
    assert unexpected(seen, {ollama_port}) == []
