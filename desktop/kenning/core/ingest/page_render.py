"""A PDF page or an image as pixels, with the rectangles that cover a cited passage, for the viewer.

Uses PDFium (pypdfium2), the engine the loader reads text with, so the words found when
indexing are the words highlighted here; a page read by OCR is highlighted from the word boxes
the OCR stored (the same text the chunks were cut from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kenning.core.errors import FileUnreadable
from kenning.core.ingest.ocr.image_loader import ImageLoader, image_frames
from kenning.core.ingest.ocr.page_text import OcrPage
from kenning.core.ingest.ocr.word_boxes import WordBoxStore
from kenning.core.ingest.pdfium_lock import PDFIUM_LOCK

if TYPE_CHECKING:
    import pypdfium2 as pdfium

Rect = tuple[int, int, int, int]  # x, y, w, h in pixels

ANCHOR_WORDS = 8


@dataclass(frozen=True)
class RenderedPage:
    width: int
    height: int
    stride: int
    rgba: bytes
    highlights: tuple[Rect, ...]
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


def is_image(path: str) -> bool:
    """A file the viewer shows as a picture (an image read by OCR), by its first bytes or suffix."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return ImageLoader().sniff(head) or path.lower().endswith(ImageLoader.suffixes)


def ocr_highlights(ocr: OcrPage, passage: str, width: int, height: int) -> list[Rect]:
    """The boxes of the OCR'd words that make up `passage`, in pixels of a `width` x `height` page."""
    found = locate_passage(ocr.text, passage)
    if found is None:
        return []
    return [
        (int(x * width), int(y * height), max(1, round(w * width)), max(1, round(h * height)))
        for x, y, w, h in ocr.boxes_for(*found)
    ]


def render_page(
    path: str, page: int, passage: str = "", *, scale: float = 1.5, ocr_boxes: WordBoxStore | None = None
) -> RenderedPage:
    """Page `page` (1-based) of a PDF or an image; `ocr_boxes` finds the words of pages read by OCR."""
    ocr = ocr_boxes.page(path, page) if ocr_boxes is not None and passage else None
    if is_image(path):
        return _render_image(path, page, passage, scale, ocr)
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # the indexer may be reading another PDF on its own thread right now
        try:
            pdf = pdfium.PdfDocument(path)
        except (pdfium.PdfiumError, OSError) as exc:
            raise FileUnreadable(
                f"Could not open {path} to show it: {exc}.", "Use Open to view it in another app."
            ) from exc
        try:
            return _render_pdf_page(pdf, page, passage, scale, ocr)
        finally:
            pdf.close()


def _render_pdf_page(
    pdf: pdfium.PdfDocument, page: int, passage: str, scale: float, ocr: OcrPage | None
) -> RenderedPage:
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
            width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        finally:
            bitmap.close()
        if ocr is not None:
            rects: tuple[Rect, ...] = tuple(ocr_highlights(ocr, passage, width, height))
        else:
            rects = _passage_rects(pdf_page, passage, height_pt, scale) if passage else ()
    finally:
        pdf_page.close()
    return RenderedPage(width, height, stride, pixels, rects, index + 1, count)


def _passage_rects(
    pdf_page: pdfium.PdfPage, passage: str, height_pt: float, scale: float
) -> tuple[Rect, ...]:
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


def _render_image(path: str, page: int, passage: str, scale: float, ocr: OcrPage | None) -> RenderedPage:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise FileUnreadable(
            f"Could not open {path} to show it: {exc}.", "Use Open to view it in another app."
        ) from exc
    count = 0
    image = None
    for count, frame in enumerate(image_frames(data), start=1):  # decoded one at a time
        if count <= max(page, 1):
            image = frame
    assert image is not None  # image_frames yields at least one frame or raises
    index = min(max(page, 1), count) - 1
    # OCR ran at the image's own size; the viewer's scale is relative to a 72 dpi page, so images
    # are shown at scale / 1.5 of their pixels (1.5 being the viewer's usual scale), never above 1:1.
    factor = min(1.0, scale / 1.5)
    if factor < 1.0:
        image = image.resize((max(1, int(image.width * factor)), max(1, int(image.height * factor))))
    rgba = image.convert("RGBA")
    rects = ocr_highlights(ocr, passage, rgba.width, rgba.height) if ocr is not None else []
    return RenderedPage(
        rgba.width, rgba.height, rgba.width * 4, rgba.tobytes(), tuple(rects), index + 1, count
    )
