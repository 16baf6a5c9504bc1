"""Settings › Service: the switch starts `kenning serve --mcp` as a child of the app, and the
official `openai` client reaches it with the token the dialog shows; off stops it for real."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.null
import openai
import pytest
from pytestqt.qtbot import QtBot
from tests.helpers.served import kenning_env

from kenning import paths
from kenning.core.secrets import SecretStore
from kenning.core.settings import Settings
from kenning.core.settings_file import read_settings, save_settings
from kenning.ui.main_window import MainWindow
from kenning.ui.service_process import ServiceController
from kenning.ui.services import AppServices
from kenning.ui.settings_dialog import SettingsDialog
from kenning.ui.tasks import TaskRunner

pytestmark = pytest.mark.slow

START_MS = 300_000  # the child loads the embedding model before it listens (slow on a busy machine)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.fixture
def dialog(
    qtbot: QtBot, tmp_path: Path, task_runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SettingsDialog]:
    # The child runs this checkout's code; no keyring anywhere (the token lives in the session only).
    for name in ("PYTHONPATH", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.setenv(name, kenning_env()[name])
    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.null.Keyring)
    saved = Settings()
    saved.ollama.model = "team-model"  # the child must read the app's settings: /v1/models shows it
    save_settings(saved, paths.settings_file())
    settings = read_settings(paths.settings_file()).settings
    service = ServiceController(tmp_path / "data", SecretStore(), task_runner, lambda: settings)
    dialog = SettingsDialog(settings, task_runner, secrets=SecretStore(), service=service)
    qtbot.addWidget(dialog)
    yield dialog
    service.shutdown()
    assert service.state.phase == "stopped"


def test_the_switch_serves_the_openai_api_with_the_shown_token_and_off_stops_it(
    qtbot: QtBot, dialog: SettingsDialog, tmp_path: Path
) -> None:
    section = dialog.service_section
    assert section is not None and not section.toggle.isChecked()  # off by default
    qtbot.waitUntil(lambda: bool(section.token.text()))
    token = section.token.text()
    port = free_port()
    section.port.setValue(port)
    assert section.openai_url.text() == f"http://127.0.0.1:{port}/v1"
    assert section.mcp_url.text() == f"http://127.0.0.1:{port}/mcp"

    section.toggle.click()
    assert section.state.text().startswith("Starting")
    qtbot.waitUntil(lambda: section.state.text().startswith(("● Serving", "Failed")), timeout=START_MS)
    assert section.state.text() == f"● Serving at http://127.0.0.1:{port}/v1 and http://127.0.0.1:{port}/mcp"
    assert read_settings(paths.settings_file()).settings.service.enabled  # remembered for the next start
    assert (tmp_path / "data" / "logs").is_dir()  # the child works in the app's data dir

    base_url = section.openai_url.text()
    api = openai.OpenAI(base_url=base_url, api_key=token, max_retries=0)
    assert [m.id for m in api.models.list()] == ["kenning", "team-model"]
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base_url, api_key="not-the-token", max_retries=0).models.list()

    section.toggle.click()
    qtbot.waitUntil(lambda: section.state.text() == "Stopped", timeout=30_000)
    assert refuses_connections(port)
    assert not read_settings(paths.settings_file()).settings.service.enabled


def test_a_port_in_use_fails_with_the_reason_at_once_and_no_child(
    qtbot: QtBot, dialog: SettingsDialog
) -> None:
    section = dialog.service_section
    assert section is not None
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        section.port.setValue(port)
        section.toggle.click()
        qtbot.waitUntil(lambda: section.state.text().startswith("Failed"))
    assert f"Port {port} on 127.0.0.1 is in use" in section.state.text()
    assert section.port.isEnabled()  # the user can pick another port and turn it on again


def test_the_app_starts_the_service_when_the_setting_is_on_and_ends_it_when_it_closes(
    qtbot: QtBot, tmp_path: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PYTHONPATH", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.setenv(name, kenning_env()[name])
    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.null.Keyring)
    settings = Settings()
    settings.service.enabled, settings.service.port = True, free_port()
    settings.ollama.host = "http://127.0.0.1:9"  # no Ollama: the service searches all the same
    window = MainWindow(AppServices(tmp_path / "data", settings, embedder=embedder))
    qtbot.addWidget(window)
    window.show()
    window.services.start()
    port = settings.service.port
    status = window._status.service
    qtbot.waitUntil(lambda: status.text().startswith(("● Service", "⚠")), timeout=START_MS)
    assert status.isVisible() and status.text() == f"● Service at http://127.0.0.1:{port}/v1"
    socket.create_connection(("127.0.0.1", port), timeout=10).close()

    window.close()
    assert refuses_connections(port)  # closing the window waited for the service to end
