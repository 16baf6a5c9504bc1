"""The question asked when the index cannot be read: rebuild it from the user's files, or not now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from kenning.ui.error_text import UserMessage


def ask_to_rebuild(parent: QWidget, message: UserMessage, rebuild: Callable[[], None]) -> QMessageBox:
    """Open (non-blocking) the box; `rebuild` runs only when the user picks it."""
    box = QMessageBox(parent)
    box.setWindowTitle("The index needs rebuilding — Kenning")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setText(message.message)
    box.setInformativeText(
        "Kenning can set it aside and index your folders again from the files (nothing in your"
        " folders is changed). Until then, searching and answering are not possible."
    )
    chosen = box.addButton("Rebuild from my files", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
    box.buttonClicked.connect(lambda button: rebuild() if button is chosen else None)
    box.open()
    return box
