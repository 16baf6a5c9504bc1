"""Index health ("Why isn't my file found?"): every file under the watched folders, its state and
why; filter, sort, search by name, and act on the chosen files (retry, exclude, open, ask)."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kenning.core.domain.file_health import STATE_LABELS, FileState, HealthRow
from kenning.ui.formatting import format_bytes
from kenning.ui.services import AppServices
from kenning.ui.source_cards import open_file, show_in_folder

COLUMNS = ("File", "State", "Reason", "Size", "Modified", "Chunks", "Loader")
_SORT_KEY = Qt.ItemDataRole.UserRole + 1


class _Item(QTableWidgetItem):
    """A cell that sorts by its value (bytes, seconds), not by its text ("12 kB")."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(_SORT_KEY), other.data(_SORT_KEY)
        if mine is not None and theirs is not None:
            return bool(mine < theirs)
        return self.text().lower() < other.text().lower()


def _recorded(row: HealthRow) -> bool:
    """Whether the index holds a record of the file (what Retry marks): not for ignored files."""
    ignored = row.reason.startswith(("hidden", "ignored by rule"))
    return not row.path.endswith(os.sep) and row.state is not FileState.PENDING and not ignored


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M") if seconds else ""


class HealthView(QDialog):
    """Signals:
    retry_requested(list[str]): read these files again on the next sync.
    exclude_requested(list[str]): add an ignore rule for these files and drop them from the index.
    ask_requested(list[str]): ask (and search) only these documents.
    """

    retry_requested = Signal(object)
    exclude_requested = Signal(object)
    ask_requested = Signal(object)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Why isn't my file found? — Kenning")
        self.resize(1000, 560)
        self._services = services
        self.rows: list[HealthRow] = []
        self.state_filter = QComboBox(self)
        self.state_filter.addItem("All files", "")
        for state in FileState:
            self.state_filter.addItem(STATE_LABELS[state], state.value)
        self.state_filter.setAccessibleName("Show files")
        self.state_filter.currentIndexChanged.connect(self._apply_filter)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Find a file by name…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.summary = QLabel("Reading the index…", self)
        self.summary.setProperty("role", "muted")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for name, slot, tip in (
            ("Retry", self._on_retry, "Read the chosen files again on the next sync"),
            ("Exclude", self._on_exclude, "Never index the chosen files (adds an ignore rule in Settings)"),
            ("Open", lambda: self._each(open_file), "Open the chosen files"),
            ("Show in folder", lambda: self._each(show_in_folder), "Show the chosen files in their folder"),
            ("Ask about these documents", self._on_ask, "Ask and search only the chosen files"),
        ):
            button = QPushButton(name, self)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            button.setEnabled(False)
            actions.addWidget(button)
            self.buttons[name] = button
        actions.addStretch(1)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        actions.addWidget(refresh)
        top = QHBoxLayout()
        top.addWidget(self.state_filter)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

    # ---- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        workspace = self._services.workspace
        if workspace is None:
            self.summary.setText("The index is still opening…")
            return

        def read(cancel: threading.Event) -> list[HealthRow]:
            return workspace.health_rows()

        self._services.readers.submit("index health", read, on_done=self.show_rows, on_error=self._on_error)

    def show_rows(self, rows: list[HealthRow]) -> None:
        self.rows = list(rows)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values: list[tuple[str, Any]] = [
                (os.path.basename(row.path.rstrip(os.sep)) or row.path, None),
                (STATE_LABELS[row.state], None),
                (row.reason, None),
                (format_bytes(row.size) if row.size else "", row.size),
                (_when(row.modified), row.modified),
                (str(row.chunks) if row.chunks else "", row.chunks),
                (row.loader, None),
            ]
            for column, (text, key) in enumerate(values):
                item = _Item(text)
                if key is not None:
                    item.setData(_SORT_KEY, key)
                item.setData(Qt.ItemDataRole.UserRole, row.path)
                item.setToolTip(row.path if column == 0 else (row.detail or text))
                self.table.setItem(index, column, item)
        self.table.setSortingEnabled(True)
        for column in (0, 1, 3, 4, 5, 6):
            self.table.resizeColumnToContents(column)
        self._apply_filter()

    def _on_error(self, exc: BaseException) -> None:
        self.summary.setText(f"⚠ {self._services.message_for(exc)}")

    # ---- filtering ---------------------------------------------------------------------------
    def visible_paths(self) -> list[str]:
        return [self._path(r) for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    def _apply_filter(self) -> None:
        state = self.state_filter.currentData()
        words = self.search.text().strip().lower()
        by_path = {row.path: row for row in self.rows}
        shown = 0
        for r in range(self.table.rowCount()):
            row = by_path[self._path(r)]
            visible = (not state or row.state.value == state) and (
                not words or words in os.path.basename(row.path.rstrip(os.sep)).lower()
            )
            self.table.setRowHidden(r, not visible)
            shown += visible
        searchable = sum(1 for row in self.rows if row.searchable)
        self.summary.setText(f"{len(self.rows)} files, {searchable} searchable · showing {shown}")

    def _path(self, table_row: int) -> str:
        item = self.table.item(table_row, 0)
        assert item is not None
        return str(item.data(Qt.ItemDataRole.UserRole))

    # ---- actions -----------------------------------------------------------------------------
    def chosen_paths(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._path(r) for r in rows if not self.table.isRowHidden(r)]

    def select_paths(self, paths: list[str]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for r in range(self.table.rowCount()):
            if self._path(r) in paths:
                self.table.selectRow(r)
        self.table.setSelectionMode(mode)

    def _on_selection(self) -> None:
        chosen = self.chosen_paths()
        by_path = {row.path: row for row in self.rows}
        files = [p for p in chosen if not p.endswith(os.sep)]
        for name, button in self.buttons.items():
            if name == "Retry":
                button.setEnabled(any(_recorded(by_path[p]) for p in files))
            elif name == "Ask about these documents":
                button.setEnabled(any(by_path[p].searchable for p in files))
            else:
                button.setEnabled(bool(chosen))

    def _on_retry(self) -> None:
        by_path = {row.path: row for row in self.rows}
        self.retry_requested.emit([p for p in self.chosen_paths() if p in by_path and _recorded(by_path[p])])

    def _on_exclude(self) -> None:
        self.exclude_requested.emit(self.chosen_paths())

    def _on_ask(self) -> None:
        by_path = {row.path: row for row in self.rows}
        self.ask_requested.emit([p for p in self.chosen_paths() if p in by_path and by_path[p].searchable])

    def _each(self, action: Any) -> None:
        for path in self.chosen_paths():
            action(path.rstrip(os.sep))
