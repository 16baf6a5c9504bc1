"""Where a search may look: folders, file types, a modified-date range and/or named documents, as
a LanceDB filter.

The filter is applied before ranking (prefilter), so a narrow scope still gets its full share of
candidates instead of whatever survives from a search of everything. The chunks table holds no
dates: a date range is first turned into the paths the `files` table dates in it, and those are
matched on the chunks' indexed `path` column.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from kenning.core.index.filters import batched, sql_in, sql_str


@dataclass(frozen=True)
class Scope:
    folders: tuple[str, ...] = ()  # absolute folder paths; a file anywhere below one is in scope
    file_types: tuple[str, ...] = ()  # suffixes, with or without the dot, any case: "pdf", ".md"
    since: date | None = None  # modified on or after this day (local time)
    until: date | None = None  # modified on or before this day (local time)
    documents: tuple[str, ...] = ()  # only these files (absolute paths)

    @classmethod
    def of(
        cls,
        folders: list[str] | None = None,
        file_types: list[str] | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
        documents: list[str] | None = None,
    ) -> Scope:
        return cls(
            folders=tuple(_folder_prefix(f) for f in folders or () if f.strip()),
            file_types=tuple(_suffix(t) for t in file_types or () if t.strip(".").strip()),
            since=since,
            until=until,
            documents=tuple(_document(d) for d in documents or () if d.strip()),
        )

    @property
    def everything(self) -> bool:
        return self == Scope()

    @property
    def dated(self) -> bool:
        return self.since is not None or self.until is not None

    def mtime_range_ns(self) -> tuple[int | None, int | None]:
        """[start, end) in nanoseconds since the epoch; `until` counts its whole day."""
        start = _midnight_ns(self.since) if self.since else None
        end = _midnight_ns(self.until + timedelta(days=1)) if self.until else None
        return start, end

    def where(self, dated_paths: Collection[str] | None = None) -> str | None:
        """A filter on the chunks' `path` column, or None for no filter.

        `dated_paths`: the files modified in the date range (see `Store.paths_modified`); needed
        when the scope is dated, and an empty collection then matches nothing.
        """
        parts = []
        if self.folders:
            parts.append(" OR ".join(f"starts_with(path, {sql_str(f)})" for f in self.folders))
        if self.file_types:
            parts.append(" OR ".join(f"ends_with(lower(path), {sql_str(t)})" for t in self.file_types))
        if self.documents:
            parts.append(_any_of(self.documents))
        if self.dated:
            parts.append(_any_of(sorted(dated_paths or ())) if dated_paths else "false")
        return " AND ".join(f"({p})" for p in parts) or None

    def contains(self, path: str, mtime_ns: int | None = None) -> bool:
        in_folder = not self.folders or any(path.startswith(f) for f in self.folders)
        typed = not self.file_types or path.lower().endswith(self.file_types)
        named = not self.documents or path in self.documents
        start, end = self.mtime_range_ns()
        dated = mtime_ns is None or ((start is None or mtime_ns >= start) and (end is None or mtime_ns < end))
        return in_folder and typed and named and dated

    def without(self, kind: str, value: str = "") -> Scope:
        """This scope less one of its parts (a removed chip): kind is folder, type, since, until, doc."""
        if kind == "folder":
            return replace(self, folders=tuple(f for f in self.folders if f != value))
        if kind == "type":
            return replace(self, file_types=tuple(t for t in self.file_types if t != value))
        if kind == "doc":
            return replace(self, documents=tuple(d for d in self.documents if d != value))
        if kind == "since":
            return replace(self, since=None)
        if kind == "until":
            return replace(self, until=None)
        raise ValueError(f"unknown scope part {kind!r}")

    def parts(self) -> list[tuple[str, str]]:
        """(kind, value) for each part, in a stable order: what the window shows as chips."""
        items = [("folder", f) for f in self.folders] + [("type", t) for t in self.file_types]
        if self.since:
            items.append(("since", self.since.isoformat()))
        if self.until:
            items.append(("until", self.until.isoformat()))
        return items + [("doc", d) for d in self.documents]


def _any_of(paths: Collection[str]) -> str:
    # IN lists are kept short (DataFusion plans long ones slowly); the BTree index on path serves each.
    return " OR ".join(sql_in("path", part) for part in batched(list(paths)))


def _midnight_ns(day: date) -> int:
    return int(datetime.combine(day, time.min).timestamp() * 1_000_000_000)


def _folder_prefix(folder: str) -> str:
    # Indexed paths are absolute and resolved; the trailing separator keeps /docs from matching /docs2.
    resolved = os.path.realpath(os.path.expanduser(folder.strip()))
    return resolved if resolved.endswith(os.sep) else resolved + os.sep


def _document(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path.strip()))


def _suffix(file_type: str) -> str:
    return "." + file_type.strip().lstrip(".").lower()
