"""Old Excel workbooks (.xls, Excel 97-2003) with xlrd: the same sheet layout as .xlsx."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator, Sequence

import xlrd

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.containers import OLE_MAGIC
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.tabular import CellBudget, sheet_label, sheet_parts

ENCRYPTED_REASON = "Excel workbook is encrypted (password-protected)"
DAMAGED_REASON = "Excel workbook is damaged (corrupt XLS)"
NOT_XLS_REASON = "not an Excel 97-2003 workbook"
NO_TEXT_REASON = "no text in this Excel workbook"

# What xlrd's BIFF parser raises on damaged records.
_DAMAGED = (AssertionError, IndexError, KeyError, ValueError, EOFError, UnicodeDecodeError, struct.error)


class XlsLoader:
    """Dates are stored as numbers in .xls; the cell type says which ones to show as dates."""

    name: str = "xls"
    suffixes: tuple[str, ...] = (".xls", ".xlt")

    def sniff(self, head: bytes) -> bool:
        return False  # an OLE container may be any old Office file: the suffix decides

    def load(self, path: str, data: bytes) -> Document:
        if not data.startswith(OLE_MAGIC):
            raise FileUnreadable(NOT_XLS_REASON)
        try:
            # xlrd writes warnings to a log file, stdout by default; stdout belongs to the CLI's JSON.
            book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=True)
        except xlrd.XLRDError as error:
            reason = ENCRYPTED_REASON if "encrypt" in str(error).lower() else DAMAGED_REASON
            raise FileUnreadable(reason) from None
        except _DAMAGED:
            raise FileUnreadable(DAMAGED_REASON) from None
        try:
            budget = CellBudget()
            parts: list[Part] = []
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                label = sheet_label(sheet.name, sheet.visibility != 0)
                parts += sheet_parts(label, _rows(book, sheet), budget)
                book.unload_sheet(index)
        except (xlrd.XLRDError, *_DAMAGED):  # sheets are parsed on demand: damage may show only here
            raise FileUnreadable(DAMAGED_REASON) from None
        finally:
            book.release_resources()
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(
            path=path, title=title_from_path(path), loader=self.name, blocks=blocks, notes=tuple(budget.notes)
        )


def _rows(book: xlrd.Book, sheet: xlrd.sheet.Sheet) -> Iterator[tuple[int, Sequence[object]]]:
    for index in range(sheet.nrows):
        yield index + 1, [_value(book, cell) for cell in sheet.row(index)]


def _value(book: xlrd.Book, cell: xlrd.sheet.Cell) -> object:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value
