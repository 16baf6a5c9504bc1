"""The watched folders: add (button or drag and drop), pause/resume, remove; per folder the files
indexed, the files with problems, the last sync, and live progress while indexing."""

from __future__ import annotations

import html
import os
import time
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kenning.ui.formatting import format_eta
from kenning.ui.indexing import FolderView, IndexProgress


def ago(epoch: float, now: float | None = None) -> str:
    if not epoch:
        return "never synced"
    seconds = max(0.0, (now or time.time()) - epoch)
    if seconds < 60:
        return "synced just now"
    if seconds < 3600:
        return f"synced {int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"synced {int(seconds // 3600)} h ago"
    return "synced " + time.strftime("%d %b", time.localtime(epoch))


def eta_text(progress: IndexProgress) -> str:
    if progress.scans:
        parts = [f"Reading scans: {progress.done}/{progress.total}"]
    else:
        parts = [f"{progress.done} of {progress.total} files"]
    if progress.files_per_s:
        parts.append(f"{progress.files_per_s:.1f} files/s")
    if progress.eta_s is not None and progress.done:
        parts.append(format_eta(progress.eta_s))
    return " · ".join(parts)


def dropped_folders(event: QDropEvent | QDragEnterEvent) -> list[str]:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return [u.toLocalFile() for u in urls if u.isLocalFile() and os.path.isdir(u.toLocalFile())]


class FolderCard(QFrame):
    """Signals:
    pause_toggled(str, bool), remove_requested(str), problems_requested(str)
    """

    pause_toggled = Signal(str, bool)
    remove_requested = Signal(str)
    problems_requested = Signal(str)

    def __init__(self, view: FolderView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setProperty("card", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        path = view.folder.path
        name = QLabel(f"<b>{html.escape(os.path.basename(path) or path)}</b>", self)
        name.setToolTip(path)
        self.figures = QLabel(self)
        self.figures.setProperty("role", "muted")
        self.figures.setWordWrap(True)
        self.problems = QPushButton(self)
        self.problems.setFlat(True)
        self.problems.setObjectName("linkButton")
        self.problems.clicked.connect(lambda: self.problems_requested.emit(path))
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(6)
        self.rate = QLabel(self)
        self.rate.setProperty("role", "muted")
        menu_button = QToolButton(self)
        menu_button.setText("⋯")
        menu_button.setAccessibleName(f"Actions for {path}")
        menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(menu_button)
        paused = view.folder.paused
        menu.addAction("Resume" if paused else "Pause", lambda: self.pause_toggled.emit(path, not paused))
        menu.addAction("Show problems…", lambda: self.problems_requested.emit(path))
        menu.addSeparator()
        menu.addAction("Remove from Kenning", lambda: self.remove_requested.emit(path))
        menu_button.setMenu(menu)

        top = QHBoxLayout()
        top.addWidget(name, 1)
        top.addWidget(menu_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.figures)
        layout.addWidget(self.problems, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.bar)
        layout.addWidget(self.rate)
        self._render_figures()
        self.set_progress(None)

    def _render_figures(self) -> None:
        view = self.view
        stats = view.stats
        state = "offline — chunks kept" if view.offline else ("paused" if view.folder.paused else "")
        if stats is None:
            text = "reading…"
        else:
            text = f"{stats.indexed} files · {stats.chunks} passages · {ago(stats.last_sync)}"
        self.figures.setText(" · ".join(p for p in (text, state) if p))
        count = len(stats.problems) if stats else 0
        self.problems.setText(f"⚠ {count} file{'s' if count != 1 else ''} with problems")
        self.problems.setVisible(count > 0)

    def set_progress(self, progress: IndexProgress | None) -> None:
        active = progress is not None and progress.total > 0
        self.bar.setVisible(active)
        self.rate.setVisible(active)
        if progress is not None and active:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
            self.rate.setText(eta_text(progress))


class FoldersPanel(QWidget):
    """Signals:
    add_requested(str), pause_toggled(str, bool), remove_requested(str), problems_requested(str)
    """

    add_requested = Signal(str)
    pause_toggled = Signal(str, bool)
    remove_requested = Signal(str)
    problems_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<b>Folders</b>", self)
        self.add_button = QPushButton("Add folder…", self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.hint = QLabel("Drop folders here or use Add folder.", self)
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setSpacing(6)
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.hint)
        layout.addLayout(self._cards_layout)
        layout.addStretch(1)
        self.cards: dict[str, FolderCard] = {}
        self._progress: IndexProgress | None = None

    def show_folders(self, views: Sequence[FolderView]) -> None:
        for card in self.cards.values():
            card.deleteLater()
        self.cards = {}
        for view in views:
            card = FolderCard(view, self)
            card.pause_toggled.connect(self.pause_toggled)
            card.remove_requested.connect(self.remove_requested)
            card.problems_requested.connect(self.problems_requested)
            self._cards_layout.addWidget(card)
            self.cards[view.folder.path] = card
        self.hint.setVisible(not views)
        self.set_progress(self._progress)

    def set_progress(self, progress: IndexProgress | None) -> None:
        self._progress = progress
        for path, card in self.cards.items():
            card.set_progress(progress if progress is not None and path in progress.roots else None)

    def _on_add_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to Kenning")
        if folder:
            self.add_requested.emit(folder)
