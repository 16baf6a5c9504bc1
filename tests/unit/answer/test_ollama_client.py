"""OllamaClient against the fake Ollama over real HTTP: models, pull, chat, cancel, and every failure."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import ollama
import pytest
from tests.fakes.fake_ollama import OUT_OF_MEMORY, FakeOllama

from kenning.core.answer.ollama.client import ChatChunk, ChatDone, OllamaClient
from kenning.core.answer.ollama.errors import (
    ModelMissing,
    NoModelChosen,
    OllamaHttpError,
    OllamaOutOfMemory,
    OllamaTimeout,
    OllamaUnauthorized,
    OllamaUnavailable,
    StreamInterrupted,
    error_from_reply,
    start_ollama_advice,
)
from kenning.core.answer.ollama.request import build_chat_request
from kenning.core.hosts import DEFAULT_HOST, InvalidHost, normalize_host
from kenning.core.settings import OllamaSettings, apply_env

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]
LONG_REPLY = " ".join(f"word{i}" for i in range(400))

Connect = Callable[..., OllamaClient]


@pytest.fixture(autouse=True)
def _no_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # The ollama client sends OLLAMA_API_KEY as a bearer token when no header is given.
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)


@pytest.fixture
def connect(fake_ollama: FakeOllama) -> Iterator[Connect]:
    """Build clients for the fake (or another host) and close them all after the test."""
    clients: list[OllamaClient] = []

    def make(*, host: str | None = None, token: str | None = None, **settings: Any) -> OllamaClient:
        chosen = OllamaSettings(host=host or fake_ollama.url, model="llama3.2", **settings)
        client = OllamaClient(chosen, token=token)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def collect(events: Iterator[ChatChunk | ChatDone]) -> tuple[str, ChatDone | None]:
    text, done = [], None
    for event in events:
        if isinstance(event, ChatChunk):
            text.append(event.text)
        else:
            done = event
    return "".join(text), done


# -- the request, built without a server -------------------------------------------------------


def test_request_carries_the_settings() -> None:
    settings = OllamaSettings(model="llama3.2", num_ctx=8192, temperature=0.3, keep_alive="10m")
    request = build_chat_request(settings, QUESTION)
    assert request == {
        "model": "llama3.2",
        "messages": QUESTION,
        "stream": True,
        "options": {"num_ctx": 8192, "temperature": 0.3},
        "keep_alive": "10m",
    }


def test_cpu_mode_sends_num_gpu_zero_and_auto_leaves_it_out() -> None:
    assert build_chat_request(OllamaSettings(model="m", num_gpu=0), QUESTION)["options"]["num_gpu"] == 0
    assert build_chat_request(OllamaSettings(model="m", num_gpu="cpu"), QUESTION)["options"]["num_gpu"] == 0
    assert "num_gpu" not in build_chat_request(OllamaSettings(model="m"), QUESTION)["options"]


def test_request_options_and_model_override_the_settings() -> None:
    request = build_chat_request(
        OllamaSettings(model="llama3.2"),
        QUESTION,
        model="qwen2.5:0.5b",
        options={"temperature": 0.0, "seed": 7},
    )
    assert request["model"] == "qwen2.5:0.5b"
    assert request["options"] == {"num_ctx": 4096, "temperature": 0.0, "seed": 7}


def test_no_model_is_a_clear_error() -> None:
    with pytest.raises(NoModelChosen):
        build_chat_request(OllamaSettings(), QUESTION)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", DEFAULT_HOST),
        ("0.0.0.0", "http://0.0.0.0:11434"),
        (":8080", "http://127.0.0.1:8080"),
        ("gpu-box", "http://gpu-box:11434"),
        ("https://ollama.example.com/api-proxy/", "https://ollama.example.com:443/api-proxy"),
        ("[::1]:11434", "http://[::1]:11434"),
    ],
)
def test_host_is_read_as_ollama_reads_it(given: str, expected: str) -> None:
    assert normalize_host(given) == expected


def test_a_malformed_host_is_reported_not_crashed_on() -> None:
    with pytest.raises(InvalidHost, match="not a valid Ollama address"):
        normalize_host("gpu-box:port")
    with pytest.raises(OllamaUnavailable, match="not a valid Ollama address"):
        OllamaClient(OllamaSettings(host="gpu-box:port"))


def test_ollama_host_environment_overrides_the_setting() -> None:
    settings = OllamaSettings(host="http://127.0.0.1:11434")
    assert apply_env(settings, {"OLLAMA_HOST": "http://gpu:11434"}).host == "http://gpu:11434"
    assert apply_env(settings, {}).host == "http://127.0.0.1:11434"


@pytest.mark.parametrize(
    ("platform", "url", "advice"),
    [
        ("darwin", DEFAULT_HOST, "Open the Ollama app"),
        ("win32", DEFAULT_HOST, "Open the Ollama app"),
        ("linux", DEFAULT_HOST, "systemctl start ollama"),
        ("linux", "http://gpu.example.com:11434", "reachable from this computer"),
    ],
)
def test_start_advice_fits_the_platform(platform: str, url: str, advice: str) -> None:
    assert advice in start_ollama_advice(url, platform)


def test_a_route_404_is_not_a_missing_model() -> None:
    assert isinstance(error_from_reply(404, "404 page not found", "m"), OllamaHttpError)


# -- health and models -------------------------------------------------------------------------


def test_version_and_health(connect: Connect, fake_ollama: FakeOllama) -> None:
    client = connect()
    assert client.version() == fake_ollama.version
    assert client.is_running()


def test_list_models_reads_details_and_context_length(connect: Connect, fake_ollama: FakeOllama) -> None:
    [model] = connect().list_models()
    fake = fake_ollama.models["llama3.2:latest"]
    assert model.name == "llama3.2:latest"
    assert model.size == fake.size
    assert (model.family, model.parameter_size, model.quantization) == ("llama", "3.2B", "Q4_K_M")
    assert model.context_length == 131072
    assert model.digest == fake.digest
    assert model.capabilities == ("completion",)


def test_show_fills_size_and_digest_from_the_installed_list(
    connect: Connect, fake_ollama: FakeOllama
) -> None:
    model = connect().show("llama3.2")
    assert model.context_length == 131072
    assert model.size == fake_ollama.models["llama3.2:latest"].size
    assert fake_ollama.last("/api/show").body == {"model": "llama3.2"}


def test_show_of_a_model_not_pulled_offers_the_pull(connect: Connect) -> None:
    with pytest.raises(ModelMissing) as caught:
        connect().show("mistral")
    assert caught.value.next_step == "Download it with `ollama pull mistral` or from Models."


# -- pull --------------------------------------------------------------------------------------


def test_pull_reports_byte_progress_then_success(connect: Connect, fake_ollama: FakeOllama) -> None:
    progress = list(connect().pull("qwen2.5:0.5b"))
    statuses = [p.status for p in progress]
    assert statuses[0] == "pulling manifest"
    assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"]
    weights = [p for p in progress if p.total == 397_821_319]
    assert [p.completed for p in weights] == sorted(p.completed or 0 for p in weights)
    assert weights[-1].completed == weights[-1].total
    assert weights[-1].fraction == 1.0
    assert weights[0].digest is not None and weights[0].digest.startswith("sha256:")
    assert "qwen2.5:0.5b" in [m.name for m in connect().list_models()]


def test_cancelling_a_pull_stops_the_stream_and_the_download(
    connect: Connect, fake_ollama: FakeOllama
) -> None:
    fake_ollama.pull_step_bytes = 1_000_000  # ~400 progress records
    fake_ollama.pull_delay_s = 3600.0  # after each record: only a closed connection ends the stream
    cancel = threading.Event()
    progress = connect().pull("qwen2.5:0.5b", cancel)
    assert next(progress).status == "pulling manifest"
    cancel.set()
    assert list(progress) == []
    assert fake_ollama.client_gone.wait(30), "the fake should see the connection close"
    assert fake_ollama.records_sent == 1
    assert "qwen2.5:0.5b:latest" not in fake_ollama.models and "qwen2.5:0.5b" not in fake_ollama.models


def test_pulling_an_unknown_name_says_so(connect: Connect) -> None:
    with pytest.raises(OllamaHttpError, match="file does not exist") as caught:
        list(connect().pull("no-such-model"))
    assert "ollama.com/library" in caught.value.next_step


# -- chat --------------------------------------------------------------------------------------


def test_streamed_chat_gives_tokens_then_ollamas_counts(connect: Connect, fake_ollama: FakeOllama) -> None:
    events = list(connect(num_ctx=2048, keep_alive="1m").chat_stream(QUESTION))
    chunks = [e for e in events if isinstance(e, ChatChunk)]
    done = events[-1]
    assert "".join(c.text for c in chunks) == fake_ollama.reply
    assert len(chunks) == len(fake_ollama.tokens()) > 1
    assert isinstance(done, ChatDone)
    assert done.model == "llama3.2"
    assert done.done_reason == "stop"
    assert done.eval_count == len(chunks)
    assert done.prompt_eval_count > 0
    assert done.load_duration == fake_ollama.load_duration_ns
    assert done.prompt_eval_duration > 0 and done.eval_duration > 0
    assert done.total_duration >= done.load_duration
    assert done.first_token_ns is not None and done.wall_ns >= done.first_token_ns
    assert done.tokens_per_s is not None and done.tokens_per_s > 0
    sent = fake_ollama.last("/api/chat").body
    assert sent["model"] == "llama3.2" and sent["stream"] is True
    assert sent["messages"] == QUESTION
    assert sent["options"] == {"num_ctx": 2048, "temperature": 0.1}
    assert sent["keep_alive"] == "1m"


def test_chat_returns_the_whole_answer(connect: Connect, fake_ollama: FakeOllama) -> None:
    reply = connect().chat(QUESTION)
    assert reply.text == fake_ollama.reply
    assert reply.done is not None and reply.done.eval_count == len(fake_ollama.tokens())


def test_the_fake_also_answers_unstreamed_chat_and_embed(fake_ollama: FakeOllama) -> None:
    # The fake itself, through the official client: Ollama's non-streamed shapes parse.
    with ollama.Client(fake_ollama.url) as client:
        reply = client.chat("llama3.2", QUESTION, stream=False)
        assert reply.message.content == fake_ollama.reply and reply.done and reply.eval_count
        embedded = client.embed("llama3.2", ["one", "two"])
        assert len(embedded.embeddings) == 2 and len(embedded.embeddings[0]) == fake_ollama.embedding_dims


def test_cancel_mid_stream_stops_at_once(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = LONG_REPLY
    # The next token never comes (and no timeout ends the wait): only cutting the connection can.
    fake_ollama.token_delay_s = 3600.0
    cancel = threading.Event()
    events = connect(first_token_timeout_s=3600).chat_stream(QUESTION, cancel=cancel)
    assert isinstance(next(events), ChatChunk)
    cancel.set()
    assert list(events) == []
    assert fake_ollama.client_gone.wait(30), "Ollama must see the disconnect, or it keeps generating"
    assert fake_ollama.records_sent == 1


def test_cancel_while_waiting_for_the_first_token(connect: Connect, fake_ollama: FakeOllama) -> None:
    # A long prompt on a slow CPU, with no first-token timeout to end the wait: only Stop can.
    fake_ollama.first_token_delay_s = 3600.0
    cancel = threading.Event()

    def press_stop() -> None:
        fake_ollama.wait_for_request("/api/chat", timeout=60)
        cancel.set()

    stopper = threading.Thread(target=press_stop)
    stopper.start()
    assert list(connect(first_token_timeout_s=3600).chat_stream(QUESTION, cancel=cancel)) == []
    stopper.join()
    assert fake_ollama.client_gone.wait(30), "Ollama must see the disconnect while it still reads the prompt"
    assert fake_ollama.records_sent == 0


def test_abandoning_a_stream_closes_its_connection(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = LONG_REPLY
    fake_ollama.token_delay_s = 0.02
    events = connect().chat_stream(QUESTION)
    next(events)
    events.close()  # what a `break` out of the loop does once the generator is dropped
    assert fake_ollama.client_gone.wait(30)


def test_bearer_token_goes_in_the_authorization_header(connect: Connect, fake_ollama: FakeOllama) -> None:
    client = connect(token="s3cret")
    client.list_models()
    collect(client.chat_stream(QUESTION))
    for path in ("/api/tags", "/api/chat"):
        assert fake_ollama.last(path).headers["authorization"] == "Bearer s3cret"
    connect().version()
    assert "authorization" not in fake_ollama.last("/api/version").headers


# -- failures ----------------------------------------------------------------------------------


def test_server_not_running_is_reported_as_not_running(connect: Connect) -> None:
    # A refused connection, not a timeout: the banner can say "not running" at once. How fast it is
    # reported is measured in tests/bench/bench_ollama_client.py.
    url = closed_port_url()
    client = connect(host=url, connect_timeout_s=3600)
    for call in (
        client.version,
        client.list_models,
        lambda: client.chat(QUESTION),
        lambda: list(client.pull("m")),
    ):
        with pytest.raises(OllamaUnavailable) as caught:
            call()
        assert caught.value.message == f"Ollama is not running at {url}."
        assert "ollama serve" in caught.value.next_step
    assert not client.is_running()


def test_a_server_that_stopped_is_unavailable_even_over_a_kept_alive_connection(
    connect: Connect, fake_ollama: FakeOllama
) -> None:
    client = connect()
    assert client.version() == fake_ollama.version and client.list_models()  # connections now kept alive
    fake_ollama.stop()
    with pytest.raises(OllamaUnavailable):
        client.version()
    with pytest.raises(OllamaUnavailable):
        client.list_models()
    assert not client.is_running()


def test_model_not_pulled_offers_the_pull(connect: Connect) -> None:
    with pytest.raises(ModelMissing) as caught:
        collect(connect().chat_stream(QUESTION, model="mistral"))
    assert caught.value.model == "mistral"
    assert "ollama pull mistral" in caught.value.next_step


def test_out_of_memory_is_recognised(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.fail("/api/chat", 500, OUT_OF_MEMORY)
    with pytest.raises(OllamaOutOfMemory) as caught:
        connect().chat(QUESTION)
    assert "9.7 GiB" in caught.value.message
    assert "smaller model" in caught.value.next_step


def test_other_http_errors_keep_status_and_text(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.fail("/api/chat", 503, "server busy, please try again.  maximum pending requests exceeded")
    with pytest.raises(OllamaHttpError) as caught:
        connect().chat(QUESTION)
    assert caught.value.status == 503
    assert "server busy" in caught.value.message
    fake_ollama.fail("/api/tags", 401, "unauthorized")
    with pytest.raises(OllamaUnauthorized, match="needs an access token") as denied:
        connect().list_models()
    assert denied.value.status == 401 and "token" in denied.value.next_step


def test_slow_first_token_times_out(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.first_token_delay_s = 3600.0  # only the client's timeout can end the wait
    with pytest.raises(OllamaTimeout) as caught:
        collect(connect(first_token_timeout_s=0.5).chat_stream(QUESTION))
    assert caught.value.phase == "first token"
    assert "0.5 s" in caught.value.message


def test_dropped_connection_keeps_the_partial_answer(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.drop_after_chunks = 3
    received: list[str] = []
    with pytest.raises(StreamInterrupted) as caught:
        for event in connect().chat_stream(QUESTION):
            assert isinstance(event, ChatChunk)
            received.append(event.text)
    assert caught.value.partial_text == "".join(fake_ollama.tokens()[:3]) == "".join(received)
    assert "incomplete" in caught.value.next_step


def test_a_stream_that_stalls_after_some_tokens_keeps_them(connect: Connect, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "one two three"
    fake_ollama.token_delay_s = 3600.0
    with pytest.raises(StreamInterrupted) as caught:
        collect(connect(first_token_timeout_s=0.5).chat_stream(QUESTION))
    assert caught.value.partial_text == "one"


@pytest.fixture
def unanswered_url() -> Iterator[str]:
    """A port whose accept queue is full: the kernel drops new SYNs, so connecting hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}"
    for sock in [*fillers, server]:
        sock.close()


def test_a_server_that_never_accepts_hits_the_connect_timeout(connect: Connect, unanswered_url: str) -> None:
    client = connect(host=unanswered_url, connect_timeout_s=0.3)
    for call in (client.version, lambda: client.chat(QUESTION)):
        with pytest.raises(OllamaTimeout) as caught:  # the connect timeout, not the 10 s read timeout
            call()
        assert caught.value.phase == "connect"
