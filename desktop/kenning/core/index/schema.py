"""The index's table layout: the `files`, `chunks` and `meta` schemas and their rows."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import numpy as np
import pyarrow as pa

from kenning.core.domain.documents import Chunk, FileRecord, FileStatus, Flag
from kenning.core.index.ids import chunk_id, text_hash
from kenning.core.ingest.injection import scan

SCHEMA_VERSION = "1"
FILES = "files"
CHUNKS = "chunks"
META = "meta"
# Passages that look addressed to the model, one row per flagged chunk. A table of its own, not a
# column of `chunks`: indexes built before it keep working (their flags table starts empty).
FLAGS = "flags"

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
FLAGS_SCHEMA = pa.schema([("chunk_id", pa.string()), ("path", pa.string()), ("reasons", pa.string())])


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


def flag_rows(chunk_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `flags` rows for chunk rows: the injection scan of each text, flagged chunks only."""
    rows = []
    for row in chunk_rows:
        flags = scan(row["text"])
        if flags:
            reasons = json.dumps([{"reason": f.reason, "span": f.span} for f in flags], ensure_ascii=False)
            rows.append({"chunk_id": row["id"], "path": row["path"], "reasons": reasons})
    return rows


def flags_from_row(row: dict[str, Any]) -> tuple[Flag, ...]:
    return tuple(Flag(str(f["reason"]), str(f["span"])) for f in json.loads(row["reasons"]))
