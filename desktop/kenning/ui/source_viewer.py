"""Shows a cited passage in its file: a PDF page rendered with the passage highlighted, any other
format as text scrolled to the passage and highlighted. Files are read in a worker."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QImage,
    QPainter,
    QPixmap,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kenning.core.domain.documents import Hit
from kenning.core.ingest.page_render import is_image
from kenning.ui.source_access import check_reachable
from kenning.ui.tasks import TaskHandle, TaskRunner

HIGHLIGHT = QColor(255, 214, 0, 90)


@dataclass(frozen=True)
class _TextView:
    text: str
    start: int
    end: int


def _read_text(hit: Hit) -> _TextView:
    from pathlib import Path

    from kenning.core.ingest.loaders import load_document

    check_reachable(hit)
    document = load_document(hit.path, Path(hit.path).read_bytes())
    text = document.text
    start, end = hit.start, hit.end
    if text[start:end].split()[:3] != hit.text.split()[:3]:  # the file changed since it was indexed
        found = text.find(hit.text[:80])
        start, end = (found, found + len(hit.text)) if found >= 0 else (0, 0)
    return _TextView(text, start, end)


class SourceViewer(QWidget):
    def __init__(
        self, runner: TaskRunner, parent: QWidget | None = None, *, ocr_dir: Path | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._ocr_dir = ocr_dir  # where OCR word boxes are kept, to highlight passages on scans
        self._loading: TaskHandle | None = None
        self.title = QLabel("Click a source or a citation to see it in its document.", self)
        self.title.setProperty("role", "muted")
        self.title.setWordWrap(True)
        self.page_label = QLabel(self)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setWidget(self.page_label)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text_view = QTextEdit(self)
        self.text_view.setReadOnly(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.text_view)
        self.stack.addWidget(self.page_scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.shown: Hit | None = None
        self.highlight_count = 0
        self._request = 0  # a reply for an older request is dropped

    def clear(self) -> None:
        self._request += 1
        if self._loading is not None:
            self._loading.cancel()
        self.shown = None
        self.page_label.clear()
        self.text_view.clear()
        self.title.setText("Click a source or a citation to see it in its document.")

    def show_hit(self, hit: Hit) -> None:
        if self._loading is not None:
            self._loading.cancel()
        self._request += 1
        request = self._request
        self.shown = None
        name = os.path.basename(hit.path)
        self.title.setText(f"{name}" + (f" — page {hit.page}" if hit.page else "") + " (loading…)")
        ocr_dir = self._ocr_dir
        if hit.page and (hit.path.lower().endswith(".pdf") or is_image(hit.path)):
            width = max(self.stack.width() - 40, 300)  # the page view may be hidden: use the stack

            def render(cancel: threading.Event) -> object:
                from kenning.core.ingest.ocr.word_boxes import WordBoxStore
                from kenning.core.ingest.page_render import render_page

                check_reachable(hit)
                boxes = WordBoxStore(ocr_dir) if ocr_dir is not None else None
                probe = render_page(hit.path, hit.page or 1, "", scale=0.25)
                scale = width / (probe.width / 0.25)
                scale = max(0.5, min(scale, 2.5))
                return render_page(hit.path, hit.page or 1, hit.text, scale=scale, ocr_boxes=boxes)

            self._loading = self._runner.submit(
                "render page",
                render,
                on_done=lambda page: self._on_page(hit, page) if request == self._request else None,
                on_error=self._on_failed,
            )
        else:
            self._loading = self._runner.submit(
                "read file",
                lambda cancel: _read_text(hit),
                on_done=lambda view: self._on_text(hit, view) if request == self._request else None,
                on_error=self._on_failed,
            )

    def open_outside(self, hit: Hit, folder: bool = False) -> None:
        """Open the file (or its folder) in the system's app once a worker found it reachable; else
        say here why it cannot open (a shared index's path this computer does not reach)."""
        self._runner.submit(
            "open source",
            lambda cancel: check_reachable(hit, folder=folder),
            on_done=self._on_reachable,
            on_error=self._on_open_failed,
        )

    def _on_reachable(self, path: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _on_open_failed(self, exc: BaseException) -> None:
        self.clear()
        self._on_failed(exc)

    def _on_page(self, hit: Hit, page: object) -> None:
        from kenning.core.ingest.page_render import RenderedPage

        assert isinstance(page, RenderedPage)
        image = QImage(page.rgba, page.width, page.height, page.stride, QImage.Format.Format_RGBA8888).copy()
        painter = QPainter(image)
        for x, y, w, h in page.highlights:
            painter.fillRect(x, y, w, h, HIGHLIGHT)
        painter.end()
        self.page_label.setPixmap(QPixmap.fromImage(image))
        self.stack.setCurrentWidget(self.page_scroll)
        self.highlight_count = len(page.highlights)
        note = "" if page.highlights else " (passage not located on the page)"
        self.title.setText(f"{os.path.basename(hit.path)} — page {page.page} of {page.pages}{note}")
        if page.highlights:
            top = min(y for _, y, _, _ in page.highlights)
            self.page_scroll.verticalScrollBar().setValue(max(0, top - 60))
        self.shown = hit

    def _on_text(self, hit: Hit, view: _TextView) -> None:
        self.text_view.setPlainText(view.text)
        self.stack.setCurrentWidget(self.text_view)
        self.highlight_count = 0
        if view.end > view.start:
            cursor = QTextCursor(self.text_view.document())
            cursor.setPosition(view.start)
            cursor.setPosition(view.end, QTextCursor.MoveMode.KeepAnchor)
            marked = QTextCharFormat()
            marked.setBackground(QColor(255, 214, 0, 110))
            cursor.mergeCharFormat(marked)
            self.highlight_count = 1
            caret = QTextCursor(self.text_view.document())
            caret.setPosition(view.end)
            self.text_view.setTextCursor(caret)
            self.text_view.ensureCursorVisible()
            caret.setPosition(view.start)
            self.text_view.setTextCursor(caret)
            self.text_view.ensureCursorVisible()
        where = f" — {' › '.join(hit.section)}" if hit.section else ""
        self.title.setText(f"{os.path.basename(hit.path)}{where}")
        self.shown = hit

    def _on_failed(self, exc: BaseException) -> None:
        from kenning.ui.error_text import describe

        self.title.setText(f"⚠ {describe(exc)}")
