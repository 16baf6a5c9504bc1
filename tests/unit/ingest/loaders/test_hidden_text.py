"""Hidden text (a classic carrier of instructions aimed at the model) never leaves the loaders.

Each format hides text its own way; a reader sees only the visible text, and so does the index.
The loaded document says how much hidden text it left out.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.hostile_docs import HOSTILE_PAGE, INJECTION, hostile_docx, hostile_pdf
from tests.helpers.simple_pdf import build_pdf, line_y

from kenning.core.ingest.loaders import load_document
from kenning.core.ingest.page_render import render_page


def test_hidden_word_runs_are_left_out_and_counted() -> None:
    document = load_document("/docs/manual.docx", hostile_docx())
    assert INJECTION not in document.text
    assert document.text.splitlines() == [
        "Widget manual",
        "The widget weighs five grams.",
        "It is blue.",
        "Unhidden by direct formatting.",
        "colour | ",
    ]
    hidden = [f" {INJECTION} ({how})." for how in ("direct", "character style")]
    hidden.append(f"{INJECTION} (paragraph style).")
    assert document.hidden_chars == sum(map(len, hidden)) + len(INJECTION)  # the last: the table cell


def test_html_a_reader_cannot_see_is_left_out_and_counted() -> None:
    document = load_document("/docs/widget.html", HOSTILE_PAGE.encode())
    assert document.text == "Widget\nThe widget weighs five grams.\nIt is blue."
    removed = [f"{INJECTION} ({how})." for how in ("hidden main", "attribute", "display", "visibility")]
    assert document.hidden_chars == sum(len("".join(text.split())) for text in removed)


def test_aria_hidden_text_is_seen_by_readers_and_not_counted_as_hidden() -> None:
    page = "<html><body><main><p>Visible.</p><p aria-hidden='true'>★★★★</p></main></body></html>"
    assert load_document("/docs/stars.html", page.encode()).hidden_chars == 0


def test_invisible_white_and_tiny_pdf_text_is_left_out_and_counted() -> None:
    document = load_document("/docs/widget.pdf", hostile_pdf())
    assert INJECTION not in document.text
    assert [line.strip() for line in document.text.splitlines() if line.strip()] == [
        "The widget weighs five grams.",
        "White on a blue bar is seen.",
        "It is blue and ships in a box of ten.",
    ]
    hidden = [f"{INJECTION} ({how})." for how in ("invisible mode", "white", "tiny", "transparent clip")]
    assert document.hidden_chars == sum(map(len, hidden))
    assert load_document("/docs/plain.pdf", build_pdf([["Just text."]])).hidden_chars == 0


def test_a_passage_around_hidden_pdf_text_is_still_highlighted(tmp_path: Path) -> None:
    path = tmp_path / "widget.pdf"
    path.write_bytes(hostile_pdf())
    passage = load_document(str(path), path.read_bytes()).blocks[0].text
    page = render_page(str(path), 1, passage)
    top = min(y for _, y, _, _ in page.highlights)
    bottom = max(y + h for _, y, _, h in page.highlights)
    scale = 1.5  # render_page's default: from points to pixels
    # From the first visible line to the last one, the hidden lines between them notwithstanding.
    assert top <= (792 - line_y(0)) * scale and bottom >= (792 - line_y(6)) * scale
