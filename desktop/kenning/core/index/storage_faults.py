"""Index writes that fail for a reason outside Kenning (a full disk, lost permission, a lock) stop
with the error that names it; what was committed before stays, as after a cancel."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kenning.core.errors import storage_error

log = logging.getLogger(__name__)


@contextmanager
def storage_faults(index_dir: Path) -> Iterator[None]:
    """Turn a file-system fault inside the block into `DiskFull` or `StorageUnavailable`.

    Lance reports I/O failures as OSError or RuntimeError with the OS's words in the message, so the
    message is read too; anything that is not a file-system fault passes through unchanged.
    """
    try:
        yield
    except (OSError, RuntimeError) as exc:
        translated = storage_error(exc, f"the index at {index_dir}")
        if translated is None:
            raise
        log.warning("indexing stopped: %s", exc)
        raise translated from exc
