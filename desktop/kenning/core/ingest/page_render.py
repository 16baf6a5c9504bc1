"""A PDF page as pixels, with the rectangles that cover a cited passage, for the source viewer.

Uses PDFium (pypdfium2), the engine the loader reads text with, so the words found when
indexing are the words highlighted here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kenning.core.errors import FileUnreadable
from kenning.core.ingest.pdfium_lock import PDFIUM_LOCK

if TYPE_CHECKING:
    import pypdfium2 as pdfium

ANCHOR_WORDS = 8


@dataclass(frozen=True)
class RenderedPage:
    width: int
    height: int
    stride: int
    rgba: bytes
    highlights: tuple[tuple[int, int, int, int], ...]  # x, y, w, h in pixels
    page: int  # 1-based
    pages: int


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\W*".join(re.escape(w) for w in words), re.IGNORECASE)


def locate_passage(page_text: str, passage: str) -> tuple[int, int] | None:
    """Character range of `passage` inside `page_text`, tolerant of line breaks and hyphenation."""
    words = re.findall(r"\w+", passage)
    if not words:
        return None
    head = _words_pattern(words[:ANCHOR_WORDS]).search(page_text)
    if head is None:
        middle = len(words) // 2
        head = _words_pattern(words[middle : middle + ANCHOR_WORDS]).search(page_text)
        if head is None:
            return None
    tail = None
    for match in _words_pattern(words[-ANCHOR_WORDS:]).finditer(page_text, head.start()):
        tail = match
        break
    end = tail.end() if tail is not None else head.end()
    return head.start(), max(end, head.end())


def render_page(path: str, page: int, passage: str = "", *, scale: float = 1.5) -> RenderedPage:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # the indexer may be reading another PDF on its own thread right now
        try:
            pdf = pdfium.PdfDocument(path)
        except (pdfium.PdfiumError, OSError) as exc:
            raise FileUnreadable(
                f"Could not open {path} to show it: {exc}.", "Use Open to view it in another app."
            ) from exc
        try:
            return _render(pdf, page, passage, scale)
        finally:
            pdf.close()


def _render(pdf: pdfium.PdfDocument, page: int, passage: str, scale: float) -> RenderedPage:
    import pypdfium2 as pdfium

    count = len(pdf)
    index = min(max(page, 1), count) - 1
    pdf_page = pdf[index]
    try:
        height_pt = pdf_page.get_height()
        bitmap = pdf_page.render(
            scale=scale, rev_byteorder=True, force_bitmap_format=pdfium.raw.FPDFBitmap_BGRA
        )
        try:
            pixels = bytes(bitmap.buffer)
            size = bitmap.width, bitmap.height, bitmap.stride
        finally:
            bitmap.close()
        rects = _passage_rects(pdf_page, passage, height_pt, scale) if passage else ()
    finally:
        pdf_page.close()
    return RenderedPage(*size, pixels, rects, index + 1, count)


def _passage_rects(
    pdf_page: pdfium.PdfPage, passage: str, height_pt: float, scale: float
) -> tuple[tuple[int, int, int, int], ...]:
    from kenning.core.ingest.loaders.pdf_hidden import visible_text

    textpage = pdf_page.get_textpage()
    try:
        # The loader indexed only the visible text: search the same, then map back to PDFium chars.
        visible = visible_text(pdf_page, textpage)
        found = locate_passage(visible.text, passage)
        if found is None:
            return ()
        start, end = found
        if visible.indices is not None:
            start, end = visible.indices[start], visible.indices[end - 1] + 1
        rects = []
        for i in range(textpage.count_rects(start, end - start)):
            left, bottom, right, top = textpage.get_rect(i)
            rects.append(
                (
                    int(left * scale),
                    int((height_pt - top) * scale),
                    max(1, int((right - left) * scale)),
                    max(1, int((top - bottom) * scale)),
                )
            )
        return tuple(rects)
    finally:
        textpage.close()
