"""Reading, parsing and chunking files for the indexer, on a thread of their own.

Embedding dominates a sync, so one thread prepares the next files while the caller embeds and
writes the previous ones; a bounded queue keeps memory flat.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import replace

from kenning.core.domain.documents import Document, FileRecord, FileStatus
from kenning.core.errors import FileProblem, FileSkipped, FileUnreadable, FileUnsupported
from kenning.core.index.plan import Prepared, RenameFinder
from kenning.core.ingest.chunker import Chunker
from kenning.core.ingest.file_reader import read_file, read_head
from kenning.core.ingest.ocr.needs import NeedsOcr
from kenning.core.ingest.ocr.runner import OcrRunner
from kenning.core.ingest.walker import FoundFile, is_displayable

_DONE = object()


class FilePreparer:
    """Turns one found file into a `Prepared`: its hash, and its chunks unless nothing changed."""

    def __init__(self, chunker: Chunker, *, max_file_bytes: int, ocr: OcrRunner | None = None) -> None:
        self.chunker = chunker
        self.max_file_bytes = max_file_bytes
        self.ocr = ocr  # None: OCR is off, scans give the text they have (or are skipped)

    def prepare(
        self, f: FoundFile, record: FileRecord | None, renames: RenameFinder, *, ocr_now: bool = False
    ) -> Prepared:
        """Read, parse and chunk `f`. A scan is only marked `needs_ocr` unless `ocr_now`: the indexer
        reads scans after every other file is searchable."""
        prepared = Prepared(found=f)
        if not is_displayable(f.path):
            prepared.problem = FileSkipped("the file name is not valid UTF-8; rename the file to index it")
            return prepared
        # parsers load only when a file needs them
        from kenning.core.ingest.loaders import HEAD_BYTES, is_unsupported, load_document

        head = read_head(f.path, HEAD_BYTES)
        if head is not None and is_unsupported(f.path, head, ocr=self.ocr is not None):
            # judged before the whole file is read and hashed: a folder of photos costs a few KB each
            prepared.problem = FileUnsupported("unsupported file type")
            return prepared
        try:
            content = read_file(f.path, max_bytes=self.max_file_bytes)
            prepared.sha256 = content.sha256
            prepared.found = replace(f, size=content.size, mtime_ns=content.mtime_ns)
            if (
                record is not None
                and record.sha256 == content.sha256
                and record.status is FileStatus.INDEXED
                and not record.retry  # a crash may have left other chunks under this record
            ):
                prepared.touched_only = True
                return prepared
            prepared.renamed_from = renames.claim(content.sha256)
            if prepared.renamed_from is not None:
                return prepared
            try:
                doc = load_document(f.path, content.data, ocr=self.ocr is not None)
            except NeedsOcr as needs:
                if not ocr_now or self.ocr is None:
                    prepared.needs_ocr = True
                    return prepared
                doc = self.ocr.read(f.path, content.data, content.sha256, needs)
            prepared.loader = doc.loader
            prepared.pages = doc.pages or 0
            prepared.notes = doc.notes + left_out_notes(doc)
            prepared.chunks = self.chunker.chunk(doc)
            if not prepared.chunks:
                raise FileSkipped("no text to index")
        except FileProblem as problem:
            prepared.problem = problem
        except (MemoryError, RecursionError) as exc:
            prepared.problem = FileUnreadable(f"the file is too complex to read ({type(exc).__name__})")
        return prepared


def left_out_notes(doc: Document) -> tuple[str, ...]:
    """What the index health view reports beside the loader's own notes: pages without text
    (scanned images, most often) and hidden text left out."""
    notes = []
    if doc.pages and any(b.page is not None for b in doc.blocks):
        empty = doc.pages - len({b.page for b in doc.blocks if b.page is not None})
        if empty > 0:
            notes.append(f"{empty} of {doc.pages} pages have no text layer (scanned?)")
    if doc.hidden_chars:
        notes.append(f"{doc.hidden_chars:,} characters of hidden text left out")
    return tuple(notes)


def prepare_in_background(
    preparer: FilePreparer,
    todo: list[FoundFile],
    records: dict[str, FileRecord],
    renames: RenameFinder,
    cancel: threading.Event,
) -> Iterator[Prepared]:
    out: queue.Queue[object] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def produce() -> None:
        try:
            for f in todo:
                if cancel.is_set() or stop.is_set():
                    break
                out.put(preparer.prepare(f, records.get(f.path), renames))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            out.put(exc)
        finally:
            out.put(_DONE)

    worker = threading.Thread(target=produce, name="kenning-parse", daemon=True)
    worker.start()
    try:
        while True:
            item = out.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Prepared)
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                out.get(timeout=0.05)
