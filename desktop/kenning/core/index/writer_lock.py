"""One writer per index: a lock file that another process (the app, `kenning index`) respects."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from kenning.core.errors import KenningError


class IndexBusy(KenningError):
    next_step = "Wait for the other indexing run (the app or another `kenning index`) to finish."


class WriterLock:
    def __init__(self, index_dir: Path, *, timeout_s: float = 120.0) -> None:
        self._lock = FileLock(str(index_dir / "writer.lock"))
        self._timeout = timeout_s

    def __enter__(self) -> WriterLock:
        try:
            self._lock.acquire(timeout=self._timeout)
        except Timeout as exc:
            raise IndexBusy("Another Kenning process is updating this index.") from exc
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()
