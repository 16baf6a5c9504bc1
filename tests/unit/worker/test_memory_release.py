"""The indexing worker hands memory it freed back to the OS: a worker that parsed a big file and then
only watches for changes does not keep its peak."""

from __future__ import annotations

import sys

import psutil
import pytest

from kenning.core.worker.memory_release import release_memory

MB = 1024 * 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_freed_heap_memory_goes_back_to_the_os() -> None:
    process = psutil.Process()
    blocks = [bytes(4000) + bytes([i % 256]) for i in range(40_000)]  # ~160 MB on the heap, not mmapped
    keep = blocks[-1]  # the heap's top stays in use: only a trim can return the pages below it
    del blocks
    freed = process.memory_info().rss
    release_memory()
    assert process.memory_info().rss < freed - 100 * MB
    assert keep[-1] == 39_999 % 256
