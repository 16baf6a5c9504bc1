"""One writer per index: a lock file that another process (the app, `kenning index`) respects."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from kenning.core.errors import KenningError

DEFAULT_WAIT_S = 120.0
_POLL_S = 0.1  # how often a wait looks at its cancel event: stopping never waits for the other process


class IndexBusy(KenningError):
    next_step = "Wait for the other indexing run (the app or another `kenning index`) to finish."


class LockWaitCancelled(IndexBusy):
    """The wait for another process's lock was cancelled (the app is closing, the run was stopped)."""


class WriterLock:
    def __init__(
        self, index_dir: Path, *, timeout_s: float | None = None, cancel: threading.Event | None = None
    ) -> None:
        """Wait up to `timeout_s` (default 120 s) for the lock, and no longer once `cancel` is set."""
        self._lock = FileLock(str(index_dir / "writer.lock"))
        self._timeout = DEFAULT_WAIT_S if timeout_s is None else timeout_s
        self._cancel = cancel

    def __enter__(self) -> WriterLock:
        deadline = time.monotonic() + self._timeout
        while True:
            if self._cancel is not None and self._cancel.is_set():
                raise LockWaitCancelled("Stopped while another Kenning process was updating this index.")
            left = deadline - time.monotonic()
            try:
                self._lock.acquire(timeout=max(0.0, min(_POLL_S, left)))
                return self
            except Timeout:
                if left <= _POLL_S:
                    raise IndexBusy("Another Kenning process is updating this index.") from None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()
