from __future__ import annotations

from collections.abc import Callable

from kenning.core.answer.extractive import best_sentences, extractive_text
from kenning.core.domain.answers import Turn
from kenning.core.domain.documents import Hit
from kenning.core.index.embedding_models import locate_model
from kenning.core.ingest.token_counter import token_counter_for
from kenning.core.search.gate_signals import is_distinctive
from kenning.core.search.not_found_gate import judge
from kenning.core.search.query_rewrite import cheap_rewrite, rewrite_query


def hit(text: str, vector_score: float, path: str = "/d/a.md") -> Hit:
    return Hit(1, path, None, (), text, 0.03, 0, len(text), vector_score=vector_score)


def test_relevance_needs_similarity_or_the_question_words() -> None:
    passage = "Set keyseq-timeout to change how long readline waits for an ambiguous key sequence."
    assert judge("How long does readline wait for an ambiguous key sequence?", [hit(passage, 0.45)]).relevant
    assert not judge("How do I configure WireGuard peers?", [hit(passage, 0.2)]).relevant
    assert not judge("anything", []).relevant


def distinctive() -> Callable[[str], bool]:
    """The answerer's rule, with the embedding model's own tokenizer."""
    counter = token_counter_for(locate_model("all-MiniLM-L6-v2").folder)
    return lambda word: is_distinctive(word, lambda part: counter.count_many([part])[0])


def test_a_tool_no_document_names_is_refused_however_close_the_passage() -> None:
    passage = "To install a module from CPAN, run the cpan shell: cpan Module::Name installs it."
    absent = {"cpanminus"}
    verdict = judge(
        "How do I install a Perl module from CPAN with cpanminus?",
        [hit(passage, 0.81)],
        lambda word: 0 if word.lower() in absent else 12,
        distinctive(),
    )
    assert not verdict.relevant and verdict.unknown_words == ["cpanminus"]
    assert not verdict.grey  # no model can find the word in passages the index says lack it


def test_everyday_words_the_documents_happen_to_lack_refuse_nothing() -> None:
    passage = "The release-critical bug walkthrough: once the fix is uploaded, it migrates in 5 days."
    absent = {"walk-through", "browsers", "fish-like"}
    frequency = lambda word: 0 if word.lower() in absent else 12  # noqa: E731
    is_rare = distinctive()
    for question in (
        "In the walk-through of a release-critical bug, how many days until the fixed package migrates?",
        "Do browsers see the release-critical bug walkthrough, and is the fix fish-like in 5 days?",
    ):
        verdict = judge(question, [hit(passage, 0.75)], frequency, is_rare)
        assert verdict.unknown_words == [], question
    # ...while a joined name whose part is no everyday word is one: "php-fpm", "mod_pagespeed", "viz.js"
    assert all(is_rare(word) for word in ("PHP-FPM", "mod_pagespeed", "viz.js", "zsh-autosuggestions"))
    assert not any(is_rare(word) for word in ("walk-through", "tun/tap", "browsers", "HTTPS-only"))


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


def test_a_name_no_passage_holds_side_by_side_is_refused() -> None:
    passage = "Debian signs kernel modules; boot the machine with a secure password on the loader."
    present = {"debian faq": 3}  # every single word is in the index; of the names, only this one

    def frequency(word: str) -> int:
        return present.get(word.lower(), 0) if " " in word else 12

    for question, name in (
        ("How do I sign my own kernel modules for Secure Boot on Debian?", "Secure Boot"),
        ("Which new features did Git 3.0 bring for branch names?", "Git 3.0"),
    ):
        verdict = judge(question, [hit(passage, 0.7)], frequency, distinctive())
        assert not verdict.relevant and verdict.unknown_words == [name]
    kept = judge("What does the Debian FAQ say about kernel modules?", [hit(passage, 0.7)], frequency)
    assert kept.unknown_words == []
