"""The signal a loader raises when a file's text is in pixels: the indexer reads it in a later pass."""

from __future__ import annotations

from kenning.core.domain.documents import Document


class NeedsOcr(Exception):
    """Raised by a loader, caught by whoever decides when (or whether) to run OCR.

    `document` holds the text the loader did find (a PDF's text pages), `pages` the 1-based pages
    that need recognising (empty for an image: every frame)."""

    def __init__(self, kind: str, *, pages: tuple[int, ...] = (), document: Document | None = None) -> None:
        super().__init__(f"{kind} needs OCR")
        self.kind = kind  # "pdf" or "image"
        self.pages = pages
        self.document = document
