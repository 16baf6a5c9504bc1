"""The OCR pass at the end of a sync: scans are read one at a time once every text file is searchable.

OCR takes seconds a page where parsing takes milliseconds a file, so a folder of text becomes
searchable first; each scan is committed as soon as it is read, with its own progress ("ocr" phase).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from kenning.core.domain.documents import FileDone, FileRecord
from kenning.core.index.embedder import EmbeddingCancelled
from kenning.core.index.file_preparer import FilePreparer
from kenning.core.index.plan import Prepared, RenameFinder

OCR_PHASE = "ocr"


def read_scans(
    preparer: FilePreparer,
    deferred: list[Prepared],
    records: dict[str, FileRecord],
    commit: Callable[[list[Prepared]], list[FileDone]],
    cancel: threading.Event,
) -> Iterator[FileDone]:
    no_renames = RenameFinder({})  # a rename was already looked for when the scan was deferred
    try:
        for done, waiting in enumerate(deferred, start=1):
            if cancel.is_set():
                return
            f = waiting.found
            prepared = preparer.prepare(f, records.get(f.path), no_renames, ocr_now=True)
            for event in commit([prepared]):
                yield replace(event, done=done, total=len(deferred), phase=OCR_PHASE)
    except EmbeddingCancelled:
        return  # the scan being embedded is dropped whole, as in the first pass
