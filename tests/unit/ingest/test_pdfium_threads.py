"""The source viewer renders PDF pages while the indexer reads other PDFs: PDFium is never entered
from two threads at once (it is not thread-safe and can take the process down)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from tests.helpers.simple_pdf import write_pdf

from kenning.core.domain.documents import SyncFinished
from kenning.core.ingest.page_render import RenderedPage, render_page
from kenning.core.ingest.pdfium_lock import PDFIUM_LOCK

SAMPLE_PDF = Path(__file__).resolve().parents[3] / "resources" / "sample-docs" / "graphviz-dot-manual.pdf"
PASSAGE = "The dot program draws directed graphs"


def guard_pdfium(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every entry into PDFium made without holding the lock (by the thread's name)."""
    unguarded: list[str] = []

    def checked(call: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not PDFIUM_LOCK._is_owned():  # type: ignore[attr-defined]
                unguarded.append(f"{call.__name__} on {threading.current_thread().name}")
            return call(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(pypdfium2, "PdfDocument", checked(pypdfium2.PdfDocument))
    monkeypatch.setattr(pypdfium2.PdfPage, "render", checked(pypdfium2.PdfPage.render))
    monkeypatch.setattr(
        pypdfium2.PdfTextPage, "get_text_range", checked(pypdfium2.PdfTextPage.get_text_range)
    )
    return unguarded


def test_pages_render_correctly_while_a_pdf_folder_indexes(
    make_workspace: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for i in range(6):
        lines = [
            f"Report {i}, section {s}: the tide tables for harbour {i} list spring tides." for s in range(40)
        ]
        write_pdf(folder / f"report-{i}.pdf", [lines[:20], lines[20:]], title=f"Report {i}")
    shutil.copy2(SAMPLE_PDF, folder / "manual.pdf")
    viewed = str(tmp_path / "viewed.pdf")
    shutil.copy2(SAMPLE_PDF, viewed)
    expected = render_page(viewed, 1, PASSAGE, scale=0.3)  # alone, before anything else runs
    assert expected.highlights
    unguarded = guard_pdfium(monkeypatch)

    indexed = threading.Event()
    rendered: list[RenderedPage] = []
    failures: list[BaseException] = []

    def view_citations() -> None:  # what the reader pool does while the user clicks through sources
        try:
            while not indexed.is_set() or len(rendered) < 3:
                rendered.append(render_page(viewed, 1, PASSAGE, scale=0.3))
        except BaseException as exc:
            failures.append(exc)

    viewer = threading.Thread(target=view_citations, name="viewer")
    viewer.start()
    try:
        events = list(make_workspace().indexer.sync([str(folder)]))
    finally:
        indexed.set()
        viewer.join()

    assert failures == []
    report = next(e for e in events if isinstance(e, SyncFinished)).report
    assert (report.indexed, report.errors) == (7, [])
    assert all(page == expected for page in rendered)
    assert unguarded == []
