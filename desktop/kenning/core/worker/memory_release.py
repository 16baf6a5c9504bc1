"""Hand memory the indexing worker freed back to the OS after each batch.

glibc keeps freed heap memory for reuse: after parsing a big PDF and embedding its chunks, hundreds
of MB stay resident in a worker that may then only watch for changes for hours. `malloc_trim(0)`
returns the free pages (cheap: a few ms after a batch of seconds); pyarrow's pool keeps its own cache,
released the same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
import time

log = logging.getLogger(__name__)

_libc: ctypes.CDLL | None = None
_looked = False


def _glibc() -> ctypes.CDLL | None:
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                _libc = libc if hasattr(libc, "malloc_trim") else None  # musl has none
            except OSError:
                _libc = None
    return _libc


def release_memory() -> None:
    """Collect cycles, then return free memory to the OS (glibc heap, pyarrow's pool)."""
    gc.collect()
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        try:
            pyarrow.default_memory_pool().release_unused()
        except Exception:  # an older pyarrow, another pool: nothing to release then
            log.debug("pyarrow pool not released", exc_info=True)
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


class Releaser:
    """`release_memory` at most every `every_s` seconds: after each file of a big folder, without
    paying the collection for each of thousands of small files."""

    def __init__(self, every_s: float = 2.0) -> None:
        self._every_s = every_s
        self._last = time.monotonic()

    def maybe(self) -> None:
        now = time.monotonic()
        if now - self._last >= self._every_s:
            release_memory()
            self._last = time.monotonic()
