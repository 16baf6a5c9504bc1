"""The main window's dialogs open from real services and what they save is used at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QMainWindow

from kenning.core.settings import Settings
from kenning.ui.dialog_launcher import open_about_dialog, open_settings_dialog
from kenning.ui.services import AppServices
from kenning.ui.settings_dialog import SettingsDialog


class _Window(QMainWindow):
    """The part of MainWindow the launcher uses: `services` and a status bar."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.services = AppServices(data_dir, Settings(), self)


def test_saved_settings_are_applied_and_restart_is_announced(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = _Window(tmp_path / "data")
    qtbot.addWidget(window)
    window.show()
    open_settings_dialog(window)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.token.isEnabled())
    dialog.editors[("answer", "k")].set_value(5)
    dialog.editors[("chunking", "target_tokens")].set_value(300)
    with qtbot.waitSignal(dialog.settings_changed):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.services.settings.answer.k == 5
    assert "apply when Kenning starts again" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.findChild(SettingsDialog) is None)  # deleted once closed
    open_about_dialog(window)
    assert window.services.readers.shutdown(10_000)
