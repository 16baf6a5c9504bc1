"""Files of every format for `bench_loaders.py --formats`: the samples and larger ones built here."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pptx

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "formats"
WORDS = ("the harbour master logged every vessel that entered the sound before the winter storms").split()  # noqa: SIM905


def format_files() -> list[tuple[str, bytes]]:
    """(name, bytes): each sample ten times, then one larger file per family."""
    samples = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.iterdir()) if p.suffix not in (".py", ".md")]
    return samples * 10 + [
        ("large.xlsx", _workbook(5_000)),
        ("large.csv", _csv(20_000)),
        ("large.pptx", _deck(100)),
        ("large.mbox", _mailbox(500)),
        ("large.epub", _book(100)),
    ]


def _sentence(n: int) -> str:
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(12)) + f" ({n})."


def _workbook(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Log")
    sheet.append(["Day", "Vessel", "Tonnage", "Note"])
    for n in range(rows):
        sheet.append([n, f"Vessel {n % 97}", n * 3.5, _sentence(n)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: int) -> bytes:
    lines = ["day,vessel,tonnage,note"] + [
        f"{n},Vessel {n % 97},{n * 3.5},{_sentence(n)}" for n in range(rows)
    ]
    return "\n".join(lines).encode()


def _deck(slides: int) -> bytes:
    deck = pptx.Presentation()
    for n in range(slides):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Slide about vessel {n}"
        slide.placeholders[1].text = "\n".join(_sentence(n + i) for i in range(5))
        slide.notes_slide.notes_text_frame.text = _sentence(n * 7)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _mailbox(messages: int) -> bytes:
    out = b""
    for n in range(messages):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", f"Log {n}"
        message.set_content("\n\n".join(_sentence(n + i) for i in range(8)))
        out += (
            b"From a@example.org Mon Mar  4 09:00:00 2024\n" + bytes(message).replace(b"\r\n", b"\n") + b"\n"
        )
    return out


def _book(chapters: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf"/></rootfiles></container>',
        )
        items = "".join(
            f'<item id="c{n}" href="c{n}.xhtml" media-type="application/xhtml+xml"/>' for n in range(chapters)
        )
        spine = "".join(f'<itemref idref="c{n}"/>' for n in range(chapters))
        archive.writestr(
            "content.opf",
            f'<package xmlns="http://www.idpf.org/2007/opf"><manifest>{items}</manifest><spine>{spine}</spine></package>',
        )
        for n in range(chapters):
            paragraphs = "".join(f"<p>{_sentence(n * 40 + i)}</p>" for i in range(40))
            archive.writestr(f"c{n}.xhtml", f"<html><body><h1>Chapter {n}</h1>{paragraphs}</body></html>")
    return buffer.getvalue()
