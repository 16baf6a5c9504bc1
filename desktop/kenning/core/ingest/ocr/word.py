"""A recognised word, the unit every OCR engine returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One recognised word; the box is a fraction of the image's width and height (0..1), so it
    fits the page at any rendering scale."""

    text: str
    x: float
    y: float
    w: float
    h: float
    confidence: float  # 0..1
    line: int  # words of one line share a number; lines are in reading order
