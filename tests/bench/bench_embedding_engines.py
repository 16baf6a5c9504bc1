"""Embedding engines against standard fp32 on 1,000 real passages: speed, vector and ranking agreement.

Passages come from ../shared/corpus/docs through kenning's own loaders and chunker (the files the
corpus questions cite first, then others spread over the corpus), 1,000 spread over what they give.
Each engine this machine offers (`candidate_engines`, OpenVINO only when installed) embeds them in
blocks, alternating with fp32 block by block so a machine that slows down mid-run hurts both alike.
Printed per engine: chunks/s and the ratio to fp32, cosine to fp32 (mean, min), and for the corpus
questions retrieving over the 1,000 passages: top-10 overlap with fp32's top 10, same top-1 share.
Then one query at a time as the app embeds it (`Embedder.embed_query`: torch on one thread, OpenVINO
on its one-thread compiled model): p50 and p90 of `--queries` corpus questions per engine.

    .venv/bin/python tests/bench/bench_embedding_engines.py
    .venv/bin/python tests/bench/bench_embedding_engines.py --passages 300 --engines fp32,bf16
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import benchlib
import numpy as np
from benchlib import DOCS, QUESTIONS, heading


def corpus_passages(count: int, chunker: object) -> list[str]:
    from kenning.core.errors import FileProblem
    from kenning.core.ingest.loaders import load_document

    cited = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cited += json.loads(line).get("sources", [])
    files = sorted(p for p in DOCS.rglob("*") if p.is_file())
    by_rel = {p.relative_to(DOCS).as_posix(): p for p in files}
    ordered = [by_rel[s] for s in dict.fromkeys(cited) if s in by_rel]
    ordered += [p for p in files[:: max(1, len(files) // 40)] if p not in ordered]
    texts: list[str] = []
    for path in ordered:
        try:
            texts += [c.search_text for c in chunker.chunk(load_document(str(path), path.read_bytes()))]  # type: ignore[attr-defined]
        except FileProblem:
            continue
        if len(texts) >= count * 3:
            break
    step = len(texts) / count
    return [texts[int(i * step)] for i in range(count)] if len(texts) > count else texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=4, help="alternation blocks per engine")
    parser.add_argument("--batch-size", type=int, default=0, help="default: the settings' batch size")
    parser.add_argument("--engines", default="", help="comma list (default: what this machine offers)")
    parser.add_argument("--queries", type=int, default=50, help="single queries timed per engine")
    args = parser.parse_args(argv)
    if not DOCS.is_dir():
        sys.exit(f"no corpus at {DOCS}")

    from kenning.core.index.calibration_run import real_candidates
    from kenning.core.index.embedding_calibration import agreement
    from kenning.core.index.embedding_engines import cpu_info
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    settings = Settings()
    workspace = Workspace(data_dir=Path("/nonexistent"), settings=settings)
    batch = args.batch_size or settings.embedding.batch_size
    heading("setup")
    print(benchlib.machine_line())
    cpu = cpu_info()
    print(f"cpu: {cpu.model}; bf16 flags: {sorted(cpu.flags & {'amx_bf16', 'avx512_bf16'}) or 'none'}")
    passages = corpus_passages(args.passages, workspace.chunker)
    questions = benchlib.questions()
    print(f"{len(passages)} passages, {len(questions)} questions, batch size {batch}")

    engines = [e for e in args.engines.split(",") if e] or None
    cache = Path(tempfile.mkdtemp(prefix="kenning-bench-models-"))  # OpenVINO engines share one conversion
    device = settings.embedding.device
    candidates = real_candidates(workspace.model_location, device, batch, engines, cache_dir=cache)
    for candidate in candidates:  # load and warm every model before any timing
        candidate.encode(passages[:8])
    seconds = {c.engine: 0.0 for c in candidates}
    vectors: dict[str, list[np.ndarray]] = {c.engine: [] for c in candidates}
    size = -(-len(passages) // args.blocks)
    for block in range(args.blocks):
        part = passages[block * size : (block + 1) * size]
        order = candidates if block % 2 == 0 else list(reversed(candidates))
        for candidate in order:
            started = time.perf_counter()
            vectors[candidate.engine].append(candidate.encode(part))
            seconds[candidate.engine] += time.perf_counter() - started
        print(f"block {block + 1}/{args.blocks} done", flush=True)

    heading("results")
    reference = (np.concatenate(vectors["fp32"]), candidates[0].encode(questions))
    fp32_speed = len(passages) / seconds["fp32"]
    columns = ("chunks/s", "vs fp32", "cos mean", "cos min", "top-10", "top-1")
    print(f"{'engine':<13} " + " ".join(f"{c:>9}" for c in columns))
    for candidate in candidates:
        mine = (np.concatenate(vectors[candidate.engine]), candidate.encode(questions))
        cos_mean, cos_min, overlap, top1 = agreement(reference, mine)
        speed = len(passages) / seconds[candidate.engine]
        print(
            f"{candidate.engine:<13} {speed:>9.1f} {speed / fp32_speed:>8.2f}× {cos_mean:>9.6f} "
            f"{cos_min:>9.6f} {overlap:>9.3f} {top1:>9.3f}"
        )
    asked = [questions[i % len(questions)] for i in range(args.queries)]
    query_latency([c.engine for c in candidates], workspace, asked, cache)
    shutil.rmtree(cache, ignore_errors=True)
    return 0


def query_latency(engines: list[str], workspace: object, questions: list[str], cache: Path) -> None:
    from kenning.core.index.embedder import Embedder

    heading(f"one query at a time ({len(questions)} questions)")
    print(f"{'engine':<13} {'p50 ms':>8} {'p90 ms':>8}")
    for engine in engines:
        embedder = Embedder(workspace.model_location, device="cpu", engine=engine, cache_dir=cache)  # type: ignore[attr-defined]
        embedder.embed_query("warm up")
        times = []
        for question in questions:
            started = time.perf_counter()
            embedder.embed_query(question)
            times.append(1000 * (time.perf_counter() - started))
        deciles = statistics.quantiles(times, n=10)
        print(f"{engine:<13} {statistics.median(times):>8.1f} {deciles[8]:>8.1f}")


if __name__ == "__main__":
    sys.exit(main())
