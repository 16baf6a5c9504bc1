"""Drafting a test set: passages spread over formats and files, a clean question, a sentence as evidence."""

from __future__ import annotations

from typing import Any

from kenning.core.evaluate.drafting import clean_question, draft_questions, evidence_for, sample_passages

LONG = "This passage says something worth asking about, at some length. " * 5
FILES = {f"/docs/{name}": "/docs" for name in ["a.pdf", "b.pdf", "c.pdf", "notes.md", "page.html"]}


def rows_of(path: str) -> list[dict[str, Any]]:
    return [{"text": f"{path} passage {n}. {LONG}", "page": n + 1} for n in range(2)] + [{"text": "Heading"}]


def test_passages_take_turns_across_formats_then_files_and_repeat_for_a_seed() -> None:
    first = sample_passages(FILES, rows_of, 3, seed=1)
    assert sorted(p.source.rsplit(".", 1)[1] for p in first) == ["html", "md", "pdf"]
    assert first == sample_passages(FILES, rows_of, 3, seed=1)
    every = sample_passages(FILES, rows_of, 100, seed=1)
    assert len(every) == 10  # two long passages per file; the short heading is never asked about
    assert len({p.path for p in every[:7]}) == 5  # every file had its turn before any came twice
    assert {p.source for p in every} == {"a.pdf", "b.pdf", "c.pdf", "notes.md", "page.html"}


def test_the_models_reply_becomes_one_plain_question() -> None:
    assert (
        clean_question('**Question:** "How long is a cookie kept"\nBecause...')
        == "How long is a cookie kept?"
    )
    assert clean_question("  \n") == ""


def test_the_evidence_is_the_sentence_closest_to_the_question() -> None:
    text = "Cookies. The cookie jar is saved in the Netscape format. Other things happen elsewhere."
    assert evidence_for("Which format does the saved cookie jar use?", text) == (
        "The cookie jar is saved in the Netscape format."
    )


def test_a_reply_with_no_question_drafts_nothing_for_that_passage() -> None:
    passages = sample_passages(FILES, rows_of, 2, seed=0)
    replies = iter(["", "What does the passage say?"])
    lines = list(draft_questions(passages, lambda _messages: next(replies)))
    assert [line["id"] for line in lines] == ["draft002"]
    assert lines[0]["sources"] == [passages[1].source] and lines[0]["kind"] == "drafted"
