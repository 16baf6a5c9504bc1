"""A test-set line from an answer the user liked, or typed by hand; appended once, with its own id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kenning.core.domain.answers import Answer, AnswerStatus, Citation, Highlight
from kenning.core.domain.documents import Hit
from kenning.core.evaluate.matching import holds_evidence, right_place
from kenning.core.evaluate.pre_swap import remember_test_set
from kenning.core.evaluate.set_append import add_to_current_set, append_row, current_test_set
from kenning.core.evaluate.set_rows import NotAddable, manual_row, relative_source, row_from_answer
from kenning.core.evaluate.test_set import load_test_set

PDF_TEXT = (
    "Chapter 3.\n  The   ExpiresByType directive sets the expiry per MIME type, counted from the "
    "access time or the modification time. Other text follows here."
)
QUOTE = (
    "The ExpiresByType directive sets the expiry per MIME type, counted from the access time or the "
    "modification time."
)


def _hit(path: str, text: str, page: int | None = None, rank: int = 1) -> Hit:
    return Hit(rank, path, page, (), text, 0.5, 0, len(text))


def _answer() -> Answer:
    sources = [
        _hit("/home/me/docs/web/apache.pdf", PDF_TEXT, page=12),
        _hit("/home/me/docs/notes.md", "Cookies are another thing."),
    ]
    citations = [
        Citation(1, sources[0].path, 12, QUOTE, supported=True),
        Citation(2, sources[1].path, None, "Cookies are another thing.", supported=False),
        Citation(1, sources[0].path, 12, QUOTE, supported=True),
    ]
    return Answer(
        "How is expiry set per type?", AnswerStatus.ANSWERED, "Use ExpiresByType [1]. Cookies differ [2].",
        citations=citations, sources=sources,
    )  # fmt: skip


def test_an_answer_becomes_a_line_with_its_supported_source_page_and_an_exact_evidence_span(
    tmp_path: Path,
) -> None:
    row = row_from_answer(_answer(), ["/home/me", "/home/me/docs"])
    assert row["sources"] == ["web/apache.pdf"]  # relative to the deepest watched folder; [2] unsupported
    assert row["page"] == 12 and row["kind"] == "answerable"
    assert row["answer"] == "Use ExpiresByType. Cookies differ."
    assert len(row["evidence"]) <= 160 and row["evidence"].startswith("The ExpiresByType directive")
    # The line scores the cited passage as a hit, evidence included, and a wrong page as a miss.
    (tmp_path / "set.jsonl").write_text(json.dumps(dict(row, id="x")))
    [question] = load_test_set(tmp_path / "set.jsonl")
    assert right_place(question, _hit("/elsewhere/web/apache.pdf", PDF_TEXT, page=12))
    assert holds_evidence(question, _hit("/elsewhere/web/apache.pdf", PDF_TEXT, page=12))
    assert not right_place(question, _hit("/elsewhere/web/apache.pdf", PDF_TEXT, page=13))


def test_an_answer_without_a_model_keeps_its_best_passage_and_marked_sentence() -> None:
    hit = _hit("/d/notes.md", "Intro line. PermitTunnel yes allows tunnels. More.")
    answer = Answer("q?", AnswerStatus.EXTRACTIVE, "…", sources=[hit, _hit("/d/b.md", "other")],
                    highlights=[Highlight(1, 12, 44)])  # fmt: skip
    row = row_from_answer(answer, ["/d"])
    assert row["sources"] == ["notes.md"] and row["evidence"] == "PermitTunnel yes allows tunnels."
    assert row["page"] is None and row["answer"] is None


def test_a_not_found_answer_is_added_only_as_unanswerable() -> None:
    answer = Answer("Who won the 1966 world cup?", AnswerStatus.NOT_FOUND, "Not in your documents.")
    with pytest.raises(NotAddable, match="Nothing in your documents"):
        row_from_answer(answer, [])
    row = row_from_answer(answer, [], unanswerable=True)
    assert row["kind"] == "unanswerable" and row["sources"] == [] and row["evidence"] == []
    with pytest.raises(NotAddable):
        row_from_answer(Answer("q", AnswerStatus.ERROR, ""), [], unanswerable=True)


def test_paths_outside_every_folder_stay_whole() -> None:
    assert relative_source("/mnt/shared/a.txt", ["/home/me"]) == "/mnt/shared/a.txt"
    assert relative_source("/home/me2/a.txt", ["/home/me"]) == "/home/me2/a.txt"  # a prefix, not a folder


def test_a_hand_written_line_needs_a_question_and_a_source() -> None:
    with pytest.raises(NotAddable):
        manual_row("  ", "a.txt")
    with pytest.raises(NotAddable, match="Pick the file"):
        manual_row("What is it?")
    row = manual_row("What  is\nit?", "sub/a.pdf", page=3, evidence=" the  span ")
    assert row == {"id": "", "question": "What is it?", "answer": None, "sources": ["sub/a.pdf"],
                   "page": 3, "evidence": "the span", "kind": "answerable"}  # fmt: skip
    assert manual_row("Is it there?", kind="unanswerable")["sources"] == []


def test_appending_gives_fresh_ids_keeps_other_lines_and_never_adds_a_question_twice(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "d001", "question": "Old one?"}\nnot json\n{"id": "my001", "question": "Mine?"}')
    first = append_row(path, manual_row("How is expiry set?", "a.pdf"))
    assert first.added and first.row["id"] == "my002" and first.questions == 3
    again = append_row(path, manual_row("how is  EXPIRY set?", "b.pdf"))
    assert not again.added and again.row["id"] == "my002"
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[1] == "not json"  # nothing of the user's is dropped
    assert [json.loads(line)["id"] for line in lines if line != "not json"] == ["d001", "my001", "my002"]


def test_the_current_set_is_the_evaluate_tabs_or_a_new_one_in_the_data_dir(tmp_path: Path) -> None:
    evals = tmp_path / "evals"
    assert current_test_set(evals) == evals / "my-questions.jsonl"
    added = add_to_current_set(evals, manual_row("First?", "a.txt"))
    assert added.path == evals / "my-questions.jsonl" and added.path.stat().st_mode & 0o077 == 0
    chosen = tmp_path / "chosen.jsonl"
    chosen.write_text('{"id": "c1", "question": "Chosen?"}\n')
    remember_test_set(evals, chosen)
    assert add_to_current_set(evals, manual_row("Second?", "a.txt")).path == chosen
    assert current_test_set(evals) == chosen and "Second?" in chosen.read_text()
