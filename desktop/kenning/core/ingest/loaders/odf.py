"""OpenDocument containers (.odt, .ods, .odp): content.xml and meta.xml read with lxml, no ODF library."""

from __future__ import annotations

from lxml import etree

from kenning.core.errors import FileUnreadable
from kenning.core.ingest.loaders.containers import ZIP_MAGIC, open_zip, parse_xml, read_member

_NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument."


def q(name: str) -> str:
    """Clark notation for a prefixed name: q("text:p") -> "{urn:...:text:1.0}p"."""
    prefix, local = name.split(":")
    return f"{{{_NAMESPACES[prefix]}}}{local}"


_SPACE, _TAB, _BREAK = q("text:s"), q("text:tab"), q("text:line-break")
_UNSEEN = frozenset({q("office:annotation"), q("text:tracked-changes"), q("text:note-citation")})


def sniff_odf(head: bytes, kind: str) -> bool:
    """An ODF package of ``kind`` ("text", "spreadsheet", "presentation"): its first member names the type."""
    return head.startswith(ZIP_MAGIC) and (_MIMETYPE + kind.encode()) in head[:128]


def open_odf(data: bytes, kind: str, body: str) -> tuple[etree._Element, str]:
    """The ``office:<body>`` element of content.xml and the document's title ("" when it has none)."""
    with open_zip(data, kind) as archive:
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names:
            manifest = read_member(archive, "META-INF/manifest.xml", kind, limit=4 * 1024 * 1024)
            if b"encryption-data" in manifest:  # ODF encrypts members itself; the ZIP does not say so
                raise FileUnreadable(f"{kind} is encrypted (password-protected)")
        if "content.xml" not in names:
            raise FileUnreadable(f"{kind} is damaged (content.xml is missing)")
        content = parse_xml(read_member(archive, "content.xml", kind), kind)
        meta = parse_xml(read_member(archive, "meta.xml", kind), kind) if "meta.xml" in names else None
    found = content.find(f"{q('office:body')}/{q('office:' + body)}")
    if found is None:
        raise FileUnreadable(f"{kind} is damaged (no {body} body)")
    title = meta.findtext(f".//{q('dc:title')}") if meta is not None else None
    return found, " ".join((title or "").split())


def odf_text(element: etree._Element) -> str:
    """The visible text of a paragraph-like element, spaces collapsed; comments and deletions left out."""
    out: list[str] = []
    _collect(element, out)
    return " ".join("".join(out).split())


def _collect(element: etree._Element, out: list[str]) -> None:
    # Recursion is bounded: lxml refuses documents nested deeper than 256 elements (huge_tree is off).
    if element.text:
        out.append(element.text)
    for child in element:
        if child.tag in (_SPACE, _TAB, _BREAK):
            out.append(" ")  # runs of spaces collapse anyway: a hostile text:c count allocates nothing
        elif child.tag not in _UNSEEN:
            _collect(child, out)
        if child.tail:
            out.append(child.tail)
