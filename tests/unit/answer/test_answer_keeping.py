"""An answer survives failing bookkeeping, and follow-ups are rewritten by the model the app chose."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import FakeOllama

from kenning import paths
from kenning.core import sqlite_file
from kenning.core.domain.answers import Answer, AnswerStatus, Done, Turn
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def workspace(tmp_path: Path, embedder: Any, fake_ollama: FakeOllama) -> Iterator[Any]:
    from kenning.core.workspace import Workspace

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "hsts.md").write_text(
        "# HSTS cache\n\nThe HSTS cache keeps which hosts must be reached over HTTPS only. " * 20
    )
    settings = Settings()  # the chat model is left unset, as on a fresh install
    settings.ollama.host = fake_ollama.url
    made = Workspace(data_dir=tmp_path / "data", settings=settings)
    made.__dict__["embedder"] = embedder
    list(made.indexer.sync([str(folder)]))
    yield made
    made.close()


def _ask(workspace: Any, question: str, history: tuple[Turn, ...] = ()) -> Answer:
    events = list(workspace.answerer(use_model=True).ask(question, history))
    assert isinstance(events[-1], Done)
    return events[-1].answer


def test_a_streamed_answer_is_kept_when_its_trace_cannot_be_stored(
    workspace: Any, fake_ollama: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_ollama.reply = "The HSTS cache keeps hosts that must use HTTPS [1]."
    traces = paths.traces_file(workspace.data_dir)
    traces.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(sqlite_file, "BUSY_TIMEOUT_S", 0.01)  # give up on the lock at once
    holder = sqlite3.connect(traces, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS held (x)")
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the traces database
    try:
        answer = _ask(workspace, "What does the HSTS cache keep?")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status is AnswerStatus.ANSWERED
    assert "HTTPS" in answer.text and "not saved" in answer.note


def test_a_follow_up_is_rewritten_by_the_first_installed_model_when_none_is_set(
    workspace: Any, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = "Which hosts does the HSTS cache keep?"
    history = (Turn("What is the HSTS cache?", "It keeps hosts that must use HTTPS [1]."),)
    answer = _ask(workspace, "and which does it keep?", history)
    assert answer.standalone_query == "Which hosts does the HSTS cache keep?"
    chats = [r for r in fake_ollama.requests if r.path == "/api/chat"]
    assert chats and all(r.body["model"] == next(iter(fake_ollama.models)) for r in chats)
