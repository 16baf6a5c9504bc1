"""An inline error line: one short message and its next step, hidden until there is something to say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kenning.ui.error_text import describe


class ErrorBanner(QLabel):
    """Shows `describe(exc)` (never a traceback) or a given text; styled by the theme's "error" role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, exc: BaseException) -> None:
        text = describe(exc)
        self.show_text(f"{text.message}\n{text.next_step}".strip())

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.show()


def settings_issues_text(messages: list[str]) -> str:
    lines = "\n".join(f"• {m}" for m in messages)
    return (
        f"Some settings in your settings file were not used:\n{lines}\n"
        "Fix them in the file, or open Settings and save to replace them."
    )
