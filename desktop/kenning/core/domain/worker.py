"""What the indexing worker process reports about itself, beside the watcher's own events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerStarted:
    """A worker process is up (the first, or one started again after a crash)."""

    pid: int
    restarts: int = 0  # how many crashes came before this start


@dataclass(frozen=True)
class WorkerCrashed:
    """The worker process ended unasked. Every batch it committed stays in the index; what it had
    not committed is found again by the next worker's reconciliation, which starts in `restart_in_s`."""

    exit_code: int | None
    restart_in_s: float

    @property
    def reason(self) -> str:
        code = self.exit_code
        how = f"signal {-code}" if code is not None and code < 0 else f"code {code}"
        wait = f"{self.restart_in_s:.0f} s"
        return f"the indexing process stopped unexpectedly ({how}); it starts again in {wait}"


@dataclass(frozen=True)
class WorkerMemory:
    """Resident memory of the window's process and of the indexing process, in bytes."""

    window_rss: int
    worker_rss: int
    peak_total_rss: int  # the largest sum seen since the worker object was made

    @property
    def total_rss(self) -> int:
        return self.window_rss + self.worker_rss

    def describe(self) -> str:
        mb = 1024 * 1024
        return (
            f"Memory: window {self.window_rss / mb:.0f} MB + indexer {self.worker_rss / mb:.0f} MB"
            f" = {self.total_rss / mb:.0f} MB (peak {self.peak_total_rss / mb:.0f} MB)"
        )
