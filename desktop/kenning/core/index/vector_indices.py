"""Which LanceDB indices the chunks table gets, and when: full text and lookups at once, a vector
index only once the table is large enough for it to beat an exact scan, trained again as it grows.

An IVF index's partitions are fixed when it is trained: rows added later only join the partition
nearest them. Trained once at 20,000 rows and never again, an index that grew to a million rows
would keep its handful of partitions, and every query would scan nearly all of them. So the index's
name records how many partitions it was trained with (`vector_idx_p48`), and `optimize()` trains a
new one once the table has grown to need `REBUILD_GROWTH` times that.

An index read over a network (a published copy, an index on an object store) gets a vector index
at any size: below the threshold a single-partition one, which searches exactly like the scan but
keeps the vectors in LanceDB's in-memory index cache. Without it every query's exact scan reads all
vectors again from the store (15 MB a query at 10,000 chunks).
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
EXACT_VECTOR_INDEX = "vector_exact_idx"  # one partition: exact, and cached in memory
FULL_TEXT_INDEX = "search_text_idx"
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


def ensure_indices(chunks: Any, *, over_network: bool = False) -> None:
    indices = chunks.list_indices()
    names = {index.name for index in indices}
    rows = chunks.count_rows()
    if rows == 0:
        return
    if FULL_TEXT_INDEX not in names:
        from lancedb.index import FTS

        chunks.create_index("search_text", config=FTS(with_position=False))
    _ensure_vector_index(chunks, [i.name for i in indices if "vector" in i.columns], rows, over_network)
    for column in ("path", "text_hash"):
        if f"{column}_idx" not in names:
            from lancedb.index import BTree

            chunks.create_index(column, config=BTree())


def _ensure_vector_index(chunks: Any, existing: list[str], rows: int, over_network: bool) -> None:
    from lancedb.index import IvfFlat

    trained = max((trained_partitions(n) for n in existing if n != EXACT_VECTOR_INDEX), default=None)
    if vector_index_due(rows, trained):
        partitions = partitions_for(rows)
        name = f"{_VECTOR_PREFIX}_p{partitions}"
        config = IvfFlat(distance_type="cosine", num_partitions=partitions)
        chunks.create_index("vector", config=config, name=name, replace=True)
        for old in existing:  # queries use the new index from here on; the old one only takes space
            if old != name:
                chunks.drop_index(old)
    elif trained is None and over_network and EXACT_VECTOR_INDEX not in existing:
        config = IvfFlat(distance_type="cosine", num_partitions=1)
        chunks.create_index("vector", config=config, name=EXACT_VECTOR_INDEX)


def prewarm(chunks: Any) -> None:
    """Load the full-text and vector indices whole into LanceDB's cache. Otherwise a search over a
    network fetches the posting list of each query word, and each IVF partition it probes that no
    search probed before, with a request of its own."""
    for index in chunks.list_indices():
        if index.name in (FULL_TEXT_INDEX, EXACT_VECTOR_INDEX) or index.name.startswith(_VECTOR_PREFIX):
            chunks.prewarm_index(index.name)
