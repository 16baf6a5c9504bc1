"""Without a keyring, a token the user typed is kept for the whole session, across reopened indexes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama

from kenning.core.secrets import token_secret_name
from kenning.core.settings import Settings
from kenning.ui.dialog_launcher import _secrets
from kenning.ui.services import AppServices

TOKEN = "session-only-token"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


def test_a_session_only_token_survives_a_replaced_workspace(
    qtbot: QtBot, tmp_path: Path, embedder: Any, fake_ollama: FakeOllama, no_keyring: None
) -> None:
    settings = Settings()
    settings.ollama.host = fake_ollama.url
    owner = QWidget()  # the services live as long as their window, as in the app
    qtbot.addWidget(owner)
    services = AppServices(tmp_path / "data", settings, owner, embedder=embedder)
    with qtbot.waitSignal(services.ollama_changed, timeout=60_000):
        services.start()
    store = _secrets(services)  # what the settings dialog saves the token into
    assert not store.persistent
    store.set(token_secret_name(fake_ollama.url), TOKEN)

    changed = Settings()
    changed.ollama.host = fake_ollama.url
    changed.answer.k = 5  # any saved change that reopens the index
    old = services.workspace
    assert old is not None
    with qtbot.waitSignal(services.ollama_changed, timeout=60_000):
        services.replace_workspace(changed)

    assert fake_ollama.last("/api/tags").headers.get("authorization") == f"Bearer {TOKEN}"
    assert services.shutdown()
    old.close()
