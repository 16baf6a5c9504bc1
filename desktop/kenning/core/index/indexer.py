"""Make the index match the folders: index new and changed files, drop deleted ones, follow renames.

The work is a pipeline: one thread reads, parses and chunks files while the calling thread embeds
and writes, because embedding dominates and the two overlap well. Files are committed in batches,
so an interrupted run keeps everything it finished and the next run carries on from there.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial

from kenning.core.domain.documents import (
    FileDone,
    FileIssue,
    FileRecord,
    FileStatus,
    Outcome,
    SyncFinished,
    SyncReport,
    SyncStarted,
)
from kenning.core.index.embedder import Embedder, EmbeddingCancelled
from kenning.core.index.file_preparer import FilePreparer, prepare_in_background
from kenning.core.index.flag_backfill import with_flag_scan
from kenning.core.index.ids import chunk_id, text_hash
from kenning.core.index.plan import (
    Prepared,
    RenameFinder,
    indexed_record,
    intent_record,
    problem_record,
    unchanged,
)
from kenning.core.index.scan_pass import read_scans
from kenning.core.index.schema import chunk_row
from kenning.core.index.storage_faults import storage_faults
from kenning.core.index.store import Store
from kenning.core.index.sync_manifest import SyncManifest
from kenning.core.index.vector_reuse import vectors_for
from kenning.core.index.writer_lock import WriterLock
from kenning.core.ingest.chunker import Chunker
from kenning.core.ingest.ocr.runner import OcrRunner
from kenning.core.ingest.walker import (
    FoundFile,
    IgnoreRules,
    WalkProblem,
    display_path,
    in_scope,
    indexable_stat,
    root_of,
    under,
    walk,
)

log = logging.getLogger(__name__)

IndexEvent = SyncStarted | FileDone | SyncFinished


class Indexer:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        chunker: Chunker,
        *,
        rules: IgnoreRules,
        max_file_bytes: int = 50_000_000,
        follow_symlinks: bool = False,
        batch_chunks: int = 256,
        optimize_every_rows: int = 5_000,
        ocr: OcrRunner | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.rules = rules
        self.max_file_bytes = max_file_bytes
        self.preparer = FilePreparer(chunker, max_file_bytes=max_file_bytes, ocr=ocr)
        self.follow_symlinks = follow_symlinks
        self.batch_chunks = batch_chunks
        # Searches slow down as unindexed rows pile up during a long first index (no vector index,
        # new rows scanned outside the full-text index): fold them in every this many new chunks.
        self.optimize_every_rows = optimize_every_rows

    def writer_lock(self, cancel: threading.Event | None = None, wait_s: float | None = None) -> WriterLock:
        """The index's writer lock: waits `wait_s` (default 120 s) for another process, or until `cancel`."""
        return WriterLock(self.store.index_dir, timeout_s=wait_s, cancel=cancel)

    def sync(
        self,
        roots: Sequence[str],
        *,
        cancel: threading.Event | None = None,
        lock_wait_s: float | None = None,
    ) -> Iterator[IndexEvent]:
        """Yield progress events; the last one is `SyncFinished` with the report."""
        cancel = cancel or threading.Event()
        with self.writer_lock(cancel, lock_wait_s), storage_faults(self.store.index_dir):
            roots = tuple(os.path.abspath(r) for r in roots)
            yield from with_flag_scan(self.store, cancel, self._sync(roots, cancel))

    def sync_paths(
        self,
        roots: Sequence[str],
        paths: Sequence[str],
        *,
        cancel: threading.Event | None = None,
        optimize: bool = False,
        lock_wait_s: float | None = None,
    ) -> Iterator[IndexEvent]:
        """Sync only `paths` (files or folders, present or gone) under `roots`: a watcher's batch.

        Same rules as `sync`: a path that is gone removes its file (or every file under the folder),
        a new file whose content matches a gone one is a rename and keeps its vectors.
        """
        cancel = cancel or threading.Event()
        abs_roots = tuple(os.path.abspath(r) for r in roots)
        with self.writer_lock(cancel, lock_wait_s), storage_faults(self.store.index_dir):
            scope = {p for p in (os.path.abspath(p) for p in paths) if root_of(p, abs_roots) is not None}
            found, problems = self._found_at(abs_roots, sorted(scope))
            records = {p: r for p, r in self.store.file_records().items() if in_scope(p, scope)}
            yield from self._execute(abs_roots, found, problems, records, cancel, optimize=optimize)

    def forget(
        self, roots: Sequence[str], *, cancel: threading.Event | None = None, lock_wait_s: float | None = None
    ) -> list[str]:
        """Remove every file under `roots` from the index (a folder the user stopped watching)."""
        abs_roots = tuple(os.path.abspath(r) for r in roots)
        with self.writer_lock(cancel, lock_wait_s):
            paths = [p for p in self.store.file_records() if under(p, abs_roots)]
            if paths:
                SyncManifest(self.store.index_dir).invalidate()
                self.store.remove_files(paths)
            return paths

    def mark_for_retry(
        self, paths: Sequence[str], *, cancel: threading.Event | None = None, lock_wait_s: float | None = None
    ) -> None:
        """Have the next sync read these files again although they did not change on disk."""
        with self.writer_lock(cancel, lock_wait_s):
            records = self.store.file_records()
            self.store.upsert_records([replace(records[p], retry=True) for p in paths if p in records])
            SyncManifest(self.store.index_dir).invalidate()

    def checkpoint(self, *, cancel: threading.Event | None = None, lock_wait_s: float | None = None) -> None:
        """Fold small writes and remember the index's state for a fast next start (call when idle)."""
        with self.writer_lock(cancel, lock_wait_s):
            self.store.optimize()
            self._manifest().save(self.store.file_records().values())

    # ---- planning ------------------------------------------------------------------------
    def _sync(self, roots: tuple[str, ...], cancel: threading.Event) -> Iterator[IndexEvent]:
        started = time.perf_counter()
        found, problems = self._walk(roots)
        manifest = self._manifest()
        if manifest.nothing_changed(found, roots):
            report = SyncReport(roots=roots, files_seen=len(found), unchanged=len(found))
            report.errors.extend(problems)
            yield SyncStarted(roots=roots, files_total=len(found), to_process=0)
            for issue in problems:
                yield FileDone(issue.path, Outcome.ERROR, issue.reason)
            report.seconds = time.perf_counter() - started
            yield SyncFinished(report)
            return
        records = {p: r for p, r in self.store.file_records().items() if under(p, roots)}
        yield from self._execute(roots, found, problems, records, cancel, optimize=True, started=started)
        if not cancel.is_set():
            manifest.save(self.store.file_records().values())

    def _manifest(self) -> SyncManifest:
        return SyncManifest(self.store.index_dir, f"{self.embedder.model_id} {self.store.build_id}")

    def _walk(self, roots: Sequence[str]) -> tuple[list[FoundFile], list[FileIssue]]:
        found: list[FoundFile] = []
        problems: list[FileIssue] = []
        for item in walk(roots, self.rules, follow_symlinks=self.follow_symlinks):
            if isinstance(item, WalkProblem):
                problems.append(FileIssue(display_path(item.path), item.reason))
            else:
                found.append(item)
        return found, problems

    def _found_at(
        self, roots: tuple[str, ...], paths: Sequence[str]
    ) -> tuple[list[FoundFile], list[FileIssue]]:
        """The indexable files at `paths` now: a folder is walked, a gone path gives nothing."""
        found: dict[str, FoundFile] = {}
        problems: list[FileIssue] = []
        for path in sorted(set(paths)):
            root = root_of(path, roots)
            if root is None or self.ignores(path, root):
                continue
            try:
                st = indexable_stat(path, follow_symlinks=self.follow_symlinks, is_root=path == root)
            except OSError:
                st = None
            if st is None:
                continue  # gone (or not indexable): its records in scope become missing
            if stat.S_ISDIR(st.st_mode):
                walked, issues = self._walk([path])
                found.update((f.path, replace(f, root=root)) for f in walked)
                problems.extend(issues)
            else:
                found[path] = FoundFile(path, root, st.st_size, st.st_mtime_ns)
        return list(found.values()), problems

    def ignores(self, path: str, root: str) -> bool:
        """Whether `path` (under `root`) is excluded by the ignore rules, itself or by a parent folder."""
        return self.rules.ignores_path(path, root)

    # ---- execution -----------------------------------------------------------------------
    def _execute(
        self,
        roots: tuple[str, ...],
        found: list[FoundFile],
        problems: list[FileIssue],
        records: dict[str, FileRecord],
        cancel: threading.Event,
        *,
        optimize: bool,
        started: float | None = None,
    ) -> Iterator[IndexEvent]:
        """Index `found` against `records` (the stored files in the same scope); drop the rest."""
        started = time.perf_counter() if started is None else started
        report = SyncReport(roots=roots, files_seen=len(found))
        report.errors.extend(problems)
        SyncManifest(self.store.index_dir).invalidate()
        self.store.check_model(self.embedder.model_id)
        seen_paths = {display_path(f.path) for f in found}
        todo: list[FoundFile] = []
        for f in found:
            record = records.get(display_path(f.path))
            if unchanged(record, f.size, f.mtime_ns):
                report.unchanged += 1
            else:
                todo.append(f)
        missing = {p: r for p, r in records.items() if p not in seen_paths}
        yield SyncStarted(roots=roots, files_total=len(found), to_process=len(todo))
        for issue in problems:
            yield FileDone(issue.path, Outcome.ERROR, issue.reason)

        renames = RenameFinder(missing)
        done = 0
        batch: list[Prepared] = []
        deferred: list[Prepared] = []  # scans, read by OCR once the rest is searchable
        batch_new_chunks = 0
        optimized_at = 0  # report.chunks_added at the last optimize()
        try:
            for prepared in prepare_in_background(self.preparer, todo, records, renames, cancel):
                if prepared.renamed_from is not None:
                    done += 1
                    yield self._apply_rename(prepared, report, done, len(todo))
                    continue
                if prepared.needs_ocr:
                    deferred.append(prepared)
                    continue
                batch.append(prepared)
                batch_new_chunks += len(prepared.chunks)
                if batch_new_chunks >= self.batch_chunks:
                    for event in self._commit(batch, records, report, cancel):
                        done += 1
                        yield replace(event, done=done, total=len(todo))
                    batch, batch_new_chunks = [], 0
                    if report.chunks_added - optimized_at >= self.optimize_every_rows:
                        self._optimize(report)  # keep searches fast during a long first index
                        optimized_at = report.chunks_added
                if cancel.is_set():
                    break
            for event in self._commit(batch, records, report, cancel):
                done += 1
                yield replace(event, done=done, total=len(todo))
        except EmbeddingCancelled:
            pass  # the batch being embedded is dropped whole; every committed batch is kept

        if cancel.is_set():
            report.cancelled = True
        else:
            gone = [p for p in missing if p not in renames.claimed]
            if gone:
                self.store.remove_files(gone)
                for path in gone:
                    report.removed += 1
                    yield FileDone(path, Outcome.REMOVED)
            commit = partial(self._commit, records=records, report=report, cancel=cancel)
            yield from read_scans(self.preparer, deferred, records, commit, cancel)
            report.cancelled = cancel.is_set()
        if optimize and (report.indexed or report.removed or report.renamed):
            self._optimize(report)
        report.seconds = time.perf_counter() - started
        yield SyncFinished(report)

    def _optimize(self, report: SyncReport) -> None:
        self.store.optimize()
        report.optimizations += 1

    # ---- embedding and writing (calling thread) -------------------------------------------
    def _commit(
        self,
        batch: list[Prepared],
        records: dict[str, FileRecord],
        report: SyncReport,
        cancel: threading.Event | None = None,
    ) -> list[FileDone]:
        if not batch:
            return []
        now = time.time()
        model_id = self.embedder.model_id
        good = [p for p in batch if p.problem is None and not p.touched_only]
        chunks = [c for p in good for c in p.chunks]
        vectors = vectors_for(chunks, self.store, self.embedder, report, cancel)
        dimension = len(next(iter(vectors.values()))) if vectors else 0
        rows = []
        for p in good:
            for c in p.chunks:
                key = text_hash(c.search_text, model_id)
                rows.append(
                    chunk_row(
                        c, root=p.found.root, file_sha256=p.sha256, vector=vectors[key], model_id=model_id
                    )
                )
        if good:
            # Write-ahead: until the final records land, a crash leaves these files marked for a redo
            # (or for removal, if they are gone by then), never chunks without a record.
            self.store.upsert_records([intent_record(p.found, records.get(p.found.path)) for p in good])
            self.store.replace_chunks(
                [p.found.path for p in good], rows, dimension=dimension, model_id=model_id
            )
        new_records: list[FileRecord] = []
        events: list[FileDone] = []
        for p in batch:
            f = p.found
            old = records.get(f.path)
            if p.problem is not None:
                record = problem_record(p, p.problem, old, now)
                new_records.append(record)
                issue = FileIssue(record.path, p.problem.message)
                if record.status is FileStatus.UNSUPPORTED:
                    report.skipped_unsupported += 1
                else:
                    (report.skipped if record.status is FileStatus.SKIPPED else report.errors).append(issue)
                events.append(FileDone(record.path, Outcome(record.status.value), p.problem.message))
            elif p.touched_only and old is not None:
                new_records.append(replace(old, size=f.size, mtime_ns=f.mtime_ns))
                report.unchanged += 1
                events.append(FileDone(f.path, Outcome.UNCHANGED, chunks=old.chunks))
            else:
                new_records.append(indexed_record(p, model_id, now))
                report.indexed += 1
                report.chunks_added += len(p.chunks)
                events.append(FileDone(f.path, Outcome.INDEXED, chunks=len(p.chunks)))
        self.store.upsert_records(new_records)
        return events

    def _apply_rename(self, p: Prepared, report: SyncReport, done: int, total: int) -> FileDone:
        """Move a file's chunks to its new path without parsing or embedding it again."""
        old = p.renamed_from
        assert old is not None
        f = p.found
        moved = replace(old, path=f.path, root=f.root, size=f.size, mtime_ns=f.mtime_ns)
        self.store.upsert_records([replace(moved, retry=True)])  # write-ahead, as in `_commit`
        rows = self.store.chunk_rows(old.path)
        for row in rows:
            row.pop("_distance", None)
            row.update(path=f.path, root=f.root, id=chunk_id(f.path, row["ordinal"]))
        if rows:
            dimension = len(rows[0]["vector"])
            self.store.replace_chunks([f.path], rows, dimension=dimension, model_id=self.embedder.model_id)
        self.store.upsert_records([moved])
        self.store.remove_files([old.path])
        report.renamed += 1
        return FileDone(
            f.path, Outcome.RENAMED, chunks=len(rows), done=done, total=total, renamed_from=old.path
        )
