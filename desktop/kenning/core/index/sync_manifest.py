"""A small snapshot of the `files` table (path → size, mtime) kept beside the index.

It lets a re-sync of an unchanged folder finish without opening LanceDB at all (importing it
alone costs seconds). It is deleted before any write and rewritten after a finished sync, so a
crash mid-sync leaves no snapshot and the next run takes the full path.

It also names what built the index (embedding model and chunking): a snapshot made under other
settings never vouches for this run, which then opens the index and has it refuse the mismatch.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from kenning.core.domain.documents import FileRecord
from kenning.core.ingest.walker import FoundFile, display_path, under
from kenning.core.private_files import private_dir, private_file

_VERSION = 2


class SyncManifest:
    def __init__(self, index_dir: Path, built_by: str = "") -> None:
        self.path = index_dir / "sync-manifest.json"
        self.built_by = built_by  # the embedding model and chunking the current settings would use

    def load(self) -> dict[str, tuple[int, int, bool]] | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("version") != _VERSION or raw.get("built_by") != self.built_by:
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
        tmp.write_text(
            json.dumps({"version": _VERSION, "built_by": self.built_by, "files": files}), encoding="utf-8"
        )
        private_file(tmp)
        os.replace(tmp, self.path)

    def nothing_changed(self, found: Sequence[FoundFile], roots: tuple[str, ...]) -> bool:
        """Whether `found` (the files under `roots` now) is exactly what the last finished sync left."""
        snapshot = self.load()
        if snapshot is None:
            return False
        known = {p for p in snapshot if under(p, roots)}
        if len(known) != len(found):
            return False
        for f in found:
            entry = snapshot.get(display_path(f.path))
            if entry is None or entry[2] or entry[0] != f.size or entry[1] != f.mtime_ns:
                return False
        return True
