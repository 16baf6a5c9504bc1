"""A file the loader indexed only in part says so in its record: the reason is kept, the status is indexed."""

from __future__ import annotations

import os
from pathlib import Path

from kenning.core.domain.documents import FileStatus
from kenning.core.index.embedding_models import locate_model
from kenning.core.index.file_preparer import FilePreparer
from kenning.core.index.plan import RenameFinder, indexed_record
from kenning.core.ingest.chunker import Chunker
from kenning.core.ingest.loaders.tabular import MAX_ROWS
from kenning.core.ingest.token_counter import token_counter_for
from kenning.core.ingest.walker import FoundFile


def test_a_capped_sheet_is_indexed_with_the_reason_recorded(tmp_path: Path) -> None:
    sheet = tmp_path / "readings.csv"
    sheet.write_text("n,value\n" + "\n".join(f"{n},{n * 2}" for n in range(MAX_ROWS + 10)))
    stat = os.stat(sheet)
    found = FoundFile(str(sheet), str(tmp_path), stat.st_size, stat.st_mtime_ns)
    chunker = Chunker(token_counter_for(locate_model("all-MiniLM-L6-v2").folder))
    prepared = FilePreparer(chunker, max_file_bytes=50_000_000).prepare(found, None, RenameFinder({}))
    assert prepared.problem is None and prepared.chunks
    record = indexed_record(prepared, "all-MiniLM-L6-v2", now=0.0)
    assert record.status is FileStatus.INDEXED
    assert record.error == f"sheet readings: only the first {MAX_ROWS:,} rows are indexed (row limit)"
