"""Index health rows: every file under the watched folders and what became of it.

Built from the index's file records plus a walk of the folders that also visits what the ignore
rules skip (without entering ignored folders), so "why wasn't my file found?" has an answer for
files the index never saw: hidden, ignored by a rule, or not indexed yet.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence

from kenning.core.domain.documents import FileRecord, FileStatus
from kenning.core.domain.file_health import FileState, HealthRow, is_ocr_loader, ocr_confidence
from kenning.core.ingest.walker import IgnoreRules, display_path, indexable_stat

_SKIP_REASONS = (  # words in a skip message -> the short reason a person filters on
    ("too large", "too big"),
    ("no text", "no text"),
    ("empty", "empty"),
    ("not valid UTF-8", "file name not readable"),
)


def health_rows(
    records: Iterable[FileRecord],
    roots: Sequence[str],
    rules: IgnoreRules,
    *,
    follow_symlinks: bool = False,
    flagged: Mapping[str, int] | None = None,
) -> list[HealthRow]:
    """One row per file, sorted by path. `flagged`: passages flagged as injection-like, per path."""
    flagged = flagged or {}
    rows = {r.path: record_row(r, flagged.get(r.path, 0)) for r in records}
    for row in _unrecorded(roots, rules, set(rows), follow_symlinks):
        rows.setdefault(row.path, row)
    return sorted(rows.values(), key=lambda row: row.path)


def record_row(record: FileRecord, flagged: int = 0) -> HealthRow:
    """What a file record says about its file."""
    state, reason = _state_of(record, flagged)
    return HealthRow(
        path=record.path,
        state=state,
        reason=reason,
        detail=record.error,
        size=record.size,
        modified=record.mtime_ns / 1e9,
        chunks=record.chunks,
        loader=record.loader,
        retry=record.retry,
    )


def _state_of(record: FileRecord, flagged: int) -> tuple[FileState, str]:
    status = record.status
    if status is FileStatus.UNSUPPORTED:
        return FileState.SKIPPED, "unsupported type"
    if status is FileStatus.SKIPPED:
        lowered = record.error.lower()
        reason = next((short for words, short in _SKIP_REASONS if words.lower() in lowered), record.error)
        return FileState.SKIPPED, reason
    if status is FileStatus.ERROR:
        return FileState.FAILED, record.error or "could not be read"
    if status is FileStatus.PENDING:
        return FileState.PENDING, "interrupted: read again on the next sync"
    if flagged:
        passages = "passage looks" if flagged == 1 else "passages look"
        return FileState.FLAGGED, f"{flagged} {passages} like instructions to the model"
    if is_ocr_loader(record.loader):
        confidence = ocr_confidence(record.error)
        return FileState.OCR, "text recognised from images" + (
            f" (confidence {confidence:.0%})" if confidence is not None else ""
        )
    if record.error:
        return FileState.PARTIAL, record.error.split("; ")[0]
    return FileState.SEARCHABLE, ""


def _unrecorded(
    roots: Sequence[str], rules: IgnoreRules, known: set[str], follow_symlinks: bool
) -> Iterator[HealthRow]:
    """Rows for what the index holds no record of: ignored entries, and files not indexed yet."""
    seen: set[tuple[int, int]] = set()
    stack = [os.path.abspath(r) for r in reversed(roots)]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue  # the indexer reports unreadable folders itself
        subfolders = []
        for entry in entries:
            try:
                st = indexable_stat(entry.path, follow_symlinks=follow_symlinks)
            except OSError:
                continue
            if st is None:
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            pattern = rules.pattern_for(entry.name)
            if pattern is not None:
                yield _ignored_row(entry.path, pattern, is_dir, st)
            elif is_dir:
                if not rules.ignores_dir(entry.path):
                    subfolders.append(entry.path)
            elif display_path(entry.path) not in known:
                yield HealthRow(
                    path=display_path(entry.path),
                    state=FileState.PENDING,
                    reason="new or changed: waiting for the indexer",
                    size=st.st_size,
                    modified=st.st_mtime,
                )
        stack.extend(reversed(subfolders))


def _ignored_row(path: str, pattern: str, is_dir: bool, st: os.stat_result) -> HealthRow:
    hidden = pattern == ".*"
    reason = ("hidden" if hidden else f"ignored by rule {pattern}") + (" folder" if is_dir else "")
    detail = (
        "A folder the ignore rules skip: nothing inside it is indexed." if is_dir else ""
    ) + f" Settings › Index › ignore holds the rule “{pattern}”."
    return HealthRow(
        path=display_path(path) + (os.sep if is_dir else ""),
        state=FileState.SKIPPED,
        reason=reason,
        detail=detail.strip(),
        size=0 if is_dir else st.st_size,
        modified=st.st_mtime,
    )
