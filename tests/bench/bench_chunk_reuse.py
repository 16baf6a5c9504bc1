"""Editing one paragraph of a 100-page PDF re-embeds a handful of chunks, not hundreds.

How: write a 100-page PDF (tests/helpers/simple_pdf.py: Helvetica, ~90-character lines, 45 lines a
page) from real corpus prose (the TXT files of ../shared/corpus/docs, sedfaq.txt first), check that
kenning's PDF loader reads it back page by page, index it with the real `kenning index` command, then
rewrite it with a few words of one paragraph on page 50 replaced (lines stay where they were) and index
again. Prints the file's chunks, how many the edit re-embedded (report.chunks_embedded) and reused, the
pages of the re-embedded chunks, and the time of both runs.

With --reflow it also inserts a sentence into that paragraph and lets the rest of the document flow
on (every later page changes), the worst case for an edit made in a word processor.

    .venv/bin/python tests/bench/bench_chunk_reuse.py
    .venv/bin/python tests/bench/bench_chunk_reuse.py --pages 20 --edit-page 10     # quicker
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import benchlib
from benchlib import DOCS, bench_env, heading, kenning_index, scratch_dir

from helpers.simple_pdf import paginate, wrap, write_pdf

LINES_PER_PAGE = 45
WIDTH = 90
REPLACEMENTS = ("kenning", "benchmark", "edited", "paragraph")
INSERTED = "This sentence was added by the benchmark to push every following line down the document."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="pages in the PDF (default 100)")
    parser.add_argument(
        "--edit-page", type=int, help="page whose paragraph is edited (default: the middle one)"
    )
    parser.add_argument("--reflow", action="store_true", help="also measure an edit that reflows later pages")
    parser.add_argument("--work-dir", type=Path, help="keep the PDF and index here (default: a temp dir)")
    args = parser.parse_args(argv)
    edit_page = args.edit_page or max(1, args.pages // 2)
    if not 1 <= edit_page <= args.pages:
        sys.exit("--edit-page must be within the document")

    work = scratch_dir(args.work_dir, "kenning-bench-reuse-")
    folder = work / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = work / "data"
    if data_dir.exists() and any(data_dir.iterdir()):
        sys.exit(f"{data_dir} is not empty: give a fresh --work-dir")
    env = bench_env(work / "config")
    pdf = folder / "manual.pdf"
    print(benchlib.machine_line())

    lines = corpus_lines(DOCS, args.pages * LINES_PER_PAGE)
    pages = paginate(lines, LINES_PER_PAGE)[: args.pages]
    write_pdf(pdf, pages, title="Benchmark manual")
    print(
        f"wrote {pdf}: {len(pages)} pages, {sum(len(p) for p in pages)} lines, {pdf.stat().st_size:,} bytes"
    )
    check_loader(pdf, pages)

    heading("first index")
    first, report1 = kenning_index(folder, data_dir, env)
    print(
        f"chunks in the file {report1['chunks_added']}, embedded {report1['chunks_embedded']}; "
        f"wall {first.wall_s:.1f} s (sync {report1['seconds']:.1f} s, embed {report1['embed_seconds']:.1f} s)"
    )
    before = chunk_hashes(data_dir)

    heading(f"edit: a few words of one paragraph on page {edit_page} replaced, lines in place")
    edited_pages, old_line, new_line = edit_words(pages, edit_page)
    rewrite(pdf, edited_pages)
    print(f"  before: {old_line}\n  after:  {new_line}")
    check_loader(pdf, edited_pages)
    second, report2 = kenning_index(folder, data_dir, env)
    after = chunk_hashes(data_dir)
    summarise(report2, second.wall_s, before, after)

    if args.reflow:
        heading(f"edit with reflow: a sentence inserted on page {edit_page}, later pages shift")
        reflowed = reflow_insert(edited_pages, edit_page)
        rewrite(pdf, reflowed)
        check_loader(pdf, reflowed)
        third, report3 = kenning_index(folder, data_dir, env)
        summarise(report3, third.wall_s, after, chunk_hashes(data_dir))

    heading("result")
    print(
        f"{len(pages)}-page PDF: {report1['chunks_added']} chunks; one-paragraph edit re-embedded "
        f"{report2['chunks_embedded']} and reused {report2['chunks_reused']}; "
        f"first index {first.wall_s:.1f} s, re-index after the edit {second.wall_s:.1f} s"
    )
    return 0


def corpus_lines(docs: Path, needed: int) -> list[str]:
    """Wrapped lines of real prose: sedfaq.txt, then the other TXT files, until there are enough."""
    sources = sorted(
        docs.rglob("*.txt"), key=lambda p: (p.name != "sedfaq.txt", p.relative_to(docs).as_posix())
    )
    lines: list[str] = []
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace")
        # Printable ASCII only, so the text read back can be compared with what was written, exactly.
        text = "".join(c if " " <= c <= "~" or c == "\n" else " " if c.isspace() else "?" for c in text)
        lines += wrap(text, WIDTH)
        if len(lines) >= needed:
            break
    if len(lines) < needed:
        sys.exit(f"only {len(lines)} lines of text in {docs}; need {needed}")
    return lines[:needed]


def check_loader(pdf: Path, pages: list[list[str]]) -> None:
    """kenning's PDF loader reads the page count and each page's text (whitespace collapsed).

    A line that ends in "-" before a lower-case word is read as one word hyphenated by the typesetter and
    rejoined ("x-terminal-" / "emulator" -> "x-terminalemulator"): such pages are compared without dashes.
    """
    from kenning.core.ingest.loaders import load_document

    document = load_document(str(pdf), pdf.read_bytes())
    by_page = {block.page: " ".join(block.text.split()) for block in document.blocks}
    assert document.pages == len(pages), f"loader read {document.pages} pages, wrote {len(pages)}"
    exact, rejoined, wrong = 0, [], []
    for number, lines in enumerate(pages, start=1):
        expected = " ".join(" ".join(lines).split())
        got = by_page.get(number, "")
        if got == expected:
            exact += 1
        elif _squash(got) == _squash(expected):
            rejoined.append(number)
        else:
            wrong.append(number)
    assert not wrong, f"page text differs from what was written on pages {wrong[:10]}"
    print(
        f"loader check: {document.loader} loader, {document.pages} pages; text read back exactly on {exact} "
        f"pages, and on {len(rejoined)} more up to line-end hyphens rejoined ({rejoined[:5] or '-'})"
    )


def _squash(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text)


def edit_words(pages: list[list[str]], page: int) -> tuple[list[list[str]], str, str]:
    """Replace a few words of the longest line in a paragraph near the middle of `page`, in place."""
    lines = pages[page - 1]
    middle = len(lines) // 2
    candidates = sorted(range(len(lines)), key=lambda i: (len(lines[i].split()) < 8, abs(i - middle)))
    index = candidates[0]
    words = lines[index].split()
    for n, position in enumerate((1, 3, 5, 7)[: len(REPLACEMENTS)]):
        if position < len(words):
            words[position] = REPLACEMENTS[n]
    edited = [list(p) for p in pages]
    edited[page - 1][index] = " ".join(words)
    return edited, lines[index], edited[page - 1][index]


def reflow_insert(pages: list[list[str]], page: int) -> list[list[str]]:
    """Insert a sentence in the middle of `page` and re-paginate: every later page's lines shift."""
    flat = [line for p in pages for line in p]
    at = (page - 1) * LINES_PER_PAGE + LINES_PER_PAGE // 2
    flat[at:at] = wrap(INSERTED, WIDTH)[:-1]
    return paginate(flat, LINES_PER_PAGE)[: len(pages)]


def rewrite(pdf: Path, pages: list[list[str]]) -> None:
    """Write the new version and move its mtime on, as a save would (coarse clocks could hide the change)."""
    stat = pdf.stat()
    write_pdf(pdf, pages, title="Benchmark manual")
    bumped = max(pdf.stat().st_mtime_ns, stat.st_mtime_ns + 1_000_000_000)
    os.utime(pdf, ns=(bumped, bumped))


def chunk_hashes(data_dir: Path) -> dict[str, int]:
    """text_hash -> page of every chunk in the index."""
    import lancedb

    from kenning import paths

    table = lancedb.connect(str(paths.index_dir(data_dir))).open_table("chunks").to_arrow()
    return dict(zip(table.column("text_hash").to_pylist(), table.column("page").to_pylist(), strict=True))


def summarise(
    report: dict[str, object], wall_s: float, before: dict[str, int], after: dict[str, int]
) -> None:
    new = {h: p for h, p in after.items() if h not in before}
    pages = sorted(set(new.values()))
    shown = ", ".join(str(p) for p in pages[:12]) + (" …" if len(pages) > 12 else "")
    print(
        f"chunks in the file {report['chunks_added']}, re-embedded {report['chunks_embedded']}, "
        f"reused {report['chunks_reused']}; wall {wall_s:.1f} s (sync {report['seconds']:.1f} s, "
        f"embed {report['embed_seconds']:.1f} s)"
    )
    print(f"new chunk texts: {len(new)}, on {len(pages)} page(s): {shown or '-'}")


if __name__ == "__main__":
    raise SystemExit(main())
