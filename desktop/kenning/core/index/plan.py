"""What the indexer decides per file before embedding: the parsed file waiting for vectors, renames
found by content hash, and the record a file carries while its chunks are replaced."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from kenning.core.domain.documents import Chunk, FileRecord, FileStatus
from kenning.core.errors import FileProblem
from kenning.core.ingest.walker import FoundFile, display_path


@dataclass
class Prepared:
    """One file, read and parsed, waiting for its vectors."""

    found: FoundFile
    sha256: str = ""
    chunks: list[Chunk] = field(default_factory=list)
    loader: str = ""
    pages: int = 0
    notes: tuple[str, ...] = ()  # what the loader left out and why: kept as the record's error text
    problem: FileProblem | None = None
    touched_only: bool = False  # same content, new mtime
    renamed_from: FileRecord | None = None
    needs_ocr: bool = False  # a scan: read in the OCR pass at the end of the sync


class RenameFinder:
    """Matches a new file to a vanished one by content hash, each vanished file at most once."""

    def __init__(self, missing: dict[str, FileRecord]) -> None:
        self._by_hash = {r.sha256: r for r in missing.values() if r.status is FileStatus.INDEXED and r.sha256}
        self.claimed: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, sha256: str) -> FileRecord | None:
        with self._lock:
            record = self._by_hash.pop(sha256, None)
            if record is not None:
                self.claimed.add(record.path)
            return record


def intent_record(f: FoundFile, old: FileRecord | None) -> FileRecord:
    """The record a file carries while its chunks are being replaced."""
    if old is not None:
        return replace(old, retry=True)
    return FileRecord(
        path=f.path,
        root=f.root,
        size=f.size,
        mtime_ns=f.mtime_ns,
        sha256="",
        status=FileStatus.PENDING,
        retry=True,
    )


def unchanged(record: FileRecord | None, size: int, mtime_ns: int) -> bool:
    return record is not None and not record.retry and record.size == size and record.mtime_ns == mtime_ns


def problem_record(p: Prepared, problem: FileProblem, old: FileRecord | None, now: float) -> FileRecord:
    """A file that could not be indexed: the previous version's chunks stay searchable until a good
    version replaces them, so the record keeps their hash and counts."""
    f = p.found
    return FileRecord(
        path=display_path(f.path),
        root=f.root,
        size=f.size,
        mtime_ns=f.mtime_ns,
        sha256=old.sha256 if old else "",
        status=FileStatus(problem.status),
        error=problem.message,
        loader=old.loader if old else "",
        pages=old.pages if old else 0,
        chunks=old.chunks if old else 0,
        indexed_at=now,
        embed_model=old.embed_model if old else "",
        retry=problem.transient,
    )


def indexed_record(p: Prepared, model_id: str, now: float) -> FileRecord:
    f = p.found
    return FileRecord(
        path=f.path,
        root=f.root,
        size=f.size,
        mtime_ns=f.mtime_ns,
        sha256=p.sha256,
        status=FileStatus.INDEXED,
        error="; ".join(p.notes),
        loader=p.loader,
        pages=p.pages,
        chunks=len(p.chunks),
        indexed_at=now,
        embed_model=model_id,
    )
