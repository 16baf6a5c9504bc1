"""Text decoding and the plain-text loader: BOMs, legacy encodings, binary detection."""

from __future__ import annotations

import codecs

import pytest

from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.loaders.decoding import BINARY_REASON, decode_text, display_name, looks_binary

SENTENCE = "Le café de la Gare à Zürich sert un crème brûlée très naïf depuis 1987."


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + SENTENCE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SENTENCE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + SENTENCE.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + SENTENCE.encode("utf-32-be"),
        SENTENCE.encode("utf-16-le"),  # no BOM, as some Windows tools write it
        SENTENCE.encode("utf-8"),
        SENTENCE.encode("latin-1"),
        SENTENCE.encode("cp1252"),
    ],
    ids=[
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf32le-bom",
        "utf32be-bom",
        "utf16le",
        "utf8",
        "latin1",
        "cp1252",
    ],
)
def test_encodings_decode_to_the_same_text(data: bytes) -> None:
    assert decode_text(data) == SENTENCE


def test_cp1252_punctuation_and_other_scripts() -> None:
    assert decode_text("“Quoted” – dash… €5".encode("cp1252")) == "“Quoted” – dash… €5"
    russian = "Привет, как дела? Это тест кодировки для нашей программы, и он довольно длинный."
    assert decode_text(russian.encode("cp1251")) == russian


def test_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    greek = "Καλημέρα κόσμε, αυτό είναι ένα κείμενο."
    assert decode_text(greek.encode("iso-8859-7"), declared="ISO-8859-7") == greek


def test_line_ends_and_nuls_are_normalised() -> None:
    data = b"a\r\nb\rc\n" + b"x" * 70_000 + b"\x00tail"  # a stray NUL past the sniffed head
    text = decode_text(data)
    assert text.startswith("a\nb\nc\n") and text.endswith("xtail") and "\x00" not in text


@pytest.mark.parametrize(
    ("head", "binary"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), True),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"some text", True),
        (b"plain text\twith tabs\x0cand a form feed\x1b[0m", False),
        (codecs.BOM_UTF16_LE + "text".encode("utf-16-le"), False),
        (b"", False),
    ],
)
def test_binary_detection(head: bytes, binary: bool) -> None:
    assert looks_binary(head) is binary


def test_binary_content_is_skipped() -> None:
    with pytest.raises(FileSkipped, match=r"binary file \(not text\)"):
        decode_text(b"\x00\x01\x02garbage" * 100)
    with pytest.raises(FileSkipped) as caught:
        load_document("notes.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    assert str(caught.value) == BINARY_REASON


def test_text_loader_keeps_source_code_verbatim() -> None:
    source = "def f(x):\n    return x  # comment\n"
    document = load_document("/src/tool.py", source.encode())
    assert document.loader == "text" and document.title == "tool"
    assert document.text == source and document.blocks[0].section == ()


def test_whitespace_only_text_is_skipped() -> None:
    with pytest.raises(FileSkipped):
        load_document("blank.txt", " \n\t\n".encode("utf-16"))


def test_undecodable_file_names_give_storable_titles() -> None:
    path = b"/data/caf\xe9-notes.txt".decode("utf-8", "surrogateescape")
    document = load_document(path, b"the orchard has 312 pear trees")
    assert document.title == "caf\ufffd-notes"
    document.title.encode("utf-8")  # would raise on a lone surrogate
    assert display_name("plain") == "plain"
