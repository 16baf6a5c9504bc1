"""OpenAI chat requests in, Kenning's questions out; answers back as chat text with sources."""

from __future__ import annotations

import pytest

from kenning.core.domain.answers import Answer, AnswerStatus, Citation, Turn
from kenning.core.domain.documents import Hit
from kenning.core.errors import UsageError
from kenning.serve.chat_format import parse_chat_request, sources_footer


def test_the_last_user_message_is_the_question_and_earlier_pairs_are_the_history() -> None:
    chat = parse_chat_request(
        {
            "model": "kenning",
            "stream": True,
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "What is HSTS?"},
                {"role": "assistant", "content": "A header that forces HTTPS [1]."},
                {"role": "user", "content": [{"type": "text", "text": "How long is it kept?"}]},
            ],
        }
    )
    assert chat.question == "How long is it kept?" and chat.stream
    assert chat.history == (Turn("What is HSTS?", "A header that forces HTTPS [1]."),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "non-empty 'messages'"),
        ({"messages": [{"role": "assistant", "content": "Hi"}]}, "last message must be the user's"),
        ({"messages": [{"role": "user", "content": "  "}]}, "last message must be the user's"),
    ],
)
def test_a_request_without_a_question_is_refused_with_a_reason(body: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_chat_request(body)


def _hit(path: str, page: int | None = None) -> Hit:
    return Hit(rank=1, path=path, page=page, section=(), text="t", score=1.0, start=0, end=1)


def test_sources_list_each_cited_source_once_and_nothing_for_not_found() -> None:
    cite = Citation(n=2, path="/d/b.pdf", page=3, quote="q", supported=True)
    answer = Answer("q", AnswerStatus.ANSWERED, "A [2]. B [2].", citations=[cite, cite])
    assert sources_footer(answer) == "\n\nSources:\n[2] /d/b.pdf, page 3"
    extractive = Answer(
        "q", AnswerStatus.EXTRACTIVE, "[1] a.md: passage", sources=[_hit("/d/a.md"), _hit("/d/c")]
    )
    assert sources_footer(extractive) == "\n\nSources:\n[1] /d/a.md"
    assert sources_footer(Answer("q", AnswerStatus.NOT_FOUND, "Not in your documents.")) == ""
