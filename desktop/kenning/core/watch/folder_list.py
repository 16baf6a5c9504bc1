"""The folders a person chose to keep indexed, with whether each is paused; kept in the data dir."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from kenning.core.private_files import private_dir, private_file


@dataclass(frozen=True)
class Folder:
    path: str
    paused: bool = False
    added_at: float = 0.0


class FolderList:
    """A small JSON file, rewritten atomically; safe to call from any thread."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._lock = threading.Lock()

    def load(self) -> list[Folder]:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        folders: list[Folder] = []
        for item in raw.get("folders", []) if isinstance(raw, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                folders.append(
                    Folder(item["path"], bool(item.get("paused", False)), float(item.get("added_at", 0.0)))
                )
        return folders

    def add(self, path: str) -> list[Folder]:
        resolved = str(Path(path).expanduser().resolve())
        with self._lock:
            folders = self.load()
            if all(f.path != resolved for f in folders):
                folders.append(Folder(resolved, added_at=time.time()))
                self._save(folders)
            return folders

    def remove(self, path: str) -> list[Folder]:
        with self._lock:
            folders = [f for f in self.load() if f.path != path]
            self._save(folders)
            return folders

    def set_paused(self, path: str, paused: bool) -> list[Folder]:
        with self._lock:
            folders = [replace(f, paused=paused) if f.path == path else f for f in self.load()]
            self._save(folders)
            return folders

    def active(self) -> list[str]:
        return [f.path for f in self.load() if not f.paused]

    def _save(self, folders: list[Folder]) -> None:
        private_dir(self.file.parent)
        tmp = self.file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"folders": [asdict(f) for f in folders]}, indent=2), encoding="utf-8")
        private_file(tmp)
        os.replace(tmp, self.file)
