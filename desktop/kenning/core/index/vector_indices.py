"""Which LanceDB indices the chunks table gets, and when: full text and lookups at once, a vector
index only once the table is large enough for it to beat an exact scan."""

from __future__ import annotations

from typing import Any

# Below this many chunks an exact scan is as fast as an ANN index and always exact.
VECTOR_INDEX_MIN_ROWS = 20_000


def ensure_indices(chunks: Any) -> None:
    names = {index.name: index for index in chunks.list_indices()}
    rows = chunks.count_rows()
    if rows == 0:
        return
    if "search_text_idx" not in names:
        from lancedb.index import FTS

        chunks.create_index("search_text", config=FTS(with_position=False))
    if "vector_idx" not in names and rows >= VECTOR_INDEX_MIN_ROWS:
        from lancedb.index import IvfFlat

        chunks.create_index("vector", config=IvfFlat(distance_type="cosine"))
    for column in ("path", "text_hash"):
        if f"{column}_idx" not in names:
            from lancedb.index import BTree

            chunks.create_index(column, config=BTree())
