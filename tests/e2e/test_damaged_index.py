"""A damaged index is found when it is opened, said so plainly, and rebuilt from the files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.errors import IndexCorrupt
from kenning.core.index.store import Store

pytestmark = pytest.mark.slow


def truncate_a_chunks_fragment(index_dir: Path) -> None:
    fragment = max((index_dir / "chunks.lance" / "data").glob("*.lance"), key=lambda p: p.stat().st_size)
    os.truncate(fragment, fragment.stat().st_size // 2)  # as a power cut mid-write would leave it


@pytest.fixture
def damaged(make_workspace: Callable[..., Any], copy_docs: Callable[..., Path]) -> tuple[Any, Path]:
    folder = copy_docs("net/curl/HSTS.md", "net/openssh/README.dns.txt")
    workspace = make_workspace()
    list(workspace.indexer.sync([str(folder)]))
    truncate_a_chunks_fragment(workspace.store.index_dir)
    return workspace, folder


def test_a_truncated_fragment_is_reported_at_open_and_rebuilt_from_the_files(
    damaged: tuple[Any, Path], make_workspace: Callable[..., Any]
) -> None:
    workspace, folder = damaged
    with pytest.raises(IndexCorrupt) as caught:
        Store(workspace.store.index_dir).file_records()
    assert "damaged" in caught.value.message and "--rebuild" in caught.value.next_step

    moved = workspace.rebuild_index()
    assert moved is not None and moved.name.startswith("index.damaged-") and moved.is_dir()
    report = list(workspace.indexer.sync([str(folder)]))[-1].report
    assert report.indexed == 2 and report.errors == []
    top = workspace.retriever.search("HSTS cache", k=1).hits[0]
    assert top.path == str(folder / "net" / "curl" / "HSTS.md")


def test_the_cli_says_the_index_is_damaged_and_index_rebuild_repairs_it(damaged: tuple[Any, Path]) -> None:
    workspace, folder = damaged
    data = str(workspace.data_dir)

    def kenning(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "kenning", *args, "--data-dir", data, "--json"]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    status = kenning("status")
    assert status.returncode == 1
    error = json.loads(status.stdout)["error"]
    assert error["type"] == "IndexCorrupt" and "kenning index --rebuild" in error["next_step"]

    rebuilt = kenning("index", "--rebuild", str(folder))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["indexed"] == 2
    status = kenning("status")
    assert status.returncode == 0 and json.loads(status.stdout)["files"] == 2
