"""E-books (.epub): chapters in the OPF spine's reading order, each cleaned like an HTML page."""

from __future__ import annotations

import posixpath
import re
import zipfile
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag
from lxml import etree

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.containers import ZIP_MAGIC, open_zip, parse_xml, read_member
from kenning.core.ingest.loaders.decoding import decode_text, title_from_path
from kenning.core.ingest.loaders.html import remove_boilerplate, render_sections

KIND = "EPUB e-book"
NO_TEXT_REASON = "no text in this EPUB e-book"
DRM_REASON = "EPUB e-book is DRM-protected (its chapters are encrypted)"
NO_PACKAGE_REASON = "EPUB e-book is damaged (no package document)"

_CONTAINER = "META-INF/container.xml"
_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/x-dtbook+xml"})
_MAX_CHAPTERS = 5000
_MAX_CHAPTER_BYTES = 64 * 1024 * 1024
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")
_CONTENT_SUFFIX = re.compile(r"\.(x?html?|xml)\"", re.I)


class EpubLoader:
    """Reads META-INF/container.xml for the package path, so books packed under an extra folder work."""

    name: str = "epub"
    suffixes: tuple[str, ...] = (".epub",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(ZIP_MAGIC) and b"mimetypeapplication/epub+zip" in head[:128]

    def load(self, path: str, data: bytes) -> Document:
        with open_zip(data, KIND) as archive:
            names = set(archive.namelist())
            if "META-INF/encryption.xml" in names:
                encryption = read_member(archive, "META-INF/encryption.xml", KIND, limit=4 * 1024 * 1024)
                if _CONTENT_SUFFIX.search(encryption.decode("utf-8", "replace")):  # fonts alone are fine
                    raise FileUnreadable(DRM_REASON)
            package_path = _package_path(archive, names)
            package = parse_xml(read_member(archive, package_path, KIND), KIND)
            title = " ".join((_first(package, "title") or "").split())
            parts: list[Part] = []
            for number, href in enumerate(_spine(package, posixpath.dirname(package_path)), start=1):
                if href not in names:
                    continue  # a spine entry the packager forgot: the rest of the book still reads
                chapter = read_member(archive, href, KIND, limit=_MAX_CHAPTER_BYTES)
                parts += _chapter_parts(chapter, number)
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(path=path, title=title or title_from_path(path), loader=self.name, blocks=blocks)


def _package_path(archive: zipfile.ZipFile, names: set[str]) -> str:
    if _CONTAINER in names:
        container = parse_xml(read_member(archive, _CONTAINER, KIND, limit=1024 * 1024), KIND)
        for element in container.iter("{*}rootfile"):
            full_path = unquote(element.get("full-path", ""))
            if full_path in names:
                return full_path
    # No or broken container: many readers fall back on the only package document in the archive.
    packages = sorted(name for name in names if name.lower().endswith(".opf"))
    if not packages:
        raise FileUnreadable(NO_PACKAGE_REASON)
    return packages[0]


def _spine(package: etree._Element, folder: str) -> list[str]:
    """Archive paths of the spine's (X)HTML documents, in reading order."""
    manifest = {
        item.get("id", ""): item
        for item in package.iterfind("{*}manifest/{*}item")
        if item.get("media-type", "") in _HTML_TYPES
    }
    hrefs: list[str] = []
    for itemref in package.iterfind("{*}spine/{*}itemref"):
        item = manifest.get(itemref.get("idref", ""))
        if item is not None and item.get("href"):
            href = unquote(item.get("href", "").split("#", 1)[0])
            hrefs.append(posixpath.normpath(posixpath.join(folder, href)))
    return hrefs[:_MAX_CHAPTERS]


def _chapter_parts(data: bytes, number: int) -> list[Part]:
    try:
        text = _XML_DECLARATION.sub("", decode_text(data), count=1)
    except FileSkipped:
        return []  # a binary file listed as a chapter: skip it, keep the book
    soup = BeautifulSoup(text, "lxml")
    body = soup.find("body")
    root = body if isinstance(body, Tag) else soup
    remove_boilerplate(root)
    head_title = soup.find("title")
    label = " ".join(head_title.get_text(" ").split()) if isinstance(head_title, Tag) else ""
    label = label or f"Chapter {number}"
    return [(body_text, None, section or (label,)) for body_text, section in render_sections(root)]


def _first(package: etree._Element, local_name: str) -> str | None:
    element = package.find(f"{{*}}metadata/{{*}}{local_name}")
    return element.text if element is not None else None
