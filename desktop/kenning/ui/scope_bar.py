"""The active scope above the question box: one removable chip per part, and a Scope… picker."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from kenning.core.search.scope import Scope

_KIND_LABELS = {"folder": "Folder", "type": "Type", "since": "Since", "until": "Until", "doc": "Only"}


def chip_text(kind: str, value: str) -> str:
    shown = value
    if kind == "folder":
        shown = os.path.basename(value.rstrip(os.sep)) or value
    elif kind == "doc":
        shown = os.path.basename(value)
    elif kind == "type":
        shown = value.lstrip(".")
    return f"{_KIND_LABELS[kind]}: {shown}  ✕"


class ScopeBar(QWidget):
    """Signals:
    changed(Scope): the scope was narrowed or widened (a chip removed, the picker accepted).
    """

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scope = Scope()
        self.chips: list[QToolButton] = []
        self._label = QLabel("All documents", self)
        self._label.setProperty("role", "muted")
        self.pick_button = QPushButton("Scope…", self)
        self.pick_button.setToolTip("Ask and search only some folders, file types or dates")
        self.pick_button.clicked.connect(self._on_pick)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._label)
        self._layout.addStretch(1)
        self._layout.addWidget(self.pick_button)

    @property
    def scope(self) -> Scope:
        return self._scope

    def set_scope(self, scope: Scope) -> None:
        if scope == self._scope:
            return
        self._scope = scope
        self._render()
        self.changed.emit(scope)

    def only_documents(self, paths: list[str]) -> None:
        """Ask only these documents (a source card's or the health view's request)."""
        self.set_scope(Scope.of(documents=paths))

    def _render(self) -> None:
        for chip in self.chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        parts = self._scope.parts()
        self._label.setText("Asking only:" if parts else "All documents")
        for position, (kind, value) in enumerate(parts, start=1):
            chip = QToolButton(self)
            chip.setText(chip_text(kind, value))
            chip.setToolTip(f"{value}\nClick to remove this limit")
            chip.setAccessibleName(f"Remove scope {kind} {value}")
            chip.setProperty("chip", True)
            chip.clicked.connect(lambda _=False, k=kind, v=value: self.set_scope(self._scope.without(k, v)))
            self._layout.insertWidget(position, chip)
            self.chips.append(chip)

    def _on_pick(self) -> None:
        dialog = ScopeDialog(self._scope, self)
        dialog.accepted.connect(lambda: self.set_scope(dialog.scope()))
        dialog.open()


class ScopeDialog(QDialog):
    """Folders, file types and a modified-date range; named documents are kept as they are."""

    def __init__(self, scope: Scope, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scope — Kenning")
        self._documents = scope.documents
        self.folders = QLineEdit(", ".join(f.rstrip(os.sep) for f in scope.folders), self)
        self.folders.setPlaceholderText("any folder")
        browse = QPushButton("Add folder…", self)
        browse.clicked.connect(self._on_browse)
        self.types = QLineEdit(", ".join(t.lstrip(".") for t in scope.file_types), self)
        self.types.setPlaceholderText("any type, e.g. pdf, md")
        self.since_on, self.since = self._date_row(scope.since)
        self.until_on, self.until = self._date_row(scope.until)
        form = QFormLayout(self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folders, 1)
        folder_row.addWidget(browse)
        form.addRow("Folders", folder_row)
        form.addRow("File types", self.types)
        form.addRow(self._pair(self.since_on, self.since))
        form.addRow(self._pair(self.until_on, self.until))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _date_row(self, day: date | None) -> tuple[QCheckBox, QDateEdit]:
        label = "Modified since" if not hasattr(self, "since") else "Modified until"
        check = QCheckBox(label, self)
        check.setChecked(day is not None)
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(QDate(day.year, day.month, day.day) if day else QDate.currentDate())
        return check, edit

    def _pair(self, check: QCheckBox, edit: QDateEdit) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(check)
        row.addWidget(edit, 1)
        return box

    def _on_browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Ask only this folder")
        if folder:
            current = self.folders.text().strip()
            self.folders.setText(f"{current}, {folder}" if current else folder)

    def scope(self) -> Scope:
        def day(check: QCheckBox, edit: QDateEdit) -> date | None:
            value = edit.date().toPython()
            return value if check.isChecked() and isinstance(value, date) else None

        split = [f.strip() for f in self.folders.text().split(",")]
        picked = Scope.of(
            [f for f in split if f],
            [t.strip() for t in self.types.text().split(",") if t.strip()],
            since=day(self.since_on, self.since),
            until=day(self.until_on, self.until),
        )
        return replace(picked, documents=self._documents)
