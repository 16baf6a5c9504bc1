"""`kenning publish --to URI`: copy one consistent version of the local index to a folder, a NAS
path or a bucket, where others attach it read-only.

Consistent: the tables are read under the writer lock, so no sync commits between reading the
file records and reading the chunks. The copy is written table by table with LanceDB, the meta
table last: a reader that sees the new publish time also sees the chunks it describes. Old
versions on the target are cleaned only after `CLEANUP_AFTER`, longer than any reader's refresh
plus its longest query, so a search running against the previous publish keeps its files.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from kenning.core.errors import KenningError
from kenning.core.index.location import IndexLocation
from kenning.core.index.remote_probe import check_conditional_writes, remote_faults
from kenning.core.index.schema import CHUNKS, FILES, FLAGS, META, META_SCHEMA
from kenning.core.index.store import CLEANUP_AFTER, Store
from kenning.core.index.vector_indices import ensure_indices
from kenning.core.index.writer_lock import WriterLock


class NothingToPublish(KenningError):
    next_step = "Index some folders first: `kenning index PATH`."


@dataclass(frozen=True)
class Published:
    target: str
    files: int
    chunks: int
    embed_model: str
    published_at: str
    seconds: float


def publish(source: Store, target: IndexLocation) -> Published:
    """Copy the current version of `source` (tables, embedding model id, file manifest) to `target`."""
    started = time.perf_counter()
    if not source.has_chunks:
        raise NothingToPublish("The index is empty: there is nothing to share yet.")
    with WriterLock(source.index_dir):
        # Meta last: a reader that sees the new publish time also sees what it describes. The
        # injection flags travel with the chunks, so a reader's guard marks shared passages too.
        names = [name for name in (FILES, CHUNKS, FLAGS, META) if source.table(name) is not None]
        tables = {name: source.table(name).to_arrow() for name in names}
    meta = {row["key"]: row["value"] for row in tables[META].to_pylist()}
    published_at = datetime.now(UTC).isoformat(timespec="seconds")
    meta.update(published_at=published_at, published_by=socket.gethostname())
    tables[META] = pa.Table.from_pylist([{"key": k, "value": v} for k, v in meta.items()], schema=META_SCHEMA)
    with remote_faults(target):
        db = _connect_for_writing(target)
        existing = set(db.list_tables().tables)
        for name in names:
            mode = "overwrite" if name in existing else "create"
            table = db.create_table(name, data=tables[name], mode=mode)
            if name == CHUNKS:  # every reader searches it over a network: a vector index at any size
                ensure_indices(table, over_network=True)
            table.optimize(cleanup_older_than=CLEANUP_AFTER)
    return Published(
        target=target.describe(),
        files=tables[FILES].num_rows,
        chunks=tables[CHUNKS].num_rows,
        embed_model=meta.get("embed_model", ""),
        published_at=published_at,
        seconds=round(time.perf_counter() - started, 2),
    )


def _connect_for_writing(target: IndexLocation) -> Any:
    import lancedb

    if target.is_remote:
        check_conditional_writes(target)
    else:
        Path(target.uri).mkdir(parents=True, exist_ok=True)
    return lancedb.connect(target.uri, storage_options=target.storage_options() or None)
