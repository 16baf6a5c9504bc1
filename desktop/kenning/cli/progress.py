"""A progress bar on stderr for long runs, drawn only when stderr is a terminal."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ProgressBar:
    """`[#####.....]  120/400 files  3.2 files/s  ETA 01:27  name.pdf`"""

    def __init__(self, stream: TextIO | None = None, *, min_interval_s: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._min_interval = min_interval_s

    def update(self, done: int, total: int, label: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self._last_draw < self._min_interval and done < total:
            return
        self._last_draw = now
        elapsed = now - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        width = shutil.get_terminal_size((80, 20)).columns
        bar_width = 24
        filled = int(bar_width * done / total)
        bar = "#" * filled + "." * (bar_width - filled)
        text = f"[{bar}] {done}/{total} files  {rate:.1f} files/s  ETA {_clock(eta)}  {label}"
        self.stream.write("\r" + text[: width - 1].ljust(width - 1))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
