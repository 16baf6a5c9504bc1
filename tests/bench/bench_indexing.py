"""Indexing throughput against the embedding floor, and peak RSS while indexing.

Targets (from the issue):
- indexing ≥ 0.85 × the embedding floor, where the floor is the raw `model.encode` throughput on the very
  same chunk texts with the same batch size, measured in the same run;
- peak RSS while indexing ../shared/corpus/: under 1.5 GB.

How: run the real `kenning index DOCS --data-dir TMP --json` as a child process (wall clock and peak RSS
from wait4, an RSS timeline from /proc), then, in this process, read the texts it embedded (`search_text`
of the chunks table, one per distinct `text_hash`) and time kenning's Embedder (SentenceTransformer.encode,
same batch size and device as the settings) on them. The model's import and load is timed separately: it
is inside the command's time but not inside the floor, so the ratio is printed both ways. Because the two
measurements follow each other on a shared machine, a sample of the texts is also embedded before and
after the command: the difference says how far the machine's speed drifted in between.

    .venv/bin/python tests/bench/bench_indexing.py                 # the whole corpus (~25 minutes here)
    .venv/bin/python tests/bench/bench_indexing.py --limit 10      # 10 files spread over the corpus
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import benchlib
from benchlib import DOCS, bench_env, copy_files, count_files, heading, kenning_index, scratch_dir

if TYPE_CHECKING:
    from kenning.core.index.embedder import Embedder
    from kenning.core.workspace import Workspace

TARGET_RATIO = 0.85
TARGET_RSS_MB = 1500.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--docs", type=Path, default=DOCS, help="folder to index (default: the shared corpus)")
    add("--limit", type=int, help="copy N files, spread over the sorted list, to a temp folder")
    add("--work-dir", type=Path, help="keep the index and copies here (default: a temp dir)")
    add("--floor-repeats", type=int, default=1, help="time the full floor N times, keep the fastest")
    add(
        "--drift-sample",
        type=int,
        default=1000,
        help="time the floor on N sampled texts before and after the command, to show how much the "
        "machine's speed drifted between the two measurements (0: off)",
    )
    add(
        "--grouped-floor",
        action="store_true",
        help="also time the floor in the indexer's own calls (one encode call per commit)",
    )
    add(
        "--rss-every",
        type=float,
        default=1.0,
        help="poll the command's RSS every N s for a timeline (0: off)",
    )
    add("--no-floor", action="store_true", help="index and report RSS only; skip the floor")
    add(
        "--engine",
        default="fp32",
        choices=("fp32", "bf16", "fp16", "openvino", "openvino-f32"),
        help="embedding engine for both the command and the floor (default fp32, the standard one)",
    )
    add(
        "--floor-engine",
        choices=("fp32", "bf16", "fp16", "openvino", "openvino-f32"),
        help="another engine for the floor: `--engine openvino --floor-engine fp32` times indexing "
        "with the engine a calibration picks against the standard fp32 floor",
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
    (work / "config").mkdir(parents=True, exist_ok=True)
    (work / "config" / "settings.toml").write_text(f'[embedding]\nengine = "{args.engine}"\n')
    print(benchlib.machine_line())
    print(f"docs: {docs} ({count_files(docs)} files)   work dir: {work}")

    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    # A workspace of its own (never written): the bench's chunker and model, with the default settings
    # but the engine asked for (the command gets the same one through its settings file).
    settings = Settings()
    settings.embedding.engine = args.engine
    if args.engine.startswith("openvino"):
        # The app converts the model at calibration, before any index run: so does the bench.
        Workspace(data_dir=data_dir, settings=settings).embedder.load()
    settings.embedding.engine = args.floor_engine or args.engine
    workspace = Workspace(data_dir=work / "bench-workspace", settings=settings)
    print(f"embedding engine: {args.engine}; floor: {settings.embedding.engine}")
    embedder = workspace.embedder
    load_s = 0.0
    sample: list[str] = []
    sample_before = None
    parse_s = None
    if not args.no_floor:
        heading("before the command: load + chunk in this process, model load, floor on a sample")
        parse_s, chunked = _parse_cost(workspace, docs)
        print(f"load + chunk of every file (one thread): {parse_s:.1f} s for {len(chunked)} chunks")
        rss_before_model = _self_rss_mb()
        started = time.perf_counter()
        dimension = embedder.dimension  # imports torch + sentence-transformers and loads the model
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        embedder.embed(chunked[:8])
        print(
            f"model import+load {load_s:.2f} s (dimension {dimension}, RSS {rss_before_model:.0f} -> "
            f"{_self_rss_mb():.0f} MB); first encode of 8 texts {time.perf_counter() - started:.2f} s; "
            f"batch size {embedder.batch_size}"
        )
        if args.drift_sample > 0:
            unique = sorted(set(chunked))
            sample = random.Random(0).sample(unique, min(args.drift_sample, len(unique)))
            sample_before = _floor(embedder, sample, f"sample of {len(sample)} texts, before")

    heading("kenning index (child process)")
    run, report = kenning_index(docs, data_dir, env, sample_rss_s=args.rss_every or None)
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
    print(
        f"CPU cores the command used on average: {(run.user_s + run.sys_s) / run.wall_s:.2f}; "
        f"{benchlib.machine_line()}"
    )
    if run.rss_samples:
        rss_timeline(run.rss_samples, data_dir)
    rss_verdict = (
        f"TARGET peak RSS < {TARGET_RSS_MB:.0f} MB: {run.peak_rss_mb:.0f} MB on {_scope(args)} "
        f"({'meets' if run.peak_rss_mb < TARGET_RSS_MB else 'over'})"
    )
    if args.no_floor:
        print(rss_verdict)
        return 0

    heading("embedding floor (this process, kenning's Embedder = SentenceTransformer.encode)")
    texts, hashes_total = _embedded_texts(data_dir)
    if len(texts) != embedded:
        print(f"note: {len(texts)} distinct texts in the index vs {embedded} chunks_embedded in the report")
    floor_cps = max(
        _floor(embedder, texts, f"all {len(texts)} texts ({hashes_total} rows), one call")
        for _ in range(max(1, args.floor_repeats))
    )
    floor_s = len(texts) / floor_cps
    sample_after = _floor(embedder, sample, f"sample of {len(sample)} texts, after") if sample else None
    grouped_cps = None
    if args.grouped_floor:
        groups = _commit_groups(data_dir)
        started = time.perf_counter()
        for group in groups:
            embedder.embed(group)
        grouped_cps = sum(len(g) for g in groups) / (time.perf_counter() - started)
        print(f"floor in the indexer's calls ({len(groups)} commits): {grouped_cps:.2f} chunks/s")
    print(f"peak RSS of this process: {_self_rss_mb():.0f} MB")

    heading("results")
    model_load_s = float(report.get("model_load_seconds", 0.0))
    print(f"model load inside the command (report.model_load_seconds): {model_load_s:.1f} s")
    rows = [
        ("whole command (target's measure)", run.wall_s),
        ("whole command minus model import+load", run.wall_s - load_s),
        ("sync only (report.seconds)", float(report["seconds"])),
        ("embed_seconds (encoding only)", float(report["embed_seconds"])),
        ("embed_seconds + model_load_seconds", float(report["embed_seconds"]) + model_load_s),
    ]
    print(f"{'indexing throughput measured over':42} {'seconds':>8} {'chunks/s':>9} {'× floor':>8}")
    for label, seconds in rows:
        cps = embedded / seconds if seconds > 0 else float("nan")
        print(f"{label:42} {seconds:8.1f} {cps:9.2f} {cps / floor_cps:8.3f}")
    print(f"{'floor (encode only)':42} {floor_s:8.1f} {floor_cps:9.2f} {1.0:8.3f}")
    if grouped_cps is not None:
        print(f"{'floor in the indexer calls':42} {'':8} {grouped_cps:9.2f} {grouped_cps / floor_cps:8.3f}")
    if parse_s is not None:
        print(
            f"load + chunk took {parse_s:.1f} s in this process: where the model keeps every core busy "
            f"it adds to the embedding time, so the ratio cannot exceed about "
            f"{floor_s / (floor_s + parse_s):.3f}"
        )
    if sample_before and sample_after:
        drift = sample_after / sample_before - 1
        print(
            f"drift: the sample embedded at {sample_before:.2f} chunks/s before the command and "
            f"{sample_after:.2f} after ({drift:+.1%}); a large drift means the machine's load changed "
            "and the ratio is only as good as that"
        )
    ratio = embedded / run.wall_s / floor_cps
    print(
        f"\nTARGET indexing/floor ≥ {TARGET_RATIO}: whole command {ratio:.3f} "
        f"({'meets' if ratio >= TARGET_RATIO else 'below'}; the target compares the whole indexing time "
        f"with the floor); without the model's import+load {embedded / (run.wall_s - load_s) / floor_cps:.3f}"
    )
    print(rss_verdict)
    print(
        f"files {report['files_seen']}  chunks {embedded}  index {run.wall_s:.1f} s  "
        f"floor {floor_cps:.2f} chunks/s"
    )
    return 0


def _floor(embedder: Embedder, texts: list[str], label: str) -> float:
    """Chunks per second of one `embed` call over `texts` (printed with the CPU it used)."""
    cpu = _self_cpu_s()
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    print(
        f"floor, {label}: {seconds:.1f} s = {len(texts) / seconds:.2f} chunks/s; CPU cores used "
        f"{(_self_cpu_s() - cpu) / seconds:.2f}; {benchlib.machine_line()}",
        flush=True,
    )
    return len(texts) / seconds


def rss_timeline(samples: tuple[tuple[float, float], ...], data_dir: Path) -> None:
    """RSS over the run, and the commits during which the peak RSS grew the most.

    A file's `indexed_at` is taken when its commit starts (before its chunks are embedded), so the growth
    from one commit's start to the next one's is charged to the first: the files whose chunks were being
    embedded and written. The first commit also loads torch and the model.
    """
    import lancedb

    from kenning import paths

    start = samples[0][0]
    marks = sorted({0, *(len(samples) * q // 10 for q in range(1, 10)), len(samples) - 1})
    print(
        "RSS timeline: " + ", ".join(f"{samples[i][0] - start:.0f} s {samples[i][1]:.0f} MB" for i in marks)
    )
    files = lancedb.connect(str(paths.index_dir(data_dir))).open_table("files").to_arrow()
    commits: dict[float, list[tuple[str, int, int]]] = {}
    for path, at, chunks, pages in zip(
        files.column("path").to_pylist(),
        files.column("indexed_at").to_pylist(),
        files.column("chunks").to_pylist(),
        files.column("pages").to_pylist(),
        strict=True,
    ):
        commits.setdefault(at, []).append((path, chunks, pages))
    starts = sorted(commits)
    ends = [*starts[1:], samples[-1][0] + 1]
    rows = []
    for at, until in zip(starts, ends, strict=True):
        before = max((mb for t, mb in samples if t <= at), default=0.0)
        after = max((mb for t, mb in samples if t <= until), default=0.0)
        rows.append((after - before, at, until, after))
    print(f"{len(commits)} commits; the 5 during which the peak RSS grew most (growth, peak after, files):")
    for growth, at, until, peak in sorted(rows, reverse=True)[:5]:
        names = sorted(commits[at], key=lambda f: -f[1])
        listed = ", ".join(
            f"{Path(p).name} ({c} chunks{f', {n} pages' if n else ''})" for p, c, n in names[:3]
        )
        more = f" +{len(names) - 3} more" if len(names) > 3 else ""
        first = " [first commit: torch + model load]" if at == starts[0] else ""
        print(
            f"  {at - start:5.0f}-{min(until, samples[-1][0]) - start:4.0f} s: "
            f"+{growth:4.0f} MB to {peak:5.0f} MB  {listed}{more}{first}"
        )


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


def _scope(args: argparse.Namespace) -> str:
    return (
        "the whole corpus" if args.limit is None and args.docs == DOCS else "this subset (not the target's)"
    )


def _parse_cost(workspace: Workspace, docs: Path) -> tuple[float, list[str]]:
    """Seconds to read, parse and chunk every file under `docs` with kenning's loaders and chunker,
    and the texts the indexer would embed (`search_text` of every chunk)."""
    from kenning.core.errors import FileProblem
    from kenning.core.ingest.loaders import load_document

    chunker = workspace.chunker
    texts: list[str] = []
    started = time.perf_counter()
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        try:
            texts += [c.search_text for c in chunker.chunk(load_document(str(path), path.read_bytes()))]
        except FileProblem:
            continue
    return time.perf_counter() - started, texts


def _commit_groups(data_dir: Path) -> list[list[str]]:
    """The distinct texts of each commit of the run (files share `indexed_at` per commit), commit order."""
    import lancedb

    from kenning import paths

    db = lancedb.connect(str(paths.index_dir(data_dir)))
    commit_of = {
        row["path"]: row["indexed_at"]
        for row in db.open_table("files").to_arrow().select(["path", "indexed_at"]).to_pylist()
    }
    chunks = db.open_table("chunks").to_arrow().select(["path", "ordinal", "search_text", "text_hash"])
    groups: dict[float, list[str]] = {}
    seen: set[str] = set()
    for row in sorted(chunks.to_pylist(), key=lambda r: (r["path"], r["ordinal"])):
        if row["text_hash"] not in seen and row["path"] in commit_of:
            seen.add(row["text_hash"])
            groups.setdefault(commit_of[row["path"]], []).append(row["search_text"])
    return [groups[at] for at in sorted(groups)]


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _self_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
