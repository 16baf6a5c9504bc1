"""Score retrieval on the corpus questions the way ../shared/corpus/tools/score_retrieval.py does.

A result is relevant when its path (relative to docs/) is one of the question's sources and, for a
PDF, its page is one of the question's pages. Unanswerable questions are left out of hit@k and MRR.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Result = tuple[str, int | None]  # (path relative to docs/, page)


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def relevant(question: dict[str, Any], result: Result) -> bool:
    path, page = result
    if path not in question["sources"]:
        return False
    if not path.lower().endswith(".pdf"):
        return True
    pages = question.get("page")
    return page in (pages if isinstance(pages, list) else [pages])


@dataclass
class Scores:
    n: int
    hit_at: dict[int, float]
    mrr10: float
    first_relevant: dict[str, int | None]

    def line(self) -> str:
        hits = "  ".join(f"hit@{k} {v:.3f}" for k, v in sorted(self.hit_at.items()))
        return f"n={self.n}  {hits}  MRR@10 {self.mrr10:.3f}"


def score(questions: Iterable[dict[str, Any]], run: dict[str, Sequence[Result]]) -> Scores:
    ks = (1, 3, 5, 10)
    hits = dict.fromkeys(ks, 0)
    reciprocal = 0.0
    n = 0
    first_relevant: dict[str, int | None] = {}
    for q in questions:
        if q["kind"] == "unanswerable":
            continue
        n += 1
        first = next((i for i, r in enumerate(run.get(q["id"], [])[:10], 1) if relevant(q, r)), None)
        first_relevant[q["id"]] = first
        for k in ks:
            hits[k] += int(first is not None and first <= k)
        reciprocal += 1.0 / first if first else 0.0
    n = max(n, 1)
    return Scores(n, {k: v / n for k, v in hits.items()}, reciprocal / n, first_relevant)


def run_questions(
    questions: Iterable[dict[str, Any]], search: Callable[[str], Sequence[Any]], docs_root: Path
) -> dict[str, list[Result]]:
    """Ask each question; hits are made relative to `docs_root` so they compare with `sources`."""
    run: dict[str, list[Result]] = {}
    for q in questions:
        hits = search(q["question"])
        run[q["id"]] = [(os.path.relpath(h.path, docs_root).replace(os.sep, "/"), h.page) for h in hits]
    return run
