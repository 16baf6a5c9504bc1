"""Indexing throughput against the embedding floor, and peak RSS while indexing.

Targets (from the issue):
- indexing ≥ 0.85 × the embedding floor, where the floor is the raw `model.encode` throughput on the very
  same chunk texts with the same batch size, measured in the same run;
- peak RSS while indexing ../shared/corpus/: under 1.5 GB.

How: run the real `kenning index DOCS --data-dir TMP --json` as a child process (wall clock and peak RSS
from wait4), then, in this process, read the texts it embedded (`search_text` of the chunks table, one per
distinct `text_hash`) and time kenning's Embedder (SentenceTransformer.encode, same batch size and device
as the settings) on them. The model's import and load is timed separately: it is inside the command's time
but not inside the floor, so the ratio is printed both ways.

    .venv/bin/python tests/bench/bench_indexing.py                 # the whole corpus (~10+ minutes here)
    .venv/bin/python tests/bench/bench_indexing.py --limit 15      # 15 files spread over the corpus
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import benchlib
from benchlib import DOCS, bench_env, copy_files, count_files, heading, kenning_index, scratch_dir

TARGET_RATIO = 0.85
TARGET_RSS_MB = 1500.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help="folder to index (default: the shared corpus)"
    )
    parser.add_argument(
        "--limit", type=int, help="copy N files, spread over the sorted list, to a temp folder"
    )
    parser.add_argument("--work-dir", type=Path, help="keep the index and copies here (default: a temp dir)")
    parser.add_argument(
        "--grouped-floor",
        action="store_true",
        help="also time the floor in groups of the indexer's commit size (256 chunks), as the indexer does",
    )
    parser.add_argument(
        "--floor-repeats",
        type=int,
        default=1,
        help="time the floor this many times and keep the fastest (the machine is shared: noisy)",
    )
    args = parser.parse_args(argv)

    if not args.docs.is_dir():
        sys.exit(f"no folder at {args.docs}")
    work = scratch_dir(args.work_dir, "kenning-bench-index-")
    data_dir = work / "data"
    if data_dir.exists() and any(data_dir.iterdir()):
        sys.exit(f"{data_dir} is not empty: give a fresh --work-dir")
    if args.limit is not None:
        docs = work / "docs"
        copy_files(args.docs, docs, args.limit)
    else:
        docs = args.docs
    env = bench_env(work / "config")

    print(benchlib.machine_line())
    print(f"docs: {docs} ({count_files(docs)} files)   work dir: {work}")

    heading("kenning index (child process)")
    run, report = kenning_index(docs, data_dir, env)
    embedded = int(report["chunks_embedded"])
    print(
        f"files: {report['files_seen']} seen, {report['indexed']} indexed, {len(report['skipped'])} skipped, "
        f"{len(report['errors'])} errors"
    )
    print(
        f"chunks: {report['chunks_added']} added, {embedded} embedded, {report['chunks_reused']} reused "
        "(identical texts embedded once)"
    )
    print(
        f"command wall {run.wall_s:.1f} s; sync (report.seconds) {report['seconds']:.1f} s; "
        f"embed_seconds {report['embed_seconds']:.1f} s; cpu user {run.user_s:.1f} s sys {run.sys_s:.1f} s"
    )
    print(f"peak RSS of the command: {run.peak_rss_mb:.0f} MB")

    heading("embedding floor (this process, kenning's Embedder = SentenceTransformer.encode)")
    texts, hashes_total = _embedded_texts(data_dir)
    if len(texts) != embedded:
        print(f"note: {len(texts)} distinct texts in the index vs {embedded} chunks_embedded in the report")
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    workspace = Workspace(data_dir=data_dir, settings=Settings())
    embedder = workspace.embedder
    rss_before_model = _self_rss_mb()
    started = time.perf_counter()
    dimension = embedder.dimension  # imports torch + sentence-transformers and loads the model
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    embedder.embed(texts[:8])
    first_encode_s = time.perf_counter() - started
    print(
        f"model import+load {load_s:.2f} s (dimension {dimension}); "
        f"first encode of 8 texts {first_encode_s:.2f} s; batch size {embedder.batch_size}"
    )
    floor_runs = []
    for _ in range(max(1, args.floor_repeats)):
        started = time.perf_counter()
        embedder.embed(texts)
        floor_runs.append(time.perf_counter() - started)
        print(
            f"floor: {len(texts)} texts ({hashes_total} rows) in one encode call: {floor_runs[-1]:.1f} s = "
            f"{len(texts) / floor_runs[-1]:.2f} chunks/s",
            flush=True,
        )
    floor_s = min(floor_runs)
    floor_cps = len(texts) / floor_s
    grouped_cps = None
    if args.grouped_floor:
        started = time.perf_counter()
        for i in range(0, len(texts), 256):
            embedder.embed(texts[i : i + 256])
        grouped_s = time.perf_counter() - started
        grouped_cps = len(texts) / grouped_s
        print(f"floor in groups of 256 (path order): {grouped_s:.1f} s = {grouped_cps:.2f} chunks/s")
    print(f"peak RSS of this process: {_self_rss_mb():.0f} MB (before the model: {rss_before_model:.0f} MB)")

    heading("results")
    rows = [
        ("whole command (target's measure)", run.wall_s),
        ("whole command minus model import+load", run.wall_s - load_s),
        ("sync only (report.seconds)", float(report["seconds"])),
        ("embed_seconds (includes model load)", float(report["embed_seconds"])),
        ("embed_seconds minus model import+load", float(report["embed_seconds"]) - load_s),
    ]
    print(f"{'indexing throughput measured over':42} {'seconds':>8} {'chunks/s':>9} {'× floor':>8}")
    for label, seconds in rows:
        cps = embedded / seconds if seconds > 0 else float("nan")
        print(f"{label:42} {seconds:8.1f} {cps:9.2f} {cps / floor_cps:8.3f}")
    print(f"{'floor (encode only)':42} {floor_s:8.1f} {floor_cps:9.2f} {1.0:8.3f}")
    if grouped_cps is not None:
        print(f"{'floor in 256-chunk groups':42} {'':8} {grouped_cps:9.2f} {grouped_cps / floor_cps:8.3f}")
    ratio = embedded / run.wall_s / floor_cps
    print(
        f"\nTARGET indexing/floor ≥ {TARGET_RATIO}: whole command {ratio:.3f} "
        f"({'meets' if ratio >= TARGET_RATIO else 'below'}; the target compares the whole indexing time "
        "with the floor); without model load "
        f"{embedded / (run.wall_s - load_s) / floor_cps:.3f}"
    )
    scope = (
        "the whole corpus" if args.limit is None and args.docs == DOCS else "this subset (not the target's)"
    )
    print(
        f"TARGET peak RSS < {TARGET_RSS_MB:.0f} MB: {run.peak_rss_mb:.0f} MB on {scope} "
        f"({'meets' if run.peak_rss_mb < TARGET_RSS_MB else 'over'})"
    )
    print(
        f"files {report['files_seen']}  chunks {embedded}  index {run.wall_s:.1f} s  "
        f"floor {floor_cps:.2f} chunks/s"
    )
    return 0


def _embedded_texts(data_dir: Path) -> tuple[list[str], int]:
    """The texts the command embedded: one `search_text` per distinct text hash, in index order."""
    import lancedb

    from kenning import paths

    db = lancedb.connect(str(paths.index_dir(data_dir)))
    table = db.open_table("chunks").to_arrow().select(["path", "ordinal", "search_text", "text_hash"])
    table = table.sort_by([("path", "ascending"), ("ordinal", "ascending")])
    seen: set[str] = set()
    texts: list[str] = []
    for text, key in zip(
        table.column("search_text").to_pylist(), table.column("text_hash").to_pylist(), strict=True
    ):
        if key not in seen:
            seen.add(key)
            texts.append(text)
    return texts, table.num_rows


def _self_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
