"""Tesseract through pytesseract: `image_to_data` gives every word with its box and confidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kenning.core.ingest.ocr.word import Word

if TYPE_CHECKING:
    from PIL.Image import Image


class TesseractEngine:
    name = "tesseract"

    def __init__(self, languages: str = "eng") -> None:
        self.languages = languages

    def recognize(self, image: Image) -> list[Word]:
        import pytesseract

        data = pytesseract.image_to_data(image, lang=self.languages, output_type=pytesseract.Output.DICT)
        width, height = image.size
        words: list[Word] = []
        lines: dict[tuple[int, int, int, int], int] = {}
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if not text.strip() or conf < 0:
                continue  # conf -1 marks a block, paragraph or line row, not a word
            key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
            line = lines.setdefault(key, len(lines))
            words.append(
                Word(
                    text.strip(),
                    data["left"][i] / width,
                    data["top"][i] / height,
                    data["width"][i] / width,
                    data["height"][i] / height,
                    conf / 100.0,
                    line,
                )
            )
        return words
