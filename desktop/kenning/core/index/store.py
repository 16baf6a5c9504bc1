"""The index on disk: LanceDB tables `files`, `chunks` and `meta`.

Rules this module keeps:
- a file's chunks are replaced in one commit (merge-insert that deletes the rows the new version
  no longer has), so a reader sees the old version or the new one, never half of each;
- the index records its schema version, embedding model and dimension, and refuses to mix vectors;
- many small writes are folded by `optimize()`, keeping a window of old versions for live readers.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from kenning.core.domain.documents import FileRecord, Flag
from kenning.core.errors import (
    IndexIncompatible,
    SharedIndexMissing,
    SharedIndexReadOnly,
)
from kenning.core.index.filters import batched, sql_in, sql_str
from kenning.core.index.location import IndexLocation
from kenning.core.index.open_checks import open_error, verify_tables
from kenning.core.index.remote_probe import check_conditional_writes, remote_error, remote_faults
from kenning.core.index.schema import (
    CHUNKS,
    FILES,
    FILES_SCHEMA,
    FLAGS,
    FLAGS_SCHEMA,
    META,
    META_SCHEMA,
    SCHEMA_VERSION,
    chunks_schema,
    flag_rows,
    flags_from_row,
    record_from_row,
    row_from_record,
)
from kenning.core.index.vector_indices import ensure_indices, prewarm
from kenning.core.private_files import private_dir

log = logging.getLogger(__name__)

# Keep old versions this long so a search running in another process never loses its files.
CLEANUP_AFTER = timedelta(minutes=10)
# What joins the parts of one word or name, as in "php-fpm", "mod_pagespeed" or "Secure Boot".
_JOINED = re.compile(r"[-_./+ ]")


class Store:
    """One LanceDB index. Safe for one writer and many readers (threads or processes).

    `index_dir` is a local folder: the index itself, or, when `location` puts the index on an
    object store, where its local state (writer lock, sync manifest) lives. A `read_only` store
    never writes: it creates nothing and never compacts (a reader of a shared index).
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        fresh_reads: bool = True,
        build_id: str = "",
        location: IndexLocation | None = None,
        read_only: bool = False,
        refresh_s: float = 10.0,
    ) -> None:
        self.index_dir = index_dir
        self.location = location or IndexLocation(str(index_dir))
        self.read_only = read_only
        self.build_id = build_id  # what built the vectors (model, chunking): recorded with them
        self._fresh_reads = fresh_reads
        self._refresh_s = refresh_s
        self._db: Any = None
        self._opened: dict[str, Any] = {}
        self._checked_model: str | None = None
        self._warm_version: int | None = None

    @property
    def _tables(self) -> dict[str, Any]:
        """Opens the database on first use: importing lancedb costs seconds a fast path can skip."""
        if self._db is None:
            self._open()
        elif CHUNKS not in self._opened and self._fresh_reads:
            self._adopt_chunks()
        return self._opened

    def _adopt_chunks(self) -> None:
        """Open the passages table another process (the indexing worker) created since this opened."""
        if CHUNKS in set(self._db.list_tables().tables):
            self._opened.setdefault(CHUNKS, self._db.open_table(CHUNKS))

    def _open(self) -> None:
        import lancedb

        remote = self.location.is_remote
        if not self.read_only and remote:  # before anything is written: a store that loses commits is refused
            check_conditional_writes(self.location)
        # fresh_reads: every query sees the latest commit, also another process's. On an object
        # store that check is a round trip, so a shared index looks again every `refresh_s`.
        interval = timedelta(seconds=self._refresh_s) if remote else timedelta(0)
        try:
            if not self.read_only:
                # LanceDB's own files inside are private through the process umask (private_files).
                private_dir(self.index_dir)
            db = lancedb.connect(
                self.location.uri,
                read_consistency_interval=interval if self._fresh_reads else None,
                storage_options=self.location.storage_options() or None,
            )
            existing = set(db.list_tables().tables)
            if self.read_only and not {FILES, META} <= existing:
                raise SharedIndexMissing(f"There is no Kenning index at {self.location.describe()}.")
            for name in (FILES, CHUNKS, META, FLAGS):
                if name in existing:
                    self._opened[name] = db.open_table(name)
            if not self.read_only:
                self._create_missing(db)
            verify_tables(self._opened)
        except (OSError, ValueError, RuntimeError) as exc:
            raise (remote_error(exc, self.location) if remote else open_error(exc, self.index_dir)) from exc
        self._db = db

    def _create_missing(self, db: Any) -> None:
        """A writer creates the tables it needs; a reader never writes, so it never creates one."""
        if FILES not in self._opened:
            self._opened[FILES] = db.create_table(FILES, schema=FILES_SCHEMA, exist_ok=True)
        if META not in self._opened:
            self._opened[META] = db.create_table(META, schema=META_SCHEMA, exist_ok=True)
        if FLAGS not in self._opened:
            self._opened[FLAGS] = db.create_table(FLAGS, schema=FLAGS_SCHEMA, exist_ok=True)

    def faults(self) -> AbstractContextManager[None]:
        """Wrap a read: an object store that stops answering becomes a clear error, not a traceback."""
        return remote_faults(self.location) if self.location.is_remote else nullcontext()

    # ---- metadata -------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        rows = self._tables[META].to_arrow().to_pylist()
        return {r["key"]: r["value"] for r in rows}

    def set_meta(self, values: dict[str, str]) -> None:
        self._writable()
        self._set_meta(values)

    def _set_meta(self, values: dict[str, str]) -> None:
        table = pa.Table.from_pylist([{"key": k, "value": v} for k, v in values.items()], schema=META_SCHEMA)
        self._tables[META].merge_insert(
            "key"
        ).when_matched_update_all().when_not_matched_insert_all().execute(table)

    @property
    def embed_model(self) -> str | None:
        return self.meta().get("embed_model")

    def check_model(self, model_id: str) -> None:
        """Refuse to mix vectors from two models, or chunks cut two ways, in one index (for writes)."""
        self.check_embedding(model_id)
        build = self.meta().get("build")
        if self.build_id and build not in (None, self.build_id):
            raise IndexIncompatible(
                f"This index was built with other chunking settings ({build}), "
                f"not the current ones ({self.build_id})."
            )

    def check_embedding(self, model_id: str) -> None:
        """Refuse to compare a query embedded by `model_id` with vectors another model made."""
        if self._checked_model == model_id:
            return
        stored = self.meta()
        if stored.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
            raise IndexIncompatible(
                f"This index was built by another version of Kenning (schema {stored['schema_version']})."
            )
        if stored.get("embed_model") not in (None, model_id):
            raise IndexIncompatible(
                f"This index was built with the embedding model {stored['embed_model']}, "
                f"but the settings name {model_id}."
            )
        if stored.get("embed_model") is not None:  # settled: only a rebuild (a new Store) changes it
            self._checked_model = model_id

    def _chunks(self, dimension: int, model_id: str) -> Any:
        table = self._tables.get(CHUNKS)
        if table is None:
            self.check_model(model_id)
            table = self._db.create_table(CHUNKS, schema=chunks_schema(dimension), exist_ok=True)
            self._opened[CHUNKS] = table
            meta = {"schema_version": SCHEMA_VERSION, "embed_model": model_id, "embed_dim": str(dimension)}
            if self.build_id:
                meta["build"] = self.build_id
            self._set_meta(meta)
        return table

    def table(self, name: str) -> Any:
        """The LanceDB table `name` (files, chunks, meta), or None when it does not exist yet."""
        return self._tables.get(name)

    @property
    def has_chunks(self) -> bool:
        return CHUNKS in self._tables

    @property
    def chunks_table(self) -> Any:
        return self._tables.get(CHUNKS)

    def searchable_chunks(self) -> Any:
        """The chunks table ready to search: on an object store, its indices are loaded whole once
        per version (a new publish brings new ones), not piece by piece by each query."""
        table = self._tables.get(CHUNKS)
        if table is not None and self.location.is_remote:
            version = table.version
            if version != self._warm_version:
                prewarm(table)
                self._warm_version = version
        return table

    # ---- reads ----------------------------------------------------------------------------
    def file_records(self) -> dict[str, FileRecord]:
        rows = self._tables[FILES].to_arrow().to_pylist()
        return {r["path"]: record_from_row(r) for r in rows}

    def paths_modified(self, start_ns: int | None, end_ns: int | None) -> list[str]:
        """Files with chunks whose modification time lies in [start_ns, end_ns): a dated scope."""
        conditions = ["chunks > 0"]
        if start_ns is not None:
            conditions.append(f"mtime_ns >= {int(start_ns)}")
        if end_ns is not None:
            conditions.append(f"mtime_ns < {int(end_ns)}")
        rows = self._tables[FILES].search().where(" AND ".join(conditions)).select(["path"]).limit(None)
        return [str(p) for p in rows.to_arrow().column("path").to_pylist()]

    def vectors_for(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by text hash: the embeddings an edit or a move can reuse."""
        table = self._tables.get(CHUNKS)
        found: dict[str, np.ndarray] = {}
        if table is None or not hashes:
            return found
        for part in batched(sorted(set(hashes))):
            rows = (
                table.search().where(sql_in("text_hash", part)).select(["text_hash", "vector"]).limit(None)
            ).to_arrow()
            if rows.num_rows == 0:
                continue
            vectors = rows.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
            matrix = vectors.reshape(rows.num_rows, -1)
            for key, vec in zip(rows.column("text_hash").to_pylist(), matrix, strict=True):
                found[key] = vec
        return found

    def chunk_rows(self, path: str) -> list[dict[str, Any]]:
        table = self._tables.get(CHUNKS)
        if table is None:
            return []
        rows: list[dict[str, Any]] = table.search().where(f"path = {sql_str(path)}").limit(None).to_list()
        return rows

    def flags_for(self, chunk_ids: Sequence[str]) -> dict[str, tuple[Flag, ...]]:
        """The injection flags of these chunks, by chunk id (clean chunks are absent)."""
        found: dict[str, tuple[Flag, ...]] = {}
        table = self._tables.get(FLAGS)
        if table is None:  # a shared index published without flags: its chunks carry none
            return found
        for part in batched(sorted(set(chunk_ids))):
            for row in table.search().where(sql_in("chunk_id", part)).limit(None).to_list():
                found[row["chunk_id"]] = flags_from_row(row)
        return found

    def has_word(self, word: str) -> bool:
        """Whether any chunk contains `word` (as the full-text index reads it: stemmed, any case)."""
        table = self.searchable_chunks()
        if table is None:
            return False
        return bool(_text_matches(table, word, 1))

    def word_frequency(self, word: str, cap: int = 50) -> int:
        """How many chunks contain `word` (as the full-text index reads it), counted up to `cap`.

        A joined word ("php-fpm", "mod_pagespeed", "Secure Boot") counts only where its parts stand
        together: the full-text index reads it as any one of its parts, and "php" alone is not "php-fpm"."""
        table = self.searchable_chunks()
        if table is None:
            return 0
        parts = [p for p in _JOINED.split(word) if p]
        query = " ".join(parts)  # punctuation would be read as query syntax
        if len(parts) < 2:
            return _text_matches(table, query, cap) if query else 0
        rows = table.search(query, query_type="fts", fts_columns="search_text").limit(cap)
        together = re.compile(r"[-_./+\s]?".join(map(re.escape, parts)), re.IGNORECASE)
        found = rows.select(["id", "_score", "search_text"]).to_list()
        return sum(1 for row in found if together.search(row["search_text"]))

    def count_chunks(self, where: str | None = None) -> int:
        table = self._tables.get(CHUNKS)
        return 0 if table is None else int(table.count_rows(where))

    # ---- writes ---------------------------------------------------------------------------
    def replace_chunks(
        self, paths: Sequence[str], rows: list[dict[str, Any]], *, dimension: int, model_id: str
    ) -> None:
        """Make `paths` have exactly `rows` as chunks, in one commit."""
        self._writable()
        if not paths:
            return
        table = self._chunks(dimension, model_id)
        data = pa.Table.from_pylist(rows, schema=chunks_schema(dimension))
        (
            table.merge_insert("id")
            .when_matched_update_all()
            .when_not_matched_insert_all()
            .when_not_matched_by_source_delete(sql_in("path", paths))
            .execute(data)
        )
        self.replace_flags(paths, flag_rows(rows))

    def replace_flags(self, paths: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Make `paths` have exactly `rows` as flags. After the chunks: a crash between leaves the
        file's write-ahead record, so it is redone."""
        self._writable()
        table = self._tables[FLAGS]
        if not rows:
            for part in batched(list(paths)):
                table.delete(sql_in("path", part))
            return
        (
            table.merge_insert("chunk_id")
            .when_matched_update_all()
            .when_not_matched_insert_all()
            .when_not_matched_by_source_delete(sql_in("path", paths))
            .execute(pa.Table.from_pylist(rows, schema=FLAGS_SCHEMA))
        )

    def upsert_records(self, records: Sequence[FileRecord]) -> None:
        self._writable()
        if not records:
            return
        data = pa.Table.from_pylist([row_from_record(r) for r in records], schema=FILES_SCHEMA)
        self._tables[FILES].merge_insert(
            "path"
        ).when_matched_update_all().when_not_matched_insert_all().execute(data)

    def remove_files(self, paths: Sequence[str]) -> None:
        """Chunks first, then the record: a crash between leaves a record the next sync removes."""
        self._writable()
        for part in batched(list(paths)):
            if CHUNKS in self._tables:
                self._tables[CHUNKS].delete(sql_in("path", part))
            self._tables[FLAGS].delete(sql_in("path", part))
            self._tables[FILES].delete(sql_in("path", part))

    def _writable(self) -> None:
        if self.read_only:
            raise SharedIndexReadOnly(
                f"The index at {self.location.describe()} is attached read-only: Kenning never writes to it."
            )

    # ---- maintenance ----------------------------------------------------------------------
    def optimize(self) -> None:
        """Fold small writes into the indices and compact fragments; build indices once useful."""
        if self.read_only:
            return
        started = time.perf_counter()
        chunks = self._tables.get(CHUNKS)
        if chunks is not None:
            ensure_indices(chunks, over_network=self.location.is_remote)
            chunks.optimize(cleanup_older_than=CLEANUP_AFTER)
        self._tables[FILES].optimize(cleanup_older_than=CLEANUP_AFTER)
        if FLAGS in self._tables:
            self._tables[FLAGS].optimize(cleanup_older_than=CLEANUP_AFTER)
        log.info("index optimized", extra={"seconds": round(time.perf_counter() - started, 3)})

    def size_bytes(self) -> int:
        """Bytes on disk; on an object store, the bytes of the current versions (LanceDB's stats)."""
        if self.location.is_remote:
            with self.faults():
                return sum(int(t.stats()["total_bytes"]) for t in self._tables.values())
        folder = self.location.local_path or self.index_dir
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _text_matches(table: Any, word: str, cap: int) -> int:
    """How many chunks the full-text index finds for `word`, up to `cap`: the index alone is read
    (row ids, no column), which on an object store costs no request once the index is cached."""
    query = table.search(word, query_type="fts", fts_columns="search_text").limit(cap)
    return int(query.select(["_score"]).with_row_id(True).to_arrow().num_rows)
