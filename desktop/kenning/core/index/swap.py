"""Put a rebuilt index in place of the live one, and finish a swap that a crash interrupted.

Names beside the live `index/`: `index.next` (the rebuild), `index.old` (the replaced version, about
to be deleted) and `index.swapping` (where older versions parked the live index mid-swap). Every
state a crash can leave among them is recognised by `recover_swap`, which runs before the index opens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def next_dir(live: Path) -> Path:
    return live.with_name(live.name + ".next")


def _parked(live: Path) -> tuple[Path, ...]:
    return live.with_name(live.name + ".old"), live.with_name(live.name + ".swapping")


def swap_in(live: Path) -> None:
    """Make `index.next` the live index and delete the version it replaces."""
    staged, old = next_dir(live), _parked(live)[0]
    if not exchange(live, staged):  # two renames: a crash between them leaves no `index/` for a moment
        os.replace(live, old)
        os.replace(staged, live)
    else:  # the replaced version is now under the rebuild's name: a name no later rebuild resumes from
        os.replace(staged, old)
    shutil.rmtree(old, ignore_errors=True)


def recover_swap(live: Path) -> None:
    """Finish or undo a swap a crash interrupted, so `live` holds the newest complete index."""
    staged = next_dir(live)
    if not live.exists():
        # The swap had begun: the rebuild was complete and caught up, so it becomes the live index;
        # with no rebuild beside it, the parked version goes back.
        source = staged if staged.exists() else next((p for p in _parked(live) if p.exists()), None)
        if source is not None:
            os.replace(source, live)
            log.warning("interrupted index swap finished", extra={"from": source.name})
    for parked in _parked(live):
        if parked.exists():
            shutil.rmtree(parked, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2 RENAME_EXCHANGE): no moment without either.

    False where the system or file system cannot; `a` and `b` are then untouched.
    """
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot
        return False
    raise OSError(errno, os.strerror(errno), str(a))
