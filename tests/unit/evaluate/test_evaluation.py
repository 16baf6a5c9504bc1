"""Scoring a test set: matching passages to expected sources, figures, thresholds, bad test sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenning.core.domain.documents import Hit
from kenning.core.evaluate.matching import first_match, holds_evidence, right_place
from kenning.core.evaluate.metrics import QuestionResult, missed_thresholds, totals
from kenning.core.evaluate.test_set import BadTestSet, TestQuestion, load_test_set


def hit(path: str, page: int | None = None, text: str = "") -> Hit:
    return Hit(1, path, page, (), text, 0.5, 0, len(text))


PDF_Q = TestQuestion(
    "q1", "?", sources=("shells/bash/bashref.pdf",), pages=(131,), evidence=("Default  value is 500",)
)


def test_sources_match_as_path_suffixes_so_a_test_set_travels_with_its_folder() -> None:
    assert right_place(PDF_Q, hit("/home/ann/corpus/shells/bash/bashref.pdf", 131))
    assert not right_place(PDF_Q, hit("/home/ann/corpus/shells/bash/bashref.pdf", 130))
    assert not right_place(PDF_Q, hit("/home/ann/corpus/other/bash/bashref.pdf", 131))
    assert not right_place(PDF_Q, hit("/home/ann/corpus/xshells/bash/bashref.pdf", 131))


def test_evidence_is_compared_after_folding_case_and_whitespace() -> None:
    assert holds_evidence(PDF_Q, hit("x.pdf", 131, "The DEFAULT value\n is 500."))
    assert not holds_evidence(PDF_Q, hit("x.pdf", 131, "The default is 600."))


def test_first_match_ranks_the_right_page_and_the_evidence_apart() -> None:
    hits = [
        hit("/c/shells/bash/bashref.pdf", 12, "elsewhere"),
        hit("/c/shells/bash/bashref.pdf", 131, "a passage on the page without the sentence"),
        hit("/c/shells/bash/bashref.pdf", 131, "the default value is 500"),
    ]
    assert first_match(PDF_Q, hits, evidence=False) == 2
    assert first_match(PDF_Q, hits, evidence=True) == 3


def test_totals_count_ranks_and_the_not_found_gate() -> None:
    results = [
        QuestionResult("a", "?", "fact", ["x"], rank=1),
        QuestionResult("b", "?", "fact", ["x"], rank=4),
        QuestionResult("c", "?", "fact", ["x"], rank=None, refused=True),
        QuestionResult("d", "?", "unanswerable", [], refused=True),
        QuestionResult("e", "?", "unanswerable", [], refused=False),
    ]
    t = totals(results, with_model=False)
    assert (t["hit@1"], t["hit@5"], t["hit@10"]) == (round(1 / 3, 4), round(2 / 3, 4), round(2 / 3, 4))
    assert t["mrr@10"] == round((1 + 1 / 4) / 3, 4)
    assert t["not_found_precision"] == 0.5  # two refused, one rightly
    assert t["not_found_recall"] == 0.5  # two unanswerable, one refused
    assert t["answerable_refused"] == round(1 / 3, 4)


def test_answer_figures_count_supported_citations_to_the_right_place() -> None:
    good = {"n": 1, "path": "x", "page": None, "supported": True, "right_place": True}
    unsupported = {"n": 2, "path": "x", "page": None, "supported": False, "right_place": True}
    results = [
        QuestionResult("a", "?", "fact", ["x"], rank=1, status="answered", citations=[good, unsupported]),
        QuestionResult("b", "?", "fact", ["x"], rank=1, status="answered", citations=[]),
    ]
    t = totals(results, with_model=True)
    assert t["citation_validity"] == 0.5
    assert t["verified_answers"] == 0.5
    assert t["evidence_recall"] == 0.5


def test_thresholds_name_what_was_missed() -> None:
    figures = {"hit@5": 0.7, "mrr@10": 0.9, "citation_validity": None}
    assert missed_thresholds(figures, {"hit@5": 0.8, "mrr@10": 0.8}) == ["hit@5 0.7 < 0.8"]
    assert missed_thresholds(figures, {"citation_validity": 0.5}) == ["citation_validity not measured < 0.5"]


def test_the_corpus_format_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"id": "d1", "question": "Q?", "sources": ["a.pdf"], "page": [3, 4], '
        '"evidence": ["x", "y"], "kind": "fact"}\n'
        "\n"
        '{"id": "d2", "question": "Gone?", "sources": [], "page": null, '
        '"evidence": null, "kind": "unanswerable"}\n',
        encoding="utf-8",
    )
    first, second = load_test_set(path)
    assert first.pages == (3, 4) and first.evidence == ("x", "y") and first.answerable
    assert not second.answerable and second.sources == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no questions"),
        ("{not json\n", "line 1 is not JSON"),
        ('{"id": "x"}\n', 'needs a non-empty "question"'),
    ],
)
def test_a_bad_test_set_names_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadTestSet, match=message):
        load_test_set(path)


def test_two_runs_compare_by_figure_question_and_setting() -> None:
    from kenning.core.evaluate.compare import compare_runs

    def run(hit5: float, rank_a: int | None, refused_b: bool, k: int) -> dict[str, object]:
        return {
            "totals": {"hit@5": hit5, "mrr@10": 0.5},
            "questions": [
                {"id": "a", "kind": "fact", "rank": rank_a, "refused": False},
                {"id": "b", "kind": "unanswerable", "rank": None, "refused": refused_b},
            ],
            "context": {"embed_model": "m", "settings": {"search": {"k": k}}},
        }

    comparison = compare_runs(run(0.8, 3, True, 10), run(0.9, 1, False, 12))
    figures = {f.name: f.delta for f in comparison.figures}
    assert figures == {"hit@5": 0.1, "mrr@10": 0.0}
    assert comparison.better == ["a"] and comparison.worse == ["b"]
    assert comparison.settings == [("settings.search.k", 10, 12)]
