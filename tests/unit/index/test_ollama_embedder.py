"""Embeddings from an Ollama server: an index built and searched through the fake's /api/embed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tests.fakes.fake_ollama import FakeModel, FakeOllama

from kenning.core.errors import IndexIncompatible
from kenning.core.index.embedder import EmbeddingCancelled
from kenning.core.index.embedding_models import locate_model
from kenning.core.index.ollama_embedder import OllamaEmbedder, OllamaEmbeddingFailed
from kenning.core.settings import Settings

LOCAL = locate_model("all-MiniLM-L6-v2")  # the tokenizer the chunker counts with
DOCS = {
    "cache.md": "# Caching\n\nExpiresByType image/gif A2592000 makes GIF images expire after a month.\n",
    "vpn.txt": "WireGuard peers are listed in wg0.conf with a public key and allowed IPs.\n",
}


@pytest.fixture
def embed_server(fake_ollama: FakeOllama) -> FakeOllama:
    fake_ollama.models["nomic-embed-text:latest"] = FakeModel("nomic-embed-text:latest", "nomic-bert")
    fake_ollama.embedding_dims = 256
    return fake_ollama


def settings_for(server: FakeOllama) -> Settings:
    settings = Settings()
    settings.ollama.host = server.url
    settings.embedding.provider = "ollama"
    settings.embedding.batch_size = 2
    return settings


def test_an_index_built_with_ollama_embeddings_is_searched_through_them(
    embed_server: FakeOllama, tmp_path: Path
) -> None:
    from kenning.core.workspace import Workspace

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text)
    workspace = Workspace(data_dir=tmp_path / "data", settings=settings_for(embed_server))
    try:
        assert isinstance(workspace.embedder, OllamaEmbedder)
        list(workspace.indexer.sync([str(docs)]))
        assert workspace.store.embed_model == "ollama:nomic-embed-text"
        hits = workspace.retriever.search("which peers does WireGuard list", k=2).hits
        assert Path(hits[0].path).name == "vpn.txt"
        # The local model's vectors are never compared with these.
        with pytest.raises(IndexIncompatible, match="ollama:nomic-embed-text"):
            workspace.store.check_model("all-MiniLM-L6-v2")
    finally:
        workspace.close()
    embeds = [r for r in embed_server.requests if r.path == "/api/embed"]
    assert embeds and all(r.body["model"] == "nomic-embed-text" for r in embeds)
    assert max(len(r.body["input"]) for r in embeds) <= 2  # batched


def test_cancel_stops_between_batches(embed_server: FakeOllama) -> None:
    settings = settings_for(embed_server)
    embedder = OllamaEmbedder(LOCAL, settings.ollama, "nomic-embed-text", batch_size=1)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(EmbeddingCancelled):
        embedder.embed(["one", "two"], cancel)
    assert not [r for r in embed_server.requests if r.path == "/api/embed"]
    vectors = embedder.embed(["one", "two", "three"])
    assert vectors.shape == (3, 256) and embedder.dimension == 256
    embedder.close()


def test_a_missing_model_or_token_is_named(embed_server: FakeOllama) -> None:
    settings = settings_for(embed_server)
    missing = OllamaEmbedder(LOCAL, settings.ollama, "no-such-embedder")
    with pytest.raises(OllamaEmbeddingFailed, match='does not have the model "no-such-embedder"'):
        missing.embed(["hello"])
    embed_server.require_token = "secret"
    plain = OllamaEmbedder(LOCAL, settings.ollama, "nomic-embed-text")
    with pytest.raises(OllamaEmbeddingFailed, match="needs an access token") as caught:
        plain.embed(["hello"])
    assert "Settings › Ollama" in caught.value.next_step
    tokened = OllamaEmbedder(LOCAL, settings.ollama, "nomic-embed-text", token="secret")
    assert tokened.embed(["hello"]).shape == (1, 256)
    for embedder in (missing, plain, tokened):
        embedder.close()
