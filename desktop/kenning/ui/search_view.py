"""Search without asking the model: ranked passages and their scores ("why wasn't my file found?")."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kenning import paths
from kenning.core.domain.documents import SearchResult
from kenning.core.search.scope import Scope
from kenning.ui.services import AppServices
from kenning.ui.source_cards import SourceCardList
from kenning.ui.source_viewer import SourceViewer


class SearchView(QWidget):
    """Signals:
    searched(SearchResult): results arrived.
    """

    searched = Signal(object)
    health_requested = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search your documents (no model needed)…")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run_search)
        button = QPushButton("Search", self)
        button.clicked.connect(self.run_search)
        self.status = QLabel(self)
        self.status.setProperty("role", "muted")
        self.scope_note = QLabel(self)
        self.scope_note.setProperty("role", "muted")
        self.scope_note.hide()
        why = QLabel('<a href="health">Why isn\'t my file found?</a>', self)
        why.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        why.linkActivated.connect(lambda _link: self.health_requested.emit())
        self.why_link = why
        self.scope: Scope | None = None  # the chat's scope: searches look where questions look
        self.results = SourceCardList(self, empty_text="Type a query and press Enter.")
        self.viewer = SourceViewer(services.readers, self, ocr_dir=paths.ocr_dir(services.data_dir))
        self.results.chosen.connect(self._on_chosen)
        self.results.open_requested.connect(self.viewer.open_outside)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.scope_note)
        status_row.addWidget(why)
        layout.addLayout(status_row)
        layout.addWidget(self.results, 3)
        layout.addWidget(self.viewer, 2)
        self._result: SearchResult | None = None

    def run_search(self) -> None:
        text = self.query.text().strip()
        workspace = self._services.workspace
        if not text:
            return
        if workspace is None:
            self.status.setText("The index is still opening…")
            return
        k = workspace.settings.search.k
        scope = self.scope
        self.status.setText("Searching…")

        def search(cancel: threading.Event) -> SearchResult:
            return workspace.retriever.search(text, k=k, scope=scope)

        self._services.readers.submit("search", search, on_done=self._on_result, on_error=self._on_error)

    def set_scope(self, scope: Scope) -> None:
        self.scope = None if scope.everything else scope
        self.scope_note.setText("Searching only the chosen scope" if self.scope else "")
        self.scope_note.setVisible(self.scope is not None)

    def _on_result(self, result: SearchResult) -> None:
        self._result = result
        self.results.show_hits(result.hits, result.query)
        total = result.timings_ms.get("total", 0.0)
        self.status.setText(
            f"{len(result.hits)} passages in {total:.0f} ms" if result.hits else "Nothing matched."
        )
        self.searched.emit(result)

    def _on_error(self, exc: BaseException) -> None:
        self.status.setText(f"⚠ {self._services.message_for(exc)}")

    def _on_chosen(self, n: int) -> None:
        if self._result is not None and 1 <= n <= len(self._result.hits):
            self.viewer.show_hit(self._result.hits[n - 1])
