"""Figures of an evaluation run: retrieval ranks, the not-found gate, citations, latency, cost."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

RANK_CUTOFFS = (1, 5, 10)


@dataclass
class QuestionResult:
    """One question of a run: where the expected passage ranked and what the answer did."""

    id: str
    question: str
    kind: str
    expected: list[str]
    rank: int | None = None  # first passage from the right file (and page), within 10
    evidence_rank: int | None = None  # ... that also holds the evidence text
    refused: bool = False  # the answer was "not in your documents"
    signals_refused: bool = False  # ... by the gate's signals alone, before any model's yes/no
    model_judged: str = ""  # the model's yes/no in the gate's grey zone ("" when not asked)
    status: str = ""
    answer: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)  # n, path, page, supported, right_place
    timings_ms: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    cost_usd: float = 0.0
    top: list[dict[str, Any]] = field(default_factory=list)  # the first passages: path, page, score

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def totals(results: Sequence[QuestionResult], *, with_model: bool) -> dict[str, Any]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    out: dict[str, Any] = {"questions": len(results), "answerable": len(answerable)}
    out.update(_ranks(answerable, "rank", ""))
    out.update(_ranks(answerable, "evidence_rank", "evidence_"))
    refused = [r for r in results if r.refused]
    refused_right = sum(1 for r in refused if not r.answerable)
    out["not_found_precision"] = _share(refused_right, len(refused)) if refused else None
    out["not_found_recall"] = _share(refused_right, len(unanswerable)) if unanswerable else None
    out["answerable_refused"] = _share(sum(1 for r in answerable if r.refused), len(answerable))
    if with_model:
        # The same two figures from the signals alone, so the model's yes/no shows what it adds.
        by_signals = [r for r in results if r.signals_refused]
        out["signals_not_found_recall"] = (
            _share(sum(1 for r in by_signals if not r.answerable), len(unanswerable))
            if unanswerable
            else None
        )
        out["signals_answerable_refused"] = _share(
            sum(1 for r in answerable if r.signals_refused), len(answerable)
        )
        out["model_judged"] = sum(1 for r in results if r.model_judged)
        out.update(_answer_figures(results))
    return out


def _ranks(results: Sequence[QuestionResult], attr: str, prefix: str) -> dict[str, float | None]:
    n = len(results)
    if not n:
        empty: dict[str, float | None] = {f"{prefix}hit@{k}": None for k in RANK_CUTOFFS}
        return empty | {f"{prefix}mrr@10": None}
    ranks = [getattr(r, attr) for r in results]
    figures: dict[str, float | None] = {
        f"{prefix}hit@{k}": _share(sum(1 for x in ranks if x is not None and x <= k), n) for k in RANK_CUTOFFS
    }
    figures[f"{prefix}mrr@10"] = round(sum(1.0 / x for x in ranks if x) / n, 4)
    return figures


def _answer_figures(results: Sequence[QuestionResult]) -> dict[str, Any]:
    answered = [r for r in results if not r.refused and r.status in ("answered", "extractive")]
    citations = [c for r in answered for c in r.citations]
    verified = [r for r in answered if any(c["supported"] for c in r.citations)]
    right = [
        r for r in answered if r.answerable and any(c["supported"] and c["right_place"] for c in r.citations)
    ]
    answerable_answered = [r for r in answered if r.answerable]
    stages = sorted({s for r in results for s in r.timings_ms})
    return {
        "citation_validity": _share(sum(1 for c in citations if c["supported"]), len(citations))
        if citations
        else None,
        "verified_answers": _share(len(verified), len(answered)) if answered else None,
        "evidence_recall": _share(len(right), len(answerable_answered)) if answerable_answered else None,
        "latency_ms": {
            s: _percentiles([r.timings_ms[s] for r in results if s in r.timings_ms]) for s in stages
        },
        "tokens": {
            "prompt": sum(r.tokens.get("prompt", 0) for r in results),
            "completion": sum(r.tokens.get("completion", 0) for r in results),
        },
        "cost_usd": round(sum(r.cost_usd for r in results), 6),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        only = round(values[0], 1) if values else 0.0
        return {"p50": only, "p95": only}
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return {"p50": round(statistics.median(values), 1), "p95": round(cuts[18], 1)}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def missed_thresholds(figures: dict[str, Any], wanted: dict[str, float]) -> list[str]:
    """Each `name=min` the run did not reach, in words; a figure the run lacks counts as missed."""
    missed = []
    for name, minimum in wanted.items():
        value = figures.get(name)
        if not isinstance(value, int | float) or value < minimum:
            missed.append(f"{name} {value if value is not None else 'not measured'} < {minimum}")
    return missed
