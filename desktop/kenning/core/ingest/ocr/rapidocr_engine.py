"""RapidOCR (PP-OCRv4 models in ONNX, bundled in its wheel): pure pip, so it ships in the installers.

It recognises text lines, with a box per character. Its recogniser (trained mostly on Chinese) often
drops the space between English words ("ofthe"), so words are cut where the recognised text has a space
or where the printed characters have a gap wider than a third of the line's height; a word's box
is the union of its characters' boxes. Without character boxes, a line's box is shared out among its
words by their length.
"""

from __future__ import annotations

import os
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
        # opencv-python's cv2 points QT_QPA_PLATFORM_PLUGIN_PATH/QT_QPA_FONTDIR at its own Qt 5 on
        # import; the app's Qt 6 (and any window opened later in this process) must not see them.
        saved = {k: v for k, v in os.environ.items() if k.startswith("QT_QPA_")}
        try:
            from rapidocr_onnxruntime import RapidOCR
        finally:
            for key in [k for k in os.environ if k.startswith("QT_QPA_")]:
                if key not in saved:
                    del os.environ[key]
            os.environ.update(saved)
        _MODEL = RapidOCR()
    return _MODEL


class RapidOcrEngine:
    name = "rapidocr"

    def recognize(self, image: Image) -> list[Word]:
        import numpy as np

        rgb = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR reads OpenCV's BGR order
        with _LOCK:
            result, _ = _model()(rgb, return_word_box=True)
        width, height = image.size
        words: list[Word] = []
        for line, (points, text, score, *chars) in enumerate(result or []):
            if len(chars) == 3 and len(chars[0]) == len(chars[1]) == len(chars[2]) > 0:
                words.extend(_words_from_chars(chars, line, width, height))
                continue
            left, top, right, bottom = _bounds(points)
            words.extend(_split_line(str(text), left, top, right, bottom, float(score), line, width, height))
        return words


def _bounds(points: Any) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _words_from_chars(chars: list[Any], line: int, w: int, h: int) -> list[Word]:
    boxes, letters, scores = chars
    words: list[Word] = []
    current: list[tuple[str, tuple[float, float, float, float], float]] = []

    def close() -> None:
        if current:
            text = "".join(c for c, _, _ in current)
            left = min(b[0] for _, b, _ in current)
            top = min(b[1] for _, b, _ in current)
            right = max(b[2] for _, b, _ in current)
            bottom = max(b[3] for _, b, _ in current)
            confidence = sum(s for _, _, s in current) / len(current)
            box = (left / w, top / h, (right - left) / w, (bottom - top) / h)
            words.append(Word(text, *box, confidence, line))
            current.clear()

    for box, letter, score in zip(boxes, letters, scores, strict=True):
        bounds = _bounds(box)
        if not str(letter).strip():
            close()
            continue
        if current:
            previous = current[-1][1]
            height = bounds[3] - bounds[1]
            # character boxes are narrower than m and w, which leaves a false gap after them
            allowance = height / 4 if current[-1][0] in "mwMW" else 0.0
            if bounds[0] - previous[2] > height / 3 + allowance:
                close()
        current.append((str(letter), bounds, float(score)))
    close()
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
