"""Load the model for an engine: torch engines through sentence-transformers, OpenVINO ones without torch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kenning.core.index.embedding_engines import OPENVINO_ENGINES, load_sentence_transformer
from kenning.core.index.embedding_models import ModelLocation


def load_engine_model(
    location: ModelLocation, engine: str, device: str, cache_dir: Path | None = None, threads: int = 0
) -> Any:
    """An object with sentence-transformers' `encode(texts, batch_size=..., ...)` for `engine`.

    OpenVINO engines keep their converted model in `cache_dir` (converted in memory without one) and
    use `threads` themselves; torch engines share torch's process-wide thread count."""
    if engine in OPENVINO_ENGINES:
        from kenning.core.index.openvino_engine import load_openvino_model

        return load_openvino_model(location, engine, cache_dir, threads)
    return load_sentence_transformer(location.name_for_loader, engine, device)
