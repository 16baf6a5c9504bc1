"""Retrieval scoring for the tests and benches, through the core's evaluation (one implementation).

A result is relevant when its path is one of the question's sources and, for a PDF, its page is one
of the question's pages (`kenning.core.evaluate.matching`). Unanswerable questions are left out of
hit@k and MRR. `kenning eval SET --no-llm` gives the same figures for the same index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kenning.core.domain.documents import Hit
from kenning.core.evaluate.matching import first_match
from kenning.core.evaluate.metrics import QuestionResult, totals
from kenning.core.evaluate.test_set import TestQuestion, load_test_set

Result = tuple[str, int | None]  # (path relative to docs/, page)


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Scores:
    n: int
    hit_at: dict[int, float]
    mrr10: float
    first_relevant: dict[str, int | None]

    def line(self) -> str:
        hits = "  ".join(f"hit@{k} {v:.3f}" for k, v in sorted(self.hit_at.items()))
        return f"n={self.n}  {hits}  MRR@10 {self.mrr10:.3f}"


def _as_test_question(q: dict[str, Any]) -> TestQuestion:
    pages = q.get("page")
    return TestQuestion(
        id=str(q["id"]),
        question=str(q["question"]),
        sources=tuple(q.get("sources") or ()),
        pages=tuple(p for p in (pages if isinstance(pages, list) else [pages]) if isinstance(p, int)),
        kind=str(q.get("kind") or ""),
    )


def score(questions: Iterable[dict[str, Any]], run: dict[str, Sequence[Result]]) -> Scores:
    results = []
    for raw in questions:
        q = _as_test_question(raw)
        hits = [Hit(i, path, page, (), "", 0.0, 0, 0) for i, (path, page) in enumerate(run.get(q.id, []), 1)]
        results.append(
            QuestionResult(
                q.id, q.question, q.kind, list(q.sources), rank=first_match(q, hits, evidence=False)
            )
        )
    figures = totals(results, with_model=False)
    first = {r.id: r.rank for r in results if r.answerable}
    hit_at = {k: float(figures[f"hit@{k}"] or 0.0) for k in (1, 5, 10)}
    return Scores(len(first), hit_at, float(figures["mrr@10"] or 0.0), first)


def run_questions(
    questions: Iterable[dict[str, Any]], search: Callable[[str], Sequence[Any]], docs_root: Path
) -> dict[str, list[Result]]:
    """Ask each question; hits are made relative to `docs_root` so they compare with `sources`."""
    run: dict[str, list[Result]] = {}
    for q in questions:
        hits = search(q["question"])
        run[q["id"]] = [(os.path.relpath(h.path, docs_root).replace(os.sep, "/"), h.page) for h in hits]
    return run


__all__ = ["Scores", "load_questions", "load_test_set", "run_questions", "score"]
