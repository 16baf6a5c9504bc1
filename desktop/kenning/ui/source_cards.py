"""One card per source: file, folder, page/section, the passage with matched words marked, scores."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kenning.core.domain.documents import Hit
from kenning.core.validate.text_overlap import content_terms, matching_spans

PASSAGE_CHARS = 420
MATCH_STYLE = "background-color:#ffe58a;color:#1d1d1d"


def marked_passage(text: str, query: str, *, limit: int = PASSAGE_CHARS) -> str:
    """The passage as HTML with the query's words wrapped in <b class=hit>, cut at a word boundary."""
    shown = " ".join(text.split())
    if len(shown) > limit:
        shown = shown[: shown.rfind(" ", 0, limit)] + " …"
    out: list[str] = []
    cursor = 0
    for start, end in matching_spans(content_terms(query), shown):
        out.append(html.escape(shown[cursor:start]))
        out.append(
            f"<span style='background-color:#ffe58a;color:#1d1d1d'>{html.escape(shown[start:end])}</span>"
        )
        cursor = end
    out.append(html.escape(shown[cursor:]))
    return "".join(out)


def _elided(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def where(hit: Hit) -> str:
    parts = []
    if hit.page:
        parts.append(f"page {hit.page}")
    if hit.section:
        parts.append(" › ".join(hit.section))
    return " · ".join(parts)


def scores_text(hit: Hit) -> str:
    parts = [f"fused {hit.score:.3f}"]
    if hit.vector_score is not None:
        parts.append(f"vector {hit.vector_score:.2f}")
    if hit.text_score is not None:
        parts.append(f"full-text {hit.text_score:.1f}")
    return " · ".join(parts)


def flags_text(hit: Hit) -> str:
    """Why the passage looks written to instruct the model (empty when it does not)."""
    if not hit.flags:
        return ""
    reasons = "; ".join(f"{f.reason} (“{f.span}”)" for f in hit.flags)
    return f"⚠ Looks written to instruct the model: {reasons}"


def open_file(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


class SourceCard(QFrame):
    """Signals:
    chosen(int): the card was clicked; carries its source number.
    scope_requested(str): "Ask only this document" was pressed; carries the file's path.
    summary_requested(str): "Summarise" was pressed; carries the file's path.
    open_requested(Hit, bool): "Open" (False) or "Show in folder" (True) was pressed.
    """

    chosen = Signal(int)
    scope_requested = Signal(str)
    summary_requested = Signal(str)
    open_requested = Signal(object, bool)

    def __init__(self, n: int, hit: Hit, query: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.n = n
        self.hit = hit
        self.setProperty("card", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Source {n}: {os.path.basename(hit.path)}")

        title = QLabel(f"<b>[{n}]</b> {html.escape(os.path.basename(hit.path))}", self)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        folder = QLabel(html.escape(_elided(os.path.dirname(hit.path))), self)
        folder.setProperty("role", "muted")
        folder.setToolTip(hit.path)
        location = QLabel(html.escape(_elided(where(hit), 120)), self)
        location.setProperty("role", "muted")
        location.setWordWrap(True)
        passage = QLabel(marked_passage(hit.text, query), self)
        passage.setWordWrap(True)
        passage.setTextFormat(Qt.TextFormat.RichText)
        flags = QLabel(html.escape(flags_text(hit)), self)
        flags.setProperty("role", "warning")
        flags.setWordWrap(True)
        flags.setVisible(bool(hit.flags))
        self.flags_label = flags
        if hit.flags:
            self.setAccessibleName(f"Source {n}: {os.path.basename(hit.path)} (flagged)")
        scores = QLabel(scores_text(hit), self)
        scores.setProperty("role", "muted")
        open_button = QPushButton("Open", self)
        open_button.clicked.connect(lambda: self.open_requested.emit(hit, False))
        reveal_button = QPushButton("Show in folder", self)
        reveal_button.clicked.connect(lambda: self.open_requested.emit(hit, True))
        only_button = QPushButton("Ask only this document", self)
        only_button.setToolTip("Limit the next questions (and searches) to this file")
        only_button.clicked.connect(lambda: self.scope_requested.emit(hit.path))

        summary_button = QPushButton("Summarise", self)
        summary_button.setToolTip("Summarise the whole document with the model, citing its pages")
        summary_button.clicked.connect(lambda: self.summary_requested.emit(hit.path))

        actions = QHBoxLayout()
        actions.addWidget(only_button)
        actions.addWidget(summary_button)
        actions.addStretch(1)
        actions.addWidget(open_button)
        actions.addWidget(reveal_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(3)
        for widget in (title, folder, location, flags, passage, scores):
            layout.addWidget(widget)
        layout.addLayout(actions)
        self.set_selected(False)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.chosen.emit(self.n)
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.chosen.emit(self.n)
            return
        super().keyPressEvent(event)


class SourceCardList(QScrollArea):
    """Signals:
    chosen(int): a card was clicked (source number).
    scope_requested(str): a card's "Ask only this document" was pressed (the file's path).
    summary_requested(str): a card's "Summarise" was pressed (the file's path).
    open_requested(Hit, bool): a card's "Open" (False) or "Show in folder" (True) was pressed; the
        owner checks on a worker that the file is reachable before opening it (SourceViewer).
    """

    chosen = Signal(int)
    scope_requested = Signal(str)
    summary_requested = Signal(str)
    open_requested = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = "No sources yet.") -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(160)
        self._body = QWidget(self)
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._empty = QLabel(empty_text, self._body)
        self._empty.setProperty("role", "muted")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(self._body)
        self.cards: list[SourceCard] = []

    def show_hits(self, hits: Sequence[Hit], query: str) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        self._empty.setVisible(not hits)
        for n, hit in enumerate(hits, start=1):
            card = SourceCard(n, hit, query, self._body)
            card.chosen.connect(self._on_chosen)
            card.scope_requested.connect(self.scope_requested)
            card.summary_requested.connect(self.summary_requested)
            card.open_requested.connect(self.open_requested)
            self._layout.insertWidget(self._layout.count() - 1, card)
            self.cards.append(card)

    def select(self, n: int) -> None:
        for card in self.cards:
            card.set_selected(card.n == n)
            if card.n == n:
                self.ensureWidgetVisible(card)

    def _on_chosen(self, n: int) -> None:
        self.select(n)
        self.chosen.emit(n)
