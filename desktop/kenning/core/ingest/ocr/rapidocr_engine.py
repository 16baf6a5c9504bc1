"""RapidOCR (PP-OCRv4 models in ONNX, bundled in its wheel): pure pip, so it ships in the installers.

It recognises text lines; each line's box is shared out among its words by their length in
characters, which is close enough to highlight a passage (a monospace guess, never off the line).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from kenning.core.ingest.ocr.word import Word

if TYPE_CHECKING:
    from PIL.Image import Image

_LOCK = threading.Lock()  # one model instance, loaded once (about a second) and not re-entrant
_MODEL: Any = None


def _model() -> Any:
    global _MODEL
    if _MODEL is None:
        from rapidocr_onnxruntime import RapidOCR

        _MODEL = RapidOCR()
    return _MODEL


class RapidOcrEngine:
    name = "rapidocr"

    def recognize(self, image: Image) -> list[Word]:
        import numpy as np

        rgb = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR reads OpenCV's BGR order
        with _LOCK:
            result, _ = _model()(rgb)
        width, height = image.size
        words: list[Word] = []
        for line, (points, text, score) in enumerate(result or []):
            xs = [float(p[0]) for p in points]
            ys = [float(p[1]) for p in points]
            left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
            words.extend(_split_line(str(text), left, top, right, bottom, float(score), line, width, height))
        return words


def _split_line(
    text: str, left: float, top: float, right: float, bottom: float, score: float, line: int, w: int, h: int
) -> list[Word]:
    tokens = text.split()
    if not tokens:
        return []
    per_char = (right - left) / max(len(text), 1)
    words: list[Word] = []
    cursor = 0
    for token in tokens:
        at = text.index(token, cursor)
        cursor = at + len(token)
        x = left + at * per_char
        words.append(Word(token, x / w, top / h, len(token) * per_char / w, (bottom - top) / h, score, line))
    return words
