"""A small snapshot of the `files` table (path → size, mtime) kept beside the index.

It lets a re-sync of an unchanged folder finish without opening LanceDB at all (importing it
alone costs seconds). It is deleted before any write and rewritten after a finished sync, so a
crash mid-sync leaves no snapshot and the next run takes the full path.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from kenning.core.domain.documents import FileRecord
from kenning.core.private_files import private_dir, private_file

_VERSION = 1


class SyncManifest:
    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / "sync-manifest.json"

    def load(self) -> dict[str, tuple[int, int, bool]] | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("version") != _VERSION:
                return None
            return {p: (int(v[0]), int(v[1]), bool(v[2])) for p, v in raw["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def invalidate(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def save(self, records: Iterable[FileRecord]) -> None:
        files = {r.path: [r.size, r.mtime_ns, r.retry] for r in records}
        private_dir(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": _VERSION, "files": files}), encoding="utf-8")
        private_file(tmp)
        os.replace(tmp, self.path)
