"""Rows for bench_scale.py (not a benchmark itself): a big chunks table grown from a small real one.

A *pool* is a set of passages with their vectors: the real chunks of a seed index (real text, real
embeddings), or synthetic passages (short text of words drawn from the seed's vocabulary). Copies are
laid out as files of `FILE_CHUNKS` passages in folders of `FOLDER_ROWS` passages
(`/bench-scale/f0003/d00017.txt`), so deleting one folder removes exactly `FOLDER_ROWS` passages, and
each copy's vector is its source's vector plus a little Gaussian noise, re-normalised: no two rows are
equal, and the neighbourhoods stay those of real text.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

ROOT = "/bench-scale"
FILE_CHUNKS = 10
FOLDER_ROWS = 10_000
BATCH_ROWS = 25_000


@dataclass
class Pool:
    text: list[str]
    search_text: list[str]
    context: list[str]
    section: list[list[str]]
    vectors: np.ndarray  # (n, dimension) float32, unit rows

    @property
    def size(self) -> int:
        return len(self.text)


def real_pool(table: Any) -> Pool:
    """The seed index's chunks as they are."""
    data = table.to_arrow()
    vectors = data.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return Pool(
        text=data.column("text").to_pylist(),
        search_text=data.column("search_text").to_pylist(),
        context=data.column("context").to_pylist(),
        section=[list(s or ()) for s in data.column("section").to_pylist()],
        vectors=vectors.reshape(data.num_rows, -1).astype(np.float32),
    )


def synthetic_pool(seed: Pool, size: int, words: int, rng: np.random.Generator) -> Pool:
    """`size` short passages of random seed words. Each vector mixes two seed vectors (a random share
    of the second), so a small seed still spreads its synthetic passages over the space between real
    ones instead of piling them onto a few points; the Grower adds the noise."""
    vocabulary = sorted({w for t in seed.text for w in t.split() if w.isalpha() and len(w) > 2})
    picks = rng.integers(0, len(vocabulary), size=(size, words))
    texts = [" ".join(vocabulary[i] for i in row) for row in picks]
    first = seed.vectors[rng.integers(0, seed.size, size=size)]
    second = seed.vectors[rng.integers(0, seed.size, size=size)]
    vectors = first + rng.uniform(0.0, 0.7, size=(size, 1)).astype(np.float32) * second
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Pool(
        text=texts,
        search_text=texts,
        context=[""] * size,
        section=[[] for _ in range(size)],
        vectors=vectors.astype(np.float32),
    )


class Grower:
    """Appends copies of a pool's passages to a chunks table, numbering files and folders on."""

    def __init__(self, store: Any, pool: Pool, *, model_id: str, noise: float, seed: int = 16) -> None:
        from kenning.core.index.schema import chunks_schema

        self.store = store
        self.model_id = model_id  # as the seed index records it, so the app's searches accept the rows
        self.pool = pool
        self.noise = noise
        self.dimension = pool.vectors.shape[1]
        self.schema = chunks_schema(self.dimension)
        self.rng = np.random.default_rng(seed)
        self.written = 0  # rows this grower has appended (numbering of files and folders)

    def folder(self, number: int) -> str:
        return f"{ROOT}/f{number:04d}"

    def grow_to(self, total: int) -> tuple[int, float]:
        """Append until the table holds `total` chunks; returns (rows added, seconds)."""
        started = time.perf_counter()
        need = total - self.store.count_chunks()
        added = 0
        while added < need:
            count = min(BATCH_ROWS, need - added)
            self.append(count)
            added += count
        return added, time.perf_counter() - started

    def append(self, count: int) -> list[str]:
        """Append `count` rows (whole files) in one commit, with their file records; returns the paths."""
        from kenning.core.domain.documents import FileRecord, FileStatus
        from kenning.core.index.ids import chunk_id
        from kenning.core.index.schema import FILES, FILES_SCHEMA, row_from_record

        numbers = np.arange(self.written, self.written + count)
        source = numbers % self.pool.size
        file_no = numbers // FILE_CHUNKS
        ordinal = (numbers % FILE_CHUNKS).astype(np.int32)
        paths = [
            f"{self.folder(int(n) // FOLDER_ROWS)}/d{int(f):07d}.txt"
            for n, f in zip(numbers, file_no, strict=True)
        ]
        vectors = self.pool.vectors[source] + self.rng.normal(
            0.0, self.noise, (count, self.dimension)
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = [chunk_id(p, int(o)) for p, o in zip(paths, ordinal, strict=True)]
        columns = {
            "id": ids,
            "path": paths,
            "root": [ROOT] * count,
            "file_sha256": [hashlib.sha256(p.encode()).hexdigest() for p in paths],
            "page": [None] * count,
            "section": [self.pool.section[s] for s in source],
            "ordinal": ordinal,
            "start": np.zeros(count, np.int32),
            "end": np.array([len(self.pool.text[s]) for s in source], np.int32),
            "text": [self.pool.text[s] for s in source],
            "context": [self.pool.context[s] for s in source],
            "search_text": [self.pool.search_text[s] for s in source],
            "text_hash": [hashlib.sha256(i.encode()).hexdigest()[:32] for i in ids],
        }
        arrays = [pa.array(columns[f.name], f.type) for f in self.schema if f.name != "vector"]
        arrays.append(
            pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), self.dimension)
        )
        batch = pa.Table.from_arrays(arrays, schema=self.schema)
        if self.store.chunks_table is None:
            self.store.replace_chunks(
                sorted(set(paths)), batch.to_pylist(), dimension=self.dimension, model_id=self.model_id
            )
        else:
            self.store.chunks_table.add(batch)
        self.written += count
        unique = sorted(set(paths))
        now = time.time()
        records = [
            FileRecord(
                path=p,
                root=ROOT,
                size=1000,
                mtime_ns=0,
                sha256="",
                status=FileStatus.INDEXED,
                loader="text",
                chunks=FILE_CHUNKS,
                indexed_at=now,
                embed_model=self.model_id,
            )
            for p in unique
        ]
        # New paths only: a plain append (the store's merge-insert would search the growing table).
        self.store.table(FILES).add(
            pa.Table.from_pylist([row_from_record(r) for r in records], schema=FILES_SCHEMA)
        )
        return unique

    def add_files(self, passages: int) -> float:
        """Add `passages` as the indexer writes a batch: one replace_chunks commit per file group."""
        from kenning.core.index.ids import chunk_id

        started = time.perf_counter()
        numbers = np.arange(self.written, self.written + passages)
        self.written += passages
        source = numbers % self.pool.size
        vectors = self.pool.vectors[source] + self.rng.normal(
            0.0, self.noise, (passages, self.dimension)
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        rows = []
        for i, (n, s) in enumerate(zip(numbers, source, strict=True)):
            path = f"{ROOT}/added/d{int(n) // FILE_CHUNKS:07d}.txt"
            rows.append(
                {
                    "id": chunk_id(path, int(n) % FILE_CHUNKS),
                    "path": path,
                    "root": ROOT,
                    "file_sha256": "",
                    "page": None,
                    "section": self.pool.section[s],
                    "ordinal": int(n) % FILE_CHUNKS,
                    "start": 0,
                    "end": len(self.pool.text[s]),
                    "text": self.pool.text[s],
                    "context": self.pool.context[s],
                    "search_text": self.pool.search_text[s],
                    "text_hash": hashlib.sha256(f"added{n}".encode()).hexdigest()[:32],
                    "vector": vectors[i],
                }
            )
        # The indexer writes batches of about 256 chunks, each one commit for the files it holds.
        for start in range(0, passages, 250):
            part = rows[start : start + 250]
            self.store.replace_chunks(
                sorted({r["path"] for r in part}), part, dimension=self.dimension, model_id=self.model_id
            )
        return time.perf_counter() - started
