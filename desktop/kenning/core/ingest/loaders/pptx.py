"""PowerPoint decks (.pptx) with python-pptx: one page per slide, its title as the section, notes marked."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pptx
from pptx.exc import PackageNotFoundError
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.containers import DAMAGED_ZIP, ZIP_MAGIC, open_zip
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.slides import slide_part

KIND = "PowerPoint presentation"
DAMAGED_REASON = "PowerPoint presentation is damaged (corrupt PPTX)"
NO_TEXT_REASON = "no text in this PowerPoint presentation"


class PptxLoader:
    """Text boxes, tables and grouped shapes in the slide's own order; hidden slides are marked."""

    name: str = "pptx"
    suffixes: tuple[str, ...] = (".pptx", ".pptm", ".ppsx", ".potx")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(ZIP_MAGIC) and b"ppt/" in head

    def load(self, path: str, data: bytes) -> Document:
        open_zip(data, KIND).close()  # encryption and zip-bomb checks before python-pptx unpacks anything
        try:
            deck: Any = pptx.Presentation(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError, *DAMAGED_ZIP):
            raise FileUnreadable(DAMAGED_REASON) from None
        parts: list[Part] = []
        slides = list(deck.slides)
        for number, slide in enumerate(slides, start=1):
            title_shape = slide.shapes.title
            title = title_shape.text_frame.text if title_shape is not None else ""
            if slide._element.get("show") == "0":
                title = f"{title or f'Slide {number}'} (hidden)"
            notes: list[str] = []
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                notes = _paragraphs(slide.notes_slide.notes_text_frame.text)
            parts.append(slide_part(number, title, list(_shape_lines(slide.shapes)), notes))
        blocks = make_blocks(parts)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        title = " ".join((deck.core_properties.title or "").split())
        return Document(
            path=path,
            title=title or title_from_path(path),
            loader=self.name,
            blocks=blocks,
            pages=len(slides),
        )


def _shape_lines(shapes: Iterable[BaseShape]) -> Iterator[str]:
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shape_lines(shape.shapes)
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield from _paragraphs(shape.text_frame.text)  # type: ignore[attr-defined]
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:  # type: ignore[attr-defined]
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                if any(cells):
                    yield " | ".join(cells)


def _paragraphs(text: str) -> list[str]:
    # python-pptx separates paragraphs with "\n" and line breaks with "\v".
    return [line for raw in text.replace("\v", "\n").split("\n") if (line := " ".join(raw.split()))]
