"""What the "Shared indexes" list shows for each index: role, freshness, size, store latency."""

from __future__ import annotations

import time
from dataclasses import dataclass

from kenning.core.errors import KenningError
from kenning.core.index.remote_probe import latency_ms
from kenning.core.index.store import Store


@dataclass(frozen=True)
class SharedIndexInfo:
    name: str
    uri: str
    role: str  # "publisher" (this Kenning writes it) or "reader"
    published_at: str  # when its publisher last published ("" for the own index)
    embed_model: str
    chunks: int
    size_bytes: int
    latency_ms: float | None  # one small request to the store (for a folder: reading its meta)
    problem: str = ""  # why it could not be read, in words; the other fields are then empty


def describe(name: str, store: Store) -> SharedIndexInfo:
    """Read `store`'s figures; a failure becomes `problem`, never an exception (it is a list row)."""
    role = "reader" if store.read_only else "publisher"
    uri = store.location.describe()
    try:
        meta = store.meta()  # the first read opens the index: not part of the latency
        started = time.perf_counter()
        store.meta()
        latency = latency_ms(store.location) if store.location.is_remote else round(_ms_since(started), 1)
        return SharedIndexInfo(
            name=name,
            uri=uri,
            role=role,
            published_at=meta.get("published_at", ""),
            embed_model=meta.get("embed_model", ""),
            chunks=store.count_chunks(),
            size_bytes=store.size_bytes(),
            latency_ms=latency,
        )
    except KenningError as exc:
        return SharedIndexInfo(name, uri, role, "", "", 0, 0, None, problem=exc.message)


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
