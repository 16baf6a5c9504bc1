"""Engine calibration with the real model on real passages; speed comes from an injected clock, so
the "fastest that agrees, never slower than fp32" rules are checked without timing anything."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kenning import paths
from kenning.core.index.calibration_run import calibrate, passages_from_folder, real_candidates
from kenning.core.index.embedding_calibration import Candidate, Encode
from kenning.core.index.engine_choice import calibration_file, machine_fingerprint, save_calibration

pytestmark = pytest.mark.slow


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def timed(encode: Encode, clock: FakeClock, seconds_per_text: float) -> Encode:
    """`encode`, taking `seconds_per_text` per text on the fake clock."""

    def run(texts: Sequence[str]) -> Any:
        clock.now += seconds_per_text * len(texts)
        return encode(texts)

    return run


def memo(encode: Encode) -> Encode:
    """`encode` computing each distinct text once: every test reuses the real model's vectors."""
    cache: dict[str, Any] = {}

    def run(texts: Sequence[str]) -> Any:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, encode(missing), strict=True))
        return np.stack([cache[t] for t in texts])

    return run


@pytest.fixture(scope="module")
def fp32_encode(embedder: Any) -> Encode:
    return memo(embedder.embed)


@pytest.fixture(scope="module")
def passages(embedder: Any) -> list[str]:
    from kenning.core.ingest.chunker import Chunker
    from kenning.core.ingest.token_counter import token_counter_for

    chunker = Chunker(token_counter_for(embedder.location.folder), target_tokens=200, overlap_tokens=32)
    texts = passages_from_folder(paths.resources_dir() / "sample-docs", chunker, count=64)
    assert len(texts) == 64
    return texts


@pytest.fixture(scope="module")
def bf16_encode(embedder: Any) -> Encode:
    (candidate,) = real_candidates(embedder.location, "cpu", 32, engines=["bf16"])
    return memo(candidate.encode)


def fingerprint(embedder: Any) -> dict[str, str]:
    return machine_fingerprint(embedder.model_id, "cpu")


def test_real_bf16_agrees_with_fp32_and_is_chosen_when_faster(
    embedder: Any, fp32_encode: Encode, passages: list[str], bf16_encode: Encode
) -> None:
    clock = FakeClock()
    candidates = [
        Candidate("fp32", timed(fp32_encode, clock, 0.010)),
        Candidate("bf16", timed(bf16_encode, clock, 0.004)),
    ]
    result = calibrate(passages, candidates, fingerprint(embedder), clock=clock)
    bf16 = result.result("bf16")
    assert result.chosen == "bf16" and bf16 is not None and bf16.agrees
    assert bf16.speedup == pytest.approx(2.5)
    assert bf16.cosine_mean >= 0.9999 and bf16.top10_overlap >= 0.98
    assert result.summary().startswith("torch bf16, 2.5× faster than standard")


def test_an_engine_slower_than_fp32_is_never_chosen_even_when_it_agrees(
    embedder: Any, fp32_encode: Encode, passages: list[str], bf16_encode: Encode
) -> None:
    clock = FakeClock()
    candidates = [
        Candidate("fp32", timed(fp32_encode, clock, 0.010)),
        Candidate("bf16", timed(bf16_encode, clock, 0.012)),
    ]
    result = calibrate(passages, candidates, fingerprint(embedder), clock=clock)
    bf16 = result.result("bf16")
    assert bf16 is not None and bf16.agrees and bf16.speedup < 1
    assert result.chosen == "fp32"
    assert "no faster engine" in result.summary()


def test_a_fast_engine_whose_vectors_disagree_is_rejected(
    embedder: Any, fp32_encode: Encode, passages: list[str]
) -> None:
    clock = FakeClock()
    noise = np.random.default_rng(7)

    def sloppy(texts: Sequence[str]) -> Any:  # like an int8 model: fast, but it reorders rankings
        vectors = fp32_encode(texts)
        return vectors + noise.normal(0, 0.03, vectors.shape).astype(np.float32)

    candidates = [
        Candidate("fp32", timed(fp32_encode, clock, 0.010)),
        Candidate("openvino", timed(sloppy, clock, 0.002)),
    ]
    result = calibrate(passages, candidates, fingerprint(embedder), clock=clock)
    sloppy_result = result.result("openvino")
    assert sloppy_result is not None and sloppy_result.speedup == pytest.approx(5)
    assert not sloppy_result.agrees and sloppy_result.cosine_mean < 0.9999
    assert result.chosen == "fp32"


def test_an_engine_that_cannot_load_is_reported_and_skipped(
    embedder: Any, fp32_encode: Encode, passages: list[str]
) -> None:
    def missing(texts: Sequence[str]) -> Any:
        raise ImportError("No module named 'openvino'")

    candidates = [Candidate("fp32", fp32_encode), Candidate("openvino", missing)]
    result = calibrate(passages, candidates, fingerprint(embedder), rounds=1)
    broken = result.result("openvino")
    assert result.chosen == "fp32" and broken is not None and "openvino" in broken.error


@pytest.fixture
def stored_bf16(
    embedder: Any,
    fp32_encode: Encode,
    passages: list[str],
    bf16_encode: Encode,
    make_workspace: Callable[..., Any],
) -> Callable[..., Any]:
    """A workspace factory whose data dir holds a calibration that chose bf16 on this machine."""
    clock = FakeClock()
    candidates = [
        Candidate("fp32", timed(fp32_encode, clock, 0.010)),
        Candidate("bf16", timed(bf16_encode, clock, 0.004)),
    ]
    calibration = calibrate(passages, candidates, fingerprint(embedder), clock=clock)
    probe = make_workspace()
    save_calibration(calibration_file(probe.data_dir), calibration)

    def build(**embedding: Any) -> Any:
        from kenning.core.settings import Settings
        from kenning.core.workspace import Workspace

        settings = Settings()
        settings.embedding.device = "cpu"
        for name, value in embedding.items():
            setattr(settings.embedding, name, value)
        return Workspace(data_dir=probe.data_dir, settings=settings)

    return build


def test_the_stored_choice_is_used_without_measuring_again(stored_bf16: Callable[..., Any]) -> None:
    workspace = stored_bf16()
    assert workspace.embedder.engine == "bf16"
    assert workspace.engine_calibration() is not None


def test_a_calibration_from_another_machine_is_not_used(stored_bf16: Callable[..., Any]) -> None:
    workspace = stored_bf16()
    path = calibration_file(workspace.data_dir)
    path.write_text(path.read_text().replace('"bf16_flags": "', '"bf16_flags": "changed '))
    assert workspace.engine_calibration() is None
    assert workspace.embedder.engine == "fp32"


def test_forcing_fp32_overrides_the_stored_choice(stored_bf16: Callable[..., Any]) -> None:
    assert stored_bf16(engine="fp32").embedder.engine == "fp32"


def test_an_index_built_with_fp32_is_kept_by_the_faster_engine_without_reembedding(
    stored_bf16: Callable[..., Any], embedder: Any, tmp_path: Path
) -> None:
    from kenning.core.domain.documents import SyncFinished

    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("curl-http-cookies.md", "openssh-tunnels.txt"):
        shutil.copy2(paths.resources_dir() / "sample-docs" / name, folder / name)
    standard = stored_bf16(engine="fp32")
    standard.adopt_embedder(embedder)  # the session's fp32 model
    list(standard.indexer.sync([str(folder)]))
    fast = stored_bf16()
    assert fast.embedder.engine == "bf16"
    (folder / "curl-http-cookies.md").write_text("Cookies are sent back with every request.\n")
    events = list(fast.indexer.sync([str(folder)]))
    report = events[-1].report if isinstance(events[-1], SyncFinished) else None
    assert report is not None and report.errors == [] and report.unchanged == 1 and report.indexed == 1
    assert fast.embedder.loaded_engine == "bf16"
    assert fast.store.embed_model == standard.store.embed_model == "all-MiniLM-L6-v2"
    hits = fast.retriever.search("tunnel device forwarding", k=3).hits
    assert hits and hits[0].path.endswith("openssh-tunnels.txt")
