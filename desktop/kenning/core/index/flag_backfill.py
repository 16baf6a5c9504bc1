"""Indexes made before the injection scan: their chunks are scanned once, without embedding again.

An index records the scan version its chunks were scanned with (`injection_scan` in its meta). A
sync on an index without it (or with an older one) first reads every chunk's text, scans it and
writes the `flags` rows, one batch of files at a time, then records the version. It runs inside the
sync, under the writer lock, so it never races a writer; a cancelled or crashed scan records nothing
and the next sync starts it again (flags are replaced per file, so doing it twice changes nothing).
A new index records the version on its first sync, before it has chunks: its chunks are scanned as
they are written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from kenning.core.domain.documents import FileDone, Outcome, SyncFinished, SyncStarted
from kenning.core.index.filters import batched, sql_in
from kenning.core.index.schema import flag_rows
from kenning.core.index.store import Store
from kenning.core.ingest.injection import SCAN_VERSION

log = logging.getLogger(__name__)

META_KEY = "injection_scan"
FILES_PER_BATCH = 100  # bounds the text held at once (a few thousand chunks); one progress step
PHASE = "injection scan"  # the `phase` of its progress events

IndexEvent = SyncStarted | FileDone | SyncFinished


@dataclass(frozen=True)
class FlagScan:
    chunks: int = 0  # chunks scanned now (0: the index was scanned already)
    flagged: int = 0  # of those, how many the scan flagged
    seconds: float = 0.0


def scan_unscanned(
    store: Store, cancel: threading.Event | None = None
) -> Generator[FileDone, None, FlagScan]:
    """Scan every chunk of an index not yet scanned with this scan version; record the version.
    Yields progress after each batch of files (`phase` "injection scan", files done of all)."""
    if store.read_only or store.meta().get(META_KEY) == SCAN_VERSION:
        return FlagScan()
    started = time.perf_counter()
    chunks = flagged = done = 0
    table = store.chunks_table
    if table is not None:
        paths = sorted(set(table.search().select(["path"]).limit(None).to_arrow().column("path").to_pylist()))
        for part in batched(paths, FILES_PER_BATCH):
            if cancel is not None and cancel.is_set():
                return FlagScan(chunks, flagged, time.perf_counter() - started)  # not recorded: redone
            rows = table.search().where(sql_in("path", part)).select(["id", "path", "text"]).limit(None)
            found = rows.to_list()
            flags = flag_rows(found)
            store.replace_flags(part, flags)
            chunks += len(found)
            flagged += len(flags)
            done += len(part)
            yield FileDone(part[-1], Outcome.UNCHANGED, done=done, total=len(paths), phase=PHASE)
    store.set_meta({META_KEY: SCAN_VERSION})
    scan = FlagScan(chunks, flagged, time.perf_counter() - started)
    if chunks:
        log.info("older passages scanned for instructions", extra={"chunks": chunks, "flagged": flagged})
    return scan


def with_flag_scan(
    store: Store, cancel: threading.Event | None, events: Iterator[IndexEvent]
) -> Iterator[IndexEvent]:
    """`events` (a sync's), after the one-time scan; the sync's report counts what it scanned."""
    scan = yield from scan_unscanned(store, cancel)
    for event in events:
        if isinstance(event, SyncFinished):
            event.report.flags_scanned = scan.chunks
            event.report.flags_found = scan.flagged
            event.report.seconds += scan.seconds
        yield event
