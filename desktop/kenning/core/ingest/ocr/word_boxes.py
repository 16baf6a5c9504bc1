"""The OCR result of a file, kept beside the index as one JSON file named by the content's hash.

Why a sidecar rather than columns in the chunks table: the boxes are needed only when a page is
shown, a rename keeps its chunks without reading the file again (the hash still finds the boxes),
and the same content is never recognised twice (a re-embed or a rebuilt index reuses the text).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path

from kenning.core.ingest.ocr.page_text import OcrPage

_HASH = re.compile(r"[0-9a-f]{64}")
_VERSION = 1


class WordBoxStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, sha256: str) -> Path:
        if not _HASH.fullmatch(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.folder / f"{sha256}.json"

    def save(self, sha256: str, engine: str, pages: list[OcrPage]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": _VERSION,
            "engine": engine,
            "pages": [
                {
                    "page": p.page,
                    "text": p.text,
                    "confidence": p.confidence,
                    "spans": [list(s) for s in p.spans],
                }
                for p in pages
            ],
        }
        target = self._file(sha256)
        partial = target.with_suffix(".part")
        partial.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(partial, target)  # a reader never sees half a file

    def load(self, sha256: str) -> tuple[str, list[OcrPage]] | None:
        """(engine, pages) recognised earlier for this content, or None."""
        try:
            payload = json.loads(self._file(sha256).read_text(encoding="utf-8"))
            if payload.get("version") != _VERSION:
                return None
            pages = [
                OcrPage(
                    int(p["page"]),
                    str(p["text"]),
                    tuple(
                        (int(s), int(e), (float(b[0]), float(b[1]), float(b[2]), float(b[3])))
                        for s, e, b in p["spans"]
                    ),
                    float(p["confidence"]),
                )
                for p in payload["pages"]
            ]
            return str(payload["engine"]), pages
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # missing or damaged: the file is simply recognised again

    def page(self, path: str, page: int) -> OcrPage | None:
        """The OCR'd page `page` of the file at `path` as it is now, if it was OCR'd."""
        with contextlib.suppress(OSError):
            found = self.load(file_sha256(path))
            if found is not None:
                return next((p for p in found[1] if p.page == page), None)
        return None


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
