"""OpenDocument presentations (.odp): one page per slide, its title as the section, speaker notes marked."""

from __future__ import annotations

from lxml import etree

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.odf import odf_text, open_odf, q, sniff_odf
from kenning.core.ingest.loaders.slides import slide_part

KIND = "OpenDocument presentation"
NO_TEXT_REASON = "no text in this OpenDocument presentation"

_PAGE, _NOTES, _FRAME = q("draw:page"), q("presentation:notes"), q("draw:frame")
_CLASS = q("presentation:class")
_TEXT = (q("text:h"), q("text:p"))


class OdpLoader:
    """Slide text in document order; the notes page's text box is the speaker notes."""

    name: str = "odp"
    suffixes: tuple[str, ...] = (".odp", ".otp")

    def sniff(self, head: bytes) -> bool:
        return sniff_odf(head, "presentation")

    def load(self, path: str, data: bytes) -> Document:
        body, title = open_odf(data, KIND, "presentation")
        parts: list[Part] = []
        pages = list(body.iterchildren(_PAGE))
        for number, page in enumerate(pages, start=1):
            slide_title = ""
            lines: list[str] = []
            for frame in page.iter(_FRAME):  # frames inside groups too
                if next(frame.iterancestors(_NOTES), None) is not None:
                    continue
                text = _lines(frame)
                if frame.get(_CLASS) == "title" and not slide_title:
                    slide_title = " ".join(text)
                lines += text
            notes = page.find(_NOTES)
            notes_frames = notes.iter(_FRAME) if notes is not None else ()
            notes_lines = [line for frame in notes_frames for line in _lines(frame)]
            parts.append(slide_part(number, slide_title, lines, notes_lines))
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(
            path=path, title=title or title_from_path(path), loader=self.name, blocks=blocks, pages=len(pages)
        )


def _lines(frame: etree._Element) -> list[str]:
    # Paragraphs inside a table's cells or a list are still paragraphs: iter() finds them all, in order.
    return [text for p in frame.iter(*_TEXT) if (text := odf_text(p))]
