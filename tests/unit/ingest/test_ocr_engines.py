"""Each OCR engine on a real scan: the words, their boxes where they are printed, and the choice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kenning.core.ingest.ocr.engine import OcrUnavailable, make_engine
from kenning.core.ingest.ocr.image_loader import image_frames
from kenning.core.ingest.ocr.page_text import page_from_words

SCAN = Path(__file__).resolve().parents[2] / "data" / "scans" / "letter-scan.png"


def test_auto_prefers_tesseract_when_installed_else_rapidocr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = "tesseract" if shutil.which("tesseract") else "rapidocr"
    assert make_engine("auto", "eng").name == expected
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert make_engine("auto", "eng").name == "rapidocr"
    with pytest.raises(OcrUnavailable, match="Tesseract is not installed"):
        make_engine("tesseract", "eng")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tesseract", "rapidocr"])
def test_engine_reads_the_scan_with_boxes_on_the_printed_lines(name: str) -> None:
    if name == "tesseract" and shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed here")
    image = next(image_frames(SCAN.read_bytes()))
    page = page_from_words(1, make_engine(name, "eng").recognize(image))
    assert "cracked capstones" in page.text
    assert page.confidence > 0.8
    start = page.text.index("capstones")
    [(x, y, w, h)] = page.boxes_for(start, start + len("capstones"))
    # generate.py prints "three cracked capstones ..." as line 5: y = 60 + 52 * 5 px on a 588 px page
    assert 300 / 588 < y + h / 2 < 360 / 588
    assert 0.1 < x < 0.5 and 0.05 < w < 0.2


def test_loading_the_pip_engine_leaves_qt_settings_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from kenning.core.ingest.ocr import rapidocr_engine

    monkeypatch.delenv("QT_QPA_PLATFORM_PLUGIN_PATH", raising=False)
    monkeypatch.delenv("QT_QPA_FONTDIR", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(rapidocr_engine, "_MODEL", None)
    rapidocr_engine._model()
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" not in os.environ and "QT_QPA_FONTDIR" not in os.environ
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
