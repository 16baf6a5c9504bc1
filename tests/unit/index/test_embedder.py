"""Embedder: a handful of texts is encoded on one torch thread, larger batches on the configured ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from kenning.core.index.embedder import FEW_TEXTS, Embedder


def test_few_texts_use_one_thread_and_give_the_same_vectors(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"Passage {i} about rotating log files every week." for i in range(FEW_TEXTS + 1)]
    threads_seen: list[int] = []
    encode = embedder._encode

    def spy(model: Any, batch: Any) -> Any:
        threads_seen.append(torch.get_num_threads())
        return encode(model, batch)

    monkeypatch.setattr(embedder, "_encode", spy)
    before = torch.get_num_threads()
    few = embedder.embed(texts[:2])
    query = embedder.embed_query(texts[0])
    many = embedder.embed(texts)
    assert threads_seen == [1, 1, before]
    assert torch.get_num_threads() == before
    assert np.allclose(few, many[:2], atol=1e-5) and np.allclose(query, many[0], atol=1e-5)
