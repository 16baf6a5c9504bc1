"""OCR engines behind one small contract, and the choice between them.

Two real implementations: a system Tesseract (fast, 0.3-0.5 s a page) when the user has one, else
RapidOCR (PP-OCR models in ONNX, installed with the app by pip), so OCR never needs a manual install.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Protocol

from kenning.core.errors import KenningError
from kenning.core.ingest.ocr.word import Word

if TYPE_CHECKING:
    from PIL.Image import Image

ENGINES = ("auto", "tesseract", "rapidocr")


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image) -> list[Word]:
        """The words of `image` in reading order."""
        ...


class OcrUnavailable(KenningError):
    """The OCR engine asked for cannot run here."""


def tesseract_installed() -> bool:
    return shutil.which("tesseract") is not None


def make_engine(choice: str, languages: str) -> OcrEngine:
    """`choice` is auto, tesseract or rapidocr; `languages` is Tesseract's "eng" or "eng+deu"."""
    choice = choice.strip().lower()
    if choice == "tesseract" or (choice == "auto" and tesseract_installed()):
        if not tesseract_installed():
            raise OcrUnavailable(
                "Tesseract is not installed.",
                "Install it (e.g. apt install tesseract-ocr) or set ocr.engine to auto.",
            )
        from kenning.core.ingest.ocr.tesseract_engine import TesseractEngine

        return TesseractEngine(languages)
    from kenning.core.ingest.ocr.rapidocr_engine import RapidOcrEngine

    return RapidOcrEngine()
