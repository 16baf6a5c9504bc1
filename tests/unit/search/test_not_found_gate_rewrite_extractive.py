from __future__ import annotations

from kenning.core.answer.extractive import best_sentences, extractive_text
from kenning.core.domain.answers import Turn
from kenning.core.domain.documents import Hit
from kenning.core.search.not_found_gate import judge
from kenning.core.search.query_rewrite import cheap_rewrite, rewrite_query


def hit(text: str, vector_score: float, path: str = "/d/a.md") -> Hit:
    return Hit(1, path, None, (), text, 0.03, 0, len(text), vector_score=vector_score)


def test_relevance_needs_similarity_or_the_question_words() -> None:
    passage = "Set keyseq-timeout to change how long readline waits for an ambiguous key sequence."
    assert judge("How long does readline wait for an ambiguous key sequence?", [hit(passage, 0.45)]).relevant
    assert not judge("How do I configure WireGuard peers?", [hit(passage, 0.2)]).relevant
    assert not judge("anything", []).relevant


def test_follow_ups_carry_the_previous_subject_without_a_model() -> None:
    history = [Turn("How do I enable mod_expires in Apache?", "Use ExpiresActive On [1].")]
    assert "mod_expires" in cheap_rewrite("How do I turn it off?", history)
    standalone = "What does the ExpiresByType directive set for GIF images?"
    assert cheap_rewrite(standalone, history) == standalone
    assert rewrite_query("How do I turn it off?", history, ask_model=None).startswith("How do I turn it off?")
    assert (
        rewrite_query("and it?", history, lambda _: "How do I disable mod_expires?")
        == "How do I disable mod_expires?"
    )


def test_extractive_answers_mark_the_sentences_that_match_the_question() -> None:
    text = "Intro line about logs. The default timeout is 500 milliseconds. Unrelated closing remark."
    hits = [hit(text, 0.5, path="/d/bash.pdf")]
    marks = best_sentences("What is the default timeout?", hits)
    assert next(text[m.start : m.end] for m in marks) == "The default timeout is 500 milliseconds."
    rendered = extractive_text(hits, marks, "Ollama is not reachable")
    assert rendered.startswith("No language model was used (Ollama is not reachable)")
    assert "[1] bash.pdf: The default timeout is 500 milliseconds." in rendered
