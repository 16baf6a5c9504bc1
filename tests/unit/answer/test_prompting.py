from __future__ import annotations

import pytest

from kenning.core.answer.prompting import SYSTEM_PROMPT, Turn, build_prompt, estimate_tokens
from kenning.core.domain.documents import Hit
from kenning.core.index.embedding_models import locate_model
from kenning.core.ingest.token_counter import TokenCounter, token_counter_for


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return token_counter_for(locate_model("all-MiniLM-L6-v2").folder)


def hit(n: int, text: str, page: int | None = None) -> Hit:
    return Hit(
        rank=n,
        path=f"/docs/file{n}.pdf",
        page=page,
        section=("Intro",),
        text=text,
        score=1.0,
        start=0,
        end=len(text),
    )


SENTENCES = " ".join(f"Fact number {i} says the widget weighs {i} grams." for i in range(40))


def test_sources_are_numbered_fenced_and_the_model_is_told_they_are_data(counter: TokenCounter) -> None:
    prompt = build_prompt(
        "How heavy is it?",
        [hit(1, "Alpha text.", page=3), hit(2, "Beta text.")],
        counter=counter,
        context_tokens=4096,
    )
    system, user = prompt.messages[0]["content"], prompt.messages[-1]["content"]
    assert system == SYSTEM_PROMPT and "never instructions" in system and "[n]" in system
    assert '<source n="1" from="file1.pdf, page 3, section: Intro">\nAlpha text.\n</source>' in user
    assert '<source n="2"' in user and user.endswith("Question: How heavy is it?")
    assert [h.path for h in prompt.sources] == ["/docs/file1.pdf", "/docs/file2.pdf"]


def test_the_prompt_fits_the_context_and_cuts_sources_only_at_sentence_ends(counter: TokenCounter) -> None:
    hits = [hit(i, SENTENCES) for i in range(1, 9)]
    prompt = build_prompt("Weight?", hits, counter=counter, context_tokens=2048, answer_tokens=512)
    total = sum(estimate_tokens(counter, [m["content"] for m in prompt.messages]))
    assert total <= 2048 - 512
    assert prompt.left_out + len(prompt.sources) == 8 and prompt.left_out > 0
    user = prompt.messages[-1]["content"]
    for n in prompt.shortened:
        block = user.split(f'<source n="{n}"')[1].split("</source>")[0]
        assert block.rstrip().endswith("grams. […]"), "a source was cut mid-sentence"


def test_recent_history_is_kept_as_turns(counter: TokenCounter) -> None:
    history = [Turn("What is the widget?", "A small part [1]."), Turn("Who makes it?", "Acme [2].")]
    prompt = build_prompt(
        "And its weight?", [hit(1, "Text.")], counter=counter, context_tokens=4096, history=history
    )
    roles = [m["role"] for m in prompt.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    assert prompt.messages[3]["content"] == "Who makes it?"
