"""The writer lock waits for another writer, gives up after its timeout, and stops waiting when told."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kenning.core.index.writer_lock import IndexBusy, LockWaitCancelled, WriterLock


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """The lock of `tmp_path`, held by another thread (a file lock: as if by another process)."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with WriterLock(tmp_path):
            locked.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait()
    yield tmp_path
    release.set()
    holder.join()


def test_a_cancelled_wait_ends_with_a_message_while_the_other_writer_still_holds_it(held: Path) -> None:
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            with WriterLock(held, cancel=cancel):
                pass
        except IndexBusy as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    cancel.set()  # the app closes: the default wait would last two minutes
    waiter.join()
    assert len(outcome) == 1 and isinstance(outcome[0], LockWaitCancelled)


def test_a_short_wait_reports_the_other_writer(held: Path) -> None:
    busy = pytest.raises(IndexBusy, match="Another Kenning process is updating this index")
    with busy, WriterLock(held, timeout_s=0.3):
        pass
