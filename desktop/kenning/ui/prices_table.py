"""The editable table of cloud prices that answers are compared with (USD per million tokens)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kenning.core.observe.costs import ReferencePrice

HEADERS = ("Cloud model", "Input (USD / M tokens)", "Output (USD / M tokens)")


class PricesTable(QWidget):
    """Rows of model name and prices, with Add and Remove.

    Signals:
        changed(): a cell, or the set of rows, changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Reference prices")
        self.table.itemChanged.connect(self._on_item_changed)
        add = QPushButton("&Add model")
        add.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def set_prices(self, prices: Sequence[ReferencePrice]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for price in prices:
            self._append(price.model, f"{price.input_per_million:g}", f"{price.output_per_million:g}")
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)

    def prices(self) -> list[ReferencePrice]:
        """The rows as prices; ValueError with a readable message for a row that is not valid."""
        result = []
        for row in range(self.table.rowCount()):
            name, given_in, given_out = (self._text(row, col) for col in range(3))
            if not name and not given_in and not given_out:
                continue  # an added row left empty
            if not name:
                raise ValueError(f"Row {row + 1} of the price table needs a model name.")
            try:
                price_in, price_out = float(given_in), float(given_out)
            except ValueError:
                raise ValueError(f'Prices for "{name}" must be numbers, like 0.15.') from None
            if price_in < 0 or price_out < 0:
                raise ValueError(f'Prices for "{name}" cannot be negative.')
            result.append(ReferencePrice(name, price_in, price_out))
        return result

    def model_names(self) -> list[str]:
        return [n for n in (self._text(row, 0) for row in range(self.table.rowCount())) if n]

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item is not None else ""

    def _append(self, *cells: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate(cells):
            self.table.setItem(row, col, QTableWidgetItem(text))

    def _on_add_clicked(self) -> None:
        self._append("", "", "")
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)
        self.changed.emit()

    def _on_remove_clicked(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self.changed.emit()
