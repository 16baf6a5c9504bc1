"""Runs core work off the UI thread and brings its results back as Qt signals.

A task is a plain callable. If it returns a generator, every value it yields arrives through
`on_progress` on the UI thread and the generator's return value through `on_done`. Cancellation is
cooperative: the callable receives a `threading.Event` and the core loops check it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Work = Callable[[threading.Event], Any]


class _Relay(QObject):
    """Lives on the UI thread; the worker emits, Qt queues the calls onto the UI thread."""

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(object)


class TaskHandle:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cancel_event = threading.Event()
        self.finished = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def running(self) -> bool:
        return not self.finished.is_set()


class _Runnable(QRunnable):
    def __init__(self, work: Work, relay: _Relay, handle: TaskHandle) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay
        self._handle = handle

    def run(self) -> None:
        try:
            result = self._work(self._handle.cancel_event)
            if isinstance(result, Generator):
                result = self._drain(result)
        except BaseException as exc:
            if not isinstance(exc, Exception):
                log.error("task %s stopped by %s", self._handle.name, type(exc).__name__)
            self._handle.finished.set()
            self._relay.failed.emit(exc)
            return
        self._handle.finished.set()
        self._relay.done.emit(result)

    def _drain(self, events: Generator[Any, None, Any]) -> Any:
        try:
            while True:
                self._relay.progress.emit(next(events))
        except StopIteration as stop:
            return stop.value


class TaskRunner(QObject):
    """A pool of worker threads. Index writes get their own runner with one thread."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._live: dict[TaskHandle, _Relay] = {}
        self._closed = False

    def submit(
        self,
        name: str,
        work: Work,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> TaskHandle:
        handle = TaskHandle(name)
        if self._closed:  # shutting down: late work (a result that asks for more) never starts
            handle.cancel()
            handle.finished.set()
            return handle
        relay = _Relay(self)
        if on_progress is not None:
            relay.progress.connect(on_progress)
        relay.done.connect(lambda result: self._finish(handle, on_done, result))
        relay.failed.connect(lambda exc: self._fail(handle, on_error, exc))
        self._live[handle] = relay
        self._pool.start(_Runnable(work, relay, handle))
        return handle

    @property
    def busy(self) -> int:
        return sum(1 for handle in self._live if handle.running)

    def cancel_all(self) -> None:
        for handle in list(self._live):
            handle.cancel()

    def close(self) -> None:
        """Refuse new work and cancel what runs (queued tasks then start and return at once)."""
        self._closed = True
        self.cancel_all()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Refuse new work, cancel what runs and wait for the threads; True when all stopped in time."""
        self.close()
        return bool(self._pool.waitForDone(timeout_ms))

    def _finish(self, handle: TaskHandle, callback: Callable[[Any], None] | None, result: Any) -> None:
        relay = self._live.pop(handle, None)
        if callback is not None and _receiver_alive(callback):
            callback(result)
        if relay is not None:
            relay.deleteLater()

    def _fail(
        self, handle: TaskHandle, callback: Callable[[BaseException], None] | None, exc: BaseException
    ) -> None:
        relay = self._live.pop(handle, None)
        if callback is not None and _receiver_alive(callback):
            callback(exc)
        elif callback is None:
            log.error("background task %s failed", handle.name, exc_info=exc)
        if relay is not None:
            relay.deleteLater()


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False for a method of a Qt object already deleted (a closed window): its result is dropped."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)
