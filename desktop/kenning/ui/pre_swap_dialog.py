"""After a rebuild, when the test set got worse on the new index: both runs side by side, and the
user decides whether to switch.

Signals:
    chosen(bool): True to switch to the rebuilt index, False to keep the current one.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from kenning.core.evaluate.pre_swap import PreSwapCheck
from kenning.ui.evaluate_details import comparison_html


class PreSwapDialog(QDialog):
    chosen = Signal(bool)

    def __init__(self, check: PreSwapCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Switch to the rebuilt index? — Kenning")
        worse = ", ".join(check.worse_figures)
        summary = QLabel(
            f"Your test set did worse on the rebuilt index ({worse})."
            if worse
            else "Your test set did as well or better on the rebuilt index."
        )
        summary.setWordWrap(True)
        self.details = QTextBrowser()
        self.details.setHtml(comparison_html(check.live, check.rebuilt))
        buttons = QDialogButtonBox()
        self.switch = buttons.addButton("Switch to the rebuilt index", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep = buttons.addButton("Keep the current index", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)
        self.finished.connect(lambda result: self.chosen.emit(result == QDialog.DialogCode.Accepted))
