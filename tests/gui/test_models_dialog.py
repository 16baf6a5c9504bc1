"""The models dialog against the fake Ollama: list, pull with progress, cancel, errors, saving."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from kenning.core.settings import OllamaSettings, Settings
from kenning.core.settings_file import load_settings
from kenning.ui.models_dialog import ModelsDialog


def _dialog(qtbot, runner, host: str, tmp_path: Path) -> ModelsDialog:  # type: ignore[no-untyped-def]
    settings = Settings(ollama=OllamaSettings(host=host))
    dialog = ModelsDialog(settings, runner, settings_path=tmp_path / "settings.toml")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_lists_the_installed_models(qtbot, task_runner, fake_ollama, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, fake_ollama.url, tmp_path)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    cells = [dialog.table.item(0, col).text() for col in range(dialog.table.columnCount())]
    assert cells == ["llama3.2:latest", "2.02 GB", "llama", "3.2B", "Q4_K_M", "128k"]
    assert dialog.list_status.text() == "1 model installed"
    assert dialog.error_label.isHidden()


def test_pull_shows_progress_and_cancel_stops_it(qtbot, task_runner, fake_ollama, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_ollama.pull_step_bytes = 5_000_000
    fake_ollama.pull_delay_s = 0.02
    dialog = _dialog(qtbot, task_runner, fake_ollama.url, tmp_path)
    box = dialog.pull_box
    box.name.setCurrentText("qwen2.5:0.5b")
    qtbot.mouseClick(box.pull_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.progress.value() > 0)
    assert "of 398 MB" in box.status.text()
    assert box.cancel_button.isVisible()
    qtbot.mouseClick(box.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.pull_button.isVisible())
    assert box.status.text() == "Download of qwen2.5:0.5b cancelled."
    assert not box.progress.isVisible()
    assert fake_ollama.installed("qwen2.5:0.5b") is None
    assert fake_ollama.client_gone.wait(5)


def test_a_finished_pull_lists_the_model(qtbot, task_runner, fake_ollama, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, fake_ollama.url, tmp_path)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.pull_box.name.setCurrentText("qwen2.5:0.5b")
    with qtbot.waitSignal(dialog.pull_box.pulled, timeout=10_000) as pulled:
        qtbot.mouseClick(dialog.pull_box.pull_button, Qt.MouseButton.LeftButton)
    assert pulled.args == ["qwen2.5:0.5b"]
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert dialog.pull_box.status.text() == "qwen2.5:0.5b is installed."


def test_unknown_model_pull_shows_ollamas_message(qtbot, task_runner, fake_ollama, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, fake_ollama.url, tmp_path)
    dialog.pull_box.name.setCurrentText("no-such-model")
    qtbot.mouseClick(dialog.pull_box.pull_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert "file does not exist" in dialog.error_label.text()
    assert dialog.pull_box.pull_button.isVisible()


def test_ollama_down_shows_the_message_and_next_step(qtbot, task_runner, fake_ollama, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = fake_ollama.url
    fake_ollama.stop()
    dialog = _dialog(qtbot, task_runner, url, tmp_path)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    text = dialog.error_label.text()
    assert "Ollama is not running at" in text
    assert "ollama serve" in text
    assert dialog.table.rowCount() == 0
    assert dialog.refresh_button.isEnabled()


def test_ok_saves_model_device_and_context(qtbot, task_runner, fake_ollama, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, fake_ollama.url, tmp_path)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.table.selectRow(0)
    dialog.default_model.setCurrentText("llama3.2:latest")
    dialog.device.setCurrentIndex(dialog.device.findData(0))
    dialog.context.setValue(8192)
    assert "trained for up to 128k tokens" in dialog.context_hint.text()
    with qtbot.waitSignal(dialog.settings_changed) as changed:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    saved = changed.args[0]
    assert (saved.ollama.model, saved.ollama.num_gpu, saved.ollama.num_ctx) == ("llama3.2:latest", 0, 8192)
    assert load_settings(tmp_path / "settings.toml").ollama == saved.ollama
    assert saved.ollama.host == fake_ollama.url


def test_a_remote_ollama_behind_a_token_lists_and_pulls_with_the_keyring_token(  # type: ignore[no-untyped-def]
    qtbot, task_runner, tmp_path, monkeypatch
) -> None:
    import keyring
    import keyring.backends.null
    from tests.fakes.fake_ollama import FakeOllama

    from kenning.core.secrets import SecretStore, token_secret_name
    from kenning.ui.dialog_launcher import client_factory

    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.null.Keyring)  # session-only secrets
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    guarded = FakeOllama(require_token="team-secret").start()  # a second Ollama, on its own port
    try:
        secrets = SecretStore()
        settings = Settings(ollama=OllamaSettings(host=guarded.url))
        saved = tmp_path / "settings.toml"
        refused = ModelsDialog(settings, task_runner, client_factory(secrets), settings_path=saved)
        qtbot.addWidget(refused)
        refused.show()
        qtbot.waitUntil(lambda: refused.error_label.isVisible())
        assert "needs an access token: set it in Settings › Ollama" in refused.error_label.text()

        secrets.set(token_secret_name(guarded.url), "team-secret")
        guarded.requests.clear()
        dialog = ModelsDialog(settings, task_runner, client_factory(secrets), settings_path=saved)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
        dialog.pull_box.name.setCurrentText("qwen2.5:0.5b")
        with qtbot.waitSignal(dialog.pull_box.pulled, timeout=10_000):
            qtbot.mouseClick(dialog.pull_box.pull_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
        assert {"/api/tags", "/api/show", "/api/pull"} <= {r.path for r in guarded.requests}
        assert {r.headers.get("authorization") for r in guarded.requests} == {"Bearer team-secret"}
    finally:
        guarded.stop()
