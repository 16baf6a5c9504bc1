"""Turn a file that needs OCR into a Document: recognise its pages (or reuse an earlier result for
the same content) and merge them with any text the loader found."""

from __future__ import annotations

import logging
import threading

from kenning.core.domain.documents import Document, Part, make_blocks
from kenning.core.errors import FileSkipped, FileUnsupported
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.ocr.engine import OcrEngine, OcrUnavailable, make_engine
from kenning.core.ingest.ocr.image_loader import image_frames
from kenning.core.ingest.ocr.needs import NeedsOcr
from kenning.core.ingest.ocr.page_text import OcrPage, page_from_words
from kenning.core.ingest.ocr.pdf_ocr import pdf_page_images
from kenning.core.ingest.ocr.word_boxes import WordBoxStore

log = logging.getLogger(__name__)

MIN_WORD_CONFIDENCE = 0.3  # below this a "word" is usually texture in a photo, not text


class OcrRunner:
    def __init__(self, boxes: WordBoxStore, *, engine: str = "auto", languages: str = "eng") -> None:
        self.boxes = boxes
        self.engine_choice = engine
        self.languages = languages
        self._engine: OcrEngine | None = None
        self._lock = threading.Lock()

    def engine(self) -> OcrEngine:
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.engine_choice, self.languages)
            return self._engine

    def read(self, path: str, data: bytes, sha256: str, needs: NeedsOcr) -> Document:
        cached = self.boxes.load(sha256)
        if cached is not None:
            engine_name, pages = cached
        else:
            try:
                engine = self.engine()
            except OcrUnavailable as error:
                raise FileSkipped(error.message, error.next_step, transient=True) from None
            pages = self._recognize(engine, data, needs)
            engine_name = engine.name
            self.boxes.save(sha256, engine_name, pages)
        return _merge(path, needs, pages, engine_name)

    def _recognize(self, engine: OcrEngine, data: bytes, needs: NeedsOcr) -> list[OcrPage]:
        images = (
            enumerate(image_frames(data), 1) if needs.kind == "image" else pdf_page_images(data, needs.pages)
        )
        pages = []
        for number, image in images:
            words = [w for w in engine.recognize(image) if w.confidence >= MIN_WORD_CONFIDENCE]
            pages.append(page_from_words(number, words))
        return pages


def _merge(path: str, needs: NeedsOcr, pages: list[OcrPage], engine_name: str) -> Document:
    found = needs.document
    parts: dict[int, Part] = {}
    if found is not None:
        parts = {b.page or 0: (b.text, b.page, b.section) for b in found.blocks}
    for page in pages:
        parts[page.page] = (page.text, page.page, ())
    blocks = make_blocks([parts[n] for n in sorted(parts)])
    if not blocks:
        if needs.kind == "image":
            raise FileUnsupported("no text found in this image")
        raise FileSkipped("no text found in this scanned PDF, even by OCR")
    notes = tuple(f"OCR: page {p.page} confidence {p.confidence:.2f}" for p in pages if p.text)
    log.info("%s: read %d page(s) with %s", path, len(pages), engine_name)
    return Document(
        path=path,
        title=found.title if found is not None else title_from_path(path),
        loader="pdf+ocr" if needs.kind == "pdf" else "image-ocr",
        blocks=blocks,
        pages=found.pages if found is not None else len(pages),
        notes=(found.notes if found is not None else ()) + notes,
        hidden_chars=found.hidden_chars if found is not None else 0,
    )
