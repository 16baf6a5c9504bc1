"""Rich Text Format (.rtf) with striprtf: the text of the document, paragraphs kept."""

from __future__ import annotations

import re

from striprtf.striprtf import rtf_to_text

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.loaders.decoding import title_from_path

NO_TEXT_REASON = "no text in this RTF document"
NOT_RTF_REASON = "not an RTF document"

_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


class RtfLoader:
    """RTF is 7-bit ASCII with escapes: the code page it declares decodes its \\'xx bytes."""

    name: str = "rtf"
    suffixes: tuple[str, ...] = (".rtf",)

    def sniff(self, head: bytes) -> bool:
        return head.lstrip().startswith(b"{\\rtf")

    def load(self, path: str, data: bytes) -> Document:
        if not self.sniff(data[:64]):
            raise FileUnreadable(NOT_RTF_REASON)
        codepage = _CODEPAGE.search(data[:4096])
        encoding = f"cp{codepage.group(1).decode()}" if codepage else "cp1252"
        try:
            "".encode(encoding)
        except LookupError:
            encoding = "cp1252"
        text: str = rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace")  # type: ignore[no-untyped-call]
        text = _BLANK_LINES.sub("\n\n", text.replace("\r\n", "\n").replace("\x00", "")).strip()
        blocks = make_blocks([(text, None, ())])
        if not blocks:
            raise FileSkipped(NO_TEXT_REASON)
        return Document(path=path, title=title_from_path(path), loader=self.name, blocks=blocks)
