"""Each document's summary as one more passage of it, so broad questions ("which of my files are
about pricing?") find whole documents, not only the paragraphs that happen to use the words.

Runs after a sync when `summaries.background` is on. The summary passage sits after the file's own
chunks (ordinal `SUMMARY_ORDINAL`, section "Summary"); the next time the file changes the indexer
replaces all its chunks, the summary with them, and the next pass writes a new one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from kenning.core.answer.whole_document import SUMMARY_ORDINAL, WholeDocument
from kenning.core.domain.answers import AnswerStatus, Done
from kenning.core.domain.documents import Chunk, FileRecord, FileStatus
from kenning.core.index.embedder import Embedder
from kenning.core.index.schema import chunk_row
from kenning.core.index.store import Store
from kenning.core.index.writer_lock import WriterLock

SUMMARY_SECTION = ("Summary",)
_CITATION = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class SummaryPassageProgress:
    done: int
    total: int
    path: str
    added: bool  # False: the model gave no usable summary (skipped until the file changes)


def files_without_summary(store: Store) -> list[FileRecord]:
    """Indexed files whose chunks hold no summary passage yet."""
    table = store.chunks_table
    if table is None:
        return []
    rows = table.search().where(f"ordinal >= {SUMMARY_ORDINAL}").select(["path"]).limit(None).to_list()
    done = {row["path"] for row in rows}
    records = store.file_records().values()
    return sorted(
        (r for r in records if r.status is FileStatus.INDEXED and r.chunks and r.path not in done),
        key=lambda r: r.path,
    )


def add_summary_passages(
    whole: WholeDocument, store: Store, embedder: Embedder, cancel: threading.Event | None = None
) -> Iterator[SummaryPassageProgress]:
    """Summarise every file that has no summary passage and index the summary (one file at a time,
    each under the writer lock only while it is written)."""
    cancel = cancel or threading.Event()
    todo = files_without_summary(store)
    for done, record in enumerate(todo, start=1):
        if cancel.is_set():
            return
        text = _summary_text(whole, record.path, cancel)
        if text:
            _write(store, embedder, record, text)
        yield SummaryPassageProgress(done, len(todo), record.path, added=bool(text))


def _summary_text(whole: WholeDocument, path: str, cancel: threading.Event) -> str:
    answer = None
    for event in whole.summarise(path, cancel):
        if isinstance(event, Done):
            answer = event.answer
    if answer is None or answer.status is not AnswerStatus.ANSWERED or answer.incomplete:
        return ""
    return _CITATION.sub("", answer.text).strip()  # numbers of the summary's own sources mean nothing here


def _write(store: Store, embedder: Embedder, record: FileRecord, text: str) -> None:
    title = record.path.rsplit("/", 1)[-1]
    chunk = Chunk(
        path=record.path,
        ordinal=SUMMARY_ORDINAL,
        text=text,
        page=None,
        section=SUMMARY_SECTION,
        start=0,
        end=0,
        context=f"{title} > Summary",
    )
    (vector,) = embedder.embed([chunk.search_text])
    with WriterLock(store.index_dir):
        rows = [row for row in store.chunk_rows(record.path) if int(row["ordinal"]) < SUMMARY_ORDINAL]
        if not rows:  # the file changed or went away meanwhile: its next sync decides
            return
        for row in rows:
            row.pop("_distance", None)
        summary = chunk_row(
            chunk, root=record.root, file_sha256=record.sha256, vector=vector, model_id=embedder.model_id
        )
        store.replace_chunks(
            [record.path], [*rows, summary], dimension=len(vector), model_id=embedder.model_id
        )
