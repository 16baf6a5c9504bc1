"""A chunking change rebuilds the index beside the live one, which answers until the atomic swap."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import FileDone
from kenning.core.index.reindex import Reindexer, ReindexSwapped, needs_reindex
from kenning.core.index.store import Store
from kenning.core.index.swap import exchange
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow

DOCS = ("net/curl/HSTS.md", "net/openssh/README.dns.txt", "net/curl/ALTSVC.md")


@pytest.fixture
def live(make_workspace: Callable[..., Any], copy_docs: Callable[..., Path]) -> tuple[Any, Path]:
    folder = copy_docs(*DOCS)
    workspace = make_workspace()
    list(workspace.indexer.sync([str(folder)]))
    return workspace, folder


def smaller_chunks(make_workspace: Callable[..., Any]) -> Any:
    settings = Settings()
    settings.chunking.target_tokens = 64
    settings.chunking.overlap_tokens = 8
    return make_workspace(settings)  # same data dir: the live index is the one to rebuild


def test_a_chunking_change_is_estimated_rebuilt_while_the_old_index_answers_and_swapped(
    live: tuple[Any, Path], make_workspace: Callable[..., Any]
) -> None:
    old, folder = live
    old_chunks = old.store.count_chunks()
    new = smaller_chunks(make_workspace)
    assert needs_reindex(new) == "the chunking changed (chunks=200/32 → chunks=64/8)"
    reindexer = Reindexer(new)
    plan = reindexer.plan()
    assert plan.roots == (str(folder),) and plan.files == 3 and plan.chunks == old_chunks
    assert plan.estimated_s > 0

    answers: list[str] = []
    events: list[Any] = []
    for event in reindexer.run(threading.Event()):
        events.append(event)
        if isinstance(event, FileDone):  # mid-build, the live index still answers, unchanged
            answers.append(old.retriever.search("HSTS cache file", k=1).hits[0].path)
            assert Store(old.store.index_dir).count_chunks() == old_chunks
    assert answers and set(answers) == {str(folder / "net" / "curl" / "HSTS.md")}
    swapped = events[-1]
    assert isinstance(swapped, ReindexSwapped) and swapped.files == 3

    fresh = Store(old.store.index_dir)
    assert fresh.count_chunks() == swapped.chunks > old_chunks  # smaller chunks, more of them
    assert fresh.meta()["build"].endswith("chunks=64/8")
    assert not reindexer.next_dir.exists()
    assert needs_reindex(smaller_chunks(make_workspace)) == ""


def test_a_cancelled_rebuild_leaves_the_live_index_alone_and_resumes(
    live: tuple[Any, Path], make_workspace: Callable[..., Any]
) -> None:
    old, _ = live
    old_chunks = old.store.count_chunks()
    reindexer = Reindexer(smaller_chunks(make_workspace))
    cancel = threading.Event()
    for event in reindexer.run(cancel):
        if isinstance(event, FileDone):
            cancel.set()
    assert Store(old.store.index_dir).count_chunks() == old_chunks
    assert Store(old.store.index_dir).meta()["build"].endswith("chunks=200/32")
    assert reindexer.next_dir.exists()  # kept: the next run carries on from it
    last = list(reindexer.run(threading.Event()))[-1]
    assert isinstance(last, ReindexSwapped)


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "which").write_text("a")
    (b / "which").write_text("b")
    assert exchange(a, b)
    assert (a / "which").read_text() == "b" and (b / "which").read_text() == "a"
