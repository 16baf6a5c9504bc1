"""Ollama on another machine: the access token on every request, a private HTTPS authority, clear refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.tls import PrivateAuthority, make_authority

from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.answer.ollama.errors import OllamaUnauthorized, OllamaUnavailable, UntrustedCertificate
from kenning.core.settings import OllamaSettings
from kenning.core.versions import ollama_version

TOKEN = "team-secret-42"
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


@pytest.fixture(autouse=True)
def _no_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # The ollama client sends OLLAMA_API_KEY as a bearer token when no header is given.
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)


@pytest.fixture
def guarded() -> Iterator[FakeOllama]:
    """A second Ollama, on its own port, behind a proxy that wants a bearer token."""
    fake = FakeOllama(require_token=TOKEN).start()
    yield fake
    fake.stop()
    assert not fake.handler_errors


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> PrivateAuthority:
    return make_authority(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https_ollama(authority: PrivateAuthority) -> Iterator[FakeOllama]:
    fake = FakeOllama(tls=authority.server_context).start()
    yield fake
    fake.stop()
    assert not fake.handler_errors


def exercise(client: OllamaClient) -> None:
    """Every kind of request Kenning makes: version, tags, show, pull and a streamed chat."""
    assert client.version()
    assert [m.name for m in client.list_models()] == ["llama3.2:latest"]
    assert client.show("llama3.2").context_length
    assert list(client.pull("qwen2.5:0.5b"))[-1].status == "success"
    assert "Paris" in client.chat(QUESTION).text


def test_the_token_reaches_every_request(guarded: FakeOllama) -> None:
    with OllamaClient(OllamaSettings(host=guarded.url, model="llama3.2"), token=TOKEN) as client:
        exercise(client)
    assert ollama_version(guarded.url, token=TOKEN) == guarded.version
    paths = {r.path for r in guarded.requests}
    assert paths >= {"/api/version", "/api/tags", "/api/show", "/api/pull", "/api/chat"}
    assert {r.headers.get("authorization") for r in guarded.requests} == {f"Bearer {TOKEN}"}


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_without_the_right_token_every_call_says_what_to_do(guarded: FakeOllama, token: str | None) -> None:
    with OllamaClient(OllamaSettings(host=guarded.url, model="llama3.2"), token=token) as client:
        calls = [
            client.version,
            client.list_models,
            lambda: client.show("llama3.2"),
            lambda: list(client.pull("qwen2.5:0.5b")),
            lambda: client.chat(QUESTION),
        ]
        for call in calls:
            with pytest.raises(OllamaUnauthorized) as caught:
                call()
            assert caught.value.message == (
                f"Ollama at {guarded.url} needs an access token: set it in Settings › Ollama."
            )
            assert "keyring" in caught.value.next_step


def test_a_certificate_from_a_private_authority_is_refused_clearly(https_ollama: FakeOllama) -> None:
    assert https_ollama.url.startswith("https://")
    with OllamaClient(OllamaSettings(host=https_ollama.url, model="llama3.2")) as client:
        for call in (client.version, client.list_models, lambda: client.chat(QUESTION)):
            with pytest.raises(UntrustedCertificate) as caught:
                call()
            assert caught.value.message.startswith("The server's certificate is not trusted")
            assert "CA bundle" in caught.value.next_step
    assert not https_ollama.requests  # nothing was sent over the untrusted connection


def test_the_ca_bundle_setting_trusts_the_private_authority(
    https_ollama: FakeOllama, authority: PrivateAuthority
) -> None:
    settings = OllamaSettings(host=https_ollama.url, model="llama3.2", ca_bundle=str(authority.ca_bundle))
    with OllamaClient(settings) as client:
        exercise(client)
    assert ollama_version(https_ollama.url, ca_bundle=str(authority.ca_bundle)) == https_ollama.version


def test_a_bad_ca_bundle_is_named(tmp_path: Path) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("this is not a certificate")
    for bundle, reason in ((not_pem, "not a PEM file"), (tmp_path / "missing.pem", "no such file")):
        with pytest.raises(OllamaUnavailable) as caught:
            OllamaClient(OllamaSettings(host="https://gpu-box:11434", ca_bundle=str(bundle)))
        assert f"The CA bundle {bundle} cannot be used ({reason}" in caught.value.message
        assert "Settings › Ollama › CA bundle" in caught.value.next_step
