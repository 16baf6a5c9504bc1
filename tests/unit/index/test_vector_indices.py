"""The vector index: built once the table is large enough, trained again as it grows, and searched so
that results match an exact scan, also inside a narrow scope.

Real LanceDB tables on disk, with the thresholds lowered so a few thousand rows of 8-dimensional
vectors stand in for a large index (the same code paths, seconds instead of minutes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from kenning.core.index import vector_indices
from kenning.core.index.schema import chunks_schema
from kenning.core.index.vector_indices import (
    ensure_indices,
    partitions_for,
    trained_partitions,
    vector_index_due,
    vector_query,
)

DIMENSION = 8


def test_partitions_grow_with_the_table() -> None:
    assert partitions_for(20_000) == 20_000 // vector_indices.ROWS_PER_PARTITION
    assert partitions_for(1_000_000) > partitions_for(100_000) > partitions_for(20_000)
    assert partitions_for(10) == 1


def test_index_is_due_at_the_threshold_and_again_after_growth() -> None:
    low = vector_indices.VECTOR_INDEX_MIN_ROWS
    assert not vector_index_due(low - 1, None)
    assert vector_index_due(low, None)
    trained = partitions_for(low)
    outgrown = trained * vector_indices.REBUILD_GROWTH * vector_indices.ROWS_PER_PARTITION
    assert not vector_index_due(outgrown - 1, trained)
    assert vector_index_due(outgrown, trained)


def test_an_index_named_before_partitions_were_recorded_counts_as_trained_at_the_threshold() -> None:
    assert trained_partitions("vector_idx_p48") == 48
    assert trained_partitions("vector_idx") == max(1, vector_indices.VECTOR_INDEX_MIN_ROWS // 8_192)
    # A table that has since grown far past the threshold gets a new index.
    assert vector_index_due(1_000_000, trained_partitions("vector_idx"))


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vector_indices, "VECTOR_INDEX_MIN_ROWS", 400)
    monkeypatch.setattr(vector_indices, "ROWS_PER_PARTITION", 100)


def _rows(start: int, count: int, rng: np.random.Generator) -> pa.Table:
    vectors = rng.normal(size=(count, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    numbers = range(start, start + count)
    columns: dict[str, Any] = {
        "id": [f"c{n}" for n in numbers],
        "path": [f"/docs/f{n // 5:05d}.txt" for n in numbers],
        "root": ["/docs"] * count,
        "file_sha256": [""] * count,
        "page": [None] * count,
        "section": [[] for _ in numbers],
        "ordinal": [n % 5 for n in numbers],
        "start": [0] * count,
        "end": [10] * count,
        "text": [f"passage {n}" for n in numbers],
        "context": [""] * count,
        "search_text": [f"passage {n}" for n in numbers],
        "text_hash": [f"h{n}" for n in numbers],
    }
    schema = chunks_schema(DIMENSION)
    arrays = [pa.array(columns[f.name], f.type) for f in schema if f.name != "vector"]
    arrays.append(pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), DIMENSION))
    return pa.Table.from_arrays(arrays, schema=schema)


def _table(tmp_path: Path, rows: int, rng: np.random.Generator) -> Any:
    import lancedb

    return lancedb.connect(str(tmp_path)).create_table("chunks", data=_rows(0, rows, rng))


def _vector_indices(table: Any) -> list[str]:
    return [index.name for index in table.list_indices() if "vector" in index.columns]


def _ids(query: Any) -> list[str]:
    return [row["id"] for row in query.limit(10).select(["id"]).to_list()]


def test_no_vector_index_below_the_threshold(tmp_path: Path, small_thresholds: None) -> None:
    table = _table(tmp_path, 300, np.random.default_rng(1))
    ensure_indices(table)
    assert _vector_indices(table) == []


def test_the_index_is_trained_again_once_the_table_outgrows_it(
    tmp_path: Path, small_thresholds: None
) -> None:
    rng = np.random.default_rng(2)
    table = _table(tmp_path, 400, rng)
    ensure_indices(table)
    assert _vector_indices(table) == ["vector_idx_p4"]

    growth = vector_indices.REBUILD_GROWTH
    table.add(_rows(400, 400 * growth - 401, rng))  # one row short of the growth that retrains
    ensure_indices(table)
    assert _vector_indices(table) == ["vector_idx_p4"]

    table.add(_rows(400 * growth - 1, 1, rng))  # `growth` times the 4 partitions it was trained with
    ensure_indices(table)
    assert _vector_indices(table) == [f"vector_idx_p{4 * growth}"]


def test_searches_through_the_index_match_an_exact_scan(tmp_path: Path, small_thresholds: None) -> None:
    rng = np.random.default_rng(3)
    table = _table(tmp_path, 1600, rng)
    ensure_indices(table)
    queries = rng.normal(size=(20, DIMENSION)).astype(np.float32)
    same = [
        len(set(_ids(vector_query(table, q))) & set(_ids(vector_query(table, q).bypass_vector_index())))
        for q in queries
    ]
    assert sum(same) / (10 * len(queries)) >= 0.98


def test_a_scoped_search_finds_its_passages_beyond_the_partitions_it_always_reads(
    tmp_path: Path, small_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(4)
    table = _table(tmp_path, 1600, rng)
    ensure_indices(table)
    # One partition read by default; a file's five passages lie in different partitions.
    monkeypatch.setattr(vector_indices, "QUERY_NPROBES", 1)
    query = vector_query(table, rng.normal(size=DIMENSION).astype(np.float32))
    found = _ids(query.where("path = '/docs/f00007.txt'", prefilter=True))
    assert sorted(found) == [f"c{n}" for n in range(35, 40)]
