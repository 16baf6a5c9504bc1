"""Keep watched folders in the index by themselves: reconcile at start, then follow every change.

`FolderWatcher.run` is one long generator, meant for a background thread (the app) or the
`kenning watch` command. Watchdog's threads only post paths to a `ChangeQueue`; every index write
happens in the thread that iterates `run`, so the index keeps one writer. Control calls from other
threads (`add_root`, `pause`, ...) are queued and applied by that same thread between batches.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from kenning.core.domain.documents import (
    BatchDone,
    FileDone,
    FileIssue,
    Outcome,
    RootOffline,
    RootOnline,
    Watching,
    WatchStatus,
)
from kenning.core.index.indexer import Indexer, IndexEvent
from kenning.core.index.writer_lock import IndexBusy
from kenning.core.ingest.walker import root_of
from kenning.core.settings import WatchSettings
from kenning.core.watch.change_queue import ChangeQueue
from kenning.core.watch.roots import RootState, needs_polling

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver, ObservedWatch

log = logging.getLogger(__name__)

WatchEvent = IndexEvent | BatchDone | WatchStatus | RootOffline | RootOnline | Watching

_TICK_S = 0.2  # how often the loop looks at `cancel` while idle: cheap, and a quick exit
_CHECKPOINT_IDLE_S = 5.0  # quiet time after writes before the index is compacted


class FolderWatcher:
    def __init__(
        self,
        indexer: Indexer,
        roots: Sequence[str],
        *,
        settings: WatchSettings,
        polling: bool | None = None,
    ) -> None:
        """`polling`: True/False forces it for every folder; None follows the `watch.polling` setting."""
        self._indexer = indexer
        self._settings = settings
        self._polling = polling
        self._roots: dict[str, RootState] = {}
        for root in roots:
            path = os.path.abspath(root)
            self._roots[path] = RootState(path, was_mount_point=os.path.ismount(path))
        s = self._settings
        self._queue = ChangeQueue(
            debounce_s=s.debounce_s, max_delay_s=s.max_delay_s, max_batch=max(1, s.max_batch_files)
        )
        self._ops: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._observers: dict[bool, BaseObserver] = {}  # polled? → observer
        self._watches: dict[str, ObservedWatch] = {}
        self._rate = _Rate()
        self._dirty_since: float | None = None
        self._check_roots_now = threading.Event()

    # ---- control (any thread) -------------------------------------------------------------
    def add_root(self, root: str) -> None:
        self._control("add", root)

    def remove_root(self, root: str) -> None:
        """Stop watching `root` and remove its files from the index."""
        self._control("remove", root)

    def pause(self, root: str) -> None:
        """Stop following `root` for now; its files stay searchable. `resume` catches up."""
        self._control("pause", root)

    def resume(self, root: str) -> None:
        self._control("resume", root)

    def retry(self, paths: Sequence[str]) -> None:
        """Read these files again although they did not change (a lock or permission was fixed)."""
        for path in paths:
            self._control("retry", path)

    def _control(self, op: str, root: str) -> None:
        self._ops.put((op, os.path.abspath(root)))
        self._queue.wake()

    @property
    def queue_length(self) -> int:
        return len(self._queue)

    # ---- the loop -------------------------------------------------------------------------
    def run(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        """Reconcile, then yield events batch after batch until `cancel` is set."""
        try:
            online: list[str] = []
            for state in self._roots.values():
                reason = state.absence()
                if reason is not None:
                    yield RootOffline(state.path, reason)
                elif self._start_watching(state):
                    online.append(state.path)
            if online:  # watching first: a change made during the reconciliation is not missed
                yield from self._sync_roots(online, cancel)
            yield Watching(tuple(online), tuple(r for r in online if self._is_polled(r)))
            next_root_check = time.monotonic() + self._settings.root_check_s
            while not cancel.is_set():
                paths = self._queue.take(_TICK_S)
                yield from self._apply_controls(cancel)
                if self._check_roots_now.is_set() or time.monotonic() >= next_root_check:
                    self._check_roots_now.clear()
                    next_root_check = time.monotonic() + self._settings.root_check_s
                    yield from self._check_roots(cancel)
                if paths and not cancel.is_set():
                    yield from self._process(paths, cancel)
                elif self._idle_enough():
                    self._indexer.checkpoint()
                    self._dirty_since = None
        finally:
            self._stop_observers()

    def _process(self, paths: list[str], cancel: threading.Event) -> Iterator[WatchEvent]:
        live = [r for r in self._live_roots() if self._roots[r].absence() is None]
        if len(live) < len(self._live_roots()):  # a root vanished since the last check: not deletions
            self._check_roots_now.set()
        wanted = [p for p in paths if root_of(p, live) is not None]
        if not wanted:
            return
        yield self._status(extra=len(wanted))
        try:
            yield from self._sync(live, cancel, lambda: self._indexer.sync_paths(live, wanted, cancel=cancel))
        except IndexBusy:  # another process holds the index: try these again later
            log.warning("index busy; %d changes wait", len(wanted))
            self._queue.post(wanted)
        yield self._status()

    def _sync_roots(self, roots: list[str], cancel: threading.Event) -> Iterator[WatchEvent]:
        yield from self._sync(roots, cancel, lambda: self._indexer.sync(roots, cancel=cancel))

    def _sync(
        self, roots: Sequence[str], cancel: threading.Event, start: Callable[[], Iterator[IndexEvent]]
    ) -> Iterator[WatchEvent]:
        started = time.perf_counter()
        batch = _BatchCollector()
        for event in start():
            batch.add(event)
            yield event
        seconds = time.perf_counter() - started
        done = batch.done(seconds)
        self._rate.add(done.files, seconds)
        if done.files:
            self._dirty_since = time.monotonic()
            log.info("batch done", extra={"files": done.files, "seconds": round(seconds, 3)})
            yield done

    def _idle_enough(self) -> bool:
        return (
            self._dirty_since is not None
            and time.monotonic() - self._dirty_since >= _CHECKPOINT_IDLE_S
            and len(self._queue) == 0
        )

    def _status(self, extra: int = 0) -> WatchStatus:
        waiting = len(self._queue) + extra
        rate = self._rate.files_per_s
        return WatchStatus(
            queue_length=waiting,
            files_per_s=round(rate, 2),
            eta_s=round(waiting / rate, 1) if rate > 0 else (0.0 if waiting == 0 else None),
            offline=tuple(r for r, s in self._roots.items() if not s.online and not s.paused),
            paused=tuple(r for r, s in self._roots.items() if s.paused),
        )

    # ---- roots coming and going -----------------------------------------------------------
    def _live_roots(self) -> list[str]:
        return [r for r, s in self._roots.items() if s.online and not s.paused]

    def _check_roots(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        for state in list(self._roots.values()):
            if state.paused:
                continue
            reason = state.absence()
            if state.online and reason is not None:
                self._stop_watching(state)
                yield RootOffline(state.path, reason)
            elif not state.online and reason is None and self._start_watching(state):
                yield from self._sync_roots([state.path], cancel)
                yield RootOnline(state.path)

    def _apply_controls(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        while True:
            try:
                op, root = self._ops.get_nowait()
            except queue.Empty:
                return
            state = self._roots.get(root)
            if op == "add" and state is None:
                self._roots[root] = RootState(root, was_mount_point=os.path.ismount(root))
                reason = self._roots[root].absence()
                if reason is not None:
                    yield RootOffline(root, reason)
                self._check_roots_now.set()
            elif op == "remove" and state is not None:
                self._stop_watching(state)
                del self._roots[root]
                removed = self._indexer.forget([root])
                if removed:
                    yield BatchDone(at=_now(), removed=tuple(removed))
            elif op == "pause" and state is not None and not state.paused:
                self._stop_watching(state)
                state.paused = True
            elif op == "retry":
                self._indexer.mark_for_retry([root])
                self._queue.post([root])
            elif op == "resume" and state is not None and state.paused:
                state.paused = False
                self._check_roots_now.set()

    # ---- watchdog -------------------------------------------------------------------------
    def _is_polled(self, root: str) -> bool:
        if self._polling is not None:
            return self._polling
        return needs_polling(root, self._settings.polling)

    def _start_watching(self, state: RootState) -> bool:
        polled = self._is_polled(state.path)
        try:
            watch = self._schedule(state.path, polled)
        except OSError as exc:
            if polled:
                log.warning("cannot watch %s: %s", state.path, exc)
                return False
            log.warning("native events unavailable for %s (%s): polling instead", state.path, exc)
            try:
                watch = self._schedule(state.path, True)
            except OSError:
                return False
        self._watches[state.path] = watch
        state.online = True
        return True

    def _schedule(self, root: str, polled: bool) -> ObservedWatch:
        from watchdog import events as ev

        observer = self._observers.get(polled)
        if observer is None:
            observer = _new_observer(polled, self._settings.poll_interval_s)
            observer.start()
            self._observers[polled] = observer
        kinds = [
            ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileClosedEvent, ev.FileMovedEvent,
            ev.FileDeletedEvent, ev.DirCreatedEvent, ev.DirMovedEvent, ev.DirDeletedEvent,
        ]  # fmt: skip  # not opened/closed-without-write: the indexer's own reads must not echo back
        handler = _PathPoster(self._queue.post, self._on_root_event, self._indexer.ignores, root)
        return observer.schedule(handler, root, recursive=True, event_filter=kinds)

    def _stop_watching(self, state: RootState) -> None:
        state.online = False
        watch = self._watches.pop(state.path, None)
        if watch is not None:
            for observer in self._observers.values():
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(watch)
        self._queue.drop_under(state.path)

    def _on_root_event(self) -> None:
        self._check_roots_now.set()
        self._queue.wake()

    def _stop_observers(self) -> None:
        for observer in self._observers.values():
            observer.stop()
        for observer in self._observers.values():
            with contextlib.suppress(RuntimeError):
                observer.join(timeout=5)
        self._observers.clear()
        self._watches.clear()


def _new_observer(polled: bool, interval_s: float) -> BaseObserver:
    if polled:
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=interval_s)
    from watchdog.observers import Observer

    observer: BaseObserver = Observer()
    return observer


class _PathPoster(FileSystemEventHandler):
    """Watchdog handler (runs on watchdog's thread): turns events into paths, nothing more."""

    def __init__(
        self,
        post: Callable[[list[str]], None],
        on_root_event: Callable[[], None],
        ignores: Callable[[str, str], bool],
        root: str,
    ) -> None:
        self._post = post
        self._on_root_event = on_root_event
        self._ignores = ignores
        self._root = root

    def dispatch(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        if event.dest_path:
            paths.append(os.fsdecode(event.dest_path))
        if event.is_directory and self._root in paths:  # the watched folder itself moved or vanished
            self._on_root_event()
            return
        wanted = [p for p in paths if not self._ignores(p, self._root)]
        if wanted:
            self._post(wanted)


class _BatchCollector:
    """Gathers the indexer's per-file events into one `BatchDone`."""

    def __init__(self) -> None:
        self.indexed: list[str] = []
        self.removed: list[str] = []
        self.renamed: list[tuple[str, str]] = []
        self.errors: list[FileIssue] = []
        self.skipped: list[FileIssue] = []

    def add(self, event: Any) -> None:
        if isinstance(event, FileDone):
            if event.outcome is Outcome.INDEXED:
                self.indexed.append(event.path)
            elif event.outcome is Outcome.REMOVED:
                self.removed.append(event.path)
            elif event.outcome is Outcome.RENAMED:
                self.renamed.append((event.renamed_from, event.path))
            elif event.outcome is Outcome.ERROR:
                self.errors.append(FileIssue(event.path, event.reason))
            elif event.outcome is Outcome.SKIPPED:
                self.skipped.append(FileIssue(event.path, event.reason))

    def done(self, seconds: float) -> BatchDone:
        return BatchDone(
            at=_now(),
            indexed=tuple(self.indexed),
            removed=tuple(self.removed),
            renamed=tuple(self.renamed),
            errors=tuple(self.errors),
            skipped=tuple(self.skipped),
            seconds=round(seconds, 3),
        )


class _Rate:
    """Files per second over the last few batches."""

    def __init__(self, keep: int = 10) -> None:
        self._recent: list[tuple[int, float]] = []
        self._keep = keep

    def add(self, files: int, seconds: float) -> None:
        if files:
            self._recent = [*self._recent, (files, seconds)][-self._keep :]

    @property
    def files_per_s(self) -> float:
        seconds = sum(s for _, s in self._recent)
        return sum(f for f, _ in self._recent) / seconds if seconds > 0 else 0.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
