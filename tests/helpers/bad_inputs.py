"""The one hostile input too big to keep in tests/data: written on demand, as corpus/bad/make_bad.py does."""

from __future__ import annotations

from pathlib import Path

HUGE_LINE_TEXT = "lorem-ipsum-without-any-newline "
HUGE_LINE_BYTES = 5 * 1024 * 1024


def write_huge_single_line(path: Path) -> Path:
    """5 MiB of text with no newline at all (bad/README.md: `huge-single-line.txt`)."""
    reps = HUGE_LINE_BYTES // len(HUGE_LINE_TEXT) + 1
    path.write_bytes((HUGE_LINE_TEXT * reps).encode("ascii")[:HUGE_LINE_BYTES])
    return path
