"""A tiny dependency-free PDF writer for tests and benchmarks: text pages in Helvetica, nothing else.

Each page is a list of lines; each line becomes its own text object (`BT /F1 size Tf x y Td (...) Tj ET`),
so extractors see one line per text object, top to bottom. The standard Type1 font Helvetica needs no
embedding; text is written in WinAnsiEncoding, so characters outside Latin-1 become "?". The file has a
correct cross-reference table and trailer, so strict readers (PDFium, pypdf, poppler) open it without repair.

    write_pdf(path, [["first line of page 1", "second line"], ["page 2"]], title="Notes")
    write_pdf(path, [["shown", Styled("hidden", inside=b"3 Tr"), Styled("white", inside=b"1 1 1 rg")]])
    self_check()  # writes a small PDF in memory and reads it back; raises AssertionError on a problem
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

PAGE_WIDTH = 612  # US Letter, in points
PAGE_HEIGHT = 792
MARGIN = 54
FONT_SIZE = 9.0
LEADING = 14.0  # points between baselines: 45 lines fit a Letter page within the margins


class Styled(NamedTuple):
    """A line drawn with extra raw PDF operators, scoped to it by q/Q: `before` the text object
    (paths: "0 0 1 rg 50 700 200 20 re f"), `inside` it after the font ("3 Tr", "1 1 1 rg",
    "/F1 0.1 Tf")."""

    text: str
    inside: bytes = b""
    before: bytes = b""


Line = str | Styled


def line_y(index: int, *, font_size: float = FONT_SIZE, leading: float = LEADING) -> float:
    """The baseline of line `index` (0-based) of a page, in points from the bottom."""
    return PAGE_HEIGHT - MARGIN - font_size - index * leading


def escape_text(text: str) -> bytes:
    """A PDF literal string's body: Latin-1 bytes; backslash and parentheses escaped, controls blanked."""
    out = bytearray()
    for char in text.expandtabs(4):
        code = ord(char)
        if char in "\\()":
            out += b"\\" + char.encode("ascii")
        elif code < 32 or code == 127:
            out += b" "
        elif code < 256:
            out.append(code)
        else:
            out += b"?"
    return bytes(out)


def _string_literal(text: str) -> bytes:
    return b"(" + escape_text(text) + b")"


def page_stream(lines: Sequence[Line], *, font_size: float = FONT_SIZE, leading: float = LEADING) -> bytes:
    """The content stream of one page: one text object per line, from the top margin down."""
    parts: list[bytes] = []
    y = PAGE_HEIGHT - MARGIN - font_size
    for line in lines:
        styled = line if isinstance(line, Styled) else Styled(line)
        if styled.text.strip():
            inside = styled.inside + b" " if styled.inside else b""
            text = b"BT /F1 %s Tf %s%d %s Td %s Tj ET" % (
                _num(font_size), inside, MARGIN, _num(y), _string_literal(styled.text.rstrip())
            )  # fmt: skip
            parts.append(b"q %s %s Q" % (styled.before, text) if isinstance(line, Styled) else text)
        y -= leading
    return b"\n".join(parts) + b"\n"


def build_pdf(
    pages: Sequence[Sequence[Line]],
    *,
    title: str | None = None,
    font_size: float = FONT_SIZE,
    leading: float = LEADING,
) -> bytes:
    """The bytes of a PDF with one page per item of `pages`, each a list of text lines."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    # Object numbers: 1 catalog, 2 page tree, 3 font, 4 info (optional), then a page and its stream per page.
    first_page = 5
    page_ids = [first_page + 2 * i for i in range(len(pages))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % pid for pid in page_ids), len(pages)),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    if title is not None:
        objects[4] = b"<< /Title %s /Producer (kenning tests simple_pdf) >>" % _string_literal(title)
    for pid, lines in zip(page_ids, pages, strict=True):
        stream = page_stream(lines, font_size=font_size, leading=leading)
        objects[pid] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, pid + 1)
        )
        objects[pid + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)

    size = max(objects) + 1
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # a binary comment line marks the file as binary
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_at = len(out)
    out += b"xref\n0 %d\n" % size
    out += b"0000000000 65535 f \n"  # each entry is exactly 20 bytes, end of line included
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    info = b" /Info 4 0 R" if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, info, xref_at)
    return bytes(out)


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[Line]],
    *,
    title: str | None = None,
    font_size: float = FONT_SIZE,
    leading: float = LEADING,
) -> Path:
    path.write_bytes(build_pdf(pages, title=title, font_size=font_size, leading=leading))
    return path


def wrap(text: str, width: int = 90) -> list[str]:
    """Greedy word wrap; blank lines between paragraphs are kept (as empty lines)."""
    lines: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        words = paragraph.split()
        if not words:
            continue
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        lines.append("")
    return lines


def paginate(lines: Sequence[str], per_page: int = 45) -> list[list[str]]:
    return [list(lines[i : i + per_page]) for i in range(0, len(lines), per_page)]


def check_structure(data: bytes) -> None:
    """Every xref offset points at its `N 0 obj`, and startxref points at the table."""
    startxref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[startxref : startxref + 4] == b"xref", "startxref does not point at the xref table"
    header = data[startxref:].split(b"\n", 3)
    first, count = (int(v) for v in header[1].split())
    table = data[startxref + len(header[0]) + len(header[1]) + 2 :]
    for i in range(count):
        entry = table[20 * i : 20 * (i + 1)]
        assert len(entry) == 20 and entry.endswith(b" \n"), f"xref entry {first + i} is not 20 bytes"
        offset, _, kind = entry.split()[:3]
        if kind == b"n":
            assert data[int(offset) :].startswith(b"%d 0 obj" % (first + i)), f"object {first + i} misplaced"


def self_check() -> None:
    """Write a small PDF with awkward characters and read it back (structure always, text with pypdfium2)."""
    pages = [
        [
            "Plain first line",
            "Parens (like these) and a back\\slash",
            "Tab\there, caf\u00e9, and \u2014 dash",
        ],
        [],
        ["Page three: 100% done; 3 < 4 > 2 [brackets] {braces} #hash"],
    ]
    data = build_pdf(pages, title="Self (check)")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    check_structure(data)
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) == 3, f"expected 3 pages, read {len(document)}"
        assert document.get_metadata_value("Title") == "Self (check)"
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    flat = [" ".join(t.split()) for t in texts]
    assert "Plain first line" in flat[0], flat[0]
    assert "Parens (like these) and a back\\slash" in flat[0], flat[0]
    assert "caf\u00e9" in flat[0] and "? dash" in flat[0], flat[0]
    assert flat[1] == "", flat[1]
    assert "100% done; 3 < 4 > 2 [brackets] {braces} #hash" in flat[2], flat[2]


def _num(value: float) -> bytes:
    return (f"{value:.2f}".rstrip("0").rstrip(".")).encode("ascii")


if __name__ == "__main__":
    self_check()
    print("simple_pdf self-check passed")
