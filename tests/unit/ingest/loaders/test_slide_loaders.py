"""Slides (PPTX, ODP): one page per slide, the title as its section, speaker notes marked."""

from __future__ import annotations

import io
from pathlib import Path

import pptx

from kenning.core.domain.documents import Document
from kenning.core.ingest.loaders import load_document

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "formats"


def _sample(name: str) -> Document:
    return load_document(str(SAMPLES / name), (SAMPLES / name).read_bytes())


def test_pptx_slide_is_a_page_with_its_title_and_notes() -> None:
    document = _sample("roadmap.pptx")
    assert (document.loader, document.pages) == ("pptx", 3)
    assert [(b.page, b.section) for b in document.blocks] == [
        (1, ("Roadmap 2025",)),
        (2, ("Risks",)),
        (3, ("Budget",)),
    ]
    assert document.blocks[1].text == (
        "Risks\nSupplier delays on titanium housings\nSpeaker notes: Mention the backup supplier in Tromsø"
    )
    for block in document.blocks:
        assert document.text[block.start : block.start + len(block.text)] == block.text


def test_pptx_tables_groups_untitled_and_hidden_slides() -> None:
    deck = pptx.Presentation()
    blank = deck.slide_layouts[6]
    slide = deck.slides.add_slide(blank)
    table = slide.shapes.add_table(2, 2, 0, 0, 100, 100).table
    for (row, column), text in {(0, 0): "Port", (0, 1): "Depth", (1, 0): "Bergen", (1, 1): "12 m"}.items():
        table.cell(row, column).text = text
    hidden = deck.slides.add_slide(blank)
    group = hidden.shapes.add_group_shape()
    group.shapes.add_textbox(0, 0, 100, 100).text_frame.text = "Draft pricing, do not present"
    hidden._element.set("show", "0")
    buffer = io.BytesIO()
    deck.save(buffer)
    document = load_document("deck.pptx", buffer.getvalue())
    assert [(b.page, b.section, b.text) for b in document.blocks] == [
        (1, ("Slide 1",), "Port | Depth\nBergen | 12 m"),
        (2, ("Slide 2 (hidden)",), "Draft pricing, do not present"),
    ]


def test_odp_slide_pages_titles_and_notes() -> None:
    document = _sample("allhands.odp")
    assert (document.loader, document.title, document.pages) == ("odp", "All hands", 2)
    assert [(b.page, b.section, b.text) for b in document.blocks] == [
        (1, ("Welcome",), "Welcome\nQuarterly all-hands"),
        (
            2,
            ("Hiring",),
            "Hiring\nFour engineers join in spring\nSpeaker notes: Thank the recruiting team in Porto",
        ),
    ]
