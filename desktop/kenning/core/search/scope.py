"""Where a search may look: some folders and/or some file types, as a LanceDB filter.

The filter is applied before ranking (prefilter), so a narrow scope still gets its full share of
candidates instead of whatever survives from a search of everything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kenning.core.index.filters import sql_str


@dataclass(frozen=True)
class Scope:
    folders: tuple[str, ...] = ()  # absolute folder paths; a file anywhere below one is in scope
    file_types: tuple[str, ...] = ()  # suffixes, with or without the dot, any case: "pdf", ".md"

    @classmethod
    def of(cls, folders: list[str] | None = None, file_types: list[str] | None = None) -> Scope:
        return cls(
            folders=tuple(_folder_prefix(f) for f in folders or () if f.strip()),
            file_types=tuple(_suffix(t) for t in file_types or () if t.strip(".").strip()),
        )

    @property
    def everything(self) -> bool:
        return not self.folders and not self.file_types

    def where(self) -> str | None:
        """A filter on the chunks' `path` column, or None for no filter."""
        parts = []
        if self.folders:
            parts.append(" OR ".join(f"starts_with(path, {sql_str(f)})" for f in self.folders))
        if self.file_types:
            parts.append(" OR ".join(f"ends_with(lower(path), {sql_str(t)})" for t in self.file_types))
        return " AND ".join(f"({p})" for p in parts) or None

    def contains(self, path: str) -> bool:
        in_folder = not self.folders or any(path.startswith(f) for f in self.folders)
        return in_folder and (not self.file_types or path.lower().endswith(self.file_types))


def _folder_prefix(folder: str) -> str:
    # Indexed paths are absolute and resolved; the trailing separator keeps /docs from matching /docs2.
    resolved = os.path.realpath(os.path.expanduser(folder.strip()))
    return resolved if resolved.endswith(os.sep) else resolved + os.sep


def _suffix(file_type: str) -> str:
    return "." + file_type.strip().lstrip(".").lower()
