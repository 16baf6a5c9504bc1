"""CSV and TSV files: the delimiter sniffed, each row read with its header like a spreadsheet sheet."""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.decoding import decode_text, title_from_path
from kenning.core.ingest.loaders.tabular import CellBudget, sheet_parts

NO_TEXT_REASON = "no text in this CSV file"
MALFORMED_REASON = "CSV file is malformed ({})"

_SAMPLE_CHARS = 64 * 1024
_DELIMITERS = ",;\t|"
_MAX_FIELD = 1024 * 1024

# The csv module's default field limit (128 KiB) refuses long but real text cells. The limit is
# process-wide; raising it once here never lowers a higher limit set elsewhere.
csv.field_size_limit(max(csv.field_size_limit(), _MAX_FIELD))


class CsvLoader:
    """The first row is the header when it looks like one (csv.Sniffer's test)."""

    name: str = "csv"
    suffixes: tuple[str, ...] = (".csv", ".tsv", ".tab")

    def sniff(self, head: bytes) -> bool:
        return False  # any text may parse as CSV: only the suffix says it is meant as a table

    def load(self, path: str, data: bytes) -> Document:
        text = decode_text(data)
        sample = text[:_SAMPLE_CHARS]
        dialect, header = _dialect(sample, PurePath(path).suffix.lower())
        title = title_from_path(path)
        budget = CellBudget()
        reader = csv.reader(io.StringIO(text), dialect)
        try:
            rows = ((number, row) for number, row in enumerate(reader, start=1))
            parts = sheet_parts(title, rows, budget, header=header)
        except csv.Error as error:
            raise FileUnreadable(MALFORMED_REASON.format(error)) from None
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(path=path, title=title, loader=self.name, blocks=blocks, notes=tuple(budget.notes))


def _dialect(sample: str, suffix: str) -> tuple[type[csv.Dialect] | csv.Dialect, bool | None]:
    """The sniffed dialect and whether a header row leads, falling back on the suffix's convention."""
    fallback: type[csv.Dialect] = csv.excel if suffix == ".csv" else csv.excel_tab
    sniffer = csv.Sniffer()
    # Sniff whole lines only: a cut last line fools the delimiter count.
    lines = sample if len(sample) < _SAMPLE_CHARS else sample[: sample.rfind("\n") + 1]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = sniffer.sniff(lines, delimiters=_DELIMITERS)
    except csv.Error:
        dialect = fallback
    try:
        header: bool | None = sniffer.has_header(lines)
    except csv.Error:
        header = None
    return dialect, header
