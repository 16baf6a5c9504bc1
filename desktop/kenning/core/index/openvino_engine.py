"""The embedding model run by OpenVINO, with no torch: the IR, the model's own tokenizer, numpy pooling.

Measured on a 2-core AMD EPYC with AVX-512 BF16 (400 real passages): about 2.2× torch fp32 with the
bf16 precision hint (cosine to fp32 ≥ 0.9996), 1.3× in f32 (cosine 1.0). Once the IR exists this
imports only openvino, tokenizers, numpy and json, so a query costs no torch import. Tokenisation,
pooling and normalisation follow the model's sentence-transformers configuration; a model that needs
more than this does (a Dense layer, max pooling) is refused with the reason, and runs in torch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kenning.core.index import openvino_ir
from kenning.core.index.embedding_engines import OPENVINO_ENGINES, cpu_runs_bf16
from kenning.core.index.embedding_models import ModelLocation
from kenning.core.index.openvino_ir import OpenVinoUnavailable
from kenning.core.observe.offline import block_telemetry_modules

log = logging.getLogger(__name__)

# sentence-transformers modules this engine reproduces; anything else in modules.json refuses it.
_MODULES = {"Transformer", "Pooling", "Normalize"}
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class ModelSpec:
    """What sentence-transformers would do around the transformer: read from the model's folder."""

    max_seq_length: int
    lower_case: bool
    pooling: str  # "mean" or "cls"
    dimension: int


def read_spec(folder: Path) -> ModelSpec:
    """The model's tokenisation and pooling settings; raises OpenVinoUnavailable for what is not done here."""
    modules = _json(folder / "modules.json", [])
    kinds = {str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules}
    if not {"Transformer", "Pooling"} <= kinds or kinds - _MODULES:
        raise OpenVinoUnavailable(f"model modules {sorted(kinds)} are not only transformer + pooling")
    pooling_path = next(str(m.get("path", "")) for m in modules if str(m.get("type", "")).endswith("Pooling"))
    pooling = _json(folder / pooling_path / "config.json", {})
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True)
    named = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}
    if len(modes) != 1 or modes[0] not in named:
        raise OpenVinoUnavailable(f"pooling {modes or 'unknown'} is not mean or cls")
    bert = _json(folder / "sentence_bert_config.json", {})
    config = _json(folder / "config.json", {})
    tokenizer_config = _json(folder / "tokenizer_config.json", {})
    # sentence-transformers: max_seq_length if given, else the tokenizer's limit capped by the model's.
    limit = bert.get("max_seq_length") or min(
        int(tokenizer_config.get("model_max_length", 512)), int(config.get("max_position_embeddings", 512))
    )
    return ModelSpec(
        max_seq_length=int(limit),
        lower_case=bool(bert.get("do_lower_case", False)),
        pooling=named[modes[0]],
        dimension=int(pooling.get("word_embedding_dimension") or config.get("hidden_size", 0)),
    )


def _json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as exc:
        raise OpenVinoUnavailable(f"{path.name} could not be read") from exc


def load_tokenizer(folder: Path, spec: ModelSpec) -> Any:
    """The model's fast tokenizer, truncating and padding as sentence-transformers does."""
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as exc:  # a missing or foreign file fails in the Rust layer with its own types
        raise OpenVinoUnavailable("the model has no readable tokenizer.json") from exc
    padding = tokenizer.padding or {}
    tokenizer.enable_truncation(max_length=spec.max_seq_length)
    # Pad each batch to its longest text (the file may ask for a fixed length).
    tokenizer.enable_padding(
        pad_id=int(padding.get("pad_id", 0)),
        pad_type_id=int(padding.get("pad_type_id", 0)),
        pad_token=str(padding.get("pad_token", "[PAD]")),
    )
    return tokenizer


class OpenVinoModel:
    """Encodes texts like `SentenceTransformer.encode(..., normalize_embeddings=True)`, in OpenVINO."""

    def __init__(
        self, core: Any, model: Any, tokenizer: Any, spec: ModelSpec, config: dict[str, Any]
    ) -> None:
        self.spec = spec
        self.precision = str(config["INFERENCE_PRECISION_HINT"])
        self._tokenizer = tokenizer
        self._compiled = core.compile_model(model, "CPU", config)
        self._names = [name for name in _INPUTS if any(name in i.get_names() for i in self._compiled.inputs)]

    def get_embedding_dimension(self) -> int:
        return self.spec.dimension

    @property
    def threads(self) -> int:
        """The CPU threads a batch runs on (the `threads` setting, or OpenVINO's own choice)."""
        return int(self._compiled.get_property("INFERENCE_NUM_THREADS"))

    def encode(self, texts: Sequence[str], batch_size: int = 32, **_: Any) -> NDArray[np.float32]:
        """L2-normalised vectors in the order of `texts`, longest texts batched together."""
        if not texts:
            return np.zeros((0, self.spec.dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")  # as sentence-transformers sorts
        result = np.empty((len(texts), self.spec.dimension), dtype=np.float32)
        for start in range(0, len(texts), max(1, batch_size)):
            picked = order[start : start + batch_size]
            result[picked] = self._batch([texts[i] for i in picked])
        return result

    def _batch(self, texts: list[str]) -> NDArray[np.float32]:
        if self.spec.lower_case:
            texts = [t.lower() for t in texts]
        encodings = self._tokenizer.encode_batch(texts)
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = np.asarray(self._compiled({name: arrays[name] for name in self._names})[0], dtype=np.float32)
        if self.spec.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = arrays["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return vectors


def precision_for(engine: str) -> str:
    """bf16 for "openvino" where the CPU runs it natively, else f32."""
    wanted = OPENVINO_ENGINES[engine]
    return "bf16" if wanted == "bf16" and cpu_runs_bf16() else "f32"


def load_openvino_model(
    location: ModelLocation, engine: str, cache_dir: Path | None, threads: int = 0
) -> OpenVinoModel:
    """The model compiled for `engine`; its IR is read from (or built into) `cache_dir`, or converted in
    memory without one. Raises OpenVinoUnavailable, RuntimeError or ImportError when it cannot run."""
    if location.folder is None:
        raise OpenVinoUnavailable("the model is not in a local folder")
    spec = read_spec(location.folder)
    tokenizer = load_tokenizer(location.folder, spec)
    block_telemetry_modules()
    import openvino

    core = openvino.Core()
    # LATENCY measured faster than THROUGHPUT here (one request at a time, batches of 16-32).
    config: dict[str, Any] = {
        "INFERENCE_PRECISION_HINT": precision_for(engine),
        "PERFORMANCE_HINT": "LATENCY",
    }
    if threads > 0:
        config["INFERENCE_NUM_THREADS"] = threads
    if cache_dir is None:
        return OpenVinoModel(core, openvino_ir.in_memory(location), tokenizer, spec, config)
    model = openvino_ir.read_or_build(core, location, cache_dir)
    try:
        return OpenVinoModel(core, model, tokenizer, spec, config)
    except RuntimeError:  # read, but not compiled: a damaged weights file reads as a broken graph
        log.warning("the OpenVINO model for %s did not compile; converting again", location.model_id)
        model = openvino_ir.read_or_build(core, location, cache_dir, rebuild=True)
        return OpenVinoModel(core, model, tokenizer, spec, config)
