"""The OCR pass has its own progress: "Reading scans: n/m", timed apart from the text files."""

from __future__ import annotations

from kenning.core.domain.documents import FileDone, Outcome
from kenning.ui.folders_panel import eta_text
from kenning.ui.indexing import ProgressMeter
from kenning.ui.status_bar import KenningStatusBar


def test_scan_events_read_as_reading_scans(qtbot) -> None:  # type: ignore[no-untyped-def]
    meter = ProgressMeter()
    text = meter.progress(("/docs",), FileDone("/docs/a.md", Outcome.INDEXED, done=3, total=3))
    assert not text.scans and eta_text(text).startswith("3 of 3 files")
    scan = meter.progress(("/docs",), FileDone("/docs/s.pdf", Outcome.INDEXED, done=1, total=2, phase="ocr"))
    assert scan.scans and (scan.done, scan.total) == (1, 2)
    assert eta_text(scan).startswith("Reading scans: 1/2")
    bar = KenningStatusBar()
    qtbot.addWidget(bar)
    bar.show_progress(scan)
    assert bar.work.text() == "Reading scans: 1 of 2 files"
