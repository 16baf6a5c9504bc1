"""Re-running `kenning index` on an unchanged 1,000-file folder.

Target (from the issue): under 3 s for the whole command.

How: cut the TXT, Markdown and HTML documents of ../shared/corpus/docs (text as kenning's loaders extract
it) into 1,000 small .md/.txt files of a paragraph or two each (about one chunk per file, so the first
index is quick), index the folder once with the CLI, then time the whole `kenning index` child process
(wall clock, spawn to exit) on the unchanged folder several times, checking that its JSON says 1,000
unchanged and 0 indexed. One more run under `python -X importtime` shows which heavy modules the
unchanged path imports. Python's own start-up and `kenning --version` are timed as reference points.

    .venv/bin/python tests/bench/bench_unchanged_reindex.py
    .venv/bin/python tests/bench/bench_unchanged_reindex.py --files 200 --repeat 3     # quicker
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import benchlib
from benchlib import DOCS, bench_env, heading, kenning_argv, kenning_index, median, run_command, scratch_dir

TARGET_S = 3.0
HEAVY_MODULES = (
    "torch",
    "sentence_transformers",
    "transformers",
    "lancedb",
    "pyarrow",
    "tokenizers",
    "pypdfium2",
)
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="files in the folder (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed re-runs (default 5)")
    parser.add_argument(
        "--work-dir", type=Path, help="keep the folder and index here and reuse them next time"
    )
    args = parser.parse_args(argv)

    work = scratch_dir(args.work_dir, "kenning-bench-reindex-")
    folder = work / "docs"
    data_dir = work / "data"
    env = bench_env(work / "config")
    print(benchlib.machine_line())

    existing = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
    if existing != args.files:
        written = build_folder(DOCS, folder, args.files)
        print(f"wrote {written} files ({_words(folder)} words) to {folder}")
    else:
        print(f"reusing {existing} files in {folder}")

    heading("first index (builds the index; not the target)")
    first, report = kenning_index(folder, data_dir, env)
    print(
        f"{report['indexed']} indexed, {report['unchanged']} unchanged, {report['chunks_added']} chunks, "
        f"{len(report['skipped'])} skipped, {len(report['errors'])} errors in {first.wall_s:.1f} s "
        f"(peak RSS {first.peak_rss_mb:.0f} MB)"
    )

    heading("reference points")
    python_start = [run_command([sys.executable, "-c", "pass"], env).wall_s for _ in range(3)]
    version = [run_command(kenning_argv("--version"), env).wall_s for _ in range(3)]
    print(f"python -c pass:    min {min(python_start):.3f} s")
    print(f"kenning --version: min {min(version):.3f} s")

    heading(f"unchanged re-index x{args.repeat} (the target's measure: whole command, wall clock)")
    walls: list[float] = []
    syncs: list[float] = []
    ok = True
    for i in range(args.repeat):
        run, again = kenning_index(folder, data_dir, env)
        walls.append(run.wall_s)
        syncs.append(float(again["seconds"]))
        good = again["unchanged"] == args.files and again["indexed"] == 0 and not again["errors"]
        ok = ok and good
        print(
            f"run {i + 1}: wall {run.wall_s:.3f} s, sync {again['seconds']:.3f} s, "
            f"peak RSS {run.peak_rss_mb:.0f} MB, unchanged {again['unchanged']}, indexed {again['indexed']}"
            f"{'' if good else '  <-- NOT ALL UNCHANGED'}"
        )
    print(
        f"wall min {min(walls):.3f} s, median {median(walls):.3f} s; "
        f"sync (report.seconds) median {median(syncs):.3f} s"
    )

    heading("imports of one unchanged re-index (python -X importtime)")
    traced = run_command(
        kenning_argv(
            "index", str(folder), "--data-dir", str(data_dir), "--json", python_flags=["-X", "importtime"]
        ),
        env,
    )
    imports = _parse_importtime(traced.stderr)
    for name in HEAVY_MODULES:
        print(f"  {name:22} {'IMPORTED' if name in imports else 'not imported'}")
    total_ms = sum(self_us for self_us, _ in imports.values()) / 1000
    print(
        f"  {len(imports)} top-level packages imported, {total_ms:.0f} ms of import time in all "
        "(importtime's own overhead included)"
    )
    top = sorted(imports.items(), key=lambda item: -item[1][1])[:8]
    print("  top-level imports by cumulative time:")
    for name, (_, cumulative_us) in top:
        print(f"    {cumulative_us / 1000:8.1f} ms  {name}")

    heading("one file touched (mtime changed, same bytes): the slow path, for comparison")
    victim = sorted(folder.rglob("*.md"))[0]
    victim.touch()
    touched, after = kenning_index(folder, data_dir, env)
    print(
        f"wall {touched.wall_s:.3f} s, sync {after['seconds']:.3f} s, unchanged {after['unchanged']}, "
        f"indexed {after['indexed']}, chunks embedded {after['chunks_embedded']}"
    )
    settled, _ = kenning_index(folder, data_dir, env)
    print(f"and the next unchanged run: wall {settled.wall_s:.3f} s")

    heading("result")
    verdict = "meets" if median(walls) < TARGET_S else "over"
    print(
        f"TARGET unchanged re-index of {args.files} files < {TARGET_S:.0f} s: "
        f"median {median(walls):.3f} s ({verdict}), min {min(walls):.3f} s; "
        f"JSON all unchanged and 0 indexed: {'yes' if ok else 'NO'}; "
        f"torch imported: {'yes' if 'torch' in imports else 'no'}; "
        f"sentence_transformers imported: {'yes' if 'sentence_transformers' in imports else 'no'}; "
        f"lancedb imported: {'yes' if 'lancedb' in imports else 'no'}"
    )
    return 0 if ok else 1


def build_folder(docs: Path, folder: Path, count: int, *, min_words: int = 40, max_words: int = 120) -> int:
    """Write `count` small files cut from the corpus's TXT, Markdown and HTML documents, in 10 subfolders."""
    from kenning.core.errors import FileProblem
    from kenning.core.ingest.loaders import load_document

    sources = sorted(
        (p for p in docs.rglob("*") if p.suffix.lower() in {".txt", ".md", ".html"}),
        key=lambda p: p.relative_to(docs).as_posix(),
    )
    pieces: list[str] = []
    for path in sources:
        try:
            text = load_document(str(path), path.read_bytes()).text
        except FileProblem:
            continue
        pieces.extend(_pieces(text, min_words, max_words))
    if len(pieces) < count:
        sys.exit(f"only {len(pieces)} pieces of text in {docs}; need {count}")
    # Take pieces spread over all sources rather than the first `count` (which would all be Debian texts).
    step = len(pieces) / count
    chosen = [pieces[int(i * step)] for i in range(count)]
    per_folder = max(1, count // 10)
    for i, piece in enumerate(chosen):
        target = folder / f"part-{i // per_folder:02d}" / f"note-{i:04d}{'.md' if i % 2 else '.txt'}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(piece + "\n", encoding="utf-8")
    return len(chosen)


def _pieces(text: str, min_words: int, max_words: int) -> list[str]:
    """Consecutive paragraphs joined until each piece has at least `min_words` (at most about `max_words`)."""
    out: list[str] = []
    current: list[str] = []
    words = 0
    for paragraph in re.split(r"\n\s*\n", text):
        n = len(paragraph.split())
        if n == 0:
            continue
        if n > max_words:  # a long paragraph: keep its first max_words words
            paragraph = " ".join(paragraph.split()[:max_words])
            n = max_words
        if words + n > max_words:  # what is pending is short and would overflow: drop it
            current, words = [], 0
        current.append(paragraph.strip())
        words += n
        if words >= min_words:
            out.append("\n\n".join(current))
            current, words = [], 0
    return out


def _words(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.rglob("*") if p.is_file())


def _parse_importtime(stderr: str) -> dict[str, tuple[int, int]]:
    """Top-level package name -> (self µs summed over its modules, cumulative µs of its outermost import)."""
    found: dict[str, tuple[int, int]] = {}
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        self_us, cumulative_us = int(match.group(1)), int(match.group(2))
        module = match.group(4)
        top = module.split(".")[0]
        old_self, old_cumulative = found.get(top, (0, 0))
        found[top] = (old_self + self_us, max(old_cumulative, cumulative_us))
    return found


if __name__ == "__main__":
    raise SystemExit(main())
