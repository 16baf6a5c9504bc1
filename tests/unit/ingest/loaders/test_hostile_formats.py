"""Hostile variants of every new format: a clear reason, never a crash, never a stopped run."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest

from kenning.core.errors import FileProblem, FileSkipped, FileUnreadable
from kenning.core.ingest.loaders import load_document

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "formats"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix not in (".py", ".md"))
# What Office writes for a password-protected file: an OLE container holding an "EncryptedPackage" stream.
ENCRYPTED_OOXML = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")


def _zip(members: dict[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["secret.xlsx", "secret.pptx"])
def test_password_protected_office_files_say_so(name: str) -> None:
    with pytest.raises(FileUnreadable) as caught:
        load_document(name, ENCRYPTED_OOXML)
    assert "password-protected" in str(caught.value)


def test_encrypted_opendocument_says_so() -> None:
    manifest = b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    manifest += b"<manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"
    data = _zip(
        {"META-INF/manifest.xml": manifest, "content.xml": b"\x93\x11 encrypted"},
        first=("mimetype", b"application/vnd.oasis.opendocument.text"),
    )
    with pytest.raises(FileUnreadable) as caught:
        load_document("secret.odt", data)
    assert str(caught.value) == "OpenDocument text is encrypted (password-protected)"


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("bomb.xlsx", None),
        ("bomb.pptx", None),
        ("bomb.epub", ("mimetype", b"application/epub+zip")),
        ("bomb.ods", ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")),
    ],
)
def test_zip_bombs_are_refused_from_the_directory_before_unpacking(
    name: str, first: tuple[str, bytes] | None
) -> None:
    data = _zip({"content.xml": b"\x00" * (40 * 1024 * 1024)}, first=first)
    assert len(data) < 100_000
    with pytest.raises(FileSkipped) as caught:
        load_document(name, data)
    assert "zip bomb" in str(caught.value)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_truncated_samples_never_raise_anything_else(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    for cut in range(1, len(data), max(1, len(data) // 40)):
        with contextlib.suppress(FileProblem):
            load_document(name, data[:cut])


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_flipped_bytes_never_raise_anything_else(name: str) -> None:
    data = bytearray((SAMPLES / name).read_bytes())
    for position in range(len(data) // 3, len(data), max(1, len(data) // 30)):
        damaged = bytearray(data)
        damaged[position] ^= 0x55
        with contextlib.suppress(FileProblem):
            load_document(name, bytes(damaged))


def test_corrupt_zip_under_each_suffix_gets_a_reason() -> None:
    for suffix in (".xlsx", ".pptx", ".ods", ".odt", ".odp", ".epub"):
        with pytest.raises(FileUnreadable) as caught:
            load_document(f"broken{suffix}", b"PK\x03\x04 this is not really a zip" * 10)
        assert "damaged" in str(caught.value) or "could not read" in str(caught.value)
