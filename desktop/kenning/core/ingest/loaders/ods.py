"""OpenDocument spreadsheets (.ods): one section per sheet, rows read with their header like .xlsx."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.odf import odf_text, open_odf, q, sniff_odf
from kenning.core.ingest.loaders.tabular import MAX_COLUMNS, CellBudget, sheet_label, sheet_parts

KIND = "OpenDocument spreadsheet"
NO_TEXT_REASON = "no text in this OpenDocument spreadsheet"

_TABLE, _ROW, _PARAGRAPH = q("table:table"), q("table:table-row"), q("text:p")
_CELLS = (q("table:table-cell"), q("table:covered-table-cell"))
_ROWS_REPEATED, _COLUMNS_REPEATED = q("table:number-rows-repeated"), q("table:number-columns-repeated")
_VALUE_TYPE, _VALUE, _BOOLEAN = q("office:value-type"), q("office:value"), q("office:boolean-value")
_NUMBERS = frozenset({"float", "currency", "percentage"})


class OdsLoader:
    """Calc writes trailing empty rows and columns as one element repeated a million times: never expanded."""

    name: str = "ods"
    suffixes: tuple[str, ...] = (".ods", ".ots")

    def sniff(self, head: bytes) -> bool:
        return sniff_odf(head, "spreadsheet")

    def load(self, path: str, data: bytes) -> Document:
        body, title = open_odf(data, KIND, "spreadsheet")
        hidden_styles = _hidden_table_styles(body.getroottree().getroot())
        budget = CellBudget()
        parts: list[Part] = []
        for index, table in enumerate(body.iterchildren(_TABLE), start=1):
            hidden = table.get(q("table:style-name")) in hidden_styles
            label = sheet_label(table.get(q("table:name")) or f"Sheet{index}", hidden)
            parts += sheet_parts(label, _rows(table), budget)
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


def _hidden_table_styles(content: etree._Element) -> set[str]:
    styles = content.find(q("office:automatic-styles"))
    if styles is None:
        return set()
    return {
        style.get(q("style:name"), "")
        for style in styles.iterchildren(q("style:style"))
        for props in style.iterchildren(q("style:table-properties"))
        if props.get(q("table:display")) == "false"
    }


def _rows(table: etree._Element) -> Iterator[tuple[int, Sequence[object]]]:
    number = 1
    for row in table.iter(_ROW):
        repeat = _count(row.get(_ROWS_REPEATED))
        values = _values(row)
        if any(value is not None for value in values):
            for offset in range(repeat):  # lazily: the caller stops at its row limit
                yield number + offset, values
        number += repeat


def _values(row: etree._Element) -> list[object]:
    values: list[object] = []
    for cell in row.iterchildren(*_CELLS):
        value = _value(cell)
        repeat = min(_count(cell.get(_COLUMNS_REPEATED)), MAX_COLUMNS - len(values))
        values.extend([value] * repeat)
        if len(values) >= MAX_COLUMNS:
            break
    return values


def _value(cell: etree._Element) -> object:
    kind = cell.get(_VALUE_TYPE)
    if kind in _NUMBERS:
        try:
            return float(cell.get(_VALUE, ""))
        except ValueError:
            pass
    elif kind == "boolean":
        return cell.get(_BOOLEAN) == "true"
    text = "\n".join(t for p in cell.iterchildren(_PARAGRAPH) if (t := odf_text(p)))
    return text or None


def _count(value: str | None) -> int:
    # Bounded before int(): a thousand-digit count is hostile, and int() refuses over 4300 digits anyway.
    return max(1, int(value)) if value and value.isdigit() and len(value) <= 9 else 1
