"""Near the not-found gate's line the model is asked, briefly, whether the passages answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import FakeOllama

from kenning.core.domain.answers import Answer, AnswerStatus, Done
from kenning.core.search.gate_signals import is_distinctive
from kenning.core.search.not_found_gate import judge
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow

NEAR_AND_PASSING = "Which setting decides when an image goes stale?"
NEAR_AND_REFUSED = "How long do photos stay cached?"
CLEAR = "How does curl store the HSTS cache on disk?"


@pytest.fixture
def workspace(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path], fake_ollama: FakeOllama
) -> Iterator[Any]:
    docs = copy_docs("web/apache/exports/mod_expires reference.docx", "net/curl/HSTS.md")
    settings = Settings()
    settings.ollama.host = fake_ollama.url
    settings.ollama.model = "llama3.2"
    made = make_workspace(settings)
    list(made.indexer.sync([str(docs)]))
    yield made
    made.close()  # its Ollama client's connection too


def ask(workspace: Any, question: str) -> Answer:
    hits = workspace.retriever.search(question, k=workspace.settings.answer.k).hits
    counter = workspace.token_counter
    verdict = judge(
        question,
        hits,
        workspace.store.word_frequency,
        lambda w: is_distinctive(w, lambda part: counter.count_many([part])[0]),
    )
    assert verdict.grey == (question != CLEAR), (
        f"{question!r} is no longer where the test needs it: {verdict}"
    )
    done = list(workspace.answerer(use_model=True).ask(question))[-1]
    assert isinstance(done, Done)
    return done.answer


def chats(fake: FakeOllama) -> list[dict[str, Any]]:
    return [r.body for r in fake.requests if r.path == "/api/chat"]


def test_a_no_from_the_model_refuses_a_question_the_signals_let_through(
    workspace: Any, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = "No."
    answer = ask(workspace, NEAR_AND_PASSING)
    assert answer.status is AnswerStatus.NOT_FOUND
    [request] = chats(fake_ollama)  # the yes/no only: no answer was generated
    assert request["options"]["num_predict"] == 3
    assert "Do these passages answer the question? Reply yes or no." in request["messages"][1]["content"]
    trace = answer.trace
    assert (trace.gate_relevant, trace.gate_model) == (True, "no")
    assert trace.timings_ms["judge"] > 0 and trace.judge_tokens > 0


def test_a_yes_from_the_model_answers_a_question_the_signals_would_refuse(
    workspace: Any, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = "Yes"
    answer = ask(workspace, NEAR_AND_REFUSED)
    assert answer.status is not AnswerStatus.NOT_FOUND
    assert len(chats(fake_ollama)) == 2  # the yes/no, then the answer
    assert (answer.trace.gate_relevant, answer.trace.gate_model) == (False, "yes")


def test_a_clear_question_costs_no_extra_call(workspace: Any, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "curl saves the HSTS cache to a file [1]."
    answer = ask(workspace, CLEAR)
    assert answer.status is AnswerStatus.ANSWERED and len(chats(fake_ollama)) == 1
    assert "judge" not in answer.trace.timings_ms and answer.trace.gate_model == ""
