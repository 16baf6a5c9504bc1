"""Before a rebuilt index replaces the live one, the user's test set runs on both: no worse swaps by
itself (when allowed), worse waits for the user."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.evaluate.pre_swap import (
    SwapDecision,
    check_before_swap,
    decide,
    last_test_set,
    remember_test_set,
)
from kenning.core.index.reindex import Reindexer, ReindexSwapped
from kenning.core.index.store import Store
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow

DOCS = ("net/curl/HSTS.md", "net/openssh/README.dns.txt", "net/curl/ALTSVC.md")
QUESTIONS = [
    {"id": "hsts", "question": "Where does curl keep the HSTS cache?", "sources": ["net/curl/HSTS.md"]},
    {"id": "altsvc", "question": "How does curl cache alt-svc entries?", "sources": ["net/curl/ALTSVC.md"]},
    {"id": "dns", "question": "How does ssh verify host keys in DNS (SSHFP)?",
     "sources": ["net/openssh/README.dns.txt"]},
]  # fmt: skip


def _rebuild(make_workspace: Callable[..., Any], copy_docs: Callable[..., Path], tmp_path: Path) -> Any:
    folder = copy_docs(*DOCS)
    live = make_workspace()
    list(live.indexer.sync([str(folder)]))
    settings = Settings()
    settings.chunking.target_tokens = 64
    settings.chunking.overlap_tokens = 8
    rebuilt = make_workspace(settings)
    reindexer = Reindexer(rebuilt)
    list(reindexer.build(threading.Event()))
    test_set = tmp_path / "questions.jsonl"
    test_set.write_text("\n".join(json.dumps(q) for q in QUESTIONS), encoding="utf-8")
    return folder, live, rebuilt, reindexer, test_set


def test_a_rebuild_that_is_no_worse_swaps_by_itself_only_when_allowed(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path], tmp_path: Path
) -> None:
    _, live, rebuilt, reindexer, test_set = _rebuild(make_workspace, copy_docs, tmp_path)
    staging = Store(reindexer.next_dir, build_id=rebuilt.build_id)
    check = check_before_swap(test_set, live.evaluation_parts(), rebuilt.evaluation_parts(staging))
    assert check.live["totals"]["hit@5"] == 1.0 and check.rebuilt["totals"]["hit@5"] == 1.0
    assert check.no_worse and check.worse_figures == []
    assert decide(check, auto_swap_when_no_worse=True) is SwapDecision.SWAP
    assert decide(check, auto_swap_when_no_worse=False) is SwapDecision.ASK
    assert live.traces.last() == []  # evaluation questions are not the user's answers
    events = list(reindexer.swap(threading.Event()))
    assert isinstance(events[-1], ReindexSwapped) and events[-1].files == 3


def test_a_worse_rebuild_waits_for_the_user(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path], tmp_path: Path
) -> None:
    folder, live, rebuilt, reindexer, test_set = _rebuild(make_workspace, copy_docs, tmp_path)
    (folder / "net" / "curl" / "HSTS.md").unlink()  # the rebuilt index no longer holds the HSTS answer
    list(reindexer.build(threading.Event()))
    staging = Store(reindexer.next_dir, build_id=rebuilt.build_id)
    check = check_before_swap(test_set, live.evaluation_parts(), rebuilt.evaluation_parts(staging))
    assert "hit@1" in check.worse_figures and check.comparison.worse == ["hsts"]
    assert decide(check, auto_swap_when_no_worse=True) is SwapDecision.ASK
    assert Store(reindexer.live_dir).count_chunks() == live.store.count_chunks()  # nothing swapped


def test_the_last_test_set_is_remembered_while_it_exists(tmp_path: Path) -> None:
    evals = tmp_path / "evals"
    assert last_test_set(evals) is None
    chosen = tmp_path / "set.jsonl"
    chosen.write_text("{}", encoding="utf-8")
    remember_test_set(evals, chosen)
    assert last_test_set(evals) == chosen
    chosen.unlink()
    assert last_test_set(evals) is None
