"""Find the files under the watched folders, honouring ignore patterns and never looping."""

from __future__ import annotations

import fnmatch
import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundFile:
    path: str  # absolute, as a str; may hold surrogate escapes on a non-UTF-8 file name
    root: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class WalkProblem:
    path: str
    reason: str


class IgnoreRules:
    """Glob patterns matched against each name, plus folders that must never be indexed."""

    def __init__(self, patterns: Sequence[str], excluded_dirs: Sequence[Path] = ()) -> None:
        self.patterns = tuple(patterns)
        self.excluded = {os.path.normcase(str(p.resolve())) for p in excluded_dirs}

    def ignores_name(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in self.patterns)

    def pattern_for(self, name: str) -> str | None:
        """The first pattern that ignores `name` (to say which rule skipped a file), or None."""
        return next((p for p in self.patterns if fnmatch.fnmatchcase(name, p)), None)

    def ignores_dir(self, path: str) -> bool:
        return os.path.normcase(path) in self.excluded

    def ignores_path(self, path: str, root: str) -> bool:
        """Whether `path` (under `root`) is skipped, by its own name or a parent folder's."""
        relative = os.path.relpath(path, root)
        if relative == ".":
            return False
        parts = relative.split(os.sep)
        if any(self.ignores_name(part) for part in parts):
            return True
        folder = root
        for part in parts[:-1]:
            folder = os.path.join(folder, part)
            if self.ignores_dir(folder):
                return True
        return self.ignores_dir(path)


def under(path: str, roots: tuple[str, ...]) -> bool:
    """Whether `path` is one of `roots` or inside one of them."""
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def in_scope(path: str, scope: set[str]) -> bool:
    """Whether `path` is one of `scope` or lies under one of them (linear in the path's depth)."""
    while True:
        if path in scope:
            return True
        parent = os.path.dirname(path)
        if parent == path:
            return False
        path = parent


def root_of(path: str, roots: Sequence[str]) -> str | None:
    """The innermost watched root holding `path`."""
    holders = [r for r in roots if under(path, (r,))]
    return max(holders, key=len) if holders else None


def display_path(path: str) -> str:
    """A path safe to print and store: undecodable bytes in a name become U+FFFD."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def is_displayable(path: str) -> bool:
    return display_path(path) == path


def indexable_stat(path: str, *, follow_symlinks: bool, is_root: bool = False) -> os.stat_result | None:
    """What the index sees at `path`: the stat of a regular file or a folder to enter, else None.

    The one rule for links, used by the full walk and by the watcher's path check alike, so a file
    never flips in and out of the index between the two: a link to a file is indexed as that file
    (it was put there to be read); a link to a folder is entered only with `follow_symlinks` (or when
    it is a watched root itself), since links to folders are what make loops and duplicates.
    Raises OSError when the path cannot be read; a dangling link or a gone path gives None.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None  # a dangling link
        if stat.S_ISDIR(info.st_mode) and not (follow_symlinks or is_root):
            return None
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return info
    return None


def walk(
    roots: Sequence[str], rules: IgnoreRules, *, follow_symlinks: bool = False
) -> Iterator[FoundFile | WalkProblem]:
    """Yield every indexable file under `roots` once, and each place that could not be read."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for root in roots:
        root_path = os.path.abspath(root)
        stack = [root_path]
        while stack:
            folder = stack.pop()
            try:
                info = os.stat(folder)
            except OSError as exc:
                yield WalkProblem(folder, f"folder cannot be read ({exc.strerror or exc})")
                continue
            key = (info.st_dev, info.st_ino)
            if key in seen_dirs:  # a symlink loop or a folder reached twice
                continue
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                yield WalkProblem(folder, f"folder cannot be read ({exc.strerror or exc})")
                continue
            subfolders: list[str] = []
            for entry in entries:
                if rules.ignores_name(entry.name):
                    continue
                try:
                    st = indexable_stat(entry.path, follow_symlinks=follow_symlinks)
                except OSError as exc:
                    yield WalkProblem(entry.path, f"cannot be read ({exc.strerror or exc})")
                    continue
                if st is None:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if not rules.ignores_dir(entry.path):
                        subfolders.append(entry.path)
                    continue
                if entry.path in seen_files:
                    continue
                seen_files.add(entry.path)
                yield FoundFile(entry.path, root_path, st.st_size, st.st_mtime_ns)
            stack.extend(reversed(subfolders))
