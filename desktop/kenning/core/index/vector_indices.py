"""Which LanceDB indices the chunks table gets, and when: full text and lookups at once, a vector
index only once the table is large enough for it to beat an exact scan.

An index read over a network (a published copy, an index on an object store) gets a vector index
at any size: below the threshold a single-partition one, which searches exactly like the scan but
keeps the vectors in LanceDB's in-memory index cache. Without it every query's exact scan reads all
vectors again from the store (15 MB a query at 10,000 chunks)."""

from __future__ import annotations

from typing import Any

# Below this many chunks an exact scan is as fast as an ANN index and always exact.
VECTOR_INDEX_MIN_ROWS = 20_000
VECTOR_INDEX = "vector_idx"
EXACT_VECTOR_INDEX = "vector_exact_idx"  # one partition: exact, and cached in memory
FULL_TEXT_INDEX = "search_text_idx"


def ensure_indices(chunks: Any, *, over_network: bool = False) -> None:
    names = {index.name: index for index in chunks.list_indices()}
    rows = chunks.count_rows()
    if rows == 0:
        return
    if FULL_TEXT_INDEX not in names:
        from lancedb.index import FTS

        chunks.create_index("search_text", config=FTS(with_position=False))
    _ensure_vector_index(chunks, set(names), rows, over_network)
    for column in ("path", "text_hash"):
        if f"{column}_idx" not in names:
            from lancedb.index import BTree

            chunks.create_index(column, config=BTree())


def _ensure_vector_index(chunks: Any, names: set[str], rows: int, over_network: bool) -> None:
    if VECTOR_INDEX in names:
        return
    from lancedb.index import IvfFlat

    if rows >= VECTOR_INDEX_MIN_ROWS:
        if EXACT_VECTOR_INDEX in names:  # grown past the threshold: partitions pay off now
            chunks.drop_index(EXACT_VECTOR_INDEX)
        chunks.create_index("vector", config=IvfFlat(distance_type="cosine"), name=VECTOR_INDEX)
    elif over_network and EXACT_VECTOR_INDEX not in names:
        config = IvfFlat(distance_type="cosine", num_partitions=1)
        chunks.create_index("vector", config=config, name=EXACT_VECTOR_INDEX)


def prewarm(chunks: Any) -> None:
    """Load the full-text and vector indices whole into LanceDB's cache. Otherwise a search over a
    network fetches the posting list of each query word, and each IVF partition it probes that no
    search probed before, with a request of its own."""
    searched = (FULL_TEXT_INDEX, VECTOR_INDEX, EXACT_VECTOR_INDEX)
    for index in chunks.list_indices():
        if index.name in searched:
            chunks.prewarm_index(index.name)
