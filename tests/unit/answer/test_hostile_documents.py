"""Documents are data: hostile files indexed for real, answered through the fake Ollama over HTTP.

The request that reaches the model must fence every source with this prompt's random marker, carry
no forged tag or attribute, no invisible character, and none of the hidden text, while the visible
text of every file gets through.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.hostile_docs import VISIBLE_FACTS, assert_fenced, write_hostile_folder

from kenning.core.domain.answers import AnswerStatus, Done
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow

QUESTION = "How much does the widget weigh?"


def test_hostile_documents_reach_the_model_only_as_fenced_visible_text(
    tmp_path: Path, make_workspace: Callable[..., Any], fake_ollama: FakeOllama
) -> None:
    docs = write_hostile_folder(tmp_path / "docs")
    settings = Settings()
    settings.ollama.host, settings.ollama.model = fake_ollama.url, "llama3.2"
    settings.answer.flagged_passages = "warn"  # let the flagged file reach the model: the fence must hold
    workspace = make_workspace(settings)
    try:
        list(workspace.indexer.sync([str(docs)]))
        fake_ollama.reply = "The widget weighs five grams [1]."
        events = list(workspace.answerer().ask(QUESTION))
    finally:
        workspace.close()
    answer = events[-1].answer if isinstance(events[-1], Done) else None
    assert answer is not None and answer.status is AnswerStatus.ANSWERED
    assert len(answer.sources) == len(VISIBLE_FACTS)
    sent = fake_ollama.last("/api/chat").body["messages"]
    assert sent == answer.prompt_messages
    assert_fenced(sent, len(answer.sources))
