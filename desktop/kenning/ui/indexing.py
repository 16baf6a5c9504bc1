"""Keeps the chosen folders indexed: runs syncs on the single writer thread and reports progress.

Widgets never touch the index; they call this controller and render what its signals carry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from kenning.core.folder_list import Folder
from kenning.core.model import FileDone, SyncFinished, SyncReport, SyncStarted
from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle

if TYPE_CHECKING:
    from kenning.core.folder_stats import FolderStats


@dataclass(frozen=True)
class IndexProgress:
    roots: tuple[str, ...]
    done: int
    total: int
    files_per_s: float
    eta_s: float | None
    current: str = ""

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class FolderView:
    folder: Folder
    stats: FolderStats | None = None
    offline: bool = False


@dataclass
class _Rate:
    started: float = field(default_factory=time.perf_counter)

    def progress(self, roots: tuple[str, ...], event: FileDone) -> IndexProgress:
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        rate = event.done / elapsed
        eta = (event.total - event.done) / rate if rate > 0 else None
        return IndexProgress(roots, event.done, event.total, rate, eta, event.path)


class IndexingController(QObject):
    """Signals:
    folders_changed(list[FolderView]): the folder list or its figures changed.
    progress(IndexProgress | None): a file was processed; None when the run ends.
    synced(SyncReport): a run finished (cancelled runs too).
    failed(UserMessage): a run or a folder operation failed as a whole.
    """

    folders_changed = Signal(object)
    progress = Signal(object)
    synced = Signal(object)
    failed = Signal(object)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._running: TaskHandle | None = None
        self._running_roots: tuple[str, ...] = ()
        self._pending: set[str] = set()
        self._rate = _Rate()
        self.views: list[FolderView] = []

    # ---- commands ----------------------------------------------------------------------------
    def start(self) -> None:
        """After the workspace opens: show what is stored, then catch up with changes on disk."""
        self._write("load folders", lambda cancel: self._services.folders.active(), self._sync_roots)
        self.refresh()

    def add_folder(self, path: str) -> None:
        def add(cancel: threading.Event) -> list[str]:
            from pathlib import Path

            self._services.folders.add(path)
            return [str(Path(path).expanduser().resolve())]

        self._write("add folder", add, self._sync_roots)

    def remove_folder(self, path: str) -> None:
        if path in self._running_roots and self._running is not None:
            self._running.cancel()

        def remove(cancel: threading.Event) -> None:
            from kenning.core.folder_stats import forget_folder

            self._services.folders.remove(path)
            workspace = self._services.workspace
            if workspace is not None:
                forget_folder(workspace.store, path)

        self._write("remove folder", remove, lambda _: self.refresh())

    def set_paused(self, path: str, paused: bool) -> None:
        if paused and path in self._running_roots and self._running is not None:
            self._running.cancel()

        def pause(cancel: threading.Event) -> list[str]:
            self._services.folders.set_paused(path, paused)
            return [] if paused else [path]

        self._write("pause folder", pause, self._sync_roots)

    def retry(self, paths: Sequence[str], root: str) -> None:
        def mark(cancel: threading.Event) -> list[str]:
            from kenning.core.folder_stats import mark_for_retry

            workspace = self._services.workspace
            if workspace is not None:
                mark_for_retry(workspace.store, paths)
            return [root]

        self._write("retry files", mark, self._sync_roots)

    def sync_all(self) -> None:
        self._write("load folders", lambda cancel: self._services.folders.active(), self._sync_roots)

    def refresh(self) -> None:
        self._services.readers.submit(
            "folder figures", self._read_views, on_done=self._on_views, on_error=self._on_error
        )

    @property
    def busy(self) -> bool:
        return self._running is not None and self._running.running

    def stop(self) -> None:
        if self._running is not None:
            self._running.cancel()

    # ---- work --------------------------------------------------------------------------------
    def _write(self, name: str, work: Any, then: Any) -> None:
        self._services.writer.submit(name, work, on_done=then, on_error=self._on_error)

    def _sync_roots(self, roots: list[str] | None) -> None:
        self.refresh()
        if not roots or self._services.workspace is None:
            return
        self._pending.update(roots)
        if self.busy:
            return  # picked up when the current run ends
        self._run_pending()

    def _run_pending(self) -> None:
        workspace = self._services.workspace
        wanted = tuple(sorted(self._pending))
        self._pending.clear()
        if workspace is None or not wanted:
            return
        self._running_roots = wanted
        self._rate = _Rate()
        folders = self._services.folders

        def sync(cancel: threading.Event) -> Iterator[Any]:
            active = set(folders.active())  # a folder paused or removed since it was queued is skipped
            roots = [r for r in wanted if r in active]
            if roots:
                yield from workspace.indexer.sync(roots, cancel=cancel)

        self._running = self._services.writer.submit(
            "index",
            sync,
            on_progress=self._on_event,
            on_done=self._on_sync_done,
            on_error=self._on_sync_error,
        )

    def _read_views(self, cancel: threading.Event) -> list[FolderView]:
        import os

        from kenning.core.folder_stats import folder_stats

        folders = self._services.folders.load()
        workspace = self._services.workspace
        stats = folder_stats(workspace.store, [f.path for f in folders]) if workspace else {}
        return [FolderView(f, stats.get(f.path), offline=not os.path.isdir(f.path)) for f in folders]

    # ---- results -----------------------------------------------------------------------------
    def _on_event(self, event: object) -> None:
        if isinstance(event, SyncStarted):
            self._rate = _Rate()
            self.progress.emit(IndexProgress(event.roots, 0, event.to_process, 0.0, None))
        elif isinstance(event, FileDone) and event.total:
            self.progress.emit(self._rate.progress(self._running_roots, event))
        elif isinstance(event, SyncFinished):
            self.synced.emit(event.report)

    def _on_sync_done(self, _: object) -> None:
        self._running = None
        self._running_roots = ()
        self.progress.emit(None)
        self.refresh()
        if self._pending:
            self._run_pending()

    def _on_sync_error(self, exc: BaseException) -> None:
        self._on_sync_done(None)
        self._on_error(exc)

    def _on_views(self, views: list[FolderView]) -> None:
        self.views = views
        self.folders_changed.emit(views)

    def _on_error(self, exc: BaseException) -> None:
        self.failed.emit(self._services.message_for(exc))


def report_summary(report: SyncReport) -> str:
    parts = [f"{report.indexed} indexed"]
    if report.renamed:
        parts.append(f"{report.renamed} renamed")
    if report.removed:
        parts.append(f"{report.removed} removed")
    problems = len(report.errors) + len(report.skipped)
    if problems:
        parts.append(f"{problems} with problems")
    return ", ".join(parts) + f" in {report.seconds:.1f} s"
