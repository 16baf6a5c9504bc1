"""A watcher's batch in numbers: the indexer's per-file events gathered, and the recent files/s."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kenning.core.domain.documents import BatchDone, FileDone, FileIssue, Outcome


class BatchCollector:
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
            at=now(),
            indexed=tuple(self.indexed),
            removed=tuple(self.removed),
            renamed=tuple(self.renamed),
            errors=tuple(self.errors),
            skipped=tuple(self.skipped),
            seconds=round(seconds, 3),
        )


class Rate:
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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
