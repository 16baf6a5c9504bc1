"""DOCX loader: body order, heading paths, tables, and files that are not Word documents."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import docx
import pytest
from docx.oxml.ns import qn

from kenning.core.domain.documents import Document
from kenning.core.errors import FileUnreadable
from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.loaders.docx import CORRUPT_REASON, DAMAGED_REASON, ENCRYPTED_REASON, LEGACY_REASON

Load = Callable[[str], Document]


def _docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _made_document() -> bytes:
    word = docx.Document()
    word.core_properties.title = ""
    word.add_paragraph("Quarterly report", style="Title")
    word.add_paragraph("Preamble text.")
    word.add_heading("Costs", level=1)
    word.add_paragraph("Costs rose.")
    table = word.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("item", "q1", "q2"), ("paper", "10", "12")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    word.add_paragraph("After the table.")
    word.add_heading("Paper", level=2)
    word.add_paragraph("Paper costs detail.")
    word.add_heading("Staff", level=1)
    unstyled = word.add_paragraph("A paragraph whose style id names no style.")
    unstyled._p.get_or_add_pPr().get_or_add_pStyle().set(qn("w:val"), "NoSuchStyle")
    outlined = word.add_paragraph("Outline level heading")
    outlined._p.get_or_add_pPr().append(outlined._p.makeelement(qn("w:outlineLvl"), {qn("w:val"): "1"}))
    word.add_paragraph("Under the outline heading.")
    return _docx_bytes(word)


def test_headings_build_section_paths_in_body_order() -> None:
    document = load_document("/tmp/report.docx", _made_document())
    assert document.title == "report"
    assert [(b.section, b.text) for b in document.blocks] == [
        (("Quarterly report",), "Quarterly report\nPreamble text."),
        (
            ("Quarterly report", "Costs"),
            "Costs\nCosts rose.\nitem | q1 | q2\npaper | 10 | 12\nAfter the table.",
        ),
        (("Quarterly report", "Costs", "Paper"), "Paper\nPaper costs detail."),
        (("Quarterly report", "Staff"), "Staff\nA paragraph whose style id names no style."),
        (
            ("Quarterly report", "Staff", "Outline level heading"),
            "Outline level heading\nUnder the outline heading.",
        ),
    ]


def test_corpus_docx_headings_and_tables(load_doc: Load) -> None:
    document = load_doc("web/apache/exports/mod_expires reference.docx")
    assert document.title == "mod_expires - Apache HTTP Server Version 2.4"
    sections = {b.section for b in document.blocks}
    assert ("Apache Module mod_expires", "ExpiresByType Directive") in sections
    assert "Default: | ExpiresActive Off" in document.text.splitlines()


@pytest.mark.parametrize(
    "relative",
    [
        "debian/securing-debian/Securing BIND.docx",
        "debian/securing-debian/Security updates.docx",
        "web/apache/exports/Apache CGI tutorial.docx",
    ],
)
def test_paragraphs_without_a_style_are_read(relative: str, load_doc: Load) -> None:
    document = load_doc(relative)  # these files have paragraphs python-docx reports with style None
    assert len(document.blocks) >= 3
    assert all(b.section for b in document.blocks[1:])


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileUnreadable, match=CORRUPT_REASON.replace("(", r"\(").replace(")", r"\)")):
        load_document("x.docx", buffer.getvalue())


def test_a_damaged_word_document_is_reported_as_damaged() -> None:
    data = bytearray(_made_document())
    start = data.index(b"word/document.xml") + 40
    data[start : start + 400] = bytes(400)  # wipe compressed bytes of the main part
    with pytest.raises(FileUnreadable) as caught:
        load_document("x.docx", bytes(data))
    assert str(caught.value) in (DAMAGED_REASON, CORRUPT_REASON)


@pytest.mark.parametrize(
    ("tail", "reason"),
    [("EncryptedPackage".encode("utf-16-le"), ENCRYPTED_REASON), (b"WordDocument", LEGACY_REASON)],
)
def test_ole_containers_are_explained(tail: bytes, reason: str) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + tail
    with pytest.raises(FileUnreadable) as caught:
        load_document("x.docx", data)
    assert str(caught.value) == reason
