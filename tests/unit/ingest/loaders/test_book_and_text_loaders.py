"""EPUB, ODT and RTF: reading order, headings as sections, offsets that point back into the text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kenning.core.domain.documents import Document
from kenning.core.errors import FileUnreadable
from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.loaders.epub import DRM_REASON

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "formats"


def _sample(name: str) -> Document:
    return load_document(str(SAMPLES / name), (SAMPLES / name).read_bytes())


def _members(name: str) -> dict[str, bytes]:
    with zipfile.ZipFile(SAMPLES / name) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_epub_follows_the_spine_not_the_file_names_under_an_extra_folder() -> None:
    document = _sample("lighthouse.epub")
    assert (document.loader, document.title) == ("epub", "The Lighthouse Keeper")
    assert [(b.section, b.text) for b in document.blocks] == [
        (("Chapter One: The Storm",), "Chapter One: The Storm\nThe keeper trimmed the wick at midnight."),
        (("Chapter Two: Morning",), "Chapter Two: Morning\nGulls circled the broken mast at dawn."),
    ]
    for block in document.blocks:
        assert document.text[block.start : block.start + len(block.text)] == block.text


def test_epub_without_a_container_file_finds_its_package() -> None:
    members = _members("lighthouse.epub")
    del members["META-INF/container.xml"]
    assert "Gulls circled" in load_document("book.epub", _rezip(members)).text


def test_drm_protected_epub_says_so() -> None:
    members = _members("lighthouse.epub")
    members["META-INF/encryption.xml"] = (
        b'<encryption><EncryptedData><CipherData><CipherReference URI="book/OEBPS/text/a.xhtml"/>'
        b"</CipherData></EncryptedData></encryption>"
    )
    with pytest.raises(FileUnreadable) as caught:
        load_document("book.epub", _rezip(members))
    assert str(caught.value) == DRM_REASON


def test_odt_headings_become_sections_and_tables_rows() -> None:
    document = _sample("lichens.odt")
    assert (document.loader, document.title) == ("odt", "Lichen field guide")
    assert [(b.section, b.text) for b in document.blocks] == [
        (("Field guide",), "Field guide\nLichens grow slowly on granite."),
        (
            ("Field guide", "Identification"),
            "Identification\nThe map lichen forms yellow-green patches.\n"
            "Species | Colour\nRhizocarpon | yellow",
        ),
    ]


def test_rtf_text_with_its_code_page() -> None:
    document = _sample("letter.rtf")
    assert document.loader == "rtf"
    assert document.text == "Dear committee,\nThe café roof needs new slate tiles before winter."


def test_rtf_is_recognised_by_content_whatever_its_suffix() -> None:
    document = load_document("letter.doc", (SAMPLES / "letter.rtf").read_bytes())
    assert document.loader == "rtf"
