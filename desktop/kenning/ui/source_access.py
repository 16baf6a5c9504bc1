"""Whether a cited file can be reached from this computer, and what to tell the user when not.

A shared index cites its files by the path they have where it was published (a NAS share, a
mounted drive): they open here only when this computer reaches that path too. Checked on a
worker, never the UI thread: looking at a path on a network share that is down can take seconds.
"""

from __future__ import annotations

import os

from kenning.core.domain.documents import OWN_INDEX, Hit
from kenning.core.errors import KenningError


class SourceUnreachable(KenningError):
    """The cited file (or its folder) is not there from this computer."""


def is_shared(hit: Hit) -> bool:
    return bool(hit.index) and hit.index != OWN_INDEX


def check_reachable(hit: Hit, *, folder: bool = False) -> str:
    """The file's path (its folder's with `folder`) when this computer reaches it; else raises
    `SourceUnreachable` saying which file, where, and what to do."""
    target = os.path.dirname(hit.path) if folder else hit.path
    try:
        there = os.path.isdir(target) if folder else os.path.isfile(target)
    except OSError:  # a path the system cannot even look at (too long, a dead mount on some systems)
        there = False
    if there:
        return target
    if is_shared(hit):
        raise SourceUnreachable(
            f"This file is in the shared index '{hit.index}' at {hit.path}; "
            "that path is not reachable from this computer.",
            "Connect the shared folder at that path (the share or drive the index was published from), "
            "then try again. Its passages stay searchable meanwhile.",
        )
    raise SourceUnreachable(
        f"{hit.path} is not there any more: it was moved, renamed or deleted since it was indexed.",
        "The index drops it at the next check of its folder; search again to find where it went.",
    )
