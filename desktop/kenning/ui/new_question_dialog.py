""" "New question…" in the Evaluate tab: a test-set line written by hand, without a model.

The user types the question and picks the file that answers it from the indexed files (typing
filters the list), with the page and a few words of the right passage when they know them; or marks
it as a question the documents do not answer.

Signals:
    submitted(dict): the line to add (see `kenning.core.evaluate.set_rows.manual_row`).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kenning.core.evaluate.set_rows import ANSWERABLE, NotAddable, manual_row, relative_source
from kenning.core.evaluate.test_set import UNANSWERABLE
from kenning.ui.alive import while_alive
from kenning.ui.services import AppServices


class NewQuestionDialog(QDialog):
    submitted = Signal(object)

    def __init__(self, services: AppServices, target: str, parent: QWidget | None = None) -> None:
        """`target`: the test set the question goes into, as the user should read it."""
        super().__init__(parent)
        self.setWindowTitle("New test question — Kenning")
        self.setMinimumWidth(560)
        self.question = QLineEdit()
        self.question.setPlaceholderText("What would a person ask?")
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._source_text().setPlaceholderText("Reading the indexed files…")
        self.page = QSpinBox()
        self.page.setRange(0, 100_000)
        self.page.setSpecialValueText("—")  # 0: no page (files without pages, or any page)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("Words the right passage holds, copied from it (optional)")
        self.unanswerable = QCheckBox("My documents do not answer this: Kenning should say so")
        self.unanswerable.toggled.connect(self._on_unanswerable)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton("Add to test set", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Question", self.question)
        form.addRow("Answered in", self.source)
        form.addRow("Page", self.page)
        form.addRow("Evidence", self.evidence)
        form.addRow("", self.unanswerable)
        where = QLabel(f"The question goes into the test set {target}.")
        where.setProperty("role", "muted")
        where.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._load_files(services)

    def _load_files(self, services: AppServices) -> None:
        workspace = services.workspace
        if workspace is None:
            return

        def work(cancel: threading.Event) -> list[str]:
            records = workspace.store.file_records().values()
            return sorted({relative_source(r.path, [r.root]) for r in records if r.chunks})

        services.readers.submit("indexed files", work, on_done=while_alive(self, self.show_files))

    def show_files(self, sources: list[str]) -> None:
        typed = self.source.currentText()
        self.source.clear()
        self.source.addItems(sources)
        self.source.setEditText(typed)
        completer = QCompleter(sources, self.source)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.source.setCompleter(completer)
        self._source_text().setPlaceholderText(
            f"Pick or type one of {len(sources)} indexed files" if sources else "No file is indexed yet"
        )

    def _source_text(self) -> QLineEdit:
        line = self.source.lineEdit()
        assert line is not None  # the combo box is editable
        return line

    def _on_unanswerable(self, checked: bool) -> None:
        for widget in (self.source, self.page, self.evidence):
            widget.setEnabled(not checked)

    def accept(self) -> None:
        try:
            row = manual_row(
                self.question.text(),
                self.source.currentText().strip(),
                page=self.page.value() or None,
                evidence=self.evidence.text(),
                kind=UNANSWERABLE if self.unanswerable.isChecked() else ANSWERABLE,
            )
        except NotAddable as exc:
            self.error.setText(f"{exc.message} {exc.next_step}".strip())
            self.error.show()
            return
        self.submitted.emit(row)
        super().accept()
