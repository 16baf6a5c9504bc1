"""Benchmark the document loaders on the development corpus; not a test (not collected by pytest).

    .venv/bin/python tests/bench/bench_loaders.py [CORPUS_DIR]
    .venv/bin/python tests/bench/bench_loaders.py --formats

Prints, per format: files, PDF pages, blocks, megabytes, seconds, files/s, MB/s and pages/s; then how many
of the questions.jsonl evidence quotes for PDFs appear (whitespace collapsed, case-sensitive) on the listed
page with pypdfium2 (what Kenning uses) and, when it is importable, pypdf (documents the choice).

``--formats`` measures the same table on the sample of every format in tests/data/formats plus a larger
file of each family built in memory (a 5,000-row workbook, a 100-slide deck, a 500-message mailbox ...).
"""

from __future__ import annotations

import functools
import io
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "desktop"))
sys.path.insert(0, str(REPO))  # tests.helpers

from kenning.core.errors import FileProblem  # noqa: E402
from kenning.core.ingest.loaders import load_document  # noqa: E402
from kenning.core.ingest.loaders.pdf import clean_page_text  # noqa: E402

PageTexts = Callable[[bytes], list[str]]


def main() -> None:
    if sys.argv[1:] == ["--formats"]:
        from bench_formats import format_files  # only this mode builds the files

        bench_formats(format_files())
        return
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "corpus"
    docs = corpus / "docs"
    if not docs.is_dir():
        sys.exit(f"no corpus at {docs}")
    bench_formats(docs)
    bench_pdf_quotes(corpus)
    bench_huge_line()


def bench_formats(docs: Path | list[tuple[str, bytes]]) -> None:
    rows: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    failures: list[str] = []
    started = time.perf_counter()
    if isinstance(docs, Path):
        files = [(str(p.relative_to(docs)), p.read_bytes()) for p in sorted(docs.rglob("*")) if p.is_file()]
    else:
        files = docs
    for name, data in files:
        row = rows[Path(name).suffix.lower().lstrip(".") or "(none)"]
        begin = time.perf_counter()
        try:
            document = load_document(name, data)
        except FileProblem as problem:
            failures.append(f"{name}: {problem}")
            continue
        finally:
            row["seconds"] += time.perf_counter() - begin
            row["files"] += 1
            row["bytes"] += len(data)
        row["pages"] += document.pages or 0
        row["blocks"] += len(document.blocks)
    total = time.perf_counter() - started

    columns = ("files", "pages", "blocks", "MB", "seconds", "files/s", "MB/s", "pages/s")
    print(f"{'format':8} " + " ".join(f"{column:>8}" for column in columns))
    for name, row in sorted(rows.items(), key=lambda item: -item[1]["seconds"]):
        pages_per_s = f"{row['pages'] / row['seconds']:8.0f}" if row["pages"] else f"{'-':>8}"
        sizes = f"{row['files']:8.0f} {row['pages']:8.0f} {row['blocks']:8.0f} {row['bytes'] / 1e6:8.2f}"
        rates = f"{row['files'] / row['seconds']:8.1f} {row['bytes'] / 1e6 / row['seconds']:8.2f}"
        print(f"{name:8} {sizes} {row['seconds']:8.2f} {rates} {pages_per_s}")
    files = sum(row["files"] for row in rows.values())
    print(f"{'all':8} {files:8.0f} {'':>8} {'':>8} {'':>8} {total:8.2f} {files / total:8.1f}")
    print(f"failures: {len(failures)}")
    for failure in failures:
        print(f"  {failure}")


def bench_huge_line() -> None:
    """bad/huge-single-line.txt (5 MiB, no newline): loading must stay linear (about 0.05 s)."""
    import tempfile

    from tests.helpers.bad_inputs import write_huge_single_line

    with tempfile.TemporaryDirectory() as folder:
        huge = write_huge_single_line(Path(folder) / "huge-single-line.txt")
        data = huge.read_bytes()
        begin = time.perf_counter()
        load_document(str(huge), data)
        print(f"huge single line: {len(data) / 1e6:.1f} MB loaded in {time.perf_counter() - begin:.3f} s")


def bench_pdf_quotes(corpus: Path) -> None:
    """Evidence quotes of PDF questions found on the listed page, per extractor."""
    quotes = _pdf_quotes(corpus)
    extractors: dict[str, PageTexts] = {"pypdfium2": _pdfium_pages}
    try:
        import pypdf  # noqa: F401  (optional: only measured, never a dependency)

        extractors["pypdf"] = _pypdf_pages
    except ImportError:
        print("\npypdf is not installed: comparison skipped")
    questions = len({qid for qid, *_ in quotes})
    print(f"\nPDF evidence quotes found on the listed page ({len(quotes)} quotes, {questions} questions)")
    for name, extract in extractors.items():
        cache: dict[str, list[str]] = {}
        _collapsed_pages.cache_clear()  # time every extraction, including the ones made to pick quotes
        begin = time.perf_counter()
        found, missed = 0, []
        for qid, source, pages, quote in quotes:
            if source not in cache:
                cache[source] = _collapsed_pages(extract, corpus / "docs" / source)
            text = " ".join(cache[source][p - 1] for p in pages if 0 < p <= len(cache[source]))
            if _collapse(quote) in text:
                found += 1
            else:
                missed.append(qid)
        seconds = time.perf_counter() - begin
        pages_total = sum(len(v) for v in cache.values())
        print(
            f"  {name:10} {found}/{len(quotes)} found; extraction {seconds:.2f} s for {pages_total} pages "
            f"({pages_total / seconds:.0f} pages/s); missed: {', '.join(missed) or '-'}"
        )


def _pdf_quotes(corpus: Path) -> list[tuple[str, str, list[int], str]]:
    """(question id, pdf path, pages, quote) for quotes that belong to a PDF source.

    A multi-source question lists quotes for its other files too; a quote found in one of those
    (HTML, TXT) and on no listed PDF page by any extractor is not a PDF quote.
    """
    out = []
    for line in (corpus / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        question = json.loads(line)
        sources = question.get("sources") or []
        pdfs = [s for s in sources if s.endswith(".pdf")]
        if not pdfs:
            continue
        pages = question["page"] if isinstance(question["page"], list) else [question["page"]]
        evidence = question["evidence"] if isinstance(question["evidence"], list) else [question["evidence"]]
        others = " ".join(
            _collapse(load_document(str(corpus / "docs" / s), (corpus / "docs" / s).read_bytes()).text)
            for s in sources
            if not s.endswith(".pdf")
        )
        for quote in evidence:
            for pdf in pdfs:
                if (
                    others
                    and _collapse(quote) in others
                    and not _on_pages(corpus / "docs" / pdf, pages, quote)
                ):
                    continue
                out.append((question["id"], pdf, pages, quote))
    return out


def _on_pages(pdf: Path, pages: list[int], quote: str) -> bool:
    extractions = [_pdfium_pages] + ([_pypdf_pages] if _has_pypdf() else [])
    for extract in extractions:
        texts = _collapsed_pages(extract, pdf)
        if any(_collapse(quote) in texts[p - 1] for p in pages if 0 < p <= len(texts)):
            return True
    return False


@functools.cache
def _collapsed_pages(extract: PageTexts, pdf: Path) -> list[str]:
    return [_collapse(text) for text in extract(pdf.read_bytes())]


def _pdfium_pages(data: bytes) -> list[str]:
    document = load_document("bench.pdf", data)
    texts = [""] * (document.pages or 0)
    for block in document.blocks:
        if block.page:
            texts[block.page - 1] = block.text
    return texts


def _pypdf_pages(data: bytes) -> list[str]:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it logs a line per font it cannot fully parse
    reader = pypdf.PdfReader(io.BytesIO(data))
    # The same clean-up Kenning applies to PDFium text, so only the extraction differs.
    return [clean_page_text(page.extract_text() or "") for page in reader.pages]


def _has_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def _collapse(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    main()
