"""`kenning serve`: the official `openai` client asks the user's documents over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.served import kenning, served

pytestmark = pytest.mark.slow

QUESTION = "How do I make GIF images expire after a month?"
REPLY = "ExpiresByType image/gif A2592000 makes GIF images expire after a month [1]."


@pytest.fixture(scope="module")
def ollama() -> Iterator[FakeOllama]:
    fake = FakeOllama(reply=REPLY).start()
    yield fake
    fake.stop()
    assert not fake.handler_errors


@pytest.fixture(scope="module")
def server(small_index: tuple[Path, Path], ollama: FakeOllama) -> Iterator[dict[str, Any]]:
    _, data = small_index
    with served("--data-dir", str(data), "--ollama-host", ollama.url, "--model", "llama3.2") as address:
        yield address


def client(address: dict[str, Any], api_key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=address["openai_base_url"], api_key=api_key, max_retries=0)


def test_a_completion_cites_the_documents_and_carries_the_kenning_answer(
    server: dict[str, Any], small_index: tuple[Path, Path]
) -> None:
    docs, _ = small_index
    reply = client(server).chat.completions.create(
        model="kenning", messages=[{"role": "user", "content": QUESTION}]
    )
    text = reply.choices[0].message.content or ""
    cited = str(docs / "caching" / "mod_expires.md")
    assert text.startswith(REPLY) and f"Sources:\n[1] {cited}" in text
    kenning_answer = (reply.model_extra or {})["kenning"]
    assert kenning_answer["status"] == "answered"
    assert kenning_answer["citations"][0]["path"] == cited and kenning_answer["citations"][0]["supported"]
    assert kenning_answer["sources"][0]["trust"] == "untrusted document data"
    assert (
        kenning_answer["trace"]["tokens"]["completion"] > 0
        and "total" in kenning_answer["trace"]["timings_ms"]
    )
    assert (
        reply.usage is not None
        and reply.usage.completion_tokens == kenning_answer["trace"]["tokens"]["completion"]
    )


def test_a_streamed_completion_sends_tokens_then_sources_and_the_kenning_answer(
    server: dict[str, Any], ollama: FakeOllama
) -> None:
    stream = client(server).chat.completions.create(
        model="kenning", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith(REPLY) and "\n\nSources:\n[1] " in text
    assert len(chunks) >= len(ollama.tokens()) + 2  # the answer arrived token by token
    assert chunks[-1].choices[0].finish_reason == "stop"
    last = (chunks[-1].model_extra or {})["kenning"]
    assert last["status"] == "answered" and last["citations"][0]["n"] == 1


def test_a_follow_up_question_and_an_unknown_model(server: dict[str, Any]) -> None:
    api = client(server)
    assert [m.id for m in api.models.list()] == ["kenning", "llama3.2"]
    with pytest.raises(openai.NotFoundError, match="does not exist here"):
        api.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": QUESTION}])
    with pytest.raises(openai.BadRequestError, match="last message must be the user's question"):
        api.chat.completions.create(model="kenning", messages=[{"role": "assistant", "content": "Hello"}])


def test_with_a_token_set_requests_without_it_get_401(
    small_index: tuple[Path, Path], ollama: FakeOllama
) -> None:
    _, data = small_index
    env = {"KENNING_API_TOKEN": "s3cret-token"}
    with served("--data-dir", str(data), "--ollama-host", ollama.url, env=env) as address:
        assert address["token_required"] and address["token"] is None  # never printed when the user set it
        with pytest.raises(openai.AuthenticationError):
            client(address, api_key="wrong").models.list()
        assert [m.id for m in client(address, api_key="s3cret-token").models.list()] == ["kenning"]


def test_it_refuses_to_listen_beyond_this_computer_without_a_token(small_index: tuple[Path, Path]) -> None:
    _, data = small_index
    done = kenning("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(data), "--json")
    assert done.returncode == 2
    assert "without an access token" in done.stdout and "KENNING_API_TOKEN" in done.stdout
