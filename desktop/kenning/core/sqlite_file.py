"""One short-lived SQLite connection per call: safe from any thread, committed on success.

A full disk, a read-only folder or a database locked by another program surfaces as the KenningError
that names it (`DiskFull`, `StorageUnavailable`), never as a bare `sqlite3.OperationalError`, which
is not an `OSError` and would otherwise slip past every handler meant for file faults.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from kenning.core.errors import StorageUnavailable, storage_error
from kenning.core.private_files import private_dir, private_file

# Seconds a write waits for another connection's lock before giving up.
BUSY_TIMEOUT_S = 10.0


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as db, db:
            db.execute("PRAGMA foreign_keys = ON")
            yield db
    except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
        if isinstance(exc, sqlite3.IntegrityError):
            raise
        translated = storage_error(exc, path.name)
        if translated is None:
            translated = StorageUnavailable(f"Kenning could not use {path} ({exc}).")
        raise translated from exc


def create(path: Path, schema: str) -> None:
    """Create the database (readable by its owner only) and its tables if missing."""
    try:
        private_dir(path.parent)
    except OSError as exc:
        raise storage_error(exc, str(path.parent)) or StorageUnavailable(
            f"Kenning could not create {path.parent} ({exc.strerror or exc})."
        ) from exc
    with connect(path) as db:
        db.executescript(schema)
    private_file(path)
