"""Rebuild the index for a new embedding model or chunking, beside the live one, then swap it in.

The live index keeps answering searches the whole time: the new version is built in
`<data>/index.next` by an ordinary `Indexer` (so an interrupted rebuild resumes where it stopped),
caught up with changes made meanwhile while holding the live index's writer lock, and exchanged with
`<data>/index` (see `swap`). After `ReindexSwapped`, open a new `Workspace` (and restart a
watcher) with the new settings: objects built for the old index must not write to the new one.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kenning import paths
from kenning.core.domain.documents import SyncFinished
from kenning.core.errors import KenningError
from kenning.core.index.embedder import Embedder
from kenning.core.index.indexer import Indexer, IndexEvent
from kenning.core.index.store import Store
from kenning.core.index.swap import next_dir, swap_in
from kenning.core.index.writer_lock import WriterLock

log = logging.getLogger(__name__)

_SAMPLE_CHUNKS = 48  # chunk texts embedded to time the new model on this machine
_PARSE_SHARE = 0.15  # reading and chunking, on top of embedding (measured: ~10-20 % of a run)


class IndexParts(Protocol):
    """What a rebuild needs of the workspace (the composition root builds these from settings)."""

    @property
    def data_dir(self) -> Path: ...
    @property
    def build_id(self) -> str: ...
    @property
    def store(self) -> Store: ...
    @property
    def embedder(self) -> Embedder: ...
    def indexer_for(self, store: Store) -> Indexer: ...


class RootsOffline(KenningError):
    next_step = "Connect the drive (or remove the folder from Kenning), then start the rebuild again."


@dataclass(frozen=True)
class ReindexPlan:
    reason: str  # what changed, in words; "" when the index already matches the settings
    roots: tuple[str, ...]
    files: int
    chunks: int  # in the live index now
    estimated_s: float  # to build the new version on this machine


@dataclass(frozen=True)
class ReindexSwapped:
    files: int
    chunks: int
    seconds: float


def needs_reindex(workspace: IndexParts) -> str:
    """Why the live index does not match the settings ("" when it does, or nothing is indexed)."""
    meta = workspace.store.meta()
    model = meta.get("embed_model")
    if model is None:
        return ""
    wanted_model = workspace.embedder.model_id
    if model != wanted_model:
        return f"the embedding model changed ({model} → {wanted_model})"
    built = meta.get("build")
    if built and built != workspace.build_id:
        return f"the chunking changed ({built.split('|')[-1]} → {workspace.build_id.split('|')[-1]})"
    return ""


class Reindexer:
    def __init__(self, workspace: IndexParts) -> None:
        """`workspace` carries the new settings; its data dir holds the live index."""
        self.workspace = workspace
        self.live_dir = paths.index_dir(workspace.data_dir)
        self.next_dir = next_dir(self.live_dir)

    def plan(self) -> ReindexPlan:
        """What a rebuild would do and how long it would take: tell the user before starting."""
        live = Store(self.live_dir)
        records = live.file_records()
        roots = tuple(sorted({r.root for r in records.values()}))
        chunks = live.count_chunks()
        return ReindexPlan(
            reason=needs_reindex(self.workspace),
            roots=roots,
            files=len(records),
            chunks=chunks,
            estimated_s=round(self._seconds_per_chunk(live) * chunks * (1 + _PARSE_SHARE), 1),
        )

    def _roots(self) -> tuple[str, ...]:
        return tuple(sorted({r.root for r in Store(self.live_dir).file_records().values()}))

    def _seconds_per_chunk(self, live: Store) -> float:
        table = live.chunks_table
        if table is None:
            return 0.0
        texts = table.search().select(["search_text"]).limit(_SAMPLE_CHUNKS).to_arrow()
        sample = [str(t) for t in texts.column("search_text").to_pylist()]
        if not sample:
            return 0.0
        embedder = self.workspace.embedder
        embedder.embed(sample[:1])  # loading the model is not part of the per-chunk cost
        started = time.perf_counter()
        embedder.embed(sample)
        return (time.perf_counter() - started) / len(sample)

    def run(self, cancel: threading.Event) -> Iterator[IndexEvent | ReindexSwapped]:
        """Build, catch up, swap. Cancelled: the live index is untouched and the partial build kept,
        so the next `run` continues it; `discard()` drops it instead."""
        started = time.perf_counter()
        yield from self.build(cancel)
        if not cancel.is_set():
            yield from self.swap(cancel, started=started)

    def build(self, cancel: threading.Event) -> Iterator[IndexEvent]:
        """Build the new version beside the live one (resuming a partial build); no swap yet, so it
        can be evaluated first (`next_dir` holds it)."""
        roots = self._roots()
        offline = [r for r in roots if not os.path.isdir(r)]
        if offline:
            raise RootsOffline(f"Cannot rebuild while these folders are offline: {', '.join(offline)}.")
        staging = Store(self.next_dir, build_id=self.workspace.build_id)
        yield from self.workspace.indexer_for(staging).sync(roots, cancel=cancel)

    def swap(
        self, cancel: threading.Event, *, started: float | None = None
    ) -> Iterator[IndexEvent | ReindexSwapped]:
        """Catch the built version up with changes made meanwhile and exchange it with the live one."""
        started = time.perf_counter() if started is None else started
        roots = self._roots()
        staging = Store(self.next_dir, build_id=self.workspace.build_id)
        indexer = self.workspace.indexer_for(staging)
        with WriterLock(self.live_dir, cancel=cancel):  # no live write from here to the swap
            final: SyncFinished | None = None
            for event in indexer.sync(roots, cancel=cancel):
                if isinstance(event, SyncFinished):
                    final = event
                yield event
            if cancel.is_set() or final is None:
                return
            files, chunks = len(staging.file_records()), staging.count_chunks()
            swap_in(self.live_dir)
        log.info("index rebuilt and swapped", extra={"files": files, "chunks": chunks})
        yield ReindexSwapped(files=files, chunks=chunks, seconds=round(time.perf_counter() - started, 1))

    def discard(self) -> None:
        shutil.rmtree(self.next_dir, ignore_errors=True)
