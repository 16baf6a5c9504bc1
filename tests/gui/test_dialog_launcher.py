"""The main window's dialogs open from real services and what they save is used at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QMainWindow

from kenning.core.settings import Settings
from kenning.ui.dialog_launcher import open_about_dialog, open_settings_dialog
from kenning.ui.services import AppServices
from kenning.ui.settings_dialog import SettingsDialog


class _Window(QMainWindow):
    """The part of MainWindow the launcher uses: `services`, a status bar, and the index hand-over."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.services = AppServices(data_dir, Settings(), self)
        self.index_settings: list[Settings] = []

    def apply_index_settings(self, settings: Settings) -> None:
        self.index_settings.append(settings)


def test_saved_settings_are_applied_and_index_changes_handed_to_a_rebuild(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = _Window(tmp_path / "data")
    qtbot.addWidget(window)
    window.show()
    open_settings_dialog(window, window.services, window.apply_index_settings)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.token.isEnabled())
    dialog.editors[("answer", "k")].set_value(5)
    dialog.editors[("chunking", "target_tokens")].set_value(300)
    with qtbot.waitSignal(dialog.settings_changed):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.services.settings.answer.k == 5  # used at once
    # Chunking shapes the index: the live one keeps its own until the rebuild swaps in.
    assert window.services.settings.chunking.target_tokens == 200
    assert [s.chunking.target_tokens for s in window.index_settings] == [300]
    qtbot.waitUntil(lambda: window.findChild(SettingsDialog) is None)  # deleted once closed
    open_about_dialog(window, window.services)
    assert window.services.readers.shutdown(10_000)
