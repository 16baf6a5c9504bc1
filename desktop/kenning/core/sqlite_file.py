"""One short-lived SQLite connection per call: safe from any thread, committed on success."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from kenning.core.private_files import private_dir, private_file


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.execute("PRAGMA foreign_keys = ON")
        yield db


def create(path: Path, schema: str) -> None:
    """Create the database (readable by its owner only) and its tables if missing."""
    private_dir(path.parent)
    with connect(path) as db:
        db.executescript(schema)
    private_file(path)
