"""Cost curves: search latency, disk, memory and maintenance times at 10k, 100k and 1M passages.

For each size: search p50/p95 through the app's own Retriever (hybrid: query embedding + vector +
full text, fused; the query embedded by the engine a calibration picks here, or --engine), run
in a separate child process whose RSS is the searching process's; the index's size on disk per
1,000 passages; optimize() time; the vector side's recall@10 against an exact scan
once the vector index exists. On the big indices (>= 100k) also: adding 1,000 passages (the store
writes as the indexer batches them, vectors ready; the embedding cost of 1,000 passages is measured
once separately), deleting a folder of 10,000 passages (Indexer.forget), and optimize() after each.

Data: a seed index of real corpus files (indexed here by `kenning index`, or copied with --data-dir),
grown with copies of its real passages (real text; vectors = real vector + small noise, re-normalised;
see scale_rows.py). At and above --synthetic-from (default 1,000,000) the passages are synthetic:
short text of random seed words, vectors as above, which keeps the 1M build affordable.

    .venv/bin/python tests/bench/bench_scale.py                                  # 10k, 100k, 1M
    .venv/bin/python tests/bench/bench_scale.py --sizes 3000,25000 --queries 10  # quick
    .venv/bin/python tests/bench/bench_scale.py --data-dir /path/to/kenning-data  # seed from an index
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import benchlib
import numpy as np
from benchlib import DOCS, bench_env, copy_files, heading, kenning_index, percentile, questions, scratch_dir
from scale_rows import Grower, Pool, real_pool, synthetic_pool

TARGETS_MS = {100_000: 50.0, 1_000_000: 150.0}
STAGES = ("embed", "vector", "text", "fuse", "total")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--sizes", default="10000,100000,1000000", help="passage counts, comma-separated")
    add("--synthetic-from", type=int, default=1_000_000, help="sizes from here on use synthetic text")
    add("--data-dir", type=Path, help="seed from this kenning data dir (read only, never modified)")
    add("--seed-files", type=int, default=12, help="corpus files indexed as the seed (default 12)")
    add("--queries", type=int, default=40, help="questions per size (default 40)")
    add("--recall-queries", type=int, default=20, help="questions for recall@10 (exact scans are slow)")
    add("--noise", type=float, default=0.015, help="per-dimension noise on copied vectors")
    add("--words", type=int, default=40, help="words per synthetic passage")
    add("--embed-sample", type=int, default=200, help="passages embedded to price 1,000 (default 200)")
    add("--work-dir", type=Path, help="keep the indices here (default: a temp dir)")
    add("--engine", default="auto", help="embedding engine (default auto: what a calibration here picks)")
    add("--remeasure", type=Path, help="optimize and search again an index this bench built (a data dir)")
    add("--search-worker", type=Path, help=argparse.SUPPRESS)  # child mode: search this data dir
    args = parser.parse_args(argv)
    if args.remeasure is not None:
        args.models_from = args.remeasure
        args.engine = engine_here(args.engine, args.models_from)
        return remeasure(args)
    if args.search_worker is not None:
        result = search_worker(args.search_worker, args.queries, args.recall_queries, args.engine)
        print(json.dumps(result))
        return 0

    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = scratch_dir(args.work_dir, "kenning-bench-scale-")
    print(benchlib.machine_line())
    args.models_from = work / "embed"
    args.engine = engine_here(args.engine, args.models_from)
    from kenning import paths
    from kenning.core.index.store import Store
    from kenning.core.workspace import Workspace

    seed_dir = args.data_dir.resolve() if args.data_dir else seed_index(args, work)
    seed = Store(paths.index_dir(seed_dir), read_only=True)
    pool = real_pool(seed.chunks_table)
    args.model_id = seed.embed_model
    print(f"seed pool: {pool.size:,} real passages with their vectors ({args.model_id}) from {seed_dir}")
    embed_s = embed_cost(
        Workspace(data_dir=work / "embed", settings=settings_with(args.engine)).embedder,
        pool,
        args.embed_sample,
    )

    rows: list[dict[str, Any]] = []
    real = [s for s in sizes if s < args.synthetic_from]
    synthetic = [s for s in sizes if s >= args.synthetic_from]
    if real:
        rows += curve(work / "real", pool, real, args, "real text")
    if synthetic:
        rng = np.random.default_rng(7)
        fake = synthetic_pool(pool, 200_000, args.words, rng)
        rows += curve(work / "synthetic", fake, synthetic, args, f"synthetic {args.words}-word text")
    report(rows, embed_s)
    return 0


def engine_here(engine: str, data_dir: Path) -> str:
    """`auto`: the engine a calibration in `data_dir` picks on this machine, as the app's first start
    does (an engine's converted model stays there, copied to each index searched)."""
    if engine != "auto":
        return engine
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    calibration = Workspace(data_dir=data_dir, settings=Settings()).calibrate_engine(passages=128)
    print(f"embedding engine: {calibration.summary()}")
    return calibration.chosen


def settings_with(engine: str) -> Any:
    import dataclasses

    from kenning.core.settings import Settings

    settings = Settings()
    return dataclasses.replace(settings, embedding=dataclasses.replace(settings.embedding, engine=engine))


def seed_index(args: argparse.Namespace, work: Path) -> Path:
    from kenning import paths

    heading("seed index (real passages, real vectors)")
    data_dir = work / "seed"
    if (paths.index_dir(data_dir) / "chunks.lance").is_dir():
        print(f"reusing {data_dir}")
    else:
        docs = work / "seed-docs"
        copy_files(DOCS, docs, args.seed_files)
        run, result = kenning_index(docs, data_dir, bench_env(work / "config"))
        print(
            f"kenning index: {result['indexed']} files, {result['chunks_added']} chunks, {run.wall_s:.1f} s"
        )
    return data_dir


def embed_cost(embedder: Any, pool: Pool, sample: int) -> float:
    """Seconds to embed 1,000 real passages (what adding them costs before any write), from `sample`."""
    texts = (pool.search_text * (sample // max(1, pool.size) + 1))[:sample]
    embedder.embed(texts[:8])  # load the model first
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = (time.perf_counter() - started) * 1000 / sample
    print(f"embedding real passages: {seconds:.1f} s per 1,000 (from {sample}; engine {embedder.engine})")
    return seconds


def curve(
    work: Path, pool: Pool, sizes: list[int], args: argparse.Namespace, kind: str
) -> list[dict[str, Any]]:
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    if work.exists():
        shutil.rmtree(work)
    workspace = Workspace(data_dir=work, settings=Settings())
    store = workspace.store
    grower = Grower(store, pool, model_id=args.model_id, noise=args.noise)
    out = []
    for size in sizes:
        heading(f"{size:,} passages ({kind})")
        added, build_s = grower.grow_to(size)
        print(f"appended {added:,} rows in {build_s:.1f} s")
        row: dict[str, Any] = {"size": size, "kind": kind, "build_s": build_s}
        row["optimize_s"] = timed(store.optimize)
        print(f"optimize(): {row['optimize_s']:.1f} s; indices: {indices(store)}")
        measure_search(row, store, work, args)
        if size >= 100_000:
            row["add_1000_s"] = grower.add_files(1000)
            row["optimize_after_add_s"] = timed(store.optimize)
            folder = grower.folder(0)
            row["delete_10000_s"] = timed(lambda f=folder: workspace.indexer.forget([f]))
            row["deleted"] = size - store.count_chunks() + 1000
            row["optimize_after_delete_s"] = timed(store.optimize)
            print(
                f"add 1,000 passages (vectors ready): {row['add_1000_s']:.2f} s, then optimize() "
                f"{row['optimize_after_add_s']:.1f} s; delete a folder of {row['deleted']:,} passages: "
                f"{row['delete_10000_s']:.2f} s, then optimize() {row['optimize_after_delete_s']:.1f} s"
            )
            grower.grow_to(size)  # back to the size for the next step's growth
        out.append(row)
    return out


def measure_search(row: dict[str, Any], store: Any, data_dir: Path, args: argparse.Namespace) -> None:
    row["disk_mb"] = dir_mb(store.index_dir)
    row["current_mb"] = current_mb(store)
    row.update(search_child(data_dir, args))
    print(
        f"search p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, CPU p50 {row.get('cpu_p50', 0):.1f} ms "
        f"(embed {row['stage_p50']['embed']:.1f}, vector {row['stage_p50']['vector']:.1f}, "
        f"text {row['stage_p50']['text']:.1f}); exact vector scan p50 {row['exact_p50']:.1f} ms; "
        f"recall@10 {row['recall10']:.3f}; searching process RSS {row['rss_mb']:.0f} MB "
        f"(peak {row['peak_rss_mb']:.0f}); disk {row['disk_mb']:.0f} MB "
        f"({row['current_mb']:.0f} MB current version)"
    )
    for nprobes, (recall, ms) in row["sweep"].items():
        print(f"  vector side alone, nprobes {nprobes:>3}: recall@10 {recall:.3f}, p50 {ms:.1f} ms")


def remeasure(args: argparse.Namespace) -> int:
    """optimize() an index this bench built (trains the vector index again when it is due), then
    measure its searches again: a change of index parameters without building a million rows again."""
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    store = Workspace(data_dir=args.remeasure, settings=Settings()).store
    size = store.count_chunks()
    heading(f"{size:,} passages in {args.remeasure}: optimize() and search again")
    row: dict[str, Any] = {"size": size, "kind": "remeasured"}
    row["optimize_s"] = timed(store.optimize)
    print(f"optimize(): {row['optimize_s']:.1f} s; indices: {indices(store)}")
    measure_search(row, store, args.remeasure, args)
    report([row], float("nan"))
    return 0


def search_child(data_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Search in a fresh process (its RSS is the searching process's), as the app opens an index."""
    from kenning import paths

    # The app's data dir keeps the engine's converted model from its calibration: so does this one.
    models = paths.models_dir(args.models_from)
    if models.is_dir() and models.resolve() != paths.models_dir(data_dir).resolve():
        shutil.copytree(models, paths.models_dir(data_dir), dirs_exist_ok=True)
    argv = [sys.executable, __file__, "--search-worker", str(data_dir), "--queries", str(args.queries)]
    argv += ["--recall-queries", str(args.recall_queries), "--engine", args.engine]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=bench_env(data_dir / "config"), check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"search worker failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def search_worker(data_dir: Path, count: int, recall_queries: int, engine: str) -> dict[str, Any]:
    from kenning.core.index.vector_indices import vector_query
    from kenning.core.workspace import Workspace

    workspace = Workspace(data_dir=data_dir, settings=settings_with(engine))
    retriever = workspace.retriever
    asked = questions(count)
    retriever.search("warm up the embedding model", k=10)
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    cpu_ms = []
    for query in asked:
        cpu = time.process_time()
        result = retriever.search(query, k=10)
        cpu_ms.append((time.process_time() - cpu) * 1000)  # all threads: less bent by other processes
        for stage in STAGES:
            timings[stage].append(float(result.timings_ms.get(stage, 0.0)))
    table = workspace.store.chunks_table
    # Exact top-10 by a full scan for a sample of the questions (a scan of 1M rows is slow).
    sample = [workspace.embedder.embed_query(q) for q in asked[:recall_queries]]
    truth, exact_ms = [], []
    for vector in sample:
        started = time.perf_counter()
        exact = vector_query(table, vector).bypass_vector_index().limit(10).select(["id"]).to_list()
        exact_ms.append((time.perf_counter() - started) * 1000)
        truth.append({r["id"] for r in exact})
    shares = [
        len({r["id"] for r in vector_query(table, v).limit(10).select(["id"]).to_list()} & t) / max(1, len(t))
        for v, t in zip(sample, truth, strict=True)
    ]
    sweep = nprobes_sweep(table, sample, truth) if has_vector_index(table) else {}
    status = {k: int(v.split()[0]) / 1024 for k, v in _proc_status().items() if k in ("VmRSS", "VmHWM")}
    return {
        "p50": percentile(timings["total"], 50),
        "p95": percentile(timings["total"], 95),
        "cpu_p50": percentile(cpu_ms, 50),
        "stage_p50": {stage: percentile(values, 50) for stage, values in timings.items()},
        "exact_p50": percentile(exact_ms, 50),
        "recall10": sum(shares) / len(shares),
        "rss_mb": status["VmRSS"],
        "peak_rss_mb": status["VmHWM"],
        "queries": len(asked),
        "sweep": sweep,
    }


def has_vector_index(table: Any) -> bool:
    return any("vector" in i.columns for i in table.list_indices())


def nprobes_sweep(table: Any, vectors: list[Any], truth: list[set[str]]) -> dict[str, tuple[float, float]]:
    """Vector side alone at several nprobes: (recall@10 against an exact scan, p50 ms)."""
    out = {}
    for nprobes in (5, 10, 20, 40, 80):
        shares, times = [], []
        for vector, exact in zip(vectors, truth, strict=True):
            started = time.perf_counter()
            rows = (
                table.search(vector)
                .distance_type("cosine")
                .nprobes(nprobes)
                .limit(50)
                .select(["id"])
                .to_list()
            )
            times.append((time.perf_counter() - started) * 1000)
            shares.append(len({r["id"] for r in rows[:10]} & exact) / max(1, len(exact)))
        out[str(nprobes)] = (sum(shares) / len(shares), percentile(times, 50))
    return out


def report(rows: list[dict[str, Any]], embed_s: float) -> None:
    heading("result (search includes the query embedding; hybrid, k=10, as the app searches)")
    print(
        f"{'passages':>10} {'text':>10} {'p50 ms':>7} {'p95 ms':>7} {'exact vec':>9} {'recall@10':>9} "
        f"{'MB/1k':>6} {'RSS MB':>7} {'optimize s':>10} {'add 1k s':>8} {'del 10k s':>9}"
    )
    for r in rows:
        print(
            f"{r['size']:>10,} {r['kind'].split()[0]:>10} {r['p50']:7.1f} {r['p95']:7.1f} "
            f"{r['exact_p50']:9.1f} "
            f"{r['recall10']:9.3f} {r['current_mb'] / r['size'] * 1000:6.2f} {r['rss_mb']:7.0f} "
            f"{r['optimize_s']:10.1f} {_opt(r, 'add_1000_s'):>8} {_opt(r, 'delete_10000_s'):>9}"
        )
    print(f"embedding 1,000 passages before they are added: {embed_s:.1f} s (any index size)")
    for size, target in TARGETS_MS.items():
        for r in rows:
            if r["size"] == size:
                verdict = "meets" if r["p50"] < target else "over"
                print(f"TARGET search p50 < {target:.0f} ms at {size:,}: {r['p50']:.1f} ms ({verdict})")
    for r in rows:
        if "vector_idx" in r.get("indices", "") or r["size"] >= 20_000:
            verdict = "meets" if r["recall10"] >= 0.98 else "under"
            print(f"TARGET recall@10 >= 0.98 at {r['size']:,}: {r['recall10']:.3f} ({verdict})")


def _opt(row: dict[str, Any], key: str) -> str:
    return f"{row[key]:.2f}" if key in row else "-"


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def dir_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def current_mb(store: Any) -> float:
    """Bytes of the current versions of the tables (old versions are kept 10 minutes for readers)."""
    return sum(int(store.table(n).stats()["total_bytes"]) for n in ("chunks", "files", "flags")) / 1e6


def indices(store: Any) -> str:
    return ", ".join(f"{i.name}({i.index_type})" for i in store.chunks_table.list_indices()) or "none"


def _proc_status() -> dict[str, str]:
    pairs = (line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {k: v.strip() for k, v in pairs}


if __name__ == "__main__":
    raise SystemExit(main())
