"""Word documents (.docx) with python-docx: body paragraphs and tables in order, headings as sections."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.docx_hidden import remove_hidden_runs

CORRUPT_REASON = "not a Word document (corrupt DOCX)"
DAMAGED_REASON = "Word document is damaged (corrupt DOCX)"
ENCRYPTED_REASON = "Word document is encrypted (password-protected)"
LEGACY_REASON = "old Word format (.doc) is not supported; save it as .docx"
TOO_LARGE_REASON = "Word document too large when unpacked"
NO_TEXT_REASON = "no text in this Word document"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy .doc are OLE containers
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAX_UNPACKED = 512 * 1024 * 1024  # guards against zip bombs; real documents are far smaller
_HEADING_STYLE = re.compile(r"(?:heading ([1-9])|title)", re.IGNORECASE)
_BASE_STYLE_DEPTH = 4  # custom heading styles are usually based on a built-in one, a level or two up


class DocxLoader:
    """Headings (Heading 1..9, Title, or an outline level) build the section path; tables become rows."""

    name: str = "docx"
    suffixes: tuple[str, ...] = (".docx", ".docm", ".dotx")

    def sniff(self, head: bytes) -> bool:
        # Any OOXML file is a ZIP; a Word one names its word/ parts near the start.
        return head.startswith(_ZIP_MAGIC) and b"word/" in head

    def load(self, path: str, data: bytes) -> Document:
        word = _open(data)
        hidden_chars = remove_hidden_runs(word)
        levels = _heading_levels(word)
        parts: list[tuple[str, int | None, tuple[str, ...]]] = []
        section: list[tuple[int, str]] = []
        lines: list[str] = []
        for element in _body_items(word.element.body):
            if element.tag == qn("w:tbl"):
                lines.extend(_table_rows(element, word))
                continue
            paragraph = Paragraph(element, word)
            text = paragraph.text.strip()
            level = _paragraph_level(element, levels)
            if level is None or not text:
                if text:
                    lines.append(text)
                continue
            parts.append(("\n".join(lines), None, tuple(name for _, name in section)))
            lines = [text]
            while section and section[-1][0] >= level:
                section.pop()
            section.append((level, " ".join(text.split())))
        parts.append(("\n".join(lines), None, tuple(name for _, name in section)))
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        title = " ".join((word.core_properties.title or "").split())
        return Document(
            path=path,
            title=title or title_from_path(path),
            loader=self.name,
            blocks=blocks,
            hidden_chars=hidden_chars,
        )


def _open(data: bytes) -> WordDocument:
    if data.startswith(_OLE_MAGIC):
        raise FileUnreadable(ENCRYPTED_REASON if _ENCRYPTED_STREAM in data else LEGACY_REASON)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise FileUnreadable(CORRUPT_REASON) from None
    if "[Content_Types].xml" not in names:
        raise FileUnreadable(CORRUPT_REASON)
    if unpacked > _MAX_UNPACKED:
        raise FileSkipped(TOO_LARGE_REASON)
    try:
        return docx.Document(io.BytesIO(data))
    except (OpcError, KeyError, ValueError):
        # python-docx raises KeyError for a missing part and ValueError for a non-Word main part.
        raise FileUnreadable(CORRUPT_REASON) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, etree.XMLSyntaxError):
        # Bad CRCs, broken deflate streams, unknown compression methods, malformed XML.
        raise FileUnreadable(DAMAGED_REASON) from None


def _body_items(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in body order, looking inside content controls (w:sdt) that wrap them."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _heading_levels(word: WordDocument) -> dict[str, int]:
    """Paragraph style id -> heading level (0 for Title), following each style's base styles."""
    levels: dict[str, int] = {}
    for style in word.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue  # numbering and table styles have no base style and never mark headings
        base: Any = style
        for _ in range(_BASE_STYLE_DEPTH):
            match = _HEADING_STYLE.fullmatch(base.name or "")
            if match:
                levels[style.style_id] = int(match.group(1)) if match.group(1) else 0
                break
            base = base.base_style
            if base is None:
                break
    return levels


def _paragraph_level(element: Any, levels: dict[str, int]) -> int | None:
    """Heading level of a paragraph from its style, else from a direct outline level; None for body text."""
    # Read the style id from the XML: python-docx's Paragraph.style is None for some real files.
    style_id = element.style
    if style_id in levels:
        return levels[style_id]
    outline = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None:
        value = outline.get(qn("w:val"), "")
        if value.isdigit() and int(value) < 9:  # 9 means "body text"
            return int(value) + 1
    return None


def _table_rows(table: Any, word: WordDocument) -> list[str]:
    """One "cell | cell" line per row; nested tables are flattened into their cell's text."""
    rows: list[str] = []
    for row in table.iterchildren(qn("w:tr")):
        cells = []
        for cell in row.iterchildren(qn("w:tc")):
            texts = (Paragraph(p, word).text for p in cell.iter(qn("w:p")))
            cells.append(" ".join(" ".join(texts).split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows
