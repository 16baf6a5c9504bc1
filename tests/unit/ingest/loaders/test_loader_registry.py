"""Registry: loader choice by content then suffix, per-file reasons, and every hostile input in bad/."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest
from tests.helpers.bad_inputs import write_huge_single_line

from kenning.core.domain.documents import Document
from kenning.core.errors import FileProblem, FileSkipped, FileUnreadable
from kenning.core.ingest.loaders import load_document, loader_for, supported_suffixes
from kenning.core.ingest.loaders.html import HtmlLoader

HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello there.</p></body></html>"


@pytest.mark.parametrize(
    ("path", "head", "expected"),
    [
        ("a.pdf", b"%PDF-1.7\n", "pdf"),
        ("a.PDF", b"%PDF-1.7\n", "pdf"),
        ("a.pdf", HTML, "html"),  # an HTML page saved as .pdf
        ("a.txt", b"%PDF-1.4\n", "pdf"),
        ("a.txt", b"\n  <!-- saved page -->\n<html lang='en'>", "html"),
        ("a.bin", b"PK\x03\x04....[Content_Types].xml....word/document.xml", "docx"),
        ("a.docx", b"PK\x03\x04....", "docx"),
        ("a.md", b"# Title\n", "markdown"),
        ("a.txt", b"plain words\n", "text"),
        ("Makefile.am", b"all:\n", None),
        ("a.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00", None),  # binary under a text suffix
        ("a.xyz", b"plain words\n", None),
        ("a.bin", b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml", "xlsx"),
        ("a.zip", b"PK\x03\x04....[Content_Types].xml....ppt/presentation.xml", "pptx"),
        (
            "a.zip",
            b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
        ("a.zip", b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/epub+zip", "epub"),
        ("a.doc", b"{\\rtf1\\ansi Hello}", "rtf"),
        ("a.csv", b"a,b\n1,2\n", "csv"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        ("Inbox", b"From a@example.org Mon Mar  4 09:00:00 2024\nFrom: a@example.org\n", "mbox"),
        ("cur/1709.M1P2.host:2,S", b"From: a@example.org\nTo: b@example.org\nSubject: Hi\n\nHello", "eml"),
        # A text file that begins like a message (git's howto notes do) stays text: its suffix says so.
        ("howto.txt", b"From: a@example.org\nTo: b@example.org\nSubject: Hi\n\nHello", "text"),
    ],
)
def test_loader_for(path: str, head: bytes, expected: str | None) -> None:
    loader = loader_for(path, head)
    assert (loader.name if loader else None) == expected


def test_supported_suffixes() -> None:
    suffixes = supported_suffixes()
    assert {
        ".pdf",
        ".docx",
        ".html",
        ".htm",
        ".md",
        ".txt",
        ".rst",
        ".csv",
        ".json",
        ".py",
        ".sql",
    } <= suffixes
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("spaces.md", b"  \n\n ", "empty file"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "unsupported file type"),
        ("data.csv", b"\x00\x01\x02\x03" * 50, "binary file (not text)"),
        ("notes.xyz", b"just words", "unsupported file type"),
        ("fake.pdf", b"just words, no PDF here", "not a PDF (the file's content is not PDF data)"),
    ],
)
def test_reasons_for_files_that_are_not_indexed(path: str, data: bytes, reason: str) -> None:
    with pytest.raises(FileProblem) as caught:
        load_document(path, data)
    assert str(caught.value) == reason


def test_an_unexpected_parser_error_becomes_a_one_line_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: HtmlLoader, path: str, data: bytes) -> Document:
        raise KeyError("word/#page-header")

    monkeypatch.setattr(HtmlLoader, "load", explode)
    with pytest.raises(FileUnreadable) as caught:
        load_document("page.html", HTML)
    assert str(caught.value) == "could not read this HTML file (KeyError)"


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".md", ".txt", ".json"])
def test_random_bytes_never_raise_anything_else(suffix: str) -> None:
    rng = random.Random(suffix)
    for size in (1, 7, 100, 2_000, 20_000):
        with contextlib.suppress(FileProblem):
            load_document(f"random{suffix}", rng.randbytes(size))


def test_truncated_real_files_never_raise_anything_else(docs: Path) -> None:
    for relative in ("graphviz/man/dot.1.pdf", "web/apache/exports/mod_expires reference.docx"):
        data = (docs / relative).read_bytes()
        for cut in range(1, len(data), len(data) // 25):
            with contextlib.suppress(FileProblem):
                load_document(relative, data[:cut])


# --- bad/: what each hostile entry must give (bad/README.md) -------------------------------------


def _load_bad(bad: Path, name: str) -> Document:
    return load_document(str(bad / name), (bad / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [
        ("password-protected.pdf", FileUnreadable, "PDF is encrypted (password-protected)"),
        ("truncated.pdf", FileUnreadable, "PDF is damaged or truncated"),
        ("garbage-in-middle.pdf", FileUnreadable, "PDF is damaged or truncated"),
        ("empty.pdf", FileSkipped, "empty file"),
        ("zero-bytes.docx", FileSkipped, "empty file"),
        ("empty.md", FileSkipped, "empty file"),
        (
            "scanned-no-text.pdf",
            FileSkipped,
            "no extractable text (scanned? turn on OCR in the settings to read it)",
        ),
        ("not-really-a.docx", FileUnreadable, "not a Word document (corrupt DOCX)"),
        ("notes.txt", FileSkipped, "binary file (not text)"),
    ],
)
def test_bad_entries_are_refused_with_their_reason(
    bad: Path, name: str, error: type[FileProblem], reason: str
) -> None:
    with pytest.raises(error) as caught:
        _load_bad(bad, name)
    assert str(caught.value) == reason


def test_utf16_file_is_decoded_without_nuls(bad: Path) -> None:
    document = _load_bad(bad, "utf16-le-bom.txt")
    assert "The lighthouse keeper logged 47 brass lanterns in the north storeroom." in document.text
    assert "\x00" not in document.text


def test_latin1_accents_survive(bad: Path) -> None:
    document = _load_bad(bad, "latin1-accents.txt")
    assert "Le café de la Gare à Zürich sert un crème brûlée très naïf depuis 1987." in document.text
    assert "\ufffd" not in document.text


def test_html_saved_as_pdf_is_read_as_html(bad: Path) -> None:
    document = _load_bad(bad, "actually-html.pdf")
    assert document.loader == "html"
    assert document.text == "This file is HTML saved with a .pdf extension."


def test_deeply_nested_memo_is_read(bad: Path) -> None:
    (memo,) = bad.glob("nested/**/deep-memo.md")
    document = load_document(str(memo), memo.read_bytes())
    assert "the spare key is taped under drawer nineteen" in document.text


def test_huge_single_line_is_loaded_whole(tmp_path: Path) -> None:
    # How long it takes is measured in tests/bench/bench_loaders.py, not asserted here.
    huge = write_huge_single_line(tmp_path / "huge-single-line.txt")
    document = load_document(str(huge), huge.read_bytes())
    assert document.text == huge.read_text(encoding="ascii")
