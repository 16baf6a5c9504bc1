"""The embedding model as an OpenVINO IR on disk: converted once from the torch weights, then reused.

Converting needs torch (it traces the model) and takes seconds, so it happens once per model and
OpenVINO version, usually during calibration; every later load reads `model.xml`/`model.bin` with
OpenVINO alone. The IR lives in `<data dir>/models/openvino/<model>/<openvino version>/`, written to
a temporary folder and renamed into place, so a crash never leaves half an IR. A manifest records
the files' sizes and the source weights they came from: a damaged IR, or one from other weights, is
converted again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import uuid
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

from kenning.core.index.embedding_models import ModelLocation
from kenning.core.observe.offline import block_telemetry_modules
from kenning.core.private_files import private_dir, private_file

log = logging.getLogger(__name__)

IR_XML = "model.xml"
IR_BIN = "model.bin"
MANIFEST = "manifest.json"
# The model's own files whose change means new weights (or a new graph) behind the same name.
_SOURCE_FILES = ("config.json", "model.safetensors", "pytorch_model.bin")


class OpenVinoUnavailable(RuntimeError):
    """This model cannot run in the OpenVINO engine (the reason says why); torch runs it instead."""


# Conversions done in this process (tests check that a second load reads the IR instead).
conversions = 0


def openvino_version() -> str:
    """The installed OpenVINO's version, from its metadata (no import)."""
    return metadata.version("openvino")


def ir_folder(cache_dir: Path, model_id: str) -> Path:
    """Where `model_id`'s IR for the installed OpenVINO lives under `cache_dir` (the data dir's models)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("._-")[-60:] or "model"
    digest = hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:10]  # two ids never share a folder
    return cache_dir / "openvino" / f"{safe}-{digest}" / openvino_version()


def source_stamp(folder: Path) -> dict[str, list[int]]:
    """Size and modification time of the model's weight and config files."""
    stamp = {}
    for name in _SOURCE_FILES:
        try:
            info = (folder / name).stat()
        except OSError:
            continue
        stamp[name] = [info.st_size, info.st_mtime_ns]
    return stamp


def intact(target: Path, source: dict[str, list[int]]) -> bool:
    """The IR in `target` is whole (sizes as written) and was made from these source files."""
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        sizes = {name: (target / name).stat().st_size for name in (IR_XML, IR_BIN)}
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("sizes") == sizes and manifest.get("source") == source


def read_or_build(core: Any, location: ModelLocation, cache_dir: Path, *, rebuild: bool = False) -> Any:
    """The model's `openvino.Model`, read from its IR, which is built first when missing or damaged."""
    if location.folder is None:
        raise OpenVinoUnavailable("the model has no local folder to convert")
    target = ir_folder(cache_dir, location.model_id)
    source = source_stamp(location.folder)
    if not rebuild and intact(target, source):
        try:
            return core.read_model(str(target / IR_XML))
        except RuntimeError:
            log.warning("the OpenVINO model in %s could not be read; converting again", target)
    elif target.exists():
        log.warning("the OpenVINO model in %s is incomplete or outdated; converting again", target)
    build(location, target, source)
    return core.read_model(str(target / IR_XML))


def build(location: ModelLocation, target: Path, source: dict[str, list[int]]) -> None:
    """Convert the torch model and put its IR at `target` atomically (replacing what was there)."""
    private_dir(target.parent)
    scratch = target.parent / f".building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        private_dir(scratch)
        save(convert(location), scratch / IR_XML)
        sizes = {name: private_file(scratch / name).stat().st_size for name in (IR_XML, IR_BIN)}
        manifest = {"sizes": sizes, "source": source, "model": location.model_id}
        (scratch / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        private_file(scratch / MANIFEST)
        _swap_in(scratch, target, source)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _swap_in(scratch: Path, target: Path, source: dict[str, list[int]]) -> None:
    # A folder cannot be renamed onto a non-empty one: the old IR moves aside first, then goes.
    old = target.parent / f".old-{uuid.uuid4().hex[:8]}"
    try:
        if target.exists():
            os.replace(target, old)
        os.replace(scratch, target)
    except OSError:
        # Another process (the app while calibration converts) put a whole IR there meanwhile: use it.
        if not intact(target, source):
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def convert(location: ModelLocation) -> Any:
    """The torch model traced into an `openvino.Model` (imports torch and sentence-transformers)."""
    global conversions
    from kenning.core.index.embedding_engines import load_sentence_transformer

    block_telemetry_modules()
    import openvino
    import torch

    model = load_sentence_transformer(location.name_for_loader, "fp32", "cpu")
    # Two texts of different lengths: the traced graph must handle padding and any batch shape.
    preprocess = getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers 6
    example = preprocess(["An example passage for tracing.", "A second, somewhat longer one to pad."])
    inputs = {k: v for k, v in example.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about constant branches: not for users
            converted = openvino.convert_model(model[0].auto_model, example_input=inputs)
    except Exception as exc:  # tracing fails in as many ways as models differ: torch runs this one
        raise OpenVinoUnavailable(f"the model could not be converted ({type(exc).__name__})") from exc
    conversions += 1
    log.info("embedding model converted for OpenVINO", extra={"model": location.model_id})
    return converted


def save(model: Any, xml: Path) -> None:
    import openvino

    # Full-precision weights: the f32 engine must give fp32's vectors, and bf16 rounds from these.
    openvino.save_model(model, str(xml), compress_to_fp16=False)


def in_memory(location: ModelLocation) -> Any:
    """A converted model without a cache folder (benchmarks, one-off runs): converted every time."""
    return convert(location)
