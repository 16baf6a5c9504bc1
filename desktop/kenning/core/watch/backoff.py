"""When the watcher cannot write to the index: why, in words for the user, and how long to wait.

The watcher never gives up: it keeps the work it could not do, waits longer after each failure in a
row (another `kenning index` may hold the index for minutes, a disk may come back), and tries again.
"""

from __future__ import annotations

import logging
import threading
import time

from kenning.core.errors import KenningError

log = logging.getLogger(__name__)

_TICK_S = 0.2  # how often a wait looks at its events


class Backoff:
    """Waits of `first_s`, twice that, ... up to `max_s`, until `reset` after a success."""

    def __init__(self, first_s: float = 1.0, max_s: float = 30.0) -> None:
        self._first = first_s
        self._max = max_s
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        return float(min(self._max, self._first * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0


def pause_reason(exc: Exception) -> str:
    """What stopped the watcher, for the status line; the traceback of a surprise goes to the log."""
    if isinstance(exc, KenningError):
        return exc.message
    if isinstance(exc, OSError):
        log.warning("index write failed; will retry", exc_info=exc)
        return f"the index could not be written ({exc.strerror or type(exc).__name__})"
    log.error("unexpected error while syncing; will retry", exc_info=exc)
    return f"an unexpected error ({type(exc).__name__}); details are in the log"


def wait_for_retry(seconds: float, cancel: threading.Event, retry_now: threading.Event) -> None:
    """Return after `seconds`, or as soon as `cancel` or `retry_now` is set (then clears `retry_now`)."""
    deadline = time.monotonic() + seconds
    while not cancel.is_set() and not retry_now.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        cancel.wait(min(_TICK_S, left))
    retry_now.clear()
