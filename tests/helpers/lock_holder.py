"""Hold an index's writer lock from a second process, as a long `kenning index` run does.

`python -m tests.helpers.lock_holder INDEX_DIR` takes the lock, prints "locked", and keeps it until
its stdin closes: the test decides when the other process is done.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kenning.core.index.writer_lock import WriterLock

REPO = Path(__file__).resolve().parents[2]


class LockHolder:
    """This script as a second process, holding the lock of `index_dir` until `release`."""

    def __init__(self, index_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.lock_holder", str(index_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == "locked\n"

    def release(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0
        self.process.stdout.close()


def main(index_dir: str) -> None:
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with WriterLock(Path(index_dir)):
        print("locked", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1])
