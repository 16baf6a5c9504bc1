"""Whole-document summaries kept by content hash + model + kind, reused until a file changes.

The key holds the files' SHA-256, so an edited file misses the cache by itself and nothing has to be
invalidated; the text keeps its citations as chunk numbers of the document, in order.
"""

from __future__ import annotations

from pathlib import Path

from kenning.core.sqlite_file import connect, create

_SCHEMA = """
CREATE TABLE IF NOT EXISTS summaries (
    key TEXT NOT NULL,
    model TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (key, model, kind)
);
"""


class SummaryCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False

    def _open(self) -> None:
        if not self._ready:
            create(self.path, _SCHEMA)
            self._ready = True

    def get(self, key: str, model: str, kind: str) -> str | None:
        self._open()
        with connect(self.path) as db:
            row = db.execute(
                "SELECT text FROM summaries WHERE key = ? AND model = ? AND kind = ?", (key, model, kind)
            ).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, model: str, kind: str, text: str) -> None:
        self._open()
        with connect(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO summaries (key, model, kind, text) VALUES (?, ?, ?, ?)",
                (key, model, kind, text),
            )
