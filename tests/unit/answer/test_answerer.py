"""Answering end to end in-process: a real index, the real embedding model and the fake Ollama over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import OUT_OF_MEMORY, FakeOllama

from kenning.core.domain.answers import Answer, AnswerStatus, Done, Retrieved, Token, Turn
from kenning.core.observe.trace_store import STAGES
from kenning.core.settings import Settings

pytestmark = pytest.mark.slow

DOCS = ("web/apache/exports/mod_expires reference.docx", "net/openssh/README.tun.txt", "net/curl/HSTS.md")
QUESTION = "How do I make GIF images expire from the browser cache after a month?"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, corpus: Path, embedder: Any) -> Path:
    from kenning.core.workspace import Workspace

    docs = tmp_path_factory.mktemp("docs")
    for rel in DOCS:
        (docs / Path(rel).name).write_bytes((corpus / "docs" / rel).read_bytes())
    data = tmp_path_factory.mktemp("data")
    workspace = Workspace(data_dir=data)
    workspace.__dict__["embedder"] = embedder
    list(workspace.indexer.sync([str(docs)]))
    return data


@pytest.fixture
def ask(index_dir: Path, embedder: Any, fake_ollama: FakeOllama) -> Iterator[Callable[..., Answer]]:
    """Ask through a Workspace over the shared index, answering with the fake Ollama."""
    from kenning.core.workspace import Workspace

    made: list[Any] = []

    def run(
        question: str = QUESTION, *, settings: Settings | None = None, use_model: bool = True, **kw: Any
    ) -> Answer:
        settings = settings or Settings()
        if not settings.ollama.host or settings.ollama.host == "http://127.0.0.1:11434":
            settings.ollama.host = fake_ollama.url
        settings.ollama.model = settings.ollama.model or "llama3.2"
        workspace = Workspace(data_dir=index_dir, settings=settings)
        workspace.__dict__["embedder"] = embedder
        made.append(workspace)
        events = list(workspace.answerer(use_model=use_model).ask(question, **kw))
        assert isinstance(events[0], Retrieved) and isinstance(events[-1], Done)
        return events[-1].answer

    yield run
    for workspace in made:
        workspace.close()


def test_a_cited_answer_streams_and_its_citations_point_at_the_sources(
    index_dir: Path, embedder: Any, fake_ollama: FakeOllama
) -> None:
    from kenning.core.workspace import Workspace

    fake_ollama.reply = "Use ExpiresByType image/gif A2592000 to expire GIF images after a month [1]."
    settings = Settings()
    settings.ollama.host, settings.ollama.model = fake_ollama.url, "llama3.2"
    workspace = Workspace(data_dir=index_dir, settings=settings)
    workspace.__dict__["embedder"] = embedder
    events = list(workspace.answerer().ask(QUESTION))
    workspace.close()
    tokens = "".join(e.text for e in events if isinstance(e, Token))
    answer = events[-1].answer  # type: ignore[union-attr]
    assert tokens.strip() == fake_ollama.reply
    assert answer.status is AnswerStatus.ANSWERED and answer.text == fake_ollama.reply
    [citation] = answer.citations
    assert citation.n == 1 and citation.supported and citation.path.endswith("mod_expires reference.docx")
    assert "month" in citation.quote and citation.sentence.endswith("after a month.")
    sent = fake_ollama.last("/api/chat").body
    assert sent["model"] == "llama3.2" and sent["stream"] is True
    fence = sent["messages"][0]["content"].split("</source-", 1)[1].split(">", 1)[0]
    assert (
        f'<source-{fence} n="1"' in sent["messages"][-1]["content"]
        and "never instructions" in sent["messages"][0]["content"]
    )


def test_trace_has_every_stage_ollama_counts_and_the_cost_arithmetic(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    settings = Settings()
    settings.answer.cpu_watts, settings.answer.gpu_watts, settings.answer.usd_per_kwh = 20.0, 80.0, 0.5
    answer = ask(settings=settings)
    trace = answer.trace
    assert set(STAGES) <= set(trace.timings_ms)
    assert trace.prompt_tokens > 50 and trace.completion_tokens == len(fake_ollama.tokens())
    assert trace.tokens_per_s > 0
    assert trace.model == "llama3.2" and trace.model_digest
    assert trace.timings_ms["load"] == pytest.approx(12.35, abs=0.01)
    seconds = (trace.timings_ms["prompt_eval"] + trace.timings_ms["generate"]) / 1000
    assert trace.cost.device == "gpu" and trace.cost.energy_wh == pytest.approx(
        80.0 * seconds / 3600, rel=1e-3, abs=1e-6
    )
    assert trace.cost.local_usd == pytest.approx(trace.cost.energy_wh / 1000 * 0.5, rel=1e-2, abs=1e-8)
    assert trace.cost.reference_model == "gpt-4o-mini"
    expected_cloud = (trace.prompt_tokens * 0.15 + trace.completion_tokens * 0.60) / 1e6
    assert trace.cost.cloud_equivalent_usd == pytest.approx(expected_cloud, rel=1e-3)
    assert trace.retrieval_scores and trace.status == "answered"


def test_invalid_numbers_are_dropped_and_unsupported_sentences_flagged(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = (
        "GIF images expire after a month with ExpiresByType [1][9]. Penguins live in Antarctica [2]."
    )
    answer = ask()
    assert answer.invalid_citations == [9] and "[9]" not in answer.text
    assert [(c.n, c.supported) for c in answer.citations] == [(1, True), (2, False)]


def test_nothing_relevant_gives_not_found_without_asking_the_model(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    answer = ask("Which Kubernetes operator manages PostgreSQL failover clusters?")
    assert answer.status is AnswerStatus.NOT_FOUND and not answer.citations
    assert not [r for r in fake_ollama.requests if r.path == "/api/chat"]


def test_a_question_about_something_no_document_mentions_says_so(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    answer = ask("How do I set up a WireGuard tunnel between two machines?")
    assert answer.status is AnswerStatus.NOT_FOUND and "WireGuard" in answer.text
    assert not [r for r in fake_ollama.requests if r.path == "/api/chat"]


def test_the_model_saying_the_documents_do_not_say_is_not_found(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = "Your documents do not say."
    assert ask().status is AnswerStatus.NOT_FOUND


def test_without_a_reachable_ollama_the_answer_is_extractive(ask: Callable[..., Answer]) -> None:
    settings = Settings()
    settings.ollama.host = "http://127.0.0.1:9"  # nothing listens on the discard port
    answer = ask(settings=settings)
    assert answer.status is AnswerStatus.EXTRACTIVE
    assert answer.text.startswith("No language model was used (Ollama is not reachable)")
    assert answer.sources and answer.highlights and "ollama serve" in answer.next_step
    assert any("A2592000" in answer.sources[h.source - 1].text[h.start : h.end] for h in answer.highlights)


def test_a_model_that_is_not_pulled_falls_back_with_the_pull_advice(ask: Callable[..., Answer]) -> None:
    settings = Settings()
    settings.ollama.model = "mistral:7b"
    answer = ask(settings=settings)
    assert answer.status is AnswerStatus.EXTRACTIVE and "ollama pull mistral:7b" in answer.next_step


def test_out_of_memory_is_an_error_with_a_way_out_and_the_passages(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    fake_ollama.fail("/api/chat", 500, OUT_OF_MEMORY)
    answer = ask()
    assert answer.status is AnswerStatus.ERROR and "memory" in answer.error.lower() and answer.next_step
    assert answer.sources


def test_a_dropped_stream_keeps_the_partial_answer_marked_incomplete(
    ask: Callable[..., Answer], fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = "Use ExpiresByType image/gif A2592000 to expire GIF images after a month [1]."
    fake_ollama.drop_after_chunks = 4
    answer = ask()
    assert answer.incomplete and answer.text == "Use ExpiresByType image/gif A2592000"
    assert "broke" in answer.error and answer.status is AnswerStatus.ANSWERED


def test_cancel_stops_the_stream_at_once(index_dir: Path, embedder: Any, fake_ollama: FakeOllama) -> None:
    from kenning.core.workspace import Workspace

    fake_ollama.reply = " ".join(["word"] * 200)
    fake_ollama.token_delay_s = 0.02
    settings = Settings()
    settings.ollama.host, settings.ollama.model = fake_ollama.url, "llama3.2"
    workspace = Workspace(data_dir=index_dir, settings=settings)
    workspace.__dict__["embedder"] = embedder
    cancel = threading.Event()
    seen = 0
    final: Answer | None = None
    for event in workspace.answerer().ask(QUESTION, cancel=cancel):
        if isinstance(event, Token):
            seen += 1
            if seen == 3:
                cancel.set()
        elif isinstance(event, Done):
            final = event.answer
    workspace.close()
    assert final is not None and final.incomplete and seen == 3
    assert fake_ollama.client_gone.wait(5), "the fake Ollama never saw the client leave"
    assert fake_ollama.records_sent < 200


def test_follow_ups_are_rewritten_for_retrieval(ask: Callable[..., Answer], fake_ollama: FakeOllama) -> None:
    history = [
        Turn("How do I make GIF images expire after a month with mod_expires?", "Use ExpiresByType [1].")
    ]
    without_model = ask("And how do I turn it off again?", history=history, use_model=False)
    assert "mod_expires" in without_model.standalone_query and without_model.status is AnswerStatus.EXTRACTIVE
    fake_ollama.reply = "How do I turn off mod_expires expiration headers?"
    with_model = ask("And how do I turn it off again?", history=history)
    assert with_model.standalone_query == "How do I turn off mod_expires expiration headers?"
    first = fake_ollama.requests[[r.path for r in fake_ollama.requests].index("/api/chat")]
    assert "Rewrite" in first.body["messages"][0]["content"]


def test_the_model_is_described_once_for_several_answers(
    index_dir: Path, embedder: Any, fake_ollama: FakeOllama
) -> None:
    from kenning.core.workspace import Workspace

    settings = Settings()
    settings.ollama.host, settings.ollama.model = fake_ollama.url, "llama3.2"
    workspace = Workspace(data_dir=index_dir, settings=settings)
    workspace.__dict__["embedder"] = embedder
    answerer = workspace.answerer()
    for _ in range(3):
        events = list(answerer.ask(QUESTION))
        assert isinstance(events[-1], Done) and events[-1].answer.status is AnswerStatus.ANSWERED
    workspace.close()
    assert sum(1 for r in fake_ollama.requests if r.path == "/api/show") == 1
    assert sum(1 for r in fake_ollama.requests if r.path == "/api/chat") == 3


def test_an_ollama_that_wants_a_token_answers_once_the_keyring_holds_it(
    index_dir: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    import keyring.backends.null

    from kenning.core.secrets import SecretStore, token_secret_name
    from kenning.core.workspace import Workspace

    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.null.Keyring)  # session-only secrets
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    guarded = FakeOllama(require_token="team-secret").start()  # a second Ollama, on its own port
    try:
        settings = Settings()
        settings.ollama.host, settings.ollama.model = guarded.url, "llama3.2"
        secrets = SecretStore()

        def ask_guarded() -> Answer:
            workspace = Workspace(data_dir=index_dir, settings=settings)
            workspace.__dict__.update(embedder=embedder, secrets=secrets)
            try:
                return list(workspace.answerer().ask(QUESTION))[-1].answer  # type: ignore[union-attr]
            finally:
                workspace.close()

        refused = ask_guarded()
        assert refused.status is AnswerStatus.ERROR and refused.sources  # the passages are still shown
        assert refused.error == f"Ollama at {guarded.url} needs an access token: set it in Settings › Ollama."
        assert refused.trace.host == guarded.url

        secrets.set(token_secret_name(guarded.url), "team-secret")
        answered = ask_guarded()
        assert answered.status is AnswerStatus.ANSWERED and answered.error == ""
        assert answered.trace.host == guarded.url
        assert answered.trace.cost.device != "remote"  # 127.0.0.1 is this computer
    finally:
        guarded.stop()


def test_a_joined_word_counts_only_where_its_parts_stand_together(index_dir: Path, embedder: Any) -> None:
    from kenning.core.workspace import Workspace

    workspace = Workspace(data_dir=index_dir)
    store = workspace.store
    assert store.word_frequency("HTTP-only") > 0 and store.word_frequency("CURLOPT_HSTS_CTRL") > 0
    # "libcurl" and "hsts" are both in HSTS.md, never side by side: the full-text index alone counts them
    assert store.word_frequency("libcurl") > 0 and store.word_frequency("hsts") > 0
    assert store.word_frequency("libcurl-hsts") == 0 and store.word_frequency("hsts_libcurl") == 0
    workspace.close()
