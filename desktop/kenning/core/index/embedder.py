"""Turn texts into vectors with sentence-transformers; the model loads once, on first use."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kenning.core.errors import EmbeddingModelUnavailable
from kenning.core.index.embedding_engines import OPENVINO_ENGINES, engine_device, pick_device
from kenning.core.index.embedding_models import ModelLocation
from kenning.core.index.engine_loader import load_engine_model

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

# A handful of texts (a query; an answer's cited sentences and passages) is encoded on one thread:
# as fast alone, and far faster when the CPU is busy (measured here: 16 ms against 490 ms with two
# threads for one query while an index run was embedding; an answer's citation check, 1.6 s before).
FEW_TEXTS = 8


@contextlib.contextmanager
def _one_torch_thread() -> Iterator[None]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class EmbeddingCancelled(Exception):
    """Embedding stopped early because the caller cancelled (closing the app, pausing a folder)."""


class Embedder:
    """Embeds passages and queries; vectors are L2-normalised, so cosine similarity is a dot product."""

    def __init__(
        self,
        location: ModelLocation,
        *,
        device: str = "auto",
        batch_size: int = 32,
        threads: int = 0,
        engine: str = "fp32",
        cache_dir: Path | None = None,
    ) -> None:
        self.location = location
        self._engine = engine  # fp32, bf16, fp16, openvino(-f32): same weights, same model id
        self._cache_dir = cache_dir  # where OpenVINO keeps the converted model (data dir's models)
        self.batch_size = batch_size
        self._device_setting = device
        self._threads = threads
        self._model: Any = None
        self._loaded_engine: str | None = None
        self._lock = threading.Lock()
        # One encode at a time: the model is shared, and the thread count below is process-wide.
        self._encode_lock = threading.Lock()
        self._queries_done = _QueriesFirst()

    @property
    def model_id(self) -> str:
        return self.location.model_id

    @property
    def engine(self) -> str:
        """The engine asked for; `loaded_engine` is the one running (fp32 when it could not run here)."""
        return self._engine

    @property
    def loaded_engine(self) -> str | None:
        return self._loaded_engine

    def use_engine(self, engine: str) -> None:
        """Run the model with `engine` from the next encode on (e.g. after a calibration chose it).

        Vectors of every engine that passes calibration agree with fp32, so an index may hold both.
        """
        with self._encode_lock, self._lock:
            if engine != self._engine:
                self._engine = engine
                self._model = None
                self._loaded_engine = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the model now (it otherwise loads on the first embed), e.g. to time the load alone."""
        self._load()

    def _load(self) -> Any:
        with self._lock:
            return self._load_unlocked()

    def _load_unlocked(self) -> Any:
        if self._model is None:
            engine, device = self._engine_and_device()
            try:
                self._model = load_engine_model(self.location, engine, device, self._cache_dir, self._threads)
            except (OSError, ValueError, RuntimeError, KeyError, ImportError) as exc:
                # a model folder is outside input: a missing, partial or foreign one fails in many ways
                if engine == "fp32":
                    log.warning("embedding model failed to load", exc_info=True)
                    raise EmbeddingModelUnavailable(
                        f"The embedding model {self.model_id} could not be loaded ({type(exc).__name__})."
                    ) from exc
                # A faster engine that breaks (say, after a library update) must never stop indexing.
                log.warning("embedding engine %s failed to load; using fp32", engine, exc_info=True)
                self._engine = "fp32"
                return self._load_unlocked()
            self._loaded_engine = engine
            log.info(
                "embedding model loaded", extra={"model": self.model_id, "device": device, "engine": engine}
            )
        return self._model

    def _engine_and_device(self) -> tuple[str, str]:
        """The engine to load and its device. OpenVINO runs on the CPU without importing torch (a
        query stays light); the others ask torch for the device, fp32 where the engine cannot run."""
        if self._engine in OPENVINO_ENGINES and self._device_setting in ("auto", "cpu"):
            return self._engine, "cpu"
        import torch

        if self._threads > 0:
            torch.set_num_threads(self._threads)
        device = pick_device(self._device_setting)
        if engine_device(self._engine, device) is None:
            log.warning("embedding engine %s cannot run on %s; using fp32", self._engine, device)
            return "fp32", device
        return self._engine, device

    @property
    def dimension(self) -> int:
        model = self._load()
        # sentence-transformers 6 renamed the getter; the old name warns.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        return int(dim)

    def embed(self, texts: Sequence[str], cancel: threading.Event | None = None) -> NDArray[np.float32]:
        """Vectors for `texts`; raises `EmbeddingCancelled` between model batches once `cancel` is set."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        if len(texts) <= FEW_TEXTS:  # a query, or a citation check: first in line, one thread
            with self._queries_done.query(), self._encode_lock:
                if self._loaded_engine in OPENVINO_ENGINES:
                    # OpenVINO does not suffer torch's thread fight: one query measured 7.8-8.6 ms on
                    # its own threads against 8.0-10.5 ms on a one-thread copy (idle), and the same
                    # 12-16 ms either way beside an index run, so no second model is compiled.
                    return self._encode(model, texts)
                with _one_torch_thread():
                    return self._encode(model, texts)
        # One model batch per turn of the lock, so a query asked meanwhile waits for one batch at
        # most, not for the whole of a big indexing commit.
        parts: list[NDArray[np.float32]] = []
        for start in range(0, len(texts), self.batch_size):
            if cancel is not None and cancel.is_set():
                raise EmbeddingCancelled()
            self._queries_done.wait_for_queries()
            with self._encode_lock:
                parts.append(self._encode(model, texts[start : start + self.batch_size]))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def embed_query(self, text: str) -> NDArray[np.float32]:
        """One short text: a single thread is as fast alone and far faster when the CPU is busy
        (measured here: 16 ms against 490 ms with two threads while an index run was embedding)."""
        vector: NDArray[np.float32] = self.embed([text])[0]
        return vector

    def _encode(self, model: Any, texts: Sequence[str]) -> NDArray[np.float32]:
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        result: NDArray[np.float32] = np.asarray(vectors, dtype=np.float32)
        return result


class _QueriesFirst:
    """Lets a query's encode go before the next batch of a bulk embed (a plain lock is not fair)."""

    def __init__(self) -> None:
        self._waiting = 0
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def query(self) -> Iterator[None]:
        with self._changed:
            self._waiting += 1
        try:
            yield
        finally:
            with self._changed:
                self._waiting -= 1
                self._changed.notify_all()

    def wait_for_queries(self, timeout_s: float = 5.0) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._waiting == 0, timeout=timeout_s)
