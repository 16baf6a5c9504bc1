"""Which Ollama requests may use a proxy: never one to this machine, a remote one only when asked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.egress import ProxyTrap

from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.answer.ollama.errors import OllamaError
from kenning.core.answer.ollama.transport import is_local_host
from kenning.core.settings import OllamaSettings
from kenning.core.versions import ollama_version


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> Iterator[ProxyTrap]:
    trap = ProxyTrap()
    for name, value in trap.env().items():
        monkeypatch.setenv(name, value)
    yield trap
    trap.close()


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:11434", True),
        ("http://127.3.2.1:8080", True),
        ("http://localhost:11434", True),
        ("http://LOCALHOST.:11434", True),
        ("http://[::1]:11434", True),
        ("http://0.0.0.0:11434", True),
        ("http://gpu-box:11434", False),
        ("https://ollama.example.com:443", False),
        ("http://192.168.1.20:11434", False),
    ],
)
def test_local_hosts_are_recognised(url: str, local: bool) -> None:
    assert is_local_host(url) is local


def test_a_local_ollama_is_reached_directly_even_with_the_proxy_setting_on(
    fake_ollama: FakeOllama, trap: ProxyTrap
) -> None:
    settings = OllamaSettings(host=fake_ollama.url, model="llama3.2", use_system_proxy=True)
    with OllamaClient(settings) as client:
        assert client.version() == fake_ollama.version
        assert client.list_models()
        assert client.chat([{"role": "user", "content": "hi"}]).text
    assert ollama_version(fake_ollama.url, use_system_proxy=True) == fake_ollama.version
    assert trap.close() == 0


def test_a_remote_ollama_uses_the_proxy_only_when_the_setting_says_so(trap: ProxyTrap) -> None:
    # The trap hangs up at once, so the request fails; what matters is that it went there.
    remote = "http://ollama.kenning-test.invalid:11434"
    with (
        OllamaClient(OllamaSettings(host=remote, use_system_proxy=True)) as client,
        pytest.raises(OllamaError),
    ):
        client.version()
    assert ollama_version(remote, use_system_proxy=True) is None
    assert trap.close() == 2
