"""Scans indexed for real: OCR with each engine, the real model, a real LanceDB directory."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import FileDone, FileStatus, Outcome, SyncFinished
from kenning.core.ingest.ocr.word_boxes import WordBoxStore
from kenning.core.ingest.page_render import render_page
from kenning.core.settings import OcrSettings, Settings

pytestmark = pytest.mark.slow

SCANS = Path(__file__).resolve().parents[2] / "data" / "scans"
# generate.py draws line i of a page at y = 60 + 52 i on a page 120 + 52 n pixels high (glyphs 38 px)
PHRASE_LINE = (60 + 52 * 2) / 380, (60 + 52 * 2 + 38) / 380


def _engine_available(name: str) -> None:
    if name == "tesseract" and shutil.which("tesseract") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Tesseract: the Makefile installs tesseract-ocr")
        pytest.skip("Tesseract is not installed here (make install adds it where apt-get can)")
    if name == "rapidocr":
        pytest.importorskip("rapidocr_onnxruntime")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("letter-scan.png", "minutes-scan.pdf"):
        shutil.copy2(SCANS / name, folder / name)
    (folder / "notes.md").write_text("# Notes\n\nThe bakery on Quay Street opens at seven.\n")
    return folder


@pytest.fixture(params=["tesseract", "rapidocr"])
def engine(request: pytest.FixtureRequest) -> str:
    _engine_available(request.param)
    return str(request.param)


def test_scans_are_read_after_the_text_files_and_found_on_their_page(
    engine: str, make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    workspace = make_workspace(Settings(ocr=OcrSettings(engine=engine)))
    folder = _folder(tmp_path)
    events = list(workspace.indexer.sync([str(folder)]))
    done = [e for e in events if isinstance(e, FileDone)]
    assert os.path.basename(done[0].path) == "notes.md"  # text first, scans after
    scans = [e for e in done if e.phase == "ocr"]
    assert sorted(os.path.basename(e.path) for e in scans) == ["letter-scan.png", "minutes-scan.pdf"]
    assert [(e.done, e.total) for e in scans] == [(1, 2), (2, 2)]
    assert all(e.outcome is Outcome.INDEXED for e in scans)
    report = events[-1]
    assert isinstance(report, SyncFinished) and report.report.indexed == 3

    records = workspace.store.file_records()
    pdf = records[str(folder / "minutes-scan.pdf")]
    assert (pdf.status, pdf.loader, pdf.pages) == (FileStatus.INDEXED, "pdf+ocr", 2)
    assert "OCR: page 2 confidence 0." in pdf.error
    assert records[str(folder / "letter-scan.png")].loader == "image-ocr"

    hit = workspace.retriever.search("barrels of lamp oil for the lighthouse keeper", k=3).hits[0]
    assert (os.path.basename(hit.path), hit.page) == ("minutes-scan.pdf", 2)
    assert "barrels" in hit.text
    hit = workspace.retriever.search("cracked capstones on the breakwater", k=3).hits[0]
    assert (os.path.basename(hit.path), hit.page) == ("letter-scan.png", 1)

    # The viewer highlights the OCR'd words of a passage where they are printed on the page.
    boxes = WordBoxStore(tmp_path / "data" / "ocr")
    page = render_page(str(folder / "minutes-scan.pdf"), 2, "forty barrels of lamp oil", ocr_boxes=boxes)
    assert page.highlights
    for x, y, _, h in page.highlights:
        centre = (y + h / 2) / page.height
        assert PHRASE_LINE[0] <= centre <= PHRASE_LINE[1]
        assert x / page.width > 0.25  # "forty" is not the first word of its line
    image = render_page(str(folder / "letter-scan.png"), 1, "three cracked capstones", ocr_boxes=boxes)
    line = (60 + 52 * 5) / (120 + 52 * 9), (60 + 52 * 5 + 38) / (120 + 52 * 9)
    assert image.highlights
    assert all(line[0] <= (y + h / 2) / image.height <= line[1] for _, y, _, h in image.highlights)


def test_a_renamed_scan_keeps_its_highlights_without_being_read_again(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    _engine_available("tesseract")
    workspace = make_workspace(Settings(ocr=OcrSettings(engine="tesseract")))
    folder = _folder(tmp_path)
    list(workspace.indexer.sync([str(folder)]))
    os.rename(folder / "minutes-scan.pdf", folder / "minutes-2024.pdf")
    events = list(workspace.indexer.sync([str(folder)]))
    assert [e.outcome for e in events if isinstance(e, FileDone)] == [Outcome.RENAMED]
    boxes = WordBoxStore(tmp_path / "data" / "ocr")
    page = render_page(str(folder / "minutes-2024.pdf"), 2, "forty barrels", ocr_boxes=boxes)
    assert len(page.highlights) >= 1


def test_with_ocr_off_a_scan_says_how_to_read_it_and_images_stay_quiet(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    workspace = make_workspace(Settings(ocr=OcrSettings(enabled=False)))
    folder = _folder(tmp_path)
    events = list(workspace.indexer.sync([str(folder)]))
    outcomes = {os.path.basename(e.path): (e.outcome, e.reason) for e in events if isinstance(e, FileDone)}
    assert outcomes["minutes-scan.pdf"][0] is Outcome.SKIPPED
    assert "turn on OCR" in outcomes["minutes-scan.pdf"][1]
    assert outcomes["letter-scan.png"][0] is Outcome.UNSUPPORTED


def test_hostile_images_get_a_clear_reason(make_workspace: Callable[..., Any], tmp_path: Path) -> None:
    from PIL import Image

    _engine_available("tesseract")
    folder = tmp_path / "docs"
    folder.mkdir()
    good = (SCANS / "letter-scan.png").read_bytes()
    (folder / "truncated.png").write_bytes(good[: len(good) // 2])
    bomb = io.BytesIO()
    Image.new("1", (20_000, 10_000), 1).save(bomb, "PNG")  # 200 Mpixels in a few kilobytes
    (folder / "bomb.png").write_bytes(bomb.getvalue())
    (folder / "fake.jpg").write_bytes(b"this is not a picture at all")

    workspace = make_workspace(Settings(ocr=OcrSettings(engine="tesseract")))
    events = list(workspace.indexer.sync([str(folder)]))
    reasons = {os.path.basename(e.path): e.reason for e in events if isinstance(e, FileDone)}
    assert reasons["truncated.png"] == "image is damaged or truncated"
    assert "too large to read safely" in reasons["bomb.png"]
    assert "decompression bomb" in reasons["bomb.png"]
    assert "not an image" in reasons["fake.jpg"]
