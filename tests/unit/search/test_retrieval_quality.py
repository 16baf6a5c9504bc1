"""Retrieval quality on a subset of the corpus: the same scorer as the full benchmark
(tests/bench/bench_retrieval_quality.py), on the small source files of 27 questions.

The floor is what this subset reached when it was last tuned, minus a small margin, so a change that
makes retrieval worse fails here instead of being found later by a person.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.retrieval_eval import load_questions, run_questions, score

from kenning.core.domain.documents import SyncFinished

pytestmark = pytest.mark.slow

SUBSET = [
    "d016",
    "d019",
    "d021",
    "d022",
    "d023",
    "d026",
    "d033",
    "d034",
    "d038",
    "d040",
    "d041",
    "d042",
    "d043",
    "d044",
    "d045",
    "d046",
    "d047",
    "d048",
    "d049",
    "d050",
    "d052",
    "d053",
    "d054",
    "d056",
    "d057",
    "d062",
    "d065",
]
FLOOR_HIT5 = 0.96
FLOOR_MRR10 = 0.92


def test_hybrid_search_finds_the_answering_passage(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path], corpus: Path
) -> None:
    questions = [q for q in load_questions(corpus / "questions.jsonl") if q["id"] in SUBSET]
    sources = sorted({s for q in questions for s in q["sources"]})
    folder = copy_docs(*sources)
    workspace = make_workspace()
    events = list(workspace.indexer.sync([str(folder)]))
    assert isinstance(events[-1], SyncFinished) and not events[-1].report.errors
    run = run_questions(questions, lambda text: workspace.retriever.search(text, k=10).hits, folder)
    scores = score(questions, run)
    print(scores.line())
    assert scores.n == 25
    assert scores.hit_at[5] >= FLOOR_HIT5, scores.line()
    assert scores.mrr10 >= FLOOR_MRR10, scores.line()
