"""The About box shows Kenning's version and what it runs on, Ollama's version included."""

from __future__ import annotations

import importlib.metadata

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication

import kenning
from kenning.core.settings import OllamaSettings, Settings
from kenning.ui.about_dialog import AboutDialog


def test_about_shows_versions_and_ollama(qtbot, task_runner, fake_ollama) -> None:  # type: ignore[no-untyped-def]
    dialog = AboutDialog(Settings(ollama=OllamaSettings(host=fake_ollama.url)), task_runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.values["Ollama"].text().startswith("0.12.6"))
    qtbot.waitUntil(lambda: dialog.values["PyTorch"].text() != "…")
    assert dialog.values["Qt"].text() == qVersion()
    assert dialog.values["PyTorch"].text() == importlib.metadata.version("torch")
    assert dialog.values["LanceDB"].text() == importlib.metadata.version("lancedb")
    assert dialog.values["Embedding model"].text() == "all-MiniLM-L6-v2"
    details = dialog.details_text()
    assert details.startswith(f"Kenning {kenning.__version__}\n")
    assert f"Ollama: 0.12.6 at {fake_ollama.url}" in details
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == details


def test_about_says_when_ollama_is_not_running(qtbot, task_runner, fake_ollama) -> None:  # type: ignore[no-untyped-def]
    url = fake_ollama.url
    fake_ollama.stop()
    dialog = AboutDialog(Settings(ollama=OllamaSettings(host=url)), task_runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.values["Ollama"].text().startswith("not running"))
    assert url in dialog.values["Ollama"].text()
