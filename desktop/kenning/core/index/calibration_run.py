"""Run a calibration for real: the user's passages, every engine this machine offers, the result saved.

Passages come from the index (the user's own text is what speed and agreement must hold for); an
empty index falls back to the sample documents that ship with Kenning.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kenning.core.errors import FileProblem
from kenning.core.index.embedding_calibration import (
    CalibrationCancelled,
    Candidate,
    choose,
    measure,
    sample_queries,
)
from kenning.core.index.embedding_engines import candidate_engines, pick_device
from kenning.core.index.embedding_models import ModelLocation
from kenning.core.index.engine_choice import Calibration, machine_fingerprint, save_calibration
from kenning.core.index.engine_loader import load_engine_model
from kenning.core.index.store import Store
from kenning.core.ingest.chunker import Chunker
from kenning.core.ingest.loaders import load_document

SAMPLE_PASSAGES = 256
_READ_AT_MOST = 5000  # chunks read from the index to draw the sample from


def passages_from_index(store: Store, count: int = SAMPLE_PASSAGES) -> list[str]:
    """`count` passages spread over (the first few thousand chunks of) the index."""
    table = store.chunks_table
    if table is None:
        return []
    column = table.search().select(["search_text"]).limit(_READ_AT_MOST).to_arrow().column("search_text")
    texts = [str(t) for t in column.to_pylist() if t]
    if len(texts) <= count:
        return texts
    step = len(texts) / count
    return [texts[int(i * step)] for i in range(count)]


def passages_from_folder(folder: Path, chunker: Chunker, count: int = SAMPLE_PASSAGES) -> list[str]:
    """Passages of the documents in `folder`, chunked as the indexer would."""
    texts: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            texts += [c.search_text for c in chunker.chunk(load_document(str(path), path.read_bytes()))]
        except FileProblem:
            continue
        if len(texts) >= count:
            break
    return texts[:count]


def real_candidates(
    location: ModelLocation,
    device_setting: str,
    batch_size: int,
    engines: Sequence[str] | None = None,
    cancel: threading.Event | None = None,
    cache_dir: Path | None = None,
) -> list[Candidate]:
    """One candidate per engine; each loads its model on first use (a failure is recorded, not raised).
    OpenVINO engines keep their converted model in `cache_dir` (the embedder then reuses it)."""
    device = pick_device(device_setting)
    names = list(engines) if engines is not None else candidate_engines(device)
    return [
        Candidate(name, _lazy_encoder(location, name, device, batch_size, cancel, cache_dir))
        for name in names
    ]


def _lazy_encoder(
    location: ModelLocation,
    engine: str,
    device: str,
    batch_size: int,
    cancel: threading.Event | None,
    cache_dir: Path | None,
) -> Callable[[Sequence[str]], NDArray[np.float32]]:
    model: list[Any] = []

    def encode(texts: Sequence[str]) -> NDArray[np.float32]:
        if not model:
            model.append(load_engine_model(location, engine, device, cache_dir))
        parts = []
        for start in range(0, len(texts), batch_size):  # one batch at a time, so closing the app waits little
            if cancel is not None and cancel.is_set():
                raise CalibrationCancelled()
            vectors = model[0].encode(
                list(texts[start : start + batch_size]),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            parts.append(np.asarray(vectors, dtype=np.float32))
        return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    return encode


def calibrate(
    passages: Sequence[str],
    candidates: Sequence[Candidate],
    fingerprint: dict[str, str],
    *,
    rounds: int = 2,
    clock: Callable[[], float] | None = None,
    cancel: threading.Event | None = None,
) -> Calibration:
    """Measure `candidates` on `passages` and decide; raises ValueError with fewer than 16 passages."""
    if len(passages) < 16:
        raise ValueError("too few passages to measure")
    queries = sample_queries(passages)
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    results = measure(passages, candidates, queries=queries, rounds=rounds, cancel=cancel, **extra)
    return Calibration(
        chosen=choose(results),
        results=tuple(results),
        passages=len(passages),
        queries=len(queries),
        machine=fingerprint,
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def calibrate_and_save(
    path: Path,
    location: ModelLocation,
    passages: Sequence[str],
    *,
    device_setting: str,
    batch_size: int,
    cancel: threading.Event | None = None,
    cache_dir: Path | None = None,
) -> Calibration:
    fingerprint = machine_fingerprint(location.model_id, device_setting)
    candidates = real_candidates(location, device_setting, batch_size, cancel=cancel, cache_dir=cache_dir)
    calibration = calibrate(passages, candidates, fingerprint, cancel=cancel)
    save_calibration(path, calibration)
    return calibration
