from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kenning.core.errors import FileSkipped, FileUnreadable
from kenning.core.ingest.file_reader import read_file


def test_reads_bytes_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello")
    got = read_file(str(path), max_bytes=100)
    assert got.data == b"hello" and got.sha256 == hashlib.sha256(b"hello").hexdigest()


def test_size_cap_skips_with_the_limit_in_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2_000_001)
    with pytest.raises(FileSkipped, match=r"too large.*2\.0 MB"):
        read_file(str(path), max_bytes=1_000_000)


def test_empty_vanished_and_unreadable_files_have_specific_reasons(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(FileSkipped, match="empty file"):
        read_file(str(empty), max_bytes=100)
    with pytest.raises(FileUnreadable, match="disappeared"):
        read_file(str(tmp_path / "gone.txt"), max_bytes=100)
    if os.geteuid() != 0:
        locked = tmp_path / "locked.txt"
        locked.write_text("secret")
        locked.chmod(0)
        with pytest.raises(FileUnreadable, match="permission denied"):
            read_file(str(locked), max_bytes=100)
