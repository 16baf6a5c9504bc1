"""Excel workbooks (.xlsx) with openpyxl, read-only: one section per sheet, formulas as their values."""

from __future__ import annotations

import io
import warnings

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.containers import (
    DAMAGED_ZIP,
    OLE_MAGIC,
    ZIP_MAGIC,
    is_encrypted_office,
    open_zip,
)
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.tabular import CellBudget, sheet_label, sheet_parts
from kenning.core.ingest.loaders.xls import XlsLoader

KIND = "Excel workbook"
DAMAGED_REASON = "Excel workbook is damaged (corrupt XLSX)"
NO_TEXT_REASON = "no text in this Excel workbook"


class XlsxLoader:
    """Cached formula results (``data_only``), so a sheet reads as it looked when last saved."""

    name: str = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm", ".xltx", ".xltm")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(ZIP_MAGIC) and b"xl/" in head

    def load(self, path: str, data: bytes) -> Document:
        if data.startswith(OLE_MAGIC) and not is_encrypted_office(data):
            return XlsLoader().load(path, data)  # an old .xls renamed .xlsx: read it for what it is
        open_zip(data, KIND).close()  # encryption and zip-bomb checks before openpyxl unpacks anything
        try:
            return self._read(path, data)
        except DAMAGED_ZIP:  # a part fails its checksum or its deflate stream is cut: found while reading
            raise FileUnreadable(DAMAGED_REASON) from None

    def _read(self, path: str, data: bytes) -> Document:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about every extension it does not read
                book = openpyxl.load_workbook(
                    io.BytesIO(data), read_only=True, data_only=True, keep_links=False
                )
        except (InvalidFileException, KeyError, ValueError, TypeError):
            raise FileUnreadable(DAMAGED_REASON) from None
        try:
            budget = CellBudget()
            parts: list[Part] = []
            for sheet in book.worksheets:
                sheet.reset_dimensions()  # stale <dimension> tags would cut rows off; read what is there
                label = sheet_label(sheet.title, sheet.sheet_state != "visible")
                rows = enumerate(sheet.iter_rows(values_only=True), start=1)
                parts += sheet_parts(label, rows, budget)
            title = " ".join((book.properties.title or "").split())
        finally:
            book.close()
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(
            path=path,
            title=title or title_from_path(path),
            loader=self.name,
            blocks=blocks,
            notes=tuple(budget.notes),
        )
