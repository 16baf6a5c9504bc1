"""The status bar: Ollama's state, the size of the index, and what runs in the background."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from kenning.core.domain.documents import WatchStatus
from kenning.core.domain.worker import WorkerMemory
from kenning.ui.formatting import format_eta
from kenning.ui.indexing import FolderView, IndexProgress
from kenning.ui.service_process import ServiceState
from kenning.ui.services import OllamaState


class KenningStatusBar(QStatusBar):
    """Signals:
    how_to_start(): the user asked how to start Ollama.
    cancel_rebuild(): the user cancelled the background rebuild of the index.
    retry_sync(): the user asked the paused sync to try again now.
    """

    how_to_start = Signal()
    cancel_rebuild = Signal()
    retry_sync = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.work = QLabel("Opening the index…", self)
        self.index = QLabel(self)
        self.ollama = QLabel("Ollama: checking…", self)
        self.ollama.setTextFormat(Qt.TextFormat.RichText)
        self.ollama.linkActivated.connect(lambda _: self.how_to_start.emit())
        self.rebuild = QLabel(self)
        self.rebuild_cancel = QPushButton("Cancel rebuild", self)
        self.rebuild_cancel.clicked.connect(self.cancel_rebuild.emit)
        self.rebuild.hide()
        self.rebuild_cancel.hide()
        self.sync_paused = QLabel(self)
        self.sync_retry = QPushButton("Retry", self)
        self.sync_retry.clicked.connect(self.retry_sync.emit)
        self.sync_paused.hide()
        self.sync_retry.hide()
        self.addWidget(self.work, 1)
        self.addWidget(self.sync_paused)
        self.addWidget(self.sync_retry)
        self.addWidget(self.rebuild)
        self.addWidget(self.rebuild_cancel)
        self.service = QLabel(self)
        self.service.hide()
        self.addPermanentWidget(self.service)
        self.addPermanentWidget(self.index)
        self.addPermanentWidget(self.ollama)

    def show_ollama(self, state: OllamaState) -> None:
        if state.running and state.model:
            self.ollama.setText(f"● Ollama {state.version} · {state.model}")
            self.ollama.setToolTip(state.host)
        elif state.running:
            self.ollama.setText("● Ollama: no model pulled")
            self.ollama.setToolTip(state.message)
        else:
            self.ollama.setText("○ Ollama not running — search-only mode · <a href='#start'>How to start</a>")
            self.ollama.setToolTip(state.message or state.host)

    def show_service(self, state: ServiceState) -> None:
        """The service for other tools, while it is on (Settings › Service turns it on and off)."""
        short = {
            "starting": "Service: starting…",
            "serving": f"● Service at {state.openai_url}",
            "stopping": "Service: stopping…",
            "failed": "⚠ Service failed",
        }
        self.service.setVisible(state.phase in short)
        self.service.setText(short.get(state.phase, ""))
        self.service.setToolTip(state.describe())

    def show_folders(self, views: Sequence[FolderView]) -> None:
        files = sum(v.stats.indexed for v in views if v.stats)
        chunks = sum(v.stats.chunks for v in views if v.stats)
        self.index.setText(f"{files} files · {chunks} passages indexed")

    def show_progress(self, progress: IndexProgress | None) -> None:
        if progress is None:
            self.work.setText("Watching your folders: index up to date")
        elif progress.total:
            what = "Reading scans" if progress.scans else "Indexing"
            self.work.setText(f"{what}: {progress.done} of {progress.total} files")
        else:
            self.work.setText("Checking folders for changes…")

    def show_watch(self, status: WatchStatus) -> None:
        if status.queue_length == 0:
            self.work.setText("Watching your folders: index up to date")
            return
        parts = [f"{status.queue_length} change{'s' if status.queue_length != 1 else ''} queued"]
        if status.files_per_s:
            parts.append(f"{status.files_per_s:.1f} files/s")
        if status.eta_s:
            parts.append(format_eta(status.eta_s))
        self.work.setText("Indexing changes: " + " · ".join(parts))

    def show_sync_paused(self, reason: str | None) -> None:
        """Why changes do not reach the index now (None: they do)."""
        self.sync_paused.setVisible(reason is not None)
        self.sync_retry.setVisible(reason is not None)
        if reason is not None:
            self.sync_paused.setText(f"⚠ Sync paused: {reason}")

    def show_rebuild(self, progress: IndexProgress | None) -> None:
        self.rebuild.setVisible(progress is not None)
        self.rebuild_cancel.setVisible(progress is not None)
        if progress is None:
            return
        if not progress.total:
            self.rebuild.setText("Rebuilding the index in the background…")
            return
        eta = ""
        if progress.eta_s is not None:
            eta = f" · {format_eta(progress.eta_s)}"
        self.rebuild.setText(f"Rebuilding the index: {progress.done} of {progress.total} files{eta}")

    def show_memory(self, memory: WorkerMemory) -> None:
        """The window's and the indexing process's memory, on the work line's tooltip."""
        self.work.setToolTip(memory.describe())

    def show_work(self, text: str) -> None:
        self.work.setText(text)
