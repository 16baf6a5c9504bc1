"""The question field: Enter sends, Shift+Enter starts a new line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class QuestionBox(QPlainTextEdit):
    """Signals:
    submitted(str): Enter was pressed with a non-empty question.
    """

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Ask about your documents…  (Enter sends, Shift+Enter for a new line)")
        self.setTabChangesFocus(True)
        self.setAccessibleName("Question")
        metrics = self.fontMetrics()
        self.setFixedHeight(metrics.lineSpacing() * 3 + 16)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            text = self.toPlainText().strip()
            if text:
                self.submitted.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)
