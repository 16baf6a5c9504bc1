"""Kenning's own files are readable by their owner only: 0700 folders, 0600 files on POSIX.

The index, the conversations, the traces and the logs hold what a person's documents say. The
entry points call `restrict_new_files` first thing, so whatever the process creates later (LanceDB's
files too, which Kenning does not create itself) starts private; the helpers below also tighten
what an older version, or another umask, left open. On Windows the user profile's ACLs do this job.
"""

from __future__ import annotations

import os
from pathlib import Path

_POSIX = os.name == "posix"
PRIVATE_UMASK = 0o077


def restrict_new_files() -> None:
    """New files and folders of this process get no group or other permissions."""
    if _POSIX:
        os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make it 0700; returns `path`."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if _POSIX:
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file 0600 (a missing one is left alone); returns `path`."""
    if _POSIX and path.exists():
        os.chmod(path, 0o600)
    return path
