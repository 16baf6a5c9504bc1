"""Opening and writing the index: each fault says what happened, and only damage offers a rebuild.

Tests here run as root, which no permission bit stops, and the machine has no small filesystem to
fill; so a denied or full disk is injected at the lowest file-system call Python makes (`os.mkdir`)
or at LanceDB's entry point with the error the OS gives. A file-size limit (RLIMIT_FSIZE) is a real
fault and is used for the command line. A newer-version index is a real one
(real damage is tested in e2e/test_damaged_index.py).
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.errors import (
    DiskFull,
    IndexCorrupt,
    IndexIncompatible,
    IndexLocked,
    IndexTooNew,
    IndexUnreadable,
)
from kenning.core.index.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    topics = {
        "hsts.md": "# HSTS cache\n\nThe HSTS cache keeps which hosts must be reached over HTTPS only.",
        "tunnel.md": "# Tunnels\n\nAn SSH tunnel forwards a local port to a port on the remote host.",
        "kettle.md": "# Kettle\n\nThe silver kettle sits on the third shelf of the pantry.",
    }
    for name, text in topics.items():
        (folder / name).write_text(text * 40, encoding="utf-8")
    return folder


def _failing_mkdir(target: Path, error: OSError) -> Callable[..., None]:
    real_mkdir = os.mkdir

    def mkdir(path: Any, mode: int = 0o777, **kw: Any) -> None:
        if Path(path) == target:
            raise error
        real_mkdir(path, mode, **kw)

    return mkdir


def test_a_folder_kenning_may_not_write_is_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "data" / "index"
    denied = PermissionError(errno.EACCES, "Permission denied", str(index_dir))
    monkeypatch.setattr(os, "mkdir", _failing_mkdir(index_dir, denied))
    with pytest.raises(IndexUnreadable) as caught:
        Store(index_dir).file_records()
    assert "not allowed" in caught.value.message and "access" in caught.value.next_step
    assert not isinstance(caught.value, IndexCorrupt) and "--rebuild" not in caught.value.next_step


def test_a_full_disk_at_open_says_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "data" / "index"
    full = OSError(errno.ENOSPC, "No space left on device", str(index_dir))
    monkeypatch.setattr(os, "mkdir", _failing_mkdir(index_dir, full))
    with pytest.raises(DiskFull) as caught:
        Store(index_dir).file_records()
    assert "disk is full" in caught.value.message and "Free some disk space" in caught.value.next_step


def test_an_index_held_by_another_program_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lancedb

    def held(*args: Any, **kwargs: Any) -> None:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(lancedb, "connect", held)
    with pytest.raises(IndexLocked) as caught:
        Store(tmp_path / "index").file_records()
    assert "in use" in caught.value.message and "Close the other Kenning" in caught.value.next_step


def test_an_index_from_a_newer_kenning_is_refused_without_a_rebuild(tmp_path: Path) -> None:
    store = Store(tmp_path / "index")
    store.file_records()
    store._set_meta({"schema_version": "99"})  # as a future version would leave it
    with pytest.raises(IndexTooNew) as caught:
        Store(tmp_path / "index").file_records()
    assert "newer version" in caught.value.message and "Update Kenning" in caught.value.next_step


def test_indexing_with_a_full_disk_stops_cleanly_and_the_cli_says_so(
    make_workspace: Callable[..., Any], notes: Path, tmp_path: Path
) -> None:
    folder = notes
    data = tmp_path / "data"
    make_workspace().store.file_records()  # the index exists: the run below only adds to it

    def file_size_limit() -> None:
        # With SIGXFSZ ignored, a write past the limit fails with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    command = [sys.executable, "-m", "kenning", "index", str(folder), "--data-dir", str(data), "--json"]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=300, preexec_fn=file_size_limit, check=False
    )
    assert run.returncode == 1, run.stderr
    error = json.loads(run.stdout)["error"]
    assert error["type"] == "DiskFull" and "disk is full" in error["message"], error
    assert "internal error" not in run.stdout + run.stderr

    # Without the limit the index opens as it was left, and the next run finishes the job.
    workspace = make_workspace()
    report = list(workspace.indexer.sync([str(folder)]))[-1].report
    assert report.errors == [] and report.indexed + report.unchanged == 3


def test_search_with_another_embedding_model_is_refused_with_the_reindex_offer(
    make_workspace: Callable[..., Any], notes: Path, embedder: Any
) -> None:
    from kenning.core.settings import Settings

    folder = notes
    built = make_workspace()
    list(built.indexer.sync([str(folder)]))
    # The same weights under another id (a folder path): a hand-edited `embedding.model` setting.
    settings = Settings()
    settings.embedding.model = str(embedder.location.folder)
    edited = make_workspace(settings)
    edited.__dict__.pop("embedder")
    assert edited.embedder.model_id != built.embedder.model_id
    with pytest.raises(IndexIncompatible) as caught:
        edited.retriever.search("HSTS cache", k=3)
    assert "all-MiniLM-L6-v2" in caught.value.message and "--reembed" in caught.value.next_step
    # The "nothing changed" shortcut must not vouch for an index the current model did not build.
    with pytest.raises(IndexIncompatible):
        list(edited.indexer.sync([str(folder)]))
