"""Time pipeline stages with one context manager, so the log and the latency panel read one record."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class StageTimer:
    def __init__(self) -> None:
        self.timings_ms: dict[str, float] = {}
        self._started = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, (time.perf_counter() - began) * 1000)

    def add(self, name: str, ms: float) -> None:
        self.timings_ms[name] = round(self.timings_ms.get(name, 0.0) + ms, 2)

    def total_ms(self) -> float:
        return round((time.perf_counter() - self._started) * 1000, 2)
