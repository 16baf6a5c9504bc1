"""A progress bar on stderr for long runs (tqdm), drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """`  30%|███       | 120/400 [00:37<01:27,  3.2 files/s] name.pdf`"""

    def __init__(self, stream: TextIO | None = None) -> None:
        stream = stream or sys.stderr
        # disable=None would ask tqdm to test the stream itself; asking here keeps the rule visible.
        self._bar = tqdm(
            file=stream, unit=" files", disable=not stream.isatty(), leave=True, dynamic_ncols=True
        )
        self.enabled = not self._bar.disable

    def update(self, done: int, total: int, label: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        if self._bar.total != total:
            self._bar.reset(total=total)
        self._bar.n = done
        self._bar.set_postfix_str(label, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()
