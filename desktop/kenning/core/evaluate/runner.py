"""Asks every question of a test set through the app's own search and answer paths."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kenning.core.answer.answerer import Answerer
from kenning.core.domain.answers import Answer, AnswerStatus, Done
from kenning.core.domain.documents import Hit
from kenning.core.evaluate.matching import first_match, right_place
from kenning.core.evaluate.metrics import QuestionResult, totals
from kenning.core.evaluate.test_set import TestQuestion
from kenning.core.search.retriever import Retriever

RANK_DEPTH = 10  # hit@10 and MRR@10 look this deep


@dataclass(frozen=True)
class EvalProgress:
    done: int
    total: int
    result: QuestionResult


@dataclass(frozen=True)
class EvalReport:
    results: list[QuestionResult]
    totals: dict[str, Any]
    with_model: bool
    cancelled: bool = False


def run_eval(
    questions: list[TestQuestion],
    retriever: Retriever,
    answerer: Answerer,
    *,
    with_model: bool,
    k: int = RANK_DEPTH,
    cancel: threading.Event | None = None,
) -> Iterator[EvalProgress | EvalReport]:
    """Yield one `EvalProgress` per question, then the `EvalReport` (also when cancelled)."""
    cancel = cancel or threading.Event()
    results: list[QuestionResult] = []
    for q in questions:
        if cancel.is_set():
            break
        hits = list(retriever.search(q.question, k=max(k, RANK_DEPTH)).hits)
        result = QuestionResult(
            id=q.id,
            question=q.question,
            kind=q.kind,
            expected=list(q.sources),
            rank=first_match(q, hits, evidence=False, depth=k),
            evidence_rank=first_match(q, hits, evidence=True, depth=k),
            top=[{"path": h.path, "page": h.page, "score": round(h.score, 4)} for h in hits[:5]],
        )
        _record_answer(result, q, _final_answer(answerer, q.question, cancel))
        results.append(result)
        yield EvalProgress(len(results), len(questions), result)
    yield EvalReport(results, totals(results, with_model=with_model), with_model, cancelled=cancel.is_set())


def _final_answer(answerer: Answerer, question: str, cancel: threading.Event) -> Answer | None:
    final = None
    for event in answerer.ask(question, cancel=cancel):
        if isinstance(event, Done):
            final = event.answer
    return final


def _record_answer(result: QuestionResult, q: TestQuestion, answer: Answer | None) -> None:
    if answer is None:
        return
    result.status = answer.status.value
    result.refused = answer.status is AnswerStatus.NOT_FOUND
    result.signals_refused = answer.trace.gate_relevant is False
    result.model_judged = answer.trace.gate_model
    result.answer = answer.text
    sources: dict[int, Hit] = dict(enumerate(answer.sources, 1))
    result.citations = [
        {
            "n": c.n,
            "path": c.path,
            "page": c.page,
            "supported": c.supported,
            "right_place": c.n in sources and right_place(q, sources[c.n]),
        }
        for c in answer.citations
    ]
    result.citations += [
        {"n": n, "path": "", "page": None, "supported": False, "right_place": False}
        for n in answer.invalid_citations
    ]
    result.timings_ms = dict(answer.trace.timings_ms)
    result.tokens = {"prompt": answer.trace.prompt_tokens, "completion": answer.trace.completion_tokens}
    result.cost_usd = answer.trace.cost.local_usd
