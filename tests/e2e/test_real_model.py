"""OllamaClient against real models: SmolLM2 on llama.cpp behind an Ollama-compatible server, and a
real Ollama at OLLAMA_HOST when one answers."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from tests.fakes.llama_server import LlamaOllamaServer

from kenning.core.answer.ollama.client import ChatChunk, ChatDone, OllamaClient
from kenning.core.settings import OllamaSettings, apply_env

QUESTION = [
    {"role": "system", "content": "Answer in one short sentence."},
    {"role": "user", "content": "What is the capital of France?"},
]


@pytest.fixture
def smollm2(llama_ollama: LlamaOllamaServer) -> Iterator[OllamaClient]:
    settings = OllamaSettings(
        host=llama_ollama.url, model="smollm2:135m", num_gpu=0, first_token_timeout_s=120
    )
    with OllamaClient(settings) as client:
        yield client


@pytest.mark.slow
def test_real_model_streams_text_with_its_own_counts(smollm2: OllamaClient) -> None:
    [model] = smollm2.list_models()
    assert (model.family, model.parameter_size, model.quantization) == ("llama", "135M", "Q4_1")
    assert model.context_length == 8192 and model.size and model.digest
    assert "completion" in model.capabilities

    events = list(smollm2.chat_stream(QUESTION, options={"num_predict": 24, "temperature": 0}))
    text = "".join(e.text for e in events if isinstance(e, ChatChunk))
    done = events[-1]
    assert text.strip()
    assert isinstance(done, ChatDone)
    assert done.done_reason in ("stop", "length")
    assert done.prompt_eval_count > 10  # the chat template and both messages, counted by llama.cpp
    assert 0 < done.eval_count <= 24
    assert done.prompt_eval_duration > 0 and done.eval_duration > 0
    assert done.total_duration >= done.prompt_eval_duration + done.eval_duration
    assert done.tokens_per_s is not None and done.tokens_per_s > 0


@pytest.mark.slow
def test_real_model_answers_unstreamed_and_stops_on_cancel(smollm2: OllamaClient) -> None:
    reply = smollm2.chat(QUESTION, options={"num_predict": 8})
    assert reply.text.strip() and reply.done is not None and reply.done.eval_count > 0

    cancel = threading.Event()
    events = smollm2.chat_stream(QUESTION, options={"num_predict": 200}, cancel=cancel)
    assert isinstance(next(events), ChatChunk)
    cancel.set()
    assert list(events) == []


@pytest.mark.ollama
def test_a_real_ollama_when_one_answers() -> None:
    with OllamaClient(apply_env(OllamaSettings())) as client:
        if not client.is_running():
            pytest.skip(f"no Ollama answers at {client.url}")
        models = [m for m in client.list_models() if "completion" in m.capabilities]
        if not models:
            pytest.skip(f"the Ollama at {client.url} has no chat model pulled")
        wanted = os.environ.get("KENNING_TEST_MODEL")
        model = next((m for m in models if m.name == wanted), None) or min(models, key=lambda m: m.size or 0)
        assert model.context_length is None or model.context_length > 0
        reply = client.chat(QUESTION, model=model.name, options={"num_predict": 16})
    assert reply.text.strip()
    assert reply.done is not None
    assert reply.done.eval_count > 0 and reply.done.eval_duration > 0
