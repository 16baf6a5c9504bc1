"""PDF text with PDFium (pypdfium2): one block per page that has text, 1-based page numbers."""

from __future__ import annotations

import logging
import re
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.decoding import title_from_path
from kenning.core.ingest.loaders.pdf_hidden import visible_text
from kenning.core.ingest.ocr.needs import NeedsOcr
from kenning.core.ingest.pdfium_lock import PDFIUM_LOCK

log = logging.getLogger(__name__)

ENCRYPTED_REASON = "PDF is encrypted (password-protected)"
DAMAGED_REASON = "PDF is damaged or truncated"
NOT_PDF_REASON = "not a PDF (the file's content is not PDF data)"
NO_TEXT_REASON = "no extractable text (scanned? turn on OCR in the settings to read it)"
# A page with fewer characters than this that shows an image is a scan (a stamp or page number may
# sit in a text layer over it); it is read with OCR.
MIN_PAGE_CHARS = 20

_SIGNATURE_WINDOW = 1024  # the spec allows junk before "%PDF-"; readers accept it within the first KiB

# PDFium marks a word hyphenated at a line break with U+0002 (older builds) or U+FFFE (newer ones),
# and drops the line break itself: "calcula\x02tions". A real hyphen of a capitalised or numbered
# compound ("US-ASCII", "UTF-8") is kept; a lowercase continuation is one word split by the typesetter.
_SOFT_HYPHEN = re.compile(r"[\x02\ufffe](?=([A-Z0-9])?)|\xad(?:\r?\n)?")
# TeX fonts without a Unicode map (old Distiller files) leave OT1 ligature codes: \x0b=ff, \x0c=fi,
# \x0d=fl, \x0e=ffi, \x0f=ffl. Only next to a letter, where they cannot be anything else.
_OT1_LIGATURES = {"\x0b": "ff", "\x0c": "fi", "\r": "fl", "\x0e": "ffi", "\x0f": "ffl"}
_OT1_LIGATURE = re.compile(
    r"(?<=[A-Za-z])[\x0b\x0c\x0e\x0f]|[\x0b\x0c\x0e\x0f](?=[a-z])|(?<=[A-Za-z])\r(?!\n)|\r(?=[a-z])"
)
# Other control characters and noncharacters are glyphs with no text meaning.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# Presentation forms (ﬁ, ﬂ, ﬀ ...) become their letters; the rest of the text keeps its characters.
_PRESENTATION_FORMS = re.compile(r"[\ufb00-\ufb4f]+")
# Producers often store a file name ("full.dvi", "Microsoft Word - notes.docx") as the title.
_FILE_NAME_TITLE = re.compile(
    r"microsoft \w+ - .*|untitled.*|title|.*\.(?:dvi|docx?|pdf|tex|e?ps|txt|rtf|odt|pptx?|xlsx?|html?|md)",
    re.I,
)


class PdfLoader:
    """Extracts the text layer of each page; scanned pages (images only) yield nothing."""

    name: str = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:_SIGNATURE_WINDOW]

    def load(self, path: str, data: bytes) -> Document:
        if not self.sniff(data):
            raise FileUnreadable(NOT_PDF_REASON)
        with PDFIUM_LOCK:
            title, pages, hidden_chars, scanned = _extract(data)
        parts: list[tuple[str, int | None, tuple[str, ...]]] = [
            (text, number, ()) for number, text in enumerate(pages, start=1) if number not in scanned
        ]
        blocks = make_blocks(parts)
        document = Document(
            path=path,
            title=title or title_from_path(path),
            loader=self.name,
            blocks=blocks,
            pages=len(pages),
            hidden_chars=hidden_chars,
        )
        if scanned:
            raise NeedsOcr("pdf", pages=scanned, document=document)
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return document


def clean_page_text(raw: str) -> str:
    """PDFium page text made plain: words rejoined across hyphenated line breaks, ligatures expanded."""
    text = _SOFT_HYPHEN.sub(lambda m: "-" if m.group(1) else "", raw)
    text = _OT1_LIGATURE.sub(lambda m: _OT1_LIGATURES[m.group()], text)
    text = text.replace("\r\n", "\n")
    text = _CONTROL.sub(" ", text)
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return unicodedata.normalize("NFC", text).strip()


def _extract(data: bytes) -> tuple[str, list[str], int, tuple[int, ...]]:
    """Title, the cleaned visible text of every page ("" for a page without text or that failed to
    load), how many characters of hidden text were left out, and the pages that are scans."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise FileUnreadable(ENCRYPTED_REASON) from None
        raise FileUnreadable(DAMAGED_REASON) from None
    try:
        title = _metadata_title(document)
        pages: list[str] = []
        failed = hidden_chars = 0
        scanned: list[int] = []
        for index in range(len(document)):
            try:
                text, hidden, has_image = _page_text(document, index)
                pages.append(text)
                if has_image and len(text) < MIN_PAGE_CHARS:
                    scanned.append(index + 1)
                hidden_chars += hidden
            except pdfium.PdfiumError:
                failed += 1  # a damaged page: keep the others, keep page numbers true
                pages.append("")
        if failed and failed == len(pages):
            raise FileUnreadable(DAMAGED_REASON)
        if failed:
            log.info("skipped %d damaged page(s) of %d", failed, len(pages))
        if hidden_chars:
            log.info("left out %d character(s) of hidden text", hidden_chars)
        return title, pages, hidden_chars, tuple(scanned)
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int) -> tuple[str, int, bool]:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            visible = visible_text(page, textpage)
            text = clean_page_text(visible.text)
            # only a nearly empty page is looked at for images: a text page's figures are not scans
            has_image = len(text) < MIN_PAGE_CHARS and _has_image(page)
            return text, visible.hidden_chars, has_image
        finally:
            textpage.close()
    finally:
        page.close()


def _has_image(page: pdfium.PdfPage) -> bool:
    objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
    return next(iter(objects), None) is not None


def _metadata_title(document: pdfium.PdfDocument) -> str:
    try:
        title = document.get_metadata_value("Title")
    except (pdfium.PdfiumError, UnicodeDecodeError, KeyError):
        return ""
    title = " ".join(_CONTROL.sub(" ", title).split())
    return "" if _FILE_NAME_TITLE.fullmatch(title) else title
