"""Read a file's bytes once, safely: size cap, permissions, vanishing and changing files."""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass

from kenning.core.errors import FileSkipped, FileUnreadable


@dataclass(frozen=True)
class FileBytes:
    data: bytes
    sha256: str
    size: int
    mtime_ns: int


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def read_head(path: str, size: int) -> bytes | None:
    """The first `size` bytes, to judge the file's type before reading it whole; None if unreadable
    (`read_file` then says why)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return None


def read_file(path: str, *, max_bytes: int, attempts: int = 2) -> FileBytes:
    """The file's bytes and hash, taken from one stable read; raises FileProblem with a reason."""
    for _ in range(attempts):
        try:
            before = os.stat(path)
            if before.st_size > max_bytes:
                raise FileSkipped(
                    f"file is too large ({_mb(before.st_size)}; the limit is {_mb(max_bytes)}, see settings)"
                )
            if before.st_size == 0:
                raise FileSkipped("empty file")
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
            after = os.stat(path)
        except FileNotFoundError as exc:
            raise FileUnreadable("the file disappeared while it was being read", transient=True) from exc
        except PermissionError as exc:
            raise FileUnreadable(
                "permission denied: Kenning is not allowed to read this file", transient=True
            ) from exc
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise FileUnreadable("the file is a symbolic link loop") from exc
            raise FileUnreadable(f"the file cannot be read ({exc.strerror or exc})", transient=True) from exc
        if len(data) > max_bytes:
            raise FileSkipped(f"file is too large (over {_mb(max_bytes)}, see settings)")
        stable = after.st_size == len(data) and after.st_mtime_ns == before.st_mtime_ns
        if stable:
            if not data:
                raise FileSkipped("empty file")
            return FileBytes(data, hashlib.sha256(data).hexdigest(), len(data), after.st_mtime_ns)
    raise FileUnreadable(
        "the file kept changing while it was being read; it will be tried again", transient=True
    )
