"""The index's table layout: the `files`, `chunks` and `meta` schemas and their rows."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pyarrow as pa

from kenning.core.domain.documents import Chunk, FileRecord, FileStatus
from kenning.core.index.ids import chunk_id, text_hash

SCHEMA_VERSION = "1"
FILES = "files"
CHUNKS = "chunks"
META = "meta"

FILES_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("root", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("loader", pa.string()),
        ("pages", pa.int32()),
        ("chunks", pa.int32()),
        ("indexed_at", pa.float64()),
        ("embed_model", pa.string()),
        ("retry", pa.bool_()),
    ]
)
META_SCHEMA = pa.schema([("key", pa.string()), ("value", pa.string())])


def chunks_schema(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            ("id", pa.string()),
            ("path", pa.string()),
            ("root", pa.string()),
            ("file_sha256", pa.string()),
            ("page", pa.int32()),
            ("section", pa.list_(pa.string())),
            ("ordinal", pa.int32()),
            ("start", pa.int32()),
            ("end", pa.int32()),
            ("text", pa.string()),
            ("context", pa.string()),
            ("search_text", pa.string()),
            ("text_hash", pa.string()),
            ("vector", pa.list_(pa.float32(), dimension)),
        ]
    )


def record_from_row(row: dict[str, Any]) -> FileRecord:
    values = dict(row)
    values["status"] = FileStatus(values["status"])
    return FileRecord(**values)


def row_from_record(record: FileRecord) -> dict[str, Any]:
    row = asdict(record)
    row["status"] = record.status.value
    return row


def chunk_row(
    chunk: Chunk, *, root: str, file_sha256: str, vector: np.ndarray, model_id: str
) -> dict[str, Any]:
    search_text = chunk.search_text
    return {
        "id": chunk_id(chunk.path, chunk.ordinal),
        "path": chunk.path,
        "root": root,
        "file_sha256": file_sha256,
        "page": chunk.page,
        "section": list(chunk.section),
        "ordinal": chunk.ordinal,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "context": chunk.context,
        "search_text": search_text,
        "text_hash": text_hash(search_text, model_id),
        "vector": vector,
    }
