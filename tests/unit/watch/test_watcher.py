"""Live folders: real files, real watchdog, real index. Waits on events with timeouts, never sleeps."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import (
    BatchDone,
    FileDone,
    FileStatus,
    Outcome,
    RootOffline,
    RootOnline,
    SyncPaused,
    SyncResumed,
    Watching,
)
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow

TIMEOUT_S = 60.0


def note(word: str, paragraphs: int = 2) -> str:
    return "# Notes\n\n" + "\n\n".join(
        f"The {word} procedure, step {i}, is described here in enough words to stand alone as a passage."
        for i in range(paragraphs)
    )


class Running:
    """A FolderWatcher iterated on a background thread, its events handed over through a queue."""

    def __init__(self, watcher: Any) -> None:
        self.watcher = watcher
        self.cancel = threading.Event()
        self.events: queue.Queue[Any] = queue.Queue()
        self.seen: list[Any] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for event in self.watcher.run(self.cancel):
                self.events.put(event)
        except BaseException as exc:
            self.events.put(exc)

    def wait_for(self, matches: Callable[[Any], bool], what: str) -> Any:
        while True:
            try:
                event = self.events.get(timeout=TIMEOUT_S)
            except queue.Empty:
                raise AssertionError(f"no {what} within {TIMEOUT_S} s; saw {self.seen[-10:]}") from None
            if isinstance(event, BaseException):
                raise event
            self.seen.append(event)
            if matches(event):
                return event

    def batches_until(self, done: Callable[[list[BatchDone]], bool], what: str) -> list[BatchDone]:
        batches: list[BatchDone] = []
        while not done(batches):
            batches.append(self.wait_for(lambda e: isinstance(e, BatchDone), what))
        return batches

    def stop(self) -> None:
        self.cancel.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


@pytest.fixture
def folder() -> Iterator[Path]:
    # Not under tmp_path: the data dir lives there, and some tests rename the watched folder.
    with tempfile.TemporaryDirectory(prefix="kenning-watch-") as name:
        root = Path(name) / "docs"
        root.mkdir()
        yield root


def watch_settings() -> Settings:
    settings = Settings()
    settings.watch.debounce_s = 0.6  # the default: pairs a move's halves
    settings.watch.root_check_s = 0.5
    settings.watch.poll_interval_s = 0.3
    return settings


@pytest.fixture
def watch(make_workspace: Callable[..., Any]) -> Iterator[Callable[..., Running]]:
    from kenning.core.watch.watcher import FolderWatcher

    started: list[Running] = []

    def start(*roots: Path, workspace: Any = None, **kwargs: Any) -> Running:
        workspace = workspace or make_workspace(watch_settings())
        kwargs.setdefault("settings", workspace.settings.watch)
        running = Running(FolderWatcher(workspace.indexer, [str(r) for r in roots], **kwargs))
        running.workspace = workspace  # type: ignore[attr-defined]
        started.append(running)
        running.wait_for(lambda e: isinstance(e, Watching), "start")
        return running

    yield start
    for running in started:
        running.stop()


def records(running: Running) -> dict[str, Any]:
    store = running.workspace.store  # type: ignore[attr-defined]
    return {p: r for p, r in store.file_records().items() if r.status is FileStatus.INDEXED}


def chunk_paths(running: Running) -> set[str]:
    table = running.workspace.store.chunks_table  # type: ignore[attr-defined]
    return set(table.to_arrow().column("path").to_pylist()) if table is not None else set()


def test_every_kind_of_change_reaches_the_index(watch: Callable[..., Running], folder: Path) -> None:
    (folder / "a.md").write_text(note("alpha"))
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(note("bravo", 3))
    w = watch(folder)
    assert set(records(w)) == {str(folder / "a.md"), str(folder / "sub" / "b.txt")}

    # create
    (folder / "c.md").write_text(note("charlie"))
    w.wait_for(lambda e: isinstance(e, BatchDone) and str(folder / "c.md") in e.indexed, "create")

    # modify in place, written in several chunks
    with open(folder / "a.md", "a", encoding="utf-8") as f:
        for i in range(5):
            f.write(f"\n\nAppended zulu paragraph {i} with its own words.")
            f.flush()
    batch = w.wait_for(lambda e: isinstance(e, BatchDone) and e.indexed, "modify")
    assert batch.indexed == (str(folder / "a.md"),)
    assert w.workspace.store.has_word("zulu")  # type: ignore[attr-defined]

    # atomic save: write a temp file, rename it over the target
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".c.md.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(note("yankee"))
    os.replace(tmp, folder / "c.md")
    batch = w.wait_for(lambda e: isinstance(e, BatchDone), "atomic save")
    assert batch.indexed == (str(folder / "c.md"),) and not batch.removed and not batch.errors

    # rename, and a move across subfolders: vectors kept, nothing re-embedded
    os.rename(folder / "c.md", folder / "c2.md")
    batch = w.wait_for(lambda e: isinstance(e, BatchDone), "rename")
    assert batch.renamed == ((str(folder / "c.md"), str(folder / "c2.md")),) and not batch.indexed
    (folder / "deep" / "er").mkdir(parents=True)
    os.rename(folder / "sub" / "b.txt", folder / "deep" / "er" / "b.txt")
    batch = w.wait_for(lambda e: isinstance(e, BatchDone), "move")
    assert batch.renamed == ((str(folder / "sub" / "b.txt"), str(folder / "deep" / "er" / "b.txt")),)

    # ignored: temp, lock and hidden files never reach the index
    for name in ("x.tmp", ".~lock.a.md#", "~$report.docx", ".hidden.md", "a.md.swp"):
        (folder / name).write_text(note("ignored"))
    (folder / "d.md").write_text(note("delta"))  # a marker after them
    batch = w.wait_for(lambda e: isinstance(e, BatchDone), "marker")
    assert batch.indexed == (str(folder / "d.md"),)

    # delete a file, then a whole folder
    os.remove(folder / "d.md")
    batch = w.wait_for(lambda e: isinstance(e, BatchDone), "delete")
    assert batch.removed == (str(folder / "d.md"),)
    shutil.rmtree(folder / "deep")
    w.wait_for(lambda e: isinstance(e, BatchDone) and e.removed, "delete folder")

    expected = {str(folder / "a.md"), str(folder / "c2.md")}
    assert set(records(w)) == expected
    assert chunk_paths(w) == expected
    store = w.workspace.store  # type: ignore[attr-defined]
    assert store.count_chunks() == sum(r.chunks for r in records(w).values())


def test_a_bulk_change_is_coalesced_into_few_batches(watch: Callable[..., Running], folder: Path) -> None:
    w = watch(folder)
    staging = folder.parent / "staging"
    staging.mkdir()
    for i in range(150):
        (staging / f"n{i:03}.txt").write_text(f"Bulk note number {i} about topic {i % 7}.")
    os.rename(staging, folder / "unzipped")  # like an unzip or a checkout landing at once
    batches = w.batches_until(lambda b: sum(len(x.indexed) for x in b) >= 150, "bulk")
    assert len(batches) <= 3
    assert len(records(w)) == 150


def test_start_reconciles_what_changed_while_closed(
    watch: Callable[..., Running], folder: Path, make_workspace: Callable[..., Any]
) -> None:
    (folder / "keep.md").write_text(note("kilo"))
    (folder / "gone.md").write_text(note("golf"))
    (folder / "old.md").write_text(note("oscar"))
    workspace = make_workspace()
    list(workspace.indexer.sync([str(folder)]))
    os.remove(folder / "gone.md")
    os.rename(folder / "old.md", folder / "new.md")
    (folder / "added.md").write_text(note("alpha"))

    w = watch(folder, workspace=workspace)
    outcomes = {(e.path, e.outcome) for e in w.seen if isinstance(e, FileDone)}
    assert outcomes >= {
        (str(folder / "gone.md"), Outcome.REMOVED),
        (str(folder / "new.md"), Outcome.RENAMED),
        (str(folder / "added.md"), Outcome.INDEXED),
    }
    assert set(records(w)) == {str(folder / n) for n in ("keep.md", "new.md", "added.md")}


def test_a_vanished_root_goes_offline_keeps_its_chunks_and_catches_up_when_back(
    watch: Callable[..., Running], folder: Path
) -> None:
    (folder / "a.md").write_text(note("alpha"))
    (folder / "b.md").write_text(note("bravo"))
    w = watch(folder)
    before = w.workspace.store.count_chunks()  # type: ignore[attr-defined]

    away = folder.parent / "docs-away"
    os.rename(folder, away)  # a renamed root, or an unmounted drive
    offline = w.wait_for(lambda e: isinstance(e, RootOffline), "offline")
    assert offline.root == str(folder)
    assert w.workspace.store.count_chunks() == before  # type: ignore[attr-defined]
    assert len(records(w)) == 2

    os.remove(away / "b.md")  # changed while away
    (away / "c.md").write_text(note("charlie"))
    os.rename(away, folder)
    w.wait_for(lambda e: isinstance(e, RootOnline), "online")
    assert set(records(w)) == {str(folder / "a.md"), str(folder / "c.md")}
    (folder / "d.md").write_text(note("delta"))  # and it is watched again
    w.wait_for(lambda e: isinstance(e, BatchDone) and str(folder / "d.md") in e.indexed, "watched again")


def test_polling_mode_sees_changes_without_native_events(watch: Callable[..., Running], folder: Path) -> None:
    (folder / "a.md").write_text(note("alpha"))
    w = watch(folder, polling=True)
    assert next(e for e in w.seen if isinstance(e, Watching)).polled == (str(folder),)
    (folder / "b.md").write_text(note("bravo"))
    os.rename(folder / "a.md", folder / "a2.md")
    batches = w.batches_until(lambda b: any(x.indexed for x in b) and any(x.renamed for x in b), "poll")
    assert str(folder / "b.md") in [p for b in batches for p in b.indexed]
    assert set(records(w)) == {str(folder / "a2.md"), str(folder / "b.md")}


def test_roots_are_added_paused_resumed_and_removed_while_running(
    watch: Callable[..., Running], folder: Path
) -> None:
    other = folder.parent / "other"
    other.mkdir()
    (other / "o.md").write_text(note("oscar"))
    w = watch(folder)
    w.watcher.add_root(str(other))
    w.wait_for(lambda e: isinstance(e, RootOnline) and e.root == str(other), "added")
    assert str(other / "o.md") in records(w)

    w.watcher.pause(str(other))
    (other / "p.md").write_text(note("papa"))
    (folder / "f.md").write_text(note("foxtrot"))  # the unpaused root still works
    batch = w.wait_for(lambda e: isinstance(e, BatchDone), "unpaused root")
    assert batch.indexed == (str(folder / "f.md"),)
    w.watcher.resume(str(other))
    w.wait_for(lambda e: isinstance(e, RootOnline) and e.root == str(other), "resumed")
    assert str(other / "p.md") in records(w)

    w.watcher.remove_root(str(other))
    batch = w.wait_for(lambda e: isinstance(e, BatchDone) and e.removed, "removed root")
    assert set(batch.removed) == {str(other / "o.md"), str(other / "p.md")}
    assert set(records(w)) == {str(folder / "f.md")}


def fails_once(call: Callable[..., Any], error: Exception) -> Callable[..., Any]:
    """`call`, except that its first use raises `error` (a full disk, a bug in a library)."""
    calls = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return call(*args, **kwargs)

    return flaky


def test_errors_in_the_reconcile_and_the_checkpoint_pause_the_sync_and_it_carries_on(
    watch: Callable[..., Running], folder: Path, make_workspace: Callable[..., Any]
) -> None:
    (folder / "a.md").write_text(note("alpha"))
    workspace = make_workspace(watch_settings())
    indexer = workspace.indexer
    indexer.sync = fails_once(indexer.sync, OSError(28, "No space left on device"))
    indexer.checkpoint = fails_once(indexer.checkpoint, RuntimeError("lance commit conflict"))
    w = watch(folder, workspace=workspace)  # the start-up reconcile failed once, then went through
    paused = next(e for e in w.seen if isinstance(e, SyncPaused))
    assert paused.reason == "the index could not be written (No space left on device)"
    w.wait_for(lambda e: isinstance(e, SyncResumed), "resumed after the reconcile")
    assert set(records(w)) == {str(folder / "a.md")}

    # Written and idle: the checkpoint fails once; the sync pauses, retries, and follows changes still.
    paused = w.wait_for(lambda e: isinstance(e, SyncPaused), "checkpoint failure")
    assert "unexpected error (RuntimeError)" in paused.reason
    w.wait_for(lambda e: isinstance(e, SyncResumed), "resumed")
    (folder / "b.md").write_text(note("bravo"))
    w.wait_for(lambda e: isinstance(e, BatchDone) and str(folder / "b.md") in e.indexed, "later change")


def test_a_change_waits_while_another_process_writes_and_is_indexed_after(
    watch: Callable[..., Running], folder: Path
) -> None:
    from kenning.core.index.writer_lock import WriterLock

    w = watch(folder)
    index_dir = w.workspace.store.index_dir  # type: ignore[attr-defined]
    release = threading.Event()
    locked = threading.Event()

    def hold() -> None:  # another writer (a second process behaves the same: the lock is a file lock)
        with WriterLock(index_dir):
            locked.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait()
    try:
        (folder / "a.md").write_text(note("alpha"))
        paused = w.wait_for(lambda e: isinstance(e, SyncPaused), "paused")
        assert paused.reason == "Another Kenning process is updating this index."
        w.watcher.retry_now()  # the Retry button: tries again at once, and waits again
        w.wait_for(lambda e: isinstance(e, SyncPaused), "paused again")
    finally:
        release.set()
        holder.join()
    w.wait_for(lambda e: isinstance(e, BatchDone) and str(folder / "a.md") in e.indexed, "caught up")
