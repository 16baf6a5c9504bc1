"""Rows of cells to blocks, shared by the spreadsheet and CSV loaders.

A row reads "Region: North, Q3 revenue: 1.2M": the header row is repeated in every line, so a
passage cut from the middle of a sheet still says what each number is. Rows are grouped into
blocks small enough to be one passage, and each block's section path ends with its cell range
("Sheet1", "A2:D9"), so a citation names the cells a person can look up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from kenning.core.domain.documents import Part

MAX_ROWS = 20_000  # per sheet: past this a sheet is a data dump, not a document to quote
MAX_CELLS = 1_000_000  # per workbook
MAX_COLUMNS = 512
_BLOCK_CHARS = 600  # about one passage of the chunker's budget, so a cited range is the passage's own
_NUMERIC = re.compile(r"[-+(]?[$€£¥]?\s*\d[\d,.\s]*%?\)?")


class CellBudget:
    """How many more cells a workbook may contribute; the reasons for anything left out."""

    def __init__(self, max_cells: int | None = None, max_rows: int | None = None) -> None:
        # The caps are read at call time, so a test can lower them without a 20,000-row file.
        self.cells_left = MAX_CELLS if max_cells is None else max_cells
        self.max_rows = MAX_ROWS if max_rows is None else max_rows
        self.notes: list[str] = []


def cell_text(value: object) -> str:
    """A cell value as a person would read it: 1200 not 1200.0, dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return " ".join(str(value).split())


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def sheet_label(name: str, hidden: bool) -> str:
    return f"{name} (hidden)" if hidden else name


def sheet_parts(
    label: str,
    rows: Iterable[tuple[int, Sequence[object]]],
    budget: CellBudget,
    *,
    header: bool | None = None,
) -> list[Part]:
    """Blocks for one sheet from (1-based row number, values from column A) pairs.

    ``header`` says whether the first non-empty row names the columns; None guesses from its cells.
    """
    group = _Group(label)
    names: list[str] | None = None
    rows_used = 0
    for number, values in rows:
        texts = [cell_text(value) for value in values[:MAX_COLUMNS]]
        filled = [(column, text) for column, text in enumerate(texts, start=1) if text]
        if not filled:
            continue
        if rows_used >= budget.max_rows or budget.cells_left < len(filled):
            budget.notes.append(_cap_note(label, rows_used, budget))
            break
        budget.cells_left -= len(filled)
        rows_used += 1
        if names is None:
            names = texts if (header if header is not None else _looks_like_header(values)) else []
            if names:
                group.header = (number, filled[0][0], filled[-1][0], " | ".join(text for _, text in filled))
                continue
        if names:
            line = ", ".join(f"{_name(names, column)}: {text}" for column, text in filled)
        else:
            line = " | ".join(text for _, text in filled)
        group.add(number, filled[0][0], filled[-1][0], line)
    return group.finish()


class _Group:
    """Consecutive rows collected into one block, and the blocks made so far."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.parts: list[Part] = []
        self.lines: list[str] = []
        self.rows = (0, 0)
        self.columns = (0, 0)
        self.chars = 0
        self.header: tuple[int, int, int, str] | None = None  # row, first and last column, text

    def add(self, row: int, first_column: int, last_column: int, line: str) -> None:
        if not self.lines:
            self.rows, self.columns = (row, row), (first_column, last_column)
        self.lines.append(line)
        self.rows = (self.rows[0], row)
        self.columns = (min(self.columns[0], first_column), max(self.columns[1], last_column))
        self.chars += len(line) + 1
        if self.chars >= _BLOCK_CHARS:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        (top, bottom), (left, right) = self.rows, self.columns
        cells = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
        self.parts.append(("\n".join(self.lines), None, (self.label, cells)))
        self.lines, self.chars = [], 0

    def finish(self) -> list[Part]:
        self.flush()
        if not self.parts and self.header is not None:  # a sheet holding only a header row still says so
            self.add(*self.header)
            self.flush()
        return self.parts


def _looks_like_header(values: Sequence[object]) -> bool:
    """Text cells, most of them not numbers: column names rather than a first row of data."""
    cells = [value for value in values if value is not None and cell_text(value)]
    if not cells or not all(isinstance(value, str) for value in cells):
        return False
    numeric = sum(1 for value in cells if _NUMERIC.fullmatch(str(value).strip()))
    return numeric * 2 <= len(cells)


def _name(names: list[str], column: int) -> str:
    return names[column - 1] if column <= len(names) and names[column - 1] else column_letter(column)


def _cap_note(label: str, rows_used: int, budget: CellBudget) -> str:
    if rows_used >= budget.max_rows:
        return f"sheet {label}: only the first {budget.max_rows:,} rows are indexed (row limit)"
    return f"sheet {label}: cut after {rows_used:,} rows (the workbook's {MAX_CELLS:,}-cell limit)"
