"""The sources of the current answer as cards, above a viewer that shows the chosen one in its file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from kenning.core.domain.documents import Hit
from kenning.ui.source_cards import SourceCardList
from kenning.ui.source_viewer import SourceViewer
from kenning.ui.tasks import TaskRunner


class SourcesPanel(QWidget):
    def __init__(
        self, runner: TaskRunner, parent: QWidget | None = None, *, ocr_dir: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.cards = SourceCardList(self, empty_text="Sources of an answer appear here.")
        self.viewer = SourceViewer(runner, self, ocr_dir=ocr_dir)
        self.cards.chosen.connect(self._on_chosen)
        self.cards.open_requested.connect(self.viewer.open_outside)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.cards)
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 400])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._hits: list[Hit] = []

    def show_sources(self, hits: Sequence[Hit], query: str) -> None:
        self._hits = list(hits)
        self.cards.show_hits(self._hits, query)
        self.viewer.clear()

    def select(self, n: int) -> None:
        self.cards.select(n)
        if 1 <= n <= len(self._hits):
            self.viewer.show_hit(self._hits[n - 1])

    def _on_chosen(self, n: int) -> None:
        self.select(n)
