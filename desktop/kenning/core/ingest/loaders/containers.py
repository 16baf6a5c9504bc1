"""ZIP and XML containers shared by the office, e-book and OpenDocument loaders, opened defensively.

Sizes are checked in the ZIP directory before anything is unpacked, and every member is read with a
cap, since a directory may lie about sizes. XML is parsed without DTDs, entities or network access.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from kenning.core.errors import FileSkipped, FileUnreadable

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy Office files are OLE containers
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
MAX_UNPACKED = 512 * 1024 * 1024  # no real document unpacks to more
MAX_RATIO = 200  # deflate reaches ~1000:1 only on degenerate data; XML rarely passes 30:1
_RATIO_FLOOR = 16 * 1024 * 1024  # small archives may compress as well as they like
MAX_MEMBERS = 20_000

# RuntimeError: zipfile's "password required" for an encrypted member.
_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, KeyError, RuntimeError
)  # fmt: skip
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def is_encrypted_office(data: bytes) -> bool:
    """An OLE file holding an encrypted OOXML package (what Office writes for a password-protected file)."""
    return data.startswith(OLE_MAGIC) and _ENCRYPTED_STREAM in data


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive in ``data``; ``kind`` names the format in reasons ("Excel workbook").

    Raises ``FileUnreadable`` (corrupt, password-protected) or ``FileSkipped`` (zip bomb).
    """
    if is_encrypted_office(data):
        raise FileUnreadable(f"{kind} is encrypted (password-protected)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ERRORS:
        raise FileUnreadable(f"{kind} is damaged (not a valid ZIP container)") from None
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if len(infos) > MAX_MEMBERS or unpacked > MAX_UNPACKED:
        raise FileSkipped(f"{kind} is too large when unpacked ({unpacked // 1_000_000} MB)")
    if unpacked > _RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise FileSkipped(f"{kind} unpacks {unpacked // max(packed, 1)}:1 (a zip bomb?); not read")
    # Every member encrypted: a password-protected ZIP. One flagged member is more likely a damaged header.
    if infos and all(info.flag_bits & 0x1 for info in infos if not info.is_dir()):
        raise FileUnreadable(f"{kind} is encrypted (password-protected)")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, kind: str, limit: int = MAX_UNPACKED) -> bytes:
    """One member's bytes, never more than ``limit`` whatever the directory claims."""
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except KeyError:
        raise FileUnreadable(f"{kind} is damaged ({name} is missing)") from None
    except _ERRORS:
        raise FileUnreadable(f"{kind} is damaged ({name} cannot be unpacked)") from None
    if len(data) > limit:
        raise FileSkipped(f"{kind} is too large when unpacked ({name})")
    return data


def parse_xml(data: bytes, kind: str) -> etree._Element:
    """Parsed XML without external entities; raises ``FileUnreadable`` when it is malformed."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise FileUnreadable(f"{kind} is damaged (malformed XML)") from None
    if root is None:
        raise FileUnreadable(f"{kind} is damaged (empty XML)")
    return root
