"""Embeddings computed by an Ollama server (`embedding.provider = "ollama"`): POST /api/embed in batches.

It stands in for the local `Embedder` wherever the indexer and the retriever use one. The index
records the model as "ollama:NAME", so an index built this way refuses queries embedded by the
local model and the other way round. The call is plain httpx with the same proxy, TLS and timeout
rules as the chat client (`kenning.core.transport`); the index layer cannot import `answer`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import httpx
import numpy as np
from numpy.typing import NDArray

from kenning.core.errors import KenningError
from kenning.core.hosts import normalize_host
from kenning.core.index.embedder import Embedder, EmbeddingCancelled
from kenning.core.index.embedding_models import ModelLocation
from kenning.core.settings import OllamaSettings
from kenning.core.transport import auth_headers, certificate_problem, http_client

# Embedding a batch is quick once the model is loaded; the first call also loads it.
EMBED_READ_TIMEOUT_S = 120.0


class OllamaEmbeddingFailed(KenningError):
    """The Ollama server could not embed: unreachable, refused, no such model, or an odd reply."""


class OllamaEmbedder(Embedder):
    def __init__(
        self,
        location: ModelLocation,
        settings: OllamaSettings,
        model: str,
        *,
        token: str | None = None,
        batch_size: int = 16,
    ) -> None:
        # `location` is the local model's: the chunker still counts tokens with its tokenizer.
        super().__init__(location, batch_size=batch_size, engine="ollama")
        self.url = normalize_host(settings.host)
        self.ollama_model = model.strip()
        self._settings = settings
        self._http = http_client(settings, self.url, auth_headers(token), read_timeout_s=EMBED_READ_TIMEOUT_S)
        self._dimension: int | None = None

    @property
    def model_id(self) -> str:
        return f"ollama:{self.ollama_model}"

    @property
    def loaded(self) -> bool:
        return self._dimension is not None

    def load(self) -> None:
        _ = self.dimension

    def use_engine(self, engine: str) -> None:
        """The server decides how it runs the model; a calibration has nothing to switch here."""

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self._post(["dimension"]).shape[1])
        return self._dimension

    def embed(self, texts: Sequence[str], cancel: threading.Event | None = None) -> NDArray[np.float32]:
        """Vectors for `texts`, one request per batch; `cancel` is checked between batches."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        parts: list[NDArray[np.float32]] = []
        for start in range(0, len(texts), self.batch_size):
            if cancel is not None and cancel.is_set():
                raise EmbeddingCancelled()
            parts.append(self._post(texts[start : start + self.batch_size]))
        vectors = np.concatenate(parts) if len(parts) > 1 else parts[0]
        self._dimension = int(vectors.shape[1])
        return vectors

    def close(self) -> None:
        self._http.close()

    def _post(self, texts: Sequence[str]) -> NDArray[np.float32]:
        try:
            response = self._http.post("/api/embed", json={"model": self.ollama_model, "input": list(texts)})
        except httpx.TimeoutException as exc:
            raise self._failed(f"did not answer within {EMBED_READ_TIMEOUT_S:g} s", "Try again.") from exc
        except httpx.HTTPError as exc:
            reason = certificate_problem(exc)
            if reason is not None:
                raise self._failed(
                    f"has a certificate that is not trusted ({reason})",
                    "Set Settings › Ollama › CA bundle to your organisation's authority's PEM file.",
                ) from exc
            raise self._failed("cannot be reached", "Check that Ollama runs at that address.") from exc
        if response.status_code in (401, 403):
            raise self._failed("needs an access token", "Set it in Settings › Ollama (kept in the keyring).")
        if response.status_code == 404:
            raise self._failed(
                f'does not have the model "{self.ollama_model}"',
                f"Run `ollama pull {self.ollama_model}` there.",
            )
        try:
            response.raise_for_status()
            rows = response.json()["embeddings"]
            vectors = np.asarray(rows, dtype=np.float32)
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
            raise self._failed(f"answered with an error ({response.text[:200]})", "Try again.") from exc
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise self._failed("sent a reply Kenning could not read", "Check the embedding model's name.")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        # Unit length, as the local model's: cosine similarity stays a dot product.
        result: NDArray[np.float32] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return result

    def _failed(self, what: str, next_step: str) -> OllamaEmbeddingFailed:
        return OllamaEmbeddingFailed(f"The Ollama embedding server at {self.url} {what}.", next_step)
