"""PDF loader: page numbers, text clean-up, titles, damaged and scanned files."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import Document
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.loaders.pdf import NO_TEXT_REASON, clean_page_text

Load = Callable[[str], Document]
# PDFium's hyphenation marks, control characters, noncharacters and raw ligatures must never reach the index.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ufb00-\ufb06]")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one page per entry, each a list of lines set in Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]  # the page tree is filled in last
    kids = []
    for lines in pages:
        shown = b" ".join(b"(" + line.encode("latin-1") + b") '" for line in lines)
        ops = b"BT /F1 12 Tf 72 720 Td 14 TL " + shown + b" ET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 FONT 0 R >> >> >>" % (len(objects))
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects = [o.replace(b"FONT", b"%d" % len(objects)) for o in objects]
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pages(question: dict[str, Any]) -> list[int]:
    page = question["page"]
    return page if isinstance(page, list) else [page]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def test_evidence_is_on_the_listed_page(pdf_question: dict[str, Any], load_doc: Load) -> None:
    sources = pdf_question["sources"]
    evidence = pdf_question["evidence"]
    quotes = [_collapse(q) for q in (evidence if isinstance(evidence, list) else [evidence])]
    # Multi-source questions also quote their HTML/TXT source; those quotes are checked by the other tests.
    elsewhere = _collapse(" ".join(load_doc(s).text for s in sources if not s.endswith(".pdf")))
    checked = 0
    for pdf in (s for s in sources if s.endswith(".pdf")):
        document = load_doc(pdf)
        on_pages = _collapse(" ".join(b.text for b in document.blocks if b.page in _pages(pdf_question)))
        for quote in quotes:
            if quote in elsewhere and quote not in on_pages:
                continue
            assert quote in on_pages, f"{quote!r} not on page(s) {pdf_question['page']} of {pdf}"
            checked += 1
    assert checked, "no quote of this question was checked against a PDF"


@pytest.mark.parametrize(
    "relative",
    [
        "graphviz/guides/dottyguide.pdf",
        "debian/faq/debian-faq.en.pdf",
        "graphviz/man/gvpr.1.pdf",
        "graphviz/guides/neatoguide.pdf",
    ],
)
def test_pages_are_one_based_blocks_with_clean_text(relative: str, load_doc: Load) -> None:
    document = load_doc(relative)
    pages = [b.page or 0 for b in document.blocks]
    assert document.pages is not None and pages[0] >= 1 and pages[-1] <= document.pages
    assert pages == sorted(set(pages)), "one block per page, in page order"
    for block in document.blocks:
        assert not _UNWANTED.search(block.text), repr(_UNWANTED.search(block.text))
        assert document.text[block.start : block.start + len(block.text)] == block.text


def test_words_hyphenated_across_lines_are_rejoined(load_doc: Load) -> None:
    text = load_doc("graphviz/man/gvpr.1.pdf").text  # PDFium marks "informa-tion" as "informa\ufffetion"
    assert "information" in text and "predicate" in text and "directories" in text
    assert "informa" + "\ufffe" not in text and "informa-tion" not in text and "predi-cate" not in text


def test_tex_ligature_codes_of_old_pdfs_become_letters(load_doc: Load) -> None:
    text = load_doc("graphviz/guides/dottyguide.pdf").text
    assert "Koutsofios" in text and "flexible tool" in text and "different" in text


def test_titles_come_from_metadata_unless_it_names_a_file(load_doc: Load) -> None:
    assert load_doc("debian/faq/debian-faq.en.pdf").title == "The Debian GNU/Linux FAQ"
    assert load_doc("graphviz/guides/dottyguide.pdf").title == "dottyguide"  # metadata says "full.dvi"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("calcula\x02tions", "calculations"),
        ("calcula\ufffetions", "calculations"),
        ("US\ufffeASCII and UTF\ufffe8", "US-ASCII and UTF-8"),
        ("soft\xad\r\nhyphen and in\xadvisible", "softhyphen and invisible"),
        ("\ufb01le \ufb02ow e\ufb00ort", "file flow effort"),
        ("de\x0cned di\x0berent \rag", "defined different flag"),
        ("line one\r\nline two", "line one\nline two"),
        ("mark\x84 bullet\x88", "mark  bullet"),
        ("e\u0301", "\u00e9"),
    ],
)
def test_clean_page_text(raw: str, clean: str) -> None:
    assert clean_page_text(raw) == clean


def test_blank_pages_are_dropped_and_numbers_kept() -> None:
    data = make_pdf([["First page text"], [], ["The calcula-", "tions are done on US-", "ASCII text"]])
    document = load_document("made.pdf", data)
    assert document.pages == 3
    assert [(b.page, b.text) for b in document.blocks] == [
        (1, "First page text"),
        (3, "The calculations are done on US-ASCII text"),
    ]
    assert document.title == "made"


def test_a_pdf_with_no_text_is_skipped() -> None:
    with pytest.raises(FileSkipped, match=re.escape(NO_TEXT_REASON)):
        load_document("blank.pdf", make_pdf([[], []]))


def test_loading_from_threads_gives_the_same_text(docs: Path) -> None:
    names = [
        "graphviz/man/dot.1.pdf",
        "graphviz/man/gvpr.1.pdf",
        "graphviz/guides/neatoguide.pdf",
        "graphviz/guides/dottyguide.pdf",
    ]
    payloads = [(name, (docs / name).read_bytes()) for name in names * 3]
    expected = [load_document(name, data).text for name, data in payloads]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda item: load_document(*item).text, payloads))
    assert got == expected
