"""Changed paths waiting to be indexed, debounced and coalesced into batches.

Watchdog's threads post paths; the watcher's loop takes batches. A path posted many times (a file
written in chunks, an editor's temp-file-and-rename save) is one entry. A batch is released when
the folders have been quiet for `debounce_s`, or, while they keep changing (a checkout, an unzip, a
long copy), every `max_delay_s` with the paths that have themselves been quiet for `debounce_s`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable


class ChangeQueue:
    def __init__(
        self,
        *,
        debounce_s: float,
        max_delay_s: float,
        max_batch: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.debounce_s = debounce_s
        self.max_delay_s = max_delay_s
        self.max_batch = max_batch
        self._clock = clock
        self._last: dict[str, float] = {}  # path → time of its last event, oldest first
        self._first_pending: float | None = None
        self._last_any = 0.0
        self._woken = False
        self._changed = threading.Condition()

    def post(self, paths: Iterable[str]) -> None:
        """Record changes (any thread)."""
        now = self._clock()
        with self._changed:
            for path in paths:
                self._last.pop(path, None)  # re-inserted last: the dict stays ordered by time
                self._last[path] = now
            if self._last:
                self._last_any = now
                if self._first_pending is None:
                    self._first_pending = now
            self._changed.notify_all()

    def wake(self) -> None:
        """Make a waiting `take` return now (cancel, a root added or removed)."""
        with self._changed:
            self._woken = True
            self._changed.notify_all()

    def __len__(self) -> int:
        with self._changed:
            return len(self._last)

    def drop_under(self, folder: str) -> None:
        """Forget the pending changes in a folder that went offline or was removed."""
        prefix = folder.rstrip(os.sep) + os.sep
        with self._changed:
            for path in [p for p in self._last if p == folder or p.startswith(prefix)]:
                del self._last[path]
            if not self._last:
                self._first_pending = None

    def take(self, timeout_s: float) -> list[str]:
        """Wait up to `timeout_s` for a batch; an empty list on timeout or `wake`."""
        deadline = self._clock() + timeout_s
        with self._changed:
            while True:
                if self._woken:
                    self._woken = False
                    return []
                now = self._clock()
                wait = self._ready_in(now)
                if wait <= 0:
                    return self._release(now)
                remaining = deadline - now
                if remaining <= 0:
                    return []
                self._changed.wait(min(wait, remaining))

    def _ready_in(self, now: float) -> float:
        """Seconds until a batch can go (0: now; inf: nothing pending)."""
        if not self._last:
            return float("inf")
        quiet_in = self._last_any + self.debounce_s - now
        assert self._first_pending is not None
        overdue_in = self._first_pending + self.max_delay_s - now
        oldest_quiet_in = next(iter(self._last.values())) + self.debounce_s - now
        if len(self._last) >= self.max_batch:
            return max(oldest_quiet_in, 0.0)
        return max(min(quiet_in, max(overdue_in, oldest_quiet_in)), 0.0)

    def _release(self, now: float) -> list[str]:
        batch: list[str] = []
        for path, at in self._last.items():
            if len(batch) >= self.max_batch or now - at < self.debounce_s:
                break
            batch.append(path)
        for path in batch:
            del self._last[path]
        self._first_pending = now if self._last else None
        return batch
