"""Keep watched folders in the index by themselves: reconcile at start, then follow every change.

`FolderWatcher.run` is one long generator, meant for a background thread (the app) or the
`kenning watch` command. Watchdog's threads only post paths to a `ChangeQueue`; every index write
happens in the thread that iterates `run`, so the index keeps one writer. Control calls from other
threads (`add_root`, `pause`, ...) are queued and applied by that same thread between batches.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from kenning.core.domain.documents import (
    BatchDone,
    RootOffline,
    RootOnline,
    SyncPaused,
    SyncResumed,
    Watching,
    WatchStatus,
)
from kenning.core.index.indexer import Indexer, IndexEvent
from kenning.core.ingest.walker import root_of
from kenning.core.settings import WatchSettings
from kenning.core.watch.backoff import Backoff, pause_reason, wait_for_retry
from kenning.core.watch.batch_stats import BatchCollector, Rate, now
from kenning.core.watch.change_queue import ChangeQueue
from kenning.core.watch.observers import Observers
from kenning.core.watch.roots import RootState

log = logging.getLogger(__name__)

WatchEvent = (
    IndexEvent | BatchDone | WatchStatus | RootOffline | RootOnline | Watching | SyncPaused | SyncResumed
)

_TICK_S = 0.2  # how often the loop looks at `cancel` while idle: cheap, and a quick exit
_CHECKPOINT_IDLE_S = 5.0  # quiet time after writes before the index is compacted
# How long one attempt waits for another process's writer lock (`kenning index` may hold it for
# minutes): then the watcher says it is paused, and why, and tries again after a backoff.
LOCK_WAIT_S = 2.0


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
        self._observers = Observers(
            settings,
            polling,
            post=self._queue.post,
            on_root_event=self._on_root_event,
            ignores=indexer.ignores,
        )
        self._rate = Rate()
        self._dirty_since: float | None = None
        self._check_roots_now = threading.Event()
        self._next_root_check = time.monotonic() + settings.root_check_s
        self._retry_now = threading.Event()
        # Work a failed attempt left: done first by the next one, so nothing is lost to an error.
        self._to_reconcile: dict[str, bool] = {}  # root → announce RootOnline once reconciled
        self._retry_paths: list[str] = []
        self._failed_op: tuple[str, str] | None = None
        self._watching: Watching | None = None  # announced once the start-up reconciliation is done

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

    def retry_now(self) -> None:
        """End a pause at once (the user fixed what stopped it, or the other process finished)."""
        self._retry_now.set()
        self._queue.wake()

    def _control(self, op: str, root: str) -> None:
        self._ops.put((op, os.path.abspath(root)))
        self._queue.wake()

    @property
    def queue_length(self) -> int:
        return len(self._queue)

    # ---- the loop -------------------------------------------------------------------------
    def run(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        """Reconcile, then yield events batch after batch until `cancel` is set.

        No error ends it: a step that fails keeps its work, yields `SyncPaused` with the reason and
        tries again after a growing wait; `SyncResumed` follows once the work went through.
        """
        try:
            yield from self._start(cancel)
            backoff = Backoff()
            while not cancel.is_set():
                try:
                    yield from self._step(cancel)
                except Exception as exc:  # any failure pauses the sync; none ends it
                    if cancel.is_set():
                        break
                    delay = backoff.next_delay()
                    yield SyncPaused(pause_reason(exc), delay)
                    wait_for_retry(delay, cancel, self._retry_now)
                    continue
                if backoff.failures and not cancel.is_set():
                    backoff.reset()
                    yield SyncResumed()
        finally:
            self._stop_observers()

    def _start(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        online: list[str] = []
        for state in self._roots.values():
            reason = state.absence()
            if reason is not None:
                yield RootOffline(state.path, reason)
            elif self._start_watching(state):  # watching first: a change made meanwhile is not missed
                online.append(state.path)
        self._to_reconcile = dict.fromkeys(online, False)
        self._watching = Watching(tuple(online), tuple(r for r in online if self._is_polled(r)))

    def _step(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        """One turn of the loop: reconcile what is due, apply control calls, index one batch."""
        yield from self._reconcile(cancel)
        if self._watching is not None:
            watching, self._watching = self._watching, None
            yield watching
        paths = self._queue.take(_TICK_S)
        if self._retry_paths:
            paths, self._retry_paths = sorted({*paths, *self._retry_paths}), []
        yield from self._apply_controls(cancel)
        if self._check_roots_now.is_set() or time.monotonic() >= self._next_root_check:
            self._check_roots_now.clear()
            self._next_root_check = time.monotonic() + self._settings.root_check_s
            yield from self._check_roots()
            yield from self._reconcile(cancel)
        if paths and not cancel.is_set():
            yield from self._process(paths, cancel)
        elif self._idle_enough():
            try:
                self._indexer.checkpoint(cancel=cancel, lock_wait_s=LOCK_WAIT_S)
            except Exception:
                self._dirty_since = time.monotonic() - _CHECKPOINT_IDLE_S  # due again on the retry
                raise
            self._dirty_since = None

    def _reconcile(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        """Sync whole roots: at start, and for a root added or back online."""
        if not self._to_reconcile:
            return
        roots = list(self._to_reconcile)
        yield from self._sync_roots(roots, cancel)
        if cancel.is_set():
            return
        for root in roots:
            if self._to_reconcile.pop(root, False):
                yield RootOnline(root)

    def _process(self, paths: list[str], cancel: threading.Event) -> Iterator[WatchEvent]:
        live = [r for r in self._live_roots() if self._roots[r].absence() is None]
        if len(live) < len(self._live_roots()):  # a root vanished since the last check: not deletions
            self._check_roots_now.set()
        wanted = [p for p in paths if root_of(p, live) is not None]
        if not wanted:
            return
        yield self._status(extra=len(wanted))
        try:
            yield from self._sync(
                live,
                lambda: self._indexer.sync_paths(live, wanted, cancel=cancel, lock_wait_s=LOCK_WAIT_S),
            )
        except Exception:
            self._retry_paths = wanted  # the next attempt starts with these
            raise
        yield self._status()

    def _sync_roots(self, roots: list[str], cancel: threading.Event) -> Iterator[WatchEvent]:
        yield from self._sync(
            roots, lambda: self._indexer.sync(roots, cancel=cancel, lock_wait_s=LOCK_WAIT_S)
        )

    def _sync(self, roots: Sequence[str], start: Callable[[], Iterator[IndexEvent]]) -> Iterator[WatchEvent]:
        started = time.perf_counter()
        batch = BatchCollector()
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

    def _check_roots(self) -> Iterator[WatchEvent]:
        for state in list(self._roots.values()):
            if state.paused:
                continue
            reason = state.absence()
            if state.online and reason is not None:
                self._stop_watching(state)
                self._to_reconcile.pop(state.path, None)
                yield RootOffline(state.path, reason)
            elif not state.online and reason is None and self._start_watching(state):
                self._to_reconcile[state.path] = True  # reconciled next, then announced

    def _apply_controls(self, cancel: threading.Event) -> Iterator[WatchEvent]:
        while True:
            if self._failed_op is not None:
                (op, root), self._failed_op = self._failed_op, None
            else:
                try:
                    op, root = self._ops.get_nowait()
                except queue.Empty:
                    return
            try:
                yield from self._apply(op, root, cancel)
            except Exception:
                self._failed_op = (op, root)  # applied first on the next attempt
                raise

    def _apply(self, op: str, root: str, cancel: threading.Event) -> Iterator[WatchEvent]:
        state = self._roots.get(root)
        if op == "add" and state is None:
            self._roots[root] = RootState(root, was_mount_point=os.path.ismount(root))
            reason = self._roots[root].absence()
            if reason is not None:
                yield RootOffline(root, reason)
            self._check_roots_now.set()
        elif op == "remove" and state is not None:
            self._stop_watching(state)
            state.paused = True  # not brought back by a root check should the removal fail
            self._to_reconcile.pop(root, None)
            removed = self._indexer.forget([root], cancel=cancel, lock_wait_s=LOCK_WAIT_S)
            del self._roots[root]
            if removed:
                yield BatchDone(at=now(), removed=tuple(removed))
        elif op == "pause" and state is not None and not state.paused:
            self._stop_watching(state)
            self._to_reconcile.pop(root, None)
            state.paused = True
        elif op == "retry":
            self._indexer.mark_for_retry([root], cancel=cancel, lock_wait_s=LOCK_WAIT_S)
            self._queue.post([root])
        elif op == "resume" and state is not None and state.paused:
            state.paused = False
            self._check_roots_now.set()

    # ---- watchdog -------------------------------------------------------------------------
    def _is_polled(self, root: str) -> bool:
        return self._observers.is_polled(root)

    def _start_watching(self, state: RootState) -> bool:
        state.online = self._observers.watch(state.path)
        return state.online

    def _stop_watching(self, state: RootState) -> None:
        state.online = False
        self._observers.unwatch(state.path)
        self._queue.drop_under(state.path)

    def _on_root_event(self) -> None:
        self._check_roots_now.set()
        self._queue.wake()

    def _stop_observers(self) -> None:
        self._observers.close()
