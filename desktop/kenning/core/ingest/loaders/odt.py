"""OpenDocument text (.odt): paragraphs and tables in order, headings (text:h) as sections."""

from __future__ import annotations

from lxml import etree

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.odf import odf_text, open_odf, q, sniff_odf

KIND = "OpenDocument text"
NO_TEXT_REASON = "no text in this OpenDocument text"

_HEADING, _PARAGRAPH, _ROW, _CELL = q("text:h"), q("text:p"), q("table:table-row"), q("table:table-cell")
# Text a reader does not see in the body: deleted revisions, comments, and the generated table of contents
# (it repeats the headings); table cells are read with their row.
_NOT_BODY = frozenset({q("text:tracked-changes"), q("office:annotation"), q("text:table-of-content"), _CELL})


class OdtLoader:
    """Heading levels come from text:outline-level, as in Writer's navigator."""

    name: str = "odt"
    suffixes: tuple[str, ...] = (".odt", ".ott")

    def sniff(self, head: bytes) -> bool:
        return sniff_odf(head, "text")

    def load(self, path: str, data: bytes) -> Document:
        body, title = open_odf(data, KIND, "text")
        parts: list[Part] = []
        section: list[tuple[int, str]] = []
        lines: list[str] = []
        for element in body.iter(_HEADING, _PARAGRAPH, _ROW):
            if _hidden_from_body(element):
                continue
            if element.tag == _ROW:
                cells = [_cell_text(cell) for cell in element.iterchildren(_CELL)]
                if any(cells):
                    lines.append(" | ".join(cells))
                continue
            text = odf_text(element)
            if element.tag != _HEADING or not text:
                if text:
                    lines.append(text)
                continue
            parts.append(("\n".join(lines), None, tuple(name for _, name in section)))
            lines = [text]
            level = _level(element)
            while section and section[-1][0] >= level:
                section.pop()
            section.append((level, text))
        parts.append(("\n".join(lines), None, tuple(name for _, name in section)))
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(path=path, title=title or title_from_path(path), loader=self.name, blocks=blocks)


def _hidden_from_body(element: etree._Element) -> bool:
    return any(ancestor.tag in _NOT_BODY for ancestor in element.iterancestors())


def _level(heading: etree._Element) -> int:
    value = heading.get(q("text:outline-level"), "1")
    return int(value) if value.isdigit() and len(value) <= 2 and int(value) > 0 else 1


def _cell_text(cell: etree._Element) -> str:
    return " ".join(text for p in cell.iter(_PARAGRAPH) if (text := odf_text(p)))
