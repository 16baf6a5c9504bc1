"""Scanned PDF pages as images for OCR, rendered by PDFium under the loader's lock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

OCR_DPI = 200  # measured: Tesseract reads 10 pt text exactly at 150-200 dpi; more only costs time


def pdf_page_images(data: bytes, pages: tuple[int, ...]) -> Iterator[tuple[int, Image]]:
    """(page number, image) for each of `pages` (1-based); the lock is held only while rendering."""
    import pypdfium2 as pdfium

    from kenning.core.ingest.pdfium_lock import PDFIUM_LOCK

    for number in pages:
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(data)
            try:
                page = document[number - 1]
                try:
                    image = page.render(scale=OCR_DPI / 72).to_pil().convert("RGB")
                finally:
                    page.close()
            finally:
                document.close()
        yield number, image
