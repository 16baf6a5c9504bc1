"""Rebuild a damaged index from the files: set the damaged directory aside, start a fresh one.

Nothing is deleted: the damaged directory is renamed beside the new one (`index.damaged-<time>`),
so a person or a support script can still look at it; the documents themselves are never touched.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from kenning.core.index.writer_lock import WriterLock

log = logging.getLogger(__name__)


def set_aside(index_dir: Path) -> Path | None:
    """Move `index_dir` out of the way (waiting for any writer) and return where it went."""
    if not index_dir.exists():
        return None
    target = index_dir.with_name(f"{index_dir.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    suffix = 1
    while target.exists():
        suffix += 1
        target = target.with_name(f"{target.name}-{suffix}")
    with WriterLock(index_dir):  # no writer may be half-way through a commit in it
        os.replace(index_dir, target)
    log.warning("damaged index set aside", extra={"moved_to": str(target)})
    return target
