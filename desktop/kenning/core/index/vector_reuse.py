"""Vectors for a batch of chunks: every stored vector whose text (and model) is unchanged is reused,
so an edit on page 50 embeds only the passages it touched; the rest are embedded now."""

from __future__ import annotations

import threading
import time

import numpy as np

from kenning.core.domain.documents import Chunk, SyncReport
from kenning.core.index.embedder import Embedder
from kenning.core.index.ids import text_hash
from kenning.core.index.store import Store


def vectors_for(
    chunks: list[Chunk],
    store: Store,
    embedder: Embedder,
    report: SyncReport,
    cancel: threading.Event | None = None,
) -> dict[str, np.ndarray]:
    """Vectors keyed by `text_hash`; counts reused and embedded chunks and the time in `report`."""
    model_id = embedder.model_id
    keys = [text_hash(c.search_text, model_id) for c in chunks]
    texts = dict(zip(keys, (c.search_text for c in chunks), strict=True))
    vectors = store.vectors_for(list(texts))
    needed = [(key, text) for key, text in texts.items() if key not in vectors]
    report.chunks_reused += sum(1 for key in keys if key in vectors)
    if needed:
        if not embedder.loaded:  # a one-time cost: reported apart from the encoding speed
            started = time.perf_counter()
            embedder.load()
            report.model_load_seconds += time.perf_counter() - started
        started = time.perf_counter()
        embedded = embedder.embed([text for _, text in needed], cancel=cancel)
        report.embed_seconds += time.perf_counter() - started
        report.chunks_embedded += len(needed)
        for (key, _), vec in zip(needed, embedded, strict=True):
            vectors[key] = vec
    return vectors
