"""A crash at any point of an index swap leaves, at the next start, the newest complete index live."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.index import swap
from kenning.core.index.swap import recover_swap, swap_in


def make(folder: Path, which: str) -> None:
    folder.mkdir()
    (folder / "which").write_text(which)


def state(data: Path) -> dict[str, str]:
    """What each index directory beside the live one holds, by name."""
    return {p.name: (p / "which").read_text() for p in sorted(data.iterdir())}


@pytest.mark.parametrize(
    ("crashed", "recovered"),
    [
        # the two-rename swap, after the first rename: the rebuild is complete, so it goes live
        ({"index.old": "old", "index.next": "new"}, {"index": "new"}),
        # after the second rename: only the deletion of the old version was left
        ({"index.old": "old", "index": "new"}, {"index": "new"}),
        # older versions parked the live index as index.swapping
        ({"index.swapping": "old", "index.next": "new"}, {"index": "new"}),
        ({"index.swapping": "old", "index": "new"}, {"index": "new"}),
        # the parked version alone: it is all there is, so it goes back
        ({"index.old": "old"}, {"index": "old"}),
        ({"index.swapping": "old"}, {"index": "old"}),
        # live index missing beside a rebuild: the rebuild is the newest index there is
        ({"index.next": "new"}, {"index": "new"}),
        # no swap begun: a rebuild in progress stays to be resumed
        ({"index": "live", "index.next": "partial"}, {"index": "live", "index.next": "partial"}),
        ({"index": "live"}, {"index": "live"}),
    ],
)
def test_every_interrupted_state_recovers(
    tmp_path: Path, crashed: dict[str, str], recovered: dict[str, str]
) -> None:
    for name, which in crashed.items():
        make(tmp_path / name, which)
    recover_swap(tmp_path / "index")
    assert state(tmp_path) == recovered
    recover_swap(tmp_path / "index")  # and a second start changes nothing
    assert state(tmp_path) == recovered


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two-renames"])
def test_a_swap_leaves_the_rebuild_live_and_nothing_else(
    tmp_path: Path, atomic: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not atomic:
        monkeypatch.setattr(swap, "exchange", lambda a, b: False)  # as on macOS and Windows
    make(tmp_path / "index", "old")
    make(tmp_path / "index.next", "new")
    swap_in(tmp_path / "index")
    assert state(tmp_path) == {"index": "new"}


def test_a_crash_between_the_two_renames_is_finished_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    make(tmp_path / "index", "old")
    make(tmp_path / "index.next", "new")
    renames: list[tuple[Any, Any]] = []
    real_replace = os.replace

    def crash_on_second(src: Any, dst: Any) -> None:
        renames.append((src, dst))
        if len(renames) == 2:
            raise SystemExit("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(swap.os, "replace", crash_on_second)
    with pytest.raises(SystemExit):
        swap_in(tmp_path / "index")
    monkeypatch.setattr(swap.os, "replace", real_replace)
    assert not (tmp_path / "index").exists()
    recover_swap(tmp_path / "index")
    assert state(tmp_path) == {"index": "new"}


def test_a_workspace_opens_the_index_a_crashed_swap_left_behind(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("# Tides\n\nThe spring tide at the harbour peaks twice a month.\n")
    built = make_workspace()
    list(built.indexer.sync([str(docs)]))
    data = built.data_dir
    os.replace(data / "index", data / "index.next")  # the complete rebuild, not yet moved in
    make(data / "index.old", "old")  # the version it replaces, parked
    reopened = make_workspace()
    assert set(reopened.store.file_records()) == {str(docs / "notes.md")}
    assert sorted(p.name for p in data.iterdir() if p.name.startswith("index")) == ["index"]
