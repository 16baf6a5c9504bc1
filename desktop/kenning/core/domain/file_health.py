"""Index health: what became of each file under the watched folders, in words a person can act on.

The states are what the window's "Why isn't my file found?" view filters on and what
`kenning status --files --json` prints. Loaders and later stages report into them through the file
record: OCR as the loader name `ocr` (or `<loader>+ocr`) with an `ocr_note` among the notes;
flagged passages as a count per file handed to the health rows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class FileState(StrEnum):
    SEARCHABLE = "searchable"
    OCR = "searchable_ocr"  # its text was recognised from images: spelling may be off
    PARTIAL = "partial"  # searchable, but something was left out (pages without text, a capped sheet)
    FLAGGED = "flagged"  # searchable, with passages that read like instructions to the model
    PENDING = "pending"  # found on disk, not indexed yet
    SKIPPED = "skipped"  # deliberately not indexed: unsupported type, too big, hidden, ignored, no text
    FAILED = "failed"  # could not be read


SEARCHABLE_STATES = (FileState.SEARCHABLE, FileState.OCR, FileState.PARTIAL, FileState.FLAGGED)

STATE_LABELS = {
    FileState.SEARCHABLE: "Searchable",
    FileState.OCR: "Searchable via OCR",
    FileState.PARTIAL: "Partly searchable",
    FileState.FLAGGED: "Flagged",
    FileState.PENDING: "Not indexed yet",
    FileState.SKIPPED: "Skipped",
    FileState.FAILED: "Failed",
}

OCR_LOADER = "ocr"
_OCR_NOTE = re.compile(r"OCR confidence (\d{1,3})%")


def ocr_note(confidence: float) -> str:
    """The note an OCR loader adds to `Document.notes`, `confidence` from 0 to 1."""
    return f"OCR confidence {round(max(0.0, min(1.0, confidence)) * 100)}%"


def ocr_confidence(notes: str) -> float | None:
    """The confidence an `ocr_note` in a record's notes reports, or None."""
    match = _OCR_NOTE.search(notes)
    return int(match.group(1)) / 100 if match else None


def is_ocr_loader(loader: str) -> bool:
    return loader == OCR_LOADER or loader.endswith("+" + OCR_LOADER)


@dataclass(frozen=True)
class HealthRow:
    """One file (or one skipped folder) and what became of it."""

    path: str
    state: FileState
    reason: str = ""  # short: "unsupported type", "too big", "hidden", "ignored by rule *.tmp"
    detail: str = ""  # the full message or the loader's notes
    size: int = 0
    modified: float = 0.0  # seconds since the epoch
    chunks: int = 0
    loader: str = ""
    retry: bool = False  # marked to be read again on the next sync

    @property
    def searchable(self) -> bool:
        return self.state in SEARCHABLE_STATES

    def to_json(self) -> dict[str, Any]:
        row = asdict(self)
        row["state"] = self.state.value
        return row
