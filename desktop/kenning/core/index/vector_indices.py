"""Which LanceDB indices the chunks table gets, and when: full text and lookups at once, a vector
index only once the table is large enough for it to beat an exact scan, trained again as it grows.

An IVF index's partitions are fixed when it is trained: rows added later only join the partition
nearest them. Trained once at 20,000 rows and never again, an index that grew to a million rows
would keep its handful of partitions, and every query would scan nearly all of them. So the index's
name records how many partitions it was trained with (`vector_idx_p48`), and `optimize()` trains a
new one once the table has grown to need `REBUILD_GROWTH` times that.
"""

from __future__ import annotations

import re
from typing import Any

# Below this many chunks an exact scan is as fast as an ANN index and always exact.
VECTOR_INDEX_MIN_ROWS = 20_000
# Rows per IVF partition when the index is trained (LanceDB's own default for IVF_FLAT).
ROWS_PER_PARTITION = 8_192
# Train the index again once the table needs this many times the partitions it was trained with:
# at worst a query then reads partitions twice the ideal size; each training costs about one build.
REBUILD_GROWTH = 2
# Partitions an IVF query always looks into. Measured on 1M passages (122 partitions; bench_scale.py):
# recall@10 against an exact scan 0.967 and 1.000 at 20 (LanceDB's default) for two trainings, 1.000
# at 40 for both. Only the minimum is set: a scoped (filtered) search may look into more partitions
# until it has enough candidates.
QUERY_NPROBES = 40

_VECTOR_PREFIX = "vector_idx"
_PARTITIONS = re.compile(rf"^{_VECTOR_PREFIX}_p(\d+)$")


def partitions_for(rows: int) -> int:
    """IVF partitions for an index trained on `rows` chunks."""
    return max(1, rows // ROWS_PER_PARTITION)


def trained_partitions(name: str) -> int:
    """Partitions of the vector index called `name`; an index from before names recorded them was
    trained when the table first reached the threshold, with LanceDB's default (8,192 rows each)."""
    match = _PARTITIONS.match(name)
    return int(match.group(1)) if match else max(1, VECTOR_INDEX_MIN_ROWS // 8_192)


def vector_index_due(rows: int, trained: int | None) -> bool:
    """Whether to train a vector index now: the table is large enough and has none, or has outgrown it."""
    if rows < VECTOR_INDEX_MIN_ROWS:
        return False
    return trained is None or partitions_for(rows) >= REBUILD_GROWTH * trained


def vector_query(table: Any, vector: Any) -> Any:
    """The chunks nearest `vector` by cosine, as every search asks for them (index or exact scan)."""
    return (
        table.search(vector, vector_column_name="vector")
        .distance_type("cosine")
        .minimum_nprobes(QUERY_NPROBES)
        .maximum_nprobes(0)  # no cap: a narrow scope keeps looking until it has its candidates
    )


def ensure_indices(chunks: Any) -> None:
    indices = chunks.list_indices()
    names = {index.name for index in indices}
    rows = chunks.count_rows()
    if rows == 0:
        return
    if "search_text_idx" not in names:
        from lancedb.index import FTS

        chunks.create_index("search_text", config=FTS(with_position=False))
    _ensure_vector_index(chunks, [i.name for i in indices if "vector" in i.columns], rows)
    for column in ("path", "text_hash"):
        if f"{column}_idx" not in names:
            from lancedb.index import BTree

            chunks.create_index(column, config=BTree())


def _ensure_vector_index(chunks: Any, existing: list[str], rows: int) -> None:
    trained = max((trained_partitions(name) for name in existing), default=None)
    if not vector_index_due(rows, trained):
        return
    from lancedb.index import IvfFlat

    partitions = partitions_for(rows)
    name = f"{_VECTOR_PREFIX}_p{partitions}"
    config = IvfFlat(distance_type="cosine", num_partitions=partitions)
    chunks.create_index("vector", config=config, name=name, replace=True)
    for old in existing:  # queries use the new index from here on; the old one only takes space
        if old != name:
            chunks.drop_index(old)
