"""Why these passages: every retrieved chunk with its vector, full-text and fused scores, whether it
reached the prompt, and the exact prompt the model was sent."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kenning.core.domain.answers import Answer
from kenning.core.domain.documents import Hit

COLUMNS = ("#", "File", "Page", "Fused", "Vector", "Full text", "In prompt", "Flags")


def _number(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def prompt_text(messages: Sequence[dict[str, str]]) -> str:
    return "\n\n".join(f"── {m.get('role', '?')} ──\n{m.get('content', '')}" for m in messages)


class InspectorPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Ask a question to see what retrieval found.", self)
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setReadOnly(True)
        self.prompt.setPlaceholderText("The exact prompt sent to the model appears here.")
        self.prompt.setAccessibleName("Prompt sent to the model")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.prompt)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_retrieval(self, hits: Sequence[Hit], answer: Answer | None = None) -> None:
        in_prompt = {h.chunk_id or (h.path, h.start) for h in (answer.sources if answer else [])}
        excluded = {h.chunk_id or (h.path, h.start) for h in (answer.excluded if answer else [])}
        self.table.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            key = hit.chunk_id or (hit.path, hit.start)
            reached = "✓" if key in in_prompt else ("—" if answer and answer.prompt_messages else "")
            values = (
                str(hit.rank),
                os.path.basename(hit.path),
                str(hit.page or ""),
                _number(hit.score, 4),
                _number(hit.vector_score, 3),
                _number(hit.text_score, 2),
                "left out" if key in excluded else reached,
                "; ".join(f"{f.reason}: {f.span}" for f in hit.flags),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 1:
                    item.setToolTip(hit.path)
                if column == len(values) - 1 and hit.flags:
                    item.setToolTip("Looks written to instruct the model, not to inform you.")
                self.table.setItem(row, column, item)
        used = len(answer.sources) if answer and answer.prompt_messages else 0
        self.summary.setText(
            f"{len(hits)} passages retrieved"
            + (f"; {used} reached the prompt." if used else ".")
            + (
                f"  Searched for: “{answer.standalone_query}”"
                if answer and answer.standalone_query and answer.standalone_query != answer.question
                else ""
            )
        )
        if answer is not None:
            self.prompt.setPlainText(
                prompt_text(answer.prompt_messages)
                if answer.prompt_messages
                else "No model was sent a prompt."
            )
