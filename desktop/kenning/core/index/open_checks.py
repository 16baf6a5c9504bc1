"""What opening the index checks, and how a failure to open it is told to the person: denied, full,
locked, made by a newer version, or damaged (only real damage offers a rebuild)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kenning.core.errors import (
    DiskFull,
    IndexCorrupt,
    IndexLocked,
    IndexTooNew,
    IndexUnreadable,
    KenningError,
    storage_fault,
)
from kenning.core.index.schema import CHUNKS, FILES, META, SCHEMA_VERSION

log = logging.getLogger(__name__)


def open_error(exc: BaseException, index_dir: Path) -> KenningError:
    """Say why the index could not be opened. Only real damage is called damage: a rebuild is the
    answer to nothing else, and would set a healthy index aside."""
    if isinstance(exc, KenningError):
        return exc
    reason = _first_line(exc)
    fault = storage_fault(exc)
    log.warning("index could not be opened (%s): %s", fault or "damaged", reason)
    if fault == "denied":
        return IndexUnreadable(f"Kenning is not allowed to open the index at {index_dir} ({reason}).")
    if fault == "full":
        return DiskFull(f"The disk is full: the index at {index_dir} could not be opened ({reason}).")
    if fault == "locked":
        return IndexLocked(f"The index at {index_dir} is in use by another program ({reason}).")
    return IndexCorrupt(
        f"The index at {index_dir} is damaged and cannot be read ({reason}). Your documents are not affected."
    )


def verify_tables(tables: dict[str, Any]) -> None:
    """Read what every later step relies on, so a damaged index is found at open, not mid-search.

    A truncated or half-written data file fails here: the file tables are read whole, the chunks
    table's ids (every data file of it) and its full-text index are probed. Lance raises
    OSError or RuntimeError for those.
    """
    meta = {r["key"]: r["value"] for r in tables[META].to_arrow().to_pylist()}
    version = meta.get("schema_version", SCHEMA_VERSION)
    if not version.isdigit() or int(version) > int(SCHEMA_VERSION):
        raise IndexTooNew(
            f"This index was made by a newer version of Kenning (index format {version}; this version"
            f" reads format {SCHEMA_VERSION})."
        )
    tables[FILES].to_arrow()
    chunks = tables.get(CHUNKS)
    if chunks is not None:
        chunks.search().select(["id"]).limit(None).to_arrow()
        if any(index.name == "search_text_idx" for index in chunks.list_indices()):
            probe = chunks.search("index", query_type="fts", fts_columns="search_text")
            probe.limit(1).select(["id", "_score"]).to_list()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0].split(", /rustc/")[0] if text else type(exc).__name__
    return line[:200]
