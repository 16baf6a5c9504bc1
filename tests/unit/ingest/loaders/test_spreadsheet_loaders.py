"""Spreadsheets (XLSX, XLS, ODS, CSV): rows read with their header, sheets and cell ranges as sections."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from kenning.core.domain.documents import Document
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.loaders.tabular import MAX_ROWS

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "formats"


def _sample(name: str) -> Document:
    return load_document(str(SAMPLES / name), (SAMPLES / name).read_bytes())


def _offsets_hold(document: Document) -> None:
    for block in document.blocks:
        assert document.text[block.start : block.start + len(block.text)] == block.text


def test_xlsx_rows_repeat_their_header_and_formulas_give_cached_values() -> None:
    document = _sample("budget.xlsx")
    assert (document.loader, document.title) == ("xlsx", "Regional budget")
    first = document.blocks[0]
    assert first.section == ("Revenue", "A2:E3")
    assert first.text.splitlines() == [
        "Region: North, Q3 revenue: 1.2M, Units: 40, Price: 30, Total: 1200",
        "Region: South, Q3 revenue: 0.8M, Units: 25, Price: 32, Total: 800",
    ]
    _offsets_hold(document)


def test_xlsx_hidden_sheet_is_read_and_marked() -> None:
    hidden = _sample("budget.xlsx").blocks[-1]
    assert hidden.section == ("Assumptions (hidden)", "A2:B2")
    assert hidden.text == "Assumption: Exchange rate held at, Value: 1.08"


def test_long_sheet_is_cut_into_cited_ranges_of_about_one_passage() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(["Day", "Reading"])
    for day in range(1, 201):
        sheet.append([f"day {day}", day * 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    document = load_document("log.xlsx", buffer.getvalue())
    ranges = [block.section[1] for block in document.blocks]
    assert len(ranges) > 5 and ranges[0].startswith("A2:B") and ranges[-1].endswith(":B201")
    assert all(len(block.text) < 700 for block in document.blocks)
    assert "Day: day 137, Reading: 205.5" in document.text
    _offsets_hold(document)


def test_xls_reads_dates_as_dates() -> None:
    document = _sample("inventory.xls")
    assert document.loader == "xls"
    assert document.blocks[0].section == ("Inventory", "A2:C3")
    assert "Item: Brass lanterns, Count: 14, Checked: 2024-03-01" in document.text


def test_an_old_xls_renamed_xlsx_is_still_read() -> None:
    document = load_document("inventory.xlsx", (SAMPLES / "inventory.xls").read_bytes())
    assert "Item: Oak barrels, Count: 3, Checked: 2024-03-02" in document.text


def test_ods_never_expands_a_million_repeated_empty_rows_and_marks_hidden_sheets() -> None:
    document = _sample("harvest.ods")
    assert [(b.section, b.text) for b in document.blocks] == [
        (("Harvest", "A2:B3"), "Orchard: Hillside, Apples (t): 12.5\nOrchard: Riverside, Apples (t): 7"),
        (("Scratch (hidden)", "A1:B1"), "Draft | pear estimate"),
    ]


def test_csv_sniffs_its_delimiter_and_header() -> None:
    document = _sample("cities.csv")
    assert document.loader == "csv"
    assert document.blocks[0].section == ("cities", "A2:C3")
    assert "City: Lyon, Population: 522250, Mayor: Grégory Doucet" in document.text


def test_tsv_without_a_header_reads_rows_as_cells() -> None:
    document = load_document("/tmp/readings.tsv", b"12\t14.5\t9\n13\t15.0\t8\n")
    assert document.text == "12 | 14.5 | 9\n13 | 15.0 | 8"
    assert document.blocks[0].section == ("readings", "A1:C2")


def test_a_huge_sheet_is_capped_and_says_why() -> None:
    rows = ["id,value"] + [f"{n},v{n}" for n in range(MAX_ROWS + 50)]
    document = load_document("big.csv", "\n".join(rows).encode())
    assert f"id: {MAX_ROWS - 2}, value: v{MAX_ROWS - 2}" in document.text
    assert f"v{MAX_ROWS + 10}" not in document.text
    assert document.notes == (f"sheet big: only the first {MAX_ROWS:,} rows are indexed (row limit)",)


@pytest.mark.parametrize(
    ("name", "data", "error", "reason"),
    [
        ("empty.csv", b",,\n,,\n", FileSkipped, "no text in this CSV file"),
        ("cut.xlsx", (SAMPLES / "budget.xlsx").read_bytes()[:900], FileUnreadable, None),
        ("notzip.xlsx", b"PK\x03\x04" + b"\x00" * 200, FileUnreadable, None),
        ("text.xls", b"Region,Revenue\nNorth,1\n", FileUnreadable, "not an Excel 97-2003 workbook"),
    ],
)
def test_bad_spreadsheets_get_a_reason(name: str, data: bytes, error: type, reason: str | None) -> None:
    with pytest.raises(error) as caught:
        load_document(name, data)
    if reason:
        assert str(caught.value) == reason
    assert "Excel" in str(caught.value) or "CSV" in str(caught.value) or "XLSX" in str(caught.value)
