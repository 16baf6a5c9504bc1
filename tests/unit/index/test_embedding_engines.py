"""Which engines a machine offers, read from its CPU flags; an engine that cannot run falls back to fp32."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kenning.core.index.embedding_engines import candidate_engines, cpu_info, cpu_runs_bf16, engine_device

CPUINFO = """processor\t: 0
model name\t: {model}
flags\t\t: fpu sse2 avx2 {extra}

processor\t: 1
model name\t: {model}
flags\t\t: fpu sse2 avx2 {extra}
"""


def write_cpuinfo(tmp_path: Path, model: str, extra: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO.format(model=model, extra=extra))
    return path


@pytest.mark.parametrize(
    ("extra", "native"),
    [("avx512f avx512_bf16", True), ("amx_tile amx_bf16", True), ("avx512f", False), ("", False)],
)
def test_native_bf16_is_read_from_the_cpu_flags(tmp_path: Path, extra: str, native: bool) -> None:
    info = cpu_info(write_cpuinfo(tmp_path, "Intel(R) Xeon(R) Platinum 8480+", extra))
    assert info.model == "Intel(R) Xeon(R) Platinum 8480+"
    assert cpu_runs_bf16(info) is native


def test_engines_on_each_device() -> None:
    assert candidate_engines("cpu")[0] == "fp32"
    assert candidate_engines("cuda") == ["fp32", "fp16"]
    assert engine_device("fp16", "cpu") is None and engine_device("fp16", "cuda:1") == "cuda:1"
    assert engine_device("bf16", "cuda") is None and engine_device("bf16", "cpu") == "cpu"


@pytest.mark.slow
def test_an_engine_that_cannot_run_here_falls_back_to_fp32(embedder: Any) -> None:
    from kenning.core.index.embedder import Embedder

    forced = Embedder(embedder.location, device="cpu", engine="fp16")  # fp16 needs a GPU
    vector = forced.embed_query("how do I forward a port over ssh")
    assert forced.loaded_engine == "fp32"
    assert float(vector @ embedder.embed_query("how do I forward a port over ssh")) == pytest.approx(1.0)


@pytest.mark.slow
def test_bf16_embedder_runs_in_bf16_and_matches_fp32(embedder: Any) -> None:
    from kenning.core.index.embedder import Embedder

    fast = Embedder(embedder.location, device="cpu", engine="bf16")
    texts = ["Cookies are stored per domain.", "A tunnel device forwards packets.", "Graphviz draws graphs."]
    cosines = (fast.embed(texts) * embedder.embed(texts)).sum(axis=1)
    assert fast.loaded_engine == "bf16" and cosines.min() > 0.999
