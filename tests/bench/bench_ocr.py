"""OCR quality and speed per engine, on real scans made from corpus PDF pages.

How: pages of a corpus PDF with a text layer are rendered by PDFium at 200 dpi and degraded with
Pillow (clean; blurred; rotated 1.5 degrees with scanner dust), saved as an image-only PDF (a scan
with no text layer), and read back through Kenning's own path (`pdf_page_images`, each engine's
`recognize`, `page_from_words`). Word accuracy is the share of the text layer's words (lower-cased,
punctuation stripped) that the OCR text matches in order (difflib on word sequences).

    PYTHONPATH=desktop .venv/bin/python tests/bench/bench_ocr.py [--pdf PATH] [--pages 3]
"""

from __future__ import annotations

import argparse
import difflib
import io
import random
import re
import shutil
import time
from pathlib import Path

from PIL import Image, ImageFilter

from kenning.core.ingest.loaders.pdf import clean_page_text
from kenning.core.ingest.ocr.engine import make_engine
from kenning.core.ingest.ocr.page_text import page_from_words
from kenning.core.ingest.ocr.pdf_ocr import pdf_page_images

CORPUS_PDF = Path(__file__).resolve().parents[2] / "../shared/corpus/docs/shells/bash/bashref.pdf"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def accuracy(reference: str, ocr: str) -> float:
    ref = words(reference)
    matcher = difflib.SequenceMatcher(None, ref, words(ocr), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(ref), 1)


def degrade(image: Image.Image, variant: str, seed: int) -> Image.Image:
    image = image.convert("L")
    if variant == "blurred":
        return image.filter(ImageFilter.GaussianBlur(1.0))
    if variant == "rotated+dust":
        image = image.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
        rng = random.Random(seed)
        pixels = image.load()
        assert pixels is not None
        for _ in range(image.width * image.height // 300):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 110))
    return image


def main() -> None:
    import pypdfium2 as pdfium

    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf", type=Path, default=CORPUS_PDF)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--first", type=int, default=20, help="1-based first page (skips the title pages)")
    parser.add_argument("--engines", default="tesseract,rapidocr")
    args = parser.parse_args()
    data = args.pdf.read_bytes()
    numbers = tuple(range(args.first, args.first + args.pages))
    document = pdfium.PdfDocument(data)
    references = {n: clean_page_text(document[n - 1].get_textpage().get_text_bounded()) for n in numbers}
    document.close()
    rendered = dict(pdf_page_images(data, numbers))

    engines = [e for e in args.engines.split(",") if e != "tesseract" or shutil.which("tesseract")]
    print(f"{args.pdf.name}, pages {numbers[0]}-{numbers[-1]}, 200 dpi, image-only PDF")
    print(f"{'engine':<10} {'variant':<14} {'s/page':>7} {'word acc':>9}")
    scans = {}
    for variant in ("clean", "blurred", "rotated+dust"):
        images = [degrade(rendered[n], variant, n) for n in numbers]
        scan = io.BytesIO()
        images[0].save(scan, "PDF", save_all=True, append_images=images[1:], resolution=200.0)
        scans[variant] = dict(pdf_page_images(scan.getvalue(), tuple(range(1, len(numbers) + 1))))
    for name in engines:
        for variant, pages in scans.items():
            engine = make_engine(name, "eng")
            engine.recognize(pages[1].crop((0, 0, 200, 200)))  # load the model outside the timing
            started = time.perf_counter()
            texts = [page_from_words(i, engine.recognize(pages[i])).text for i in pages]
            per_page = (time.perf_counter() - started) / len(pages)
            score = sum(accuracy(references[n], t) for n, t in zip(numbers, texts, strict=True)) / len(texts)
            print(f"{name:<10} {variant:<14} {per_page:>7.2f} {score:>9.3f}")


if __name__ == "__main__":
    main()
