"""What the index holds per watched folder: files indexed, files with problems, last sync."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kenning.core.domain.documents import FileIssue, FileRecord, FileStatus
from kenning.core.index.store import Store
from kenning.core.ingest.walker import under


@dataclass
class FolderStats:
    root: str
    indexed: int = 0
    chunks: int = 0
    problems: list[FileIssue] = field(default_factory=list)  # errors and skipped files, with reasons
    last_sync: float = 0.0  # epoch seconds of the newest indexed file; 0 when never


def stats_by_folder(records: Iterable[FileRecord], roots: Sequence[str]) -> dict[str, FolderStats]:
    stats = {root: FolderStats(root) for root in roots}
    for record in records:
        owner = next((r for r in roots if record.root == r or under(record.path, (r,))), None)
        if owner is None:
            continue
        entry = stats[owner]
        entry.last_sync = max(entry.last_sync, record.indexed_at)
        if record.status == FileStatus.INDEXED:
            entry.indexed += 1
            entry.chunks += record.chunks
        elif record.status is not FileStatus.UNSUPPORTED:
            entry.problems.append(FileIssue(record.path, record.error or record.status.value))
    for entry in stats.values():
        entry.problems.sort(key=lambda issue: issue.path)
    return stats


def folder_stats(store: Store, roots: Sequence[str]) -> dict[str, FolderStats]:
    return stats_by_folder(store.file_records().values(), roots)
