"""Recognised words as page text, each word remembering where in the text and on the page it is."""

from __future__ import annotations

from dataclasses import dataclass

from kenning.core.ingest.ocr.word import Word

Box = tuple[float, float, float, float]  # x, y, w, h as fractions of the page


@dataclass(frozen=True)
class OcrPage:
    page: int  # 1-based
    text: str
    spans: tuple[tuple[int, int, Box], ...]  # (start, end) of each word in `text`, and its box
    confidence: float  # mean word confidence, 0..1 (0 when no word was found)

    def boxes_for(self, start: int, end: int) -> list[Box]:
        """The boxes of the words that overlap the character range [start, end)."""
        return [box for s, e, box in self.spans if s < end and e > start]


def page_from_words(page: int, words: list[Word]) -> OcrPage:
    """Words joined by spaces, lines by line breaks, in the engine's reading order."""
    parts: list[str] = []
    spans: list[tuple[int, int, Box]] = []
    offset = 0
    previous_line: int | None = None
    for word in words:
        if previous_line is not None:
            gap = "\n" if word.line != previous_line else " "
            parts.append(gap)
            offset += len(gap)
        parts.append(word.text)
        spans.append((offset, offset + len(word.text), (word.x, word.y, word.w, word.h)))
        offset += len(word.text)
        previous_line = word.line
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return OcrPage(page, "".join(parts), tuple(spans), round(confidence, 3))
