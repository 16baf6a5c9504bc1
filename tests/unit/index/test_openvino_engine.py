"""The OpenVINO engine with the real model and real OpenVINO: the same tokens and vectors as
sentence-transformers' fp32, its converted model built once and reused, and no torch at query time."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kenning.core.index import openvino_ir
from kenning.core.index.embedder import Embedder
from kenning.core.index.embedding_engines import candidate_engines, cpu_runs_bf16, engine_device
from kenning.core.index.embedding_models import ModelLocation
from kenning.core.index.openvino_engine import OpenVinoUnavailable, load_tokenizer, read_spec

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
HARD_TEXTS = [
    "  Leading and trailing   spaces  ",
    "Café, naïve façade; 東京タワー and emoji 🎉 — dashes “quotes”",
    "word " * 600,  # longer than the model's 256 tokens: truncated
    "",
]


def run_python(script: str) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter: nothing this test process imported is there."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "desktop")}
    command = [sys.executable, "-c", script]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def passages(embedder: Any, corpus: Path) -> list[str]:
    from kenning.core.index.calibration_run import passages_from_folder
    from kenning.core.ingest.chunker import Chunker
    from kenning.core.ingest.token_counter import token_counter_for

    chunker = Chunker(token_counter_for(embedder.location.folder), target_tokens=200, overlap_tokens=32)
    texts = passages_from_folder(corpus / "docs", chunker, count=96)
    assert len(texts) == 96
    return texts


@pytest.fixture(scope="module")
def ir_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def ov_f32(embedder: Any, ir_cache: Path) -> Embedder:
    model = Embedder(embedder.location, device="cpu", engine="openvino-f32", cache_dir=ir_cache)
    model.load()
    assert model.loaded_engine == "openvino-f32"
    return model


def test_tokens_are_sentence_transformers_tokens(embedder: Any, passages: list[str]) -> None:
    folder = embedder.location.folder
    tokenizer = load_tokenizer(folder, read_spec(folder))
    for batch in (passages[:32], passages[32:96], HARD_TEXTS):
        theirs = embedder._load().preprocess(batch)
        ours = tokenizer.encode_batch(batch)
        assert np.array_equal(np.array([e.ids for e in ours]), theirs["input_ids"].numpy())
        assert np.array_equal(np.array([e.attention_mask for e in ours]), theirs["attention_mask"].numpy())
        assert np.array_equal(np.array([e.type_ids for e in ours]), theirs["token_type_ids"].numpy())


def test_f32_vectors_are_fp32_vectors(embedder: Any, ov_f32: Embedder, passages: list[str]) -> None:
    texts = passages + HARD_TEXTS
    cosines = (ov_f32.embed(texts) * embedder.embed(texts)).sum(axis=1)
    assert cosines.min() >= 0.9999
    query = "how do I forward a port over ssh"
    assert float(ov_f32.embed_query(query) @ embedder.embed_query(query)) >= 0.9999
    assert ov_f32.dimension == 384


def test_bf16_vectors_agree_with_fp32(
    embedder: Any, ov_f32: Embedder, ir_cache: Path, passages: list[str]
) -> None:
    fast = Embedder(embedder.location, device="cpu", engine="openvino", cache_dir=ir_cache)
    cosines = (fast.embed(passages) * embedder.embed(passages)).sum(axis=1)
    assert fast.loaded_engine == "openvino"
    assert cosines.mean() >= 0.9999 and cosines.min() >= 0.999  # the calibration's rule: mean ≥ 0.9999


def test_the_converted_model_is_reused(embedder: Any, ov_f32: Embedder, ir_cache: Path) -> None:
    (bin_file,) = ir_cache.glob("openvino/*/*/model.bin")
    written = bin_file.stat().st_mtime_ns
    converted = openvino_ir.conversions
    again = Embedder(embedder.location, device="cpu", engine="openvino-f32", cache_dir=ir_cache, threads=1)
    again.embed_query("a query")
    assert again.loaded_engine == "openvino-f32" and again._model.threads == 1  # the threads setting
    assert openvino_ir.conversions == converted and bin_file.stat().st_mtime_ns == written
    if os.name == "posix":
        assert bin_file.stat().st_mode & 0o777 == 0o600 and bin_file.parent.stat().st_mode & 0o777 == 0o700


def test_a_damaged_converted_model_is_built_again(
    embedder: Any, ov_f32: Embedder, ir_cache: Path, tmp_path: Path
) -> None:
    shutil.copytree(ir_cache, tmp_path / "models")
    (bin_file,) = (tmp_path / "models").glob("openvino/*/*/model.bin")
    size = bin_file.stat().st_size
    with bin_file.open("r+b") as f:  # a crash or a full disk cut it short
        f.truncate(size // 3)
    converted = openvino_ir.conversions
    repaired = Embedder(embedder.location, device="cpu", engine="openvino-f32", cache_dir=tmp_path / "models")
    vector = repaired.embed_query("how do I forward a port over ssh")
    assert repaired.loaded_engine == "openvino-f32" and openvino_ir.conversions == converted + 1
    assert bin_file.stat().st_size == size
    assert float(vector @ embedder.embed_query("how do I forward a port over ssh")) >= 0.9999
    assert not [p for p in bin_file.parents[1].iterdir() if p.name.startswith(".")]  # no scratch left


def test_a_query_imports_no_torch_once_converted(embedder: Any, ov_f32: Embedder, ir_cache: Path) -> None:
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from kenning.core.index.embedder import Embedder\n"
        "from kenning.core.index.embedding_models import locate_model\n"
        "location = locate_model('all-MiniLM-L6-v2')\n"
        f"e = Embedder(location, engine='openvino-f32', cache_dir=Path({str(ir_cache)!r}))\n"
        "v = e.embed_query('how do I forward a port over ssh')\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules]\n"
        "print(json.dumps({'engine': e.loaded_engine, 'heavy': heavy, 'vector': v.tolist()}))\n"
    )
    done = run_python(script)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["engine"] == "openvino-f32" and result["heavy"] == []
    reference = embedder.embed_query("how do I forward a port over ssh")
    assert float(np.array(result["vector"]) @ reference) >= 0.9999


def test_both_openvino_engines_are_candidates_on_the_cpu() -> None:
    engines = candidate_engines("cpu")
    assert "openvino-f32" in engines and ("openvino" in engines) == cpu_runs_bf16()
    assert "openvino-f32" not in candidate_engines("cuda")
    assert engine_device("openvino-f32", "cpu") == "cpu" and engine_device("openvino", "mps") is None


def test_a_model_the_engine_cannot_reproduce_runs_in_fp32(
    embedder: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = embedder.location.folder
    folder = tmp_path / "max-pooled"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("model.safetensors"))
    (folder / "model.safetensors").symlink_to(source / "model.safetensors")
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_max_tokens=True)
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    with pytest.raises(OpenVinoUnavailable, match="pooling"):
        read_spec(folder)
    location = ModelLocation(model_id=str(folder), folder=folder, name_for_loader=str(folder))
    fallback = Embedder(location, device="cpu", engine="openvino", cache_dir=tmp_path / "models")
    with caplog.at_level(logging.WARNING):
        fallback.embed_query("a query")
    assert fallback.loaded_engine == "fp32"
    assert "failed to load; using fp32" in caplog.text
    assert not (tmp_path / "models").exists()  # refused before converting anything


def test_openvino_telemetry_is_never_imported() -> None:
    script = (
        "from kenning.core.observe.offline import go_offline\n"
        "go_offline()\n"
        "import openvino.tools.ovc.telemetry_stub as stub\n"
        "from openvino.tools.ovc import convert_impl, telemetry_utils, utils\n"
        "import sys\n"
        "assert telemetry_utils.tm is stub and convert_impl.tm is stub and utils.tm is stub\n"
        "assert sys.modules['openvino_telemetry'] is None\n"
        "print('stub')\n"
    )
    done = run_python(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stub"
