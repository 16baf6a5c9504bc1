"""The files of one folder that could not be indexed, each with its reason, and a way to retry."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kenning.core.domain.documents import FileIssue


class ProblemsDialog(QDialog):
    """Signals:
    retry_requested(list[str]): the chosen files (all when none is selected) should be read again.
    health_requested(): show every file and its state (the index health view).
    """

    retry_requested = Signal(object)
    health_requested = Signal()

    def __init__(self, folder: str, problems: Sequence[FileIssue], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Files with problems — Kenning")
        self.resize(760, 420)
        self._problems = list(problems)
        intro = QLabel(
            f"{len(problems)} file(s) in {folder} were not indexed. Fix the file (or close the app that"
            " holds it) and press Retry.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(problems), 2, self)
        self.table.setHorizontalHeaderLabels(("File", "Reason"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, issue in enumerate(problems):
            name = QTableWidgetItem(issue.path.removeprefix(folder).lstrip("/\\") or issue.path)
            name.setToolTip(issue.path)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(issue.reason))
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        retry = buttons.addButton("Retry", QDialogButtonBox.ButtonRole.ActionRole)
        retry.clicked.connect(self._on_retry)
        every_file = buttons.addButton("All files…", QDialogButtonBox.ButtonRole.ActionRole)
        every_file.setToolTip("Every file and its state: searchable, skipped (why), failed")
        every_file.clicked.connect(self.health_requested.emit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _on_retry(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        chosen = [self._problems[r].path for r in rows] or [p.path for p in self._problems]
        self.retry_requested.emit(chosen)
        self.accept()
