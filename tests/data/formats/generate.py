# ruff: noqa: E501  (XML and e-mail literals read best on one line each)
"""Rebuild the small sample files in this folder (CC0, see LICENSES.md); not collected by pytest.

    PYTHONPATH=/path/to/xlwt .venv/bin/python tests/data/formats/generate.py

xlwt (BSD) writes the .xls sample and is needed only here, never by Kenning; OpenDocument and EPUB
files are written as plain ZIPs of XML, the way their specifications lay them out.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import docx
import openpyxl
import pptx

HERE = Path(__file__).resolve().parent
ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)


def xlsx() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Revenue"
    sheet.append(["Region", "Q3 revenue", "Units", "Price"])
    for region, revenue, units, price in [("North", "1.2M", 40, 30), ("South", "0.8M", 25, 32)]:
        sheet.append([region, revenue, units, price])
    sheet["E1"] = "Total"
    sheet["E2"], sheet["E3"] = "=C2*D2", "=C3*D3"
    notes = book.create_sheet("Assumptions")
    notes.append(["Assumption", "Value"])
    notes.append(["Exchange rate held at", 1.08])
    notes.sheet_state = "hidden"
    book.properties.title = "Regional budget"
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl writes formulas without the cached result Excel stores; add the values Excel would.
    cached = {"C2*D2": "1200", "C3*D3": "800"}
    _rewrite_zip(buffer.getvalue(), HERE / "budget.xlsx", "xl/worksheets/sheet1.xml",
                 lambda xml: re.sub(r"<f>(C\d\*D\d)</f><v\s*/?>(?:</v>)?",
                                    lambda m: f"<f>{m.group(1)}</f><v>{cached[m.group(1)]}</v>", xml))  # fmt: skip


def xls() -> None:
    import xlwt  # type: ignore[import-not-found]

    book = xlwt.Workbook()
    sheet = book.add_sheet("Inventory")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for column, name in enumerate(["Item", "Count", "Checked"]):
        sheet.write(0, column, name)
    for row, (item, count) in enumerate([("Brass lanterns", 14), ("Oak barrels", 3)], start=1):
        sheet.write(row, 0, item)
        sheet.write(row, 1, count)
        sheet.write(row, 2, datetime.date(2024, 3, row), dates)
    book.save(str(HERE / "inventory.xls"))


def csv_file() -> None:
    rows = ["City;Population;Mayor", "Lyon;522250;Grégory Doucet", "Nantes;320732;Johanna Rolland"]
    (HERE / "cities.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))


def pptx_file() -> None:
    deck = pptx.Presentation()
    for title, body, notes in [
        ("Roadmap 2025", "Ship the harbour sensor network", ""),
        ("Risks", "Supplier delays on titanium housings", "Mention the backup supplier in Tromsø"),
        ("Budget", "Capital request of 3.4 million", ""),
    ]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    deck.save(str(HERE / "roadmap.pptx"))


def odt() -> None:
    body = (
        '<text:h text:outline-level="1">Field guide</text:h><text:p>Lichens grow slowly on granite.</text:p>'
        '<text:h text:outline-level="2">Identification</text:h>'
        '<text:p>The map lichen<text:s text:c="3"/>forms yellow-green patches.</text:p>'
        "<table:table><table:table-row><table:table-cell><text:p>Species</text:p></table:table-cell>"
        "<table:table-cell><text:p>Colour</text:p></table:table-cell></table:table-row>"
        "<table:table-row><table:table-cell><text:p>Rhizocarpon</text:p></table:table-cell>"
        "<table:table-cell><text:p>yellow</text:p></table:table-cell></table:table-row></table:table>"
    )
    _odf("text", f"<office:text>{body}</office:text>", "Lichen field guide", "lichens.odt")


def ods() -> None:
    styles = (
        '<office:automatic-styles><style:style style:name="ta2" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
    )

    def row(*cells: str | float) -> str:
        out = []
        for cell in cells:
            if isinstance(cell, float):
                out.append(f'<table:table-cell office:value-type="float" office:value="{cell}">'
                           f"<text:p>{cell}</text:p></table:table-cell>")  # fmt: skip
            else:
                out.append(
                    f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>'
                )
        return f"<table:table-row>{''.join(out)}</table:table-row>"

    empty = '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    sheets = (
        f'<table:table table:name="Harvest">{row("Orchard", "Apples (t)")}{row("Hillside", 12.5)}'
        f"{row('Riverside', 7.0)}{empty}</table:table>"
        f'<table:table table:name="Scratch" table:style-name="ta2">{row("Draft", "pear estimate")}</table:table>'
    )
    _odf("spreadsheet", f"{styles}<office:body><office:spreadsheet>{sheets}</office:spreadsheet></office:body>",
         "", "harvest.ods", wrap=False)  # fmt: skip


def odp() -> None:
    def page(name: str, title: str, text: str, notes: str = "") -> str:
        frame = '<draw:frame presentation:class="{}"><draw:text-box><text:p>{}</text:p></draw:text-box></draw:frame>'
        notes_xml = (
            f"<presentation:notes>{frame.format('notes', notes)}</presentation:notes>" if notes else ""
        )
        return f'<draw:page draw:name="{name}">{frame.format("title", title)}{frame.format("outline", text)}{notes_xml}</draw:page>'

    pages = page("p1", "Welcome", "Quarterly all-hands") + page(
        "p2", "Hiring", "Four engineers join in spring", "Thank the recruiting team in Porto"
    )
    _odf("presentation", f"<office:presentation>{pages}</office:presentation>", "All hands", "allhands.odp")


def epub() -> None:
    chapter = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>{}</title></head><body>{}</body></html>'
    files = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="book/OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
        "book/OEBPS/content.opf": '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Lighthouse Keeper</dc:title></metadata><manifest><item id="b" href="text/b.xhtml" media-type="application/xhtml+xml"/><item id="a" href="text/a.xhtml" media-type="application/xhtml+xml"/><item id="css" href="style.css" media-type="text/css"/></manifest><spine><itemref idref="b"/><itemref idref="a"/></spine></package>',
        "book/OEBPS/text/b.xhtml": chapter.format(
            "One", "<h1>Chapter One: The Storm</h1><p>The keeper trimmed the wick at midnight.</p>"
        ),
        "book/OEBPS/text/a.xhtml": chapter.format(
            "Two", "<h1>Chapter Two: Morning</h1><p>Gulls circled the broken mast at dawn.</p>"
        ),
        "book/OEBPS/style.css": "p { margin: 0 }",
    }
    _write_zip(HERE / "lighthouse.epub", files)


def mail() -> None:
    message = _message("Budget review moved to Thursday", "The budget review meets in room 4B instead.")
    message.add_alternative("<p>The budget review meets in <b>room 4B</b> instead.</p>", subtype="html")
    notes = docx.Document()
    notes.add_heading("Agenda", level=1)
    notes.add_paragraph("Approve the lantern restoration fund.")
    buffer = io.BytesIO()
    notes.save(buffer)
    message.add_attachment(buffer.getvalue(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="agenda.docx")  # fmt: skip
    (HERE / "meeting.eml").write_bytes(bytes(message))
    box = b""
    for subject, body, html in [
        ("Ferry timetable", "The winter ferry leaves at 07:15.", False),
        ("Newsletter", "<h1>News</h1><p>The herring festival returns in August.</p>", True),
    ]:
        item = _message(subject, body, html=html)
        box += (
            b"From sender@example.org Mon Mar  4 09:00:00 2024\n"
            + bytes(item).replace(b"\r\n", b"\n")
            + b"\n"
        )
    (HERE / "archive.mbox").write_bytes(box)


def rtf() -> None:
    text = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}\f0 Dear committee,\par The caf\'e9 roof needs {\b new slate tiles} before winter.\par}"
    (HERE / "letter.rtf").write_bytes(text.encode("ascii"))


def _message(subject: str, body: str, *, html: bool = False) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ada Harbour <ada@example.org>"
    message["To"] = "team@example.org"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.datetime(2024, 3, 4, 9, 0, tzinfo=datetime.UTC))
    message.set_content(body, subtype="html" if html else "plain")
    return message


def _odf(kind: str, body: str, title: str, name: str, *, wrap: bool = True) -> None:
    content = body if not wrap else f"<office:body>{body}</office:body>"
    meta = f"<office:meta><dc:title>{title}</dc:title></office:meta>" if title else "<office:meta/>"
    _write_zip(HERE / name, {
        "mimetype": f"application/vnd.oasis.opendocument.{kind}",
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}>{content}</office:document-content>',
        "meta.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}>{meta}</office:document-meta>',
    })  # fmt: skip


def _write_zip(path: Path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text, compress_type=method)


def _rewrite_zip(data: bytes, path: Path, member: str, edit: object) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = edit(content.decode()).encode()  # type: ignore[operator]
            out.writestr(info, content)


if __name__ == "__main__":
    for make in (xlsx, xls, csv_file, pptx_file, odt, ods, odp, epub, mail, rtf):
        make()
