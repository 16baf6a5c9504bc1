"""Keeps the chosen folders in the index by themselves: runs the core's FolderWatcher (a
reconciliation at start, then every change on disk) and reports what it does.

By default the watcher runs in a worker process (`kenning.core.worker`): the writer thread here only
reads its events from a pipe, so parsing and embedding never hold this process's GIL and the window
never stutters. `watch.worker = "thread"`, or an embedder handed to AppServices (tests share one
loaded model), runs it on the writer thread of this process instead.

Widgets never touch the index; they call this controller and render what its signals carry.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from kenning.core.domain.documents import (
    BatchDone,
    FileDone,
    RootOffline,
    RootOnline,
    SyncFinished,
    SyncPaused,
    SyncReport,
    SyncResumed,
    SyncStarted,
    WatchStatus,
)
from kenning.core.domain.worker import WorkerCrashed, WorkerMemory, WorkerStarted
from kenning.core.watch.folder_list import Folder
from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle

if TYPE_CHECKING:
    from kenning.core.index.folder_stats import FolderStats
    from kenning.core.watch.watcher import FolderWatcher
    from kenning.core.worker.process import IndexWorker


_RESTART_MS = 2_000  # before a watcher that ended unasked is started again
_WORKER_STOP_S = 3.0  # a stopped worker process finishing its file, before it is ended (window closes in 4)


@dataclass(frozen=True)
class IndexProgress:
    roots: tuple[str, ...]
    done: int
    total: int
    files_per_s: float
    eta_s: float | None
    current: str = ""
    scans: bool = False  # the OCR pass: done/total count scans being read

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class FolderView:
    folder: Folder
    stats: FolderStats | None = None
    offline: bool = False


@dataclass
class ProgressMeter:
    """Files per second and time left since a run started, from the indexer's per-file events."""

    started: float = field(default_factory=time.perf_counter)
    phase: str = ""

    def progress(self, roots: tuple[str, ...], event: FileDone) -> IndexProgress:
        if event.phase != self.phase:  # scans are timed apart: seconds a page, not files a second
            self.phase, self.started = event.phase, time.perf_counter()
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        rate = event.done / elapsed
        eta = (event.total - event.done) / rate if rate > 0 else None
        return IndexProgress(
            roots, event.done, event.total, rate, eta, event.path, scans=event.phase == "ocr"
        )


class IndexingController(QObject):
    """Signals:
    folders_changed(list[FolderView]): the folder list or its figures changed.
    progress(IndexProgress | None): a file was processed; None when a run or batch ends.
    watch_status(WatchStatus): the watcher's queue length, files/s and ETA.
    synced(SyncReport): a reconciliation run finished.
    batch_done(BatchDone): a batch of changes on disk reached the index.
    failed(UserMessage): a folder operation or the watcher failed as a whole.
    sync_paused(str | None): why changes do not reach the index now (retried by itself); None once
        they do again.
    memory(WorkerMemory): resident memory of this process and of the indexing process (every 2 s
        while a worker process runs).
    """

    folders_changed = Signal(object)
    progress = Signal(object)
    watch_status = Signal(object)
    synced = Signal(object)
    batch_done = Signal(object)
    failed = Signal(object)
    sync_paused = Signal(object)
    memory = Signal(object)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._watcher: FolderWatcher | IndexWorker | None = None
        self.worker_pid: int | None = None  # the indexing process, when indexing runs in one
        self._crashed = False
        self._task: TaskHandle | None = None
        self._watched: set[str] = set()  # roots handed to the watcher (paused ones excluded)
        self._offline: set[str] = set()
        self._active = False
        self._roots: tuple[str, ...] = ()
        self._rate = ProgressMeter()
        self.views: list[FolderView] = []
        self._views_request = 0
        self._after_stop: Callable[[], None] | None = None
        self._stopping = False  # asked to stop: a watcher that ends now is not started again

    @property
    def in_process(self) -> bool:
        """Index on this process's writer thread rather than in a worker process."""
        return self._services.indexes_here

    # ---- commands ----------------------------------------------------------------------------
    def start(self) -> None:
        """After the workspace opens: show what is stored, then reconcile and watch."""
        self._stopping = False
        self._launch_watcher()
        self.refresh()

    def _launch_watcher(self) -> None:
        folders = self._services.folders
        self._services.readers.submit(
            "load folders",
            lambda cancel: folders.load(),
            on_done=self._start_watcher,
            on_error=self._on_error,
        )

    def add_folder(self, path: str) -> None:
        resolved = str(Path(path).expanduser().resolve())
        self._folder_op(
            "add folder", lambda: self._services.folders.add(resolved), lambda: self._watch(resolved)
        )

    def remove_folder(self, path: str) -> None:
        def forget() -> None:
            if self._watcher is None:
                return
            if path not in self._watched:  # a paused folder: let the watcher know it, then forget it
                self._watcher.add_root(path)
            self._watcher.remove_root(path)
            self._watched.discard(path)

        self._folder_op("remove folder", lambda: self._services.folders.remove(path), forget)

    def set_paused(self, path: str, paused: bool) -> None:
        def apply() -> None:
            if self._watcher is None:
                return
            if paused:
                self._watcher.pause(path)
            elif path in self._watched:
                self._watcher.resume(path)
            else:
                self._watch(path)

        self._folder_op("pause folder", lambda: self._services.folders.set_paused(path, paused), apply)

    def retry_sync(self) -> None:
        """The user's Retry: try the paused work at once (or start a watcher that is not running)."""
        if self._watcher is not None:
            self._watcher.retry_now()
        elif not self._stopping:
            self._launch_watcher()

    def retry(self, paths: Sequence[str], root: str) -> None:
        if self._watcher is not None:
            self._watcher.retry(paths)

    def refresh(self) -> None:
        # Two reads can be in flight on the two reader threads; only the newest may be shown, or an
        # older one finishing last would bring back a stale state (a folder still "offline").
        self._views_request += 1
        request = self._views_request

        def show(views: list[FolderView]) -> None:
            if request == self._views_request:
                self._on_views(views)

        self._services.readers.submit(
            "folder figures", self._read_views, on_done=show, on_error=self._on_error
        )

    @property
    def busy(self) -> bool:
        """Files are being indexed right now (the start-up reconciliation or a batch of changes)."""
        return self._active

    @property
    def queue_length(self) -> int:
        return self._watcher.queue_length if self._watcher is not None else 0

    def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()

    def stop_then(self, then: Callable[[], None]) -> None:
        """Stop the watcher and call `then` once its thread has let go of the index."""
        self._stopping = True
        if self._task is None:
            then()
            return
        self._after_stop = then
        self._task.cancel()

    # ---- the watcher -------------------------------------------------------------------------
    def _start_watcher(self, folders: list[Folder]) -> None:
        from kenning.core.watch.watcher import FolderWatcher

        workspace = self._services.workspace
        if workspace is None or self._watcher is not None:
            return
        roots = [f.path for f in folders if not f.paused]
        self._watched = set(roots)
        watcher: FolderWatcher | IndexWorker
        if self.in_process:
            watcher = FolderWatcher(workspace.indexer, roots, settings=workspace.settings.watch)
        else:
            from kenning import paths
            from kenning.core.worker.process import IndexWorker

            data_dir = self._services.data_dir
            log_dir = paths.log_dir(data_dir) / "indexer"
            watcher = IndexWorker(
                data_dir,
                workspace.settings,
                roots,
                log_dir=log_dir,
                secrets=self._services.secrets,
                stop_wait_s=_WORKER_STOP_S,
            )
        self._watcher = watcher
        self._task = self._services.writer.submit(
            "watch folders",
            watcher.run,
            on_progress=self._on_event,
            on_done=lambda _: self._on_stopped(),
            on_error=self._on_watch_error,
        )

    def _watch(self, root: str) -> None:
        if self._watcher is None:  # not running (yet, or any more): it starts with every folder saved
            self.retry_sync()
        elif root not in self._watched:
            self._watched.add(root)
            self._watcher.add_root(root)

    def _folder_op(self, name: str, change: Callable[[], object], then: Callable[[], None]) -> None:
        def done(_: object) -> None:
            then()
            self.refresh()

        self._services.readers.submit(name, lambda cancel: change(), on_done=done, on_error=self._on_error)

    def _read_views(self, cancel: threading.Event) -> list[FolderView]:
        from kenning.core.index.folder_stats import folder_stats

        folders = self._services.folders.load()
        workspace = self._services.workspace
        stats = folder_stats(workspace.store, [f.path for f in folders]) if workspace else {}
        offline = self._offline
        return [
            FolderView(f, stats.get(f.path), offline=f.path in offline or not os.path.isdir(f.path))
            for f in folders
        ]

    # ---- events (UI thread) ------------------------------------------------------------------
    def _on_event(self, event: Any) -> None:
        if isinstance(event, SyncStarted):
            self._begin(event.roots)
            self.progress.emit(IndexProgress(event.roots, 0, event.to_process, 0.0, None))
        elif isinstance(event, FileDone) and event.total:
            if not self._active:
                self._begin(self._roots)
            self.progress.emit(self._rate.progress(self._roots, event))
        elif isinstance(event, SyncFinished):
            self._end()
            self.synced.emit(event.report)
        elif isinstance(event, BatchDone):
            self._end()
            self.batch_done.emit(event)
        elif isinstance(event, WatchStatus):
            self.watch_status.emit(event)
        elif isinstance(event, SyncPaused):
            self.sync_paused.emit(event.reason)
        elif isinstance(event, SyncResumed):
            self.sync_paused.emit(None)
        elif isinstance(event, RootOffline):
            self._offline.add(event.root)
            self.refresh()
        elif isinstance(event, RootOnline):
            self._offline.discard(event.root)
            self.refresh()
        else:
            self._on_worker_event(event)

    def _on_worker_event(self, event: Any) -> None:
        if isinstance(event, WorkerMemory):
            self.memory.emit(event)
        elif isinstance(event, WorkerStarted):
            self.worker_pid = event.pid
            if self._crashed:  # the new worker's reconciliation picks up where the old one died
                self._crashed = False
                self.sync_paused.emit(None)
        elif isinstance(event, WorkerCrashed):
            self.worker_pid = None
            self._crashed = True
            self._end()
            self.sync_paused.emit(event.reason)

    def _begin(self, roots: tuple[str, ...]) -> None:
        self._active = True
        self._roots = roots or tuple(self._watched)
        self._rate = ProgressMeter()

    def _end(self) -> None:
        if self._active:
            self._active = False
            self.progress.emit(None)
        self.refresh()

    def _on_stopped(self) -> None:
        self._active = False
        self._watcher = None
        self._task = None
        self.worker_pid = None
        self.progress.emit(None)
        self.sync_paused.emit(None)
        then, self._after_stop = self._after_stop, None
        if then is not None:
            then()
        elif not self._stopping:  # it ended by itself: changes would no longer reach the index
            QTimer.singleShot(_RESTART_MS, self.retry_sync)

    def _on_watch_error(self, exc: BaseException) -> None:
        self._on_error(exc)
        self._on_stopped()

    def _on_views(self, views: list[FolderView]) -> None:
        self.views = views
        self.folders_changed.emit(views)

    def _on_error(self, exc: BaseException) -> None:
        self.failed.emit(self._services.message_for(exc))


def report_summary(report: SyncReport | BatchDone) -> str:
    if isinstance(report, BatchDone):
        parts = [f"{len(report.indexed)} indexed"]
        renamed, removed = len(report.renamed), len(report.removed)
        problems = len(report.errors) + len(report.skipped)
        seconds = report.seconds
    else:
        parts = [f"{report.indexed} indexed"]
        renamed, removed = report.renamed, report.removed
        problems = len(report.errors) + len(report.skipped)
        seconds = report.seconds
    if renamed:
        parts.append(f"{renamed} renamed")
    if removed:
        parts.append(f"{removed} removed")
    if problems:
        parts.append(f"{problems} with problems")
    if isinstance(report, SyncReport) and report.flags_scanned:
        parts.append(
            f"{report.flags_scanned} older passages checked for instructions ({report.flags_found} flagged)"
        )
    return ", ".join(parts) + f" in {seconds:.1f} s"
