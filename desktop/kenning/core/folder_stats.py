"""What the index holds per watched folder: files indexed, files with problems, last sync."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kenning.core.model import FileIssue, FileRecord, FileStatus
from kenning.core.store import Store


@dataclass
class FolderStats:
    root: str
    indexed: int = 0
    chunks: int = 0
    problems: list[FileIssue] = field(default_factory=list)  # errors and skipped files, with reasons
    last_sync: float = 0.0  # epoch seconds of the newest indexed file; 0 when never


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/\\") + ("/" if "/" in root else "\\"))


def stats_by_folder(records: Iterable[FileRecord], roots: Sequence[str]) -> dict[str, FolderStats]:
    stats = {root: FolderStats(root) for root in roots}
    for record in records:
        owner = next((r for r in roots if record.root == r or _under(record.path, r)), None)
        if owner is None:
            continue
        entry = stats[owner]
        entry.last_sync = max(entry.last_sync, record.indexed_at)
        if record.status == FileStatus.INDEXED:
            entry.indexed += 1
            entry.chunks += record.chunks
        else:
            entry.problems.append(FileIssue(record.path, record.error or record.status.value))
    for entry in stats.values():
        entry.problems.sort(key=lambda issue: issue.path)
    return stats


def folder_stats(store: Store, roots: Sequence[str]) -> dict[str, FolderStats]:
    return stats_by_folder(store.file_records().values(), roots)


def forget_folder(store: Store, root: str) -> int:
    """Drop a folder's files and chunks from the index (the files on disk are untouched)."""
    paths = [p for p, record in store.file_records().items() if record.root == root or _under(p, root)]
    store.remove_files(paths)
    return len(paths)


def mark_for_retry(store: Store, paths: Sequence[str]) -> None:
    """Have the next sync read these files again even though they did not change on disk."""
    from dataclasses import replace

    from kenning.core.sync_manifest import SyncManifest

    records = store.file_records()
    store.upsert_records([replace(records[p], retry=True) for p in paths if p in records])
    SyncManifest(store.index_dir).invalidate()
