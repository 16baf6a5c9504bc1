"""Keep the indexing worker's memory down: large blocks outside the heap, freed memory handed back.

glibc keeps freed heap memory for reuse, and raises its mmap threshold (up to 32 MB) each time a large
block is freed, so torch's activations and a big PDF's text soon come from a heap that only grows:
measured on the corpus's PDFs, the worker's heap peaked near 390 MB, of which ~200 MB were free. A fixed
1 MB threshold (`limit_heap_growth`, at the worker's start) keeps large blocks in mappings of their own,
returned when freed (peak RSS ~90 MB lower, same speed); `release_memory` after each file returns what
the heap freed (`malloc_trim`) and pyarrow's pool cache, so a worker that then only watches for changes
for hours does not keep its peak.
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


_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
MMAP_THRESHOLD = 1024 * 1024


def limit_heap_growth() -> None:
    """Blocks of 1 MB and more get a mapping of their own (a fixed threshold also ends glibc's raising
    of it); no-op off glibc."""
    libc = _glibc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


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
