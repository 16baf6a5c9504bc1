"""Choose a loader for a file (content first, then suffix) and turn any failure into a per-file reason."""

from __future__ import annotations

import logging
from pathlib import PurePath

from kenning.core.domain.documents import Document
from kenning.core.errors import FileProblem, FileSkipped, FileUnreadable, FileUnsupported
from kenning.core.ingest.loaders.base import Loader
from kenning.core.ingest.loaders.decoding import BINARY_REASON, looks_binary
from kenning.core.ingest.loaders.delimited import CsvLoader
from kenning.core.ingest.loaders.docx import DocxLoader
from kenning.core.ingest.loaders.epub import EpubLoader
from kenning.core.ingest.loaders.html import HtmlLoader
from kenning.core.ingest.loaders.mail import EmlLoader, MboxLoader
from kenning.core.ingest.loaders.markdown import MarkdownLoader
from kenning.core.ingest.loaders.odp import OdpLoader
from kenning.core.ingest.loaders.ods import OdsLoader
from kenning.core.ingest.loaders.odt import OdtLoader
from kenning.core.ingest.loaders.pdf import NO_TEXT_REASON, PdfLoader
from kenning.core.ingest.loaders.pptx import PptxLoader
from kenning.core.ingest.loaders.rtf import RtfLoader
from kenning.core.ingest.loaders.text import TextLoader
from kenning.core.ingest.loaders.xls import XlsLoader
from kenning.core.ingest.loaders.xlsx import XlsxLoader
from kenning.core.ingest.ocr.image_loader import ImageLoader
from kenning.core.ingest.ocr.needs import NeedsOcr

log = logging.getLogger(__name__)

EMPTY_REASON = "empty file"
UNSUPPORTED_REASON = "unsupported file type"
HEAD_BYTES = 8192  # enough for every signature the loaders sniff


def _read_attachment(name: str, data: bytes) -> Document:
    # Late-bound: the mail loaders are built before load_document exists, and call it for attachments.
    return load_document(name, data)


_PDF, _DOCX, _HTML = PdfLoader(), DocxLoader(), HtmlLoader()
_XLSX, _PPTX, _EPUB, _RTF = XlsxLoader(), PptxLoader(), EpubLoader(), RtfLoader()
_ODT, _ODS, _ODP, _IMAGE = OdtLoader(), OdsLoader(), OdpLoader(), ImageLoader()
_EML, _MBOX = EmlLoader(_read_attachment), MboxLoader(_read_attachment)
_LOADERS: tuple[Loader, ...] = (
    _PDF, _DOCX, _XLSX, XlsLoader(), CsvLoader(), _PPTX, _ODT, _ODS, _ODP, _EPUB, _RTF, _EML, _MBOX, _HTML,
    MarkdownLoader(), TextLoader(), _IMAGE,
)  # fmt: skip
# Formats with a signature win over the suffix: an HTML page saved as ".pdf" is read as HTML.
# The OOXML ones look for their part folder ("word/", "ppt/", "xl/") in the first ZIP entries' names.
_SNIFFERS: tuple[Loader, ...] = (_PDF, _DOCX, _PPTX, _XLSX, _ODT, _ODS, _ODP, _EPUB, _RTF, _HTML, _IMAGE)
# Mail has only a weak signature (header lines): it is recognised only where the suffix names no format, as
# in Maildir, so a .txt that begins with "From:" and "Subject:" lines stays plain text.
_WEAK_SNIFFERS: tuple[Loader, ...] = (_MBOX, _EML)
_BY_SUFFIX: dict[str, Loader] = {suffix: loader for loader in _LOADERS for suffix in loader.suffixes}
# Loaders that decode bytes as text: binary content under their suffixes is refused.
_TEXT_FAMILY = frozenset({"html", "markdown", "text", "csv", "eml", "mbox"})


def supported_suffixes() -> frozenset[str]:
    """Lower-case suffixes, with the dot, that some loader reads."""
    return frozenset(_BY_SUFFIX)


def loader_for(path: str, head: bytes) -> Loader | None:
    """The loader for a file, judged by its first bytes and then its suffix; None when none fits."""
    for loader in _SNIFFERS:
        if loader.sniff(head):
            return loader
    by_suffix = _BY_SUFFIX.get(PurePath(path).suffix.lower())
    if by_suffix is None:
        by_suffix = next((loader for loader in _WEAK_SNIFFERS if loader.sniff(head)), None)
    if by_suffix is None or (by_suffix.name in _TEXT_FAMILY and looks_binary(head)):
        return None
    return by_suffix


def is_unsupported(path: str, head: bytes, *, ocr: bool = False) -> bool:
    """No loader reads this file, by its first bytes or its suffix (an archive; a photo unless `ocr`).

    A text suffix over binary content is not "unsupported": that file is named as a problem, since
    its owner expects it to be read."""
    loader = loader_for(path, head)
    if loader is _IMAGE or (loader is None and _BY_SUFFIX.get(PurePath(path).suffix.lower()) is _IMAGE):
        return not ocr
    return loader is None and PurePath(path).suffix.lower() not in _BY_SUFFIX


def load_document(path: str, data: bytes, *, ocr: bool = False) -> Document:
    """Extract a Document from a file's bytes.

    Raises ``FileSkipped`` or ``FileUnreadable`` with a one-line reason; never anything else for bad input.
    With `ocr`, a scan raises ``NeedsOcr`` for the caller to read later; without, it gives the text
    found (a PDF's text pages) or is skipped.
    """
    if not data or data.isspace():
        raise FileSkipped(EMPTY_REASON)
    head = data[:HEAD_BYTES]
    loader = loader_for(path, head)
    if loader is None:
        # Only a suffix that promises text makes binary content worth naming; a .jpeg is simply unsupported.
        claims_text = PurePath(path).suffix.lower() in _BY_SUFFIX
        raise FileSkipped(BINARY_REASON if claims_text else UNSUPPORTED_REASON)
    try:
        document = loader.load(path, data)
        for note in document.notes:
            log.info("%s: %s", path, note)
        return document
    except FileProblem:
        raise
    except NeedsOcr as needs:
        if ocr:
            raise
        return _without_ocr(needs)
    except RecursionError:
        raise FileUnreadable(f"{loader.name.upper()} file is nested too deeply to read") from None
    except MemoryError:
        raise FileSkipped(f"{loader.name.upper()} file is too large to read") from None
    except Exception as error:
        # Files are hostile input and a parser bug must not stop a run. The reason names the format and
        # the parser's error type; the traceback goes to the log only.
        log.warning("%s loader failed on %s", loader.name, path, exc_info=True)
        raise FileUnreadable(
            f"could not read this {loader.name.upper()} file ({type(error).__name__})"
        ) from None


def _without_ocr(needs: NeedsOcr) -> Document:
    if needs.kind == "image":
        raise FileUnsupported(UNSUPPORTED_REASON)
    if needs.document is not None and needs.document.blocks:
        return needs.document
    raise FileSkipped(NO_TEXT_REASON)
