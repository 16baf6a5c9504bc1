"""Two evaluation runs side by side: which figures moved, which questions got better or worse, and
which settings differed between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Difference = tuple[str, Any, Any]  # setting key, before, after
COMPARED_FIGURES = (
    "hit@1", "hit@5", "hit@10", "mrr@10", "evidence_hit@5",
    "not_found_precision", "not_found_recall", "answerable_refused",
    "citation_validity", "verified_answers", "evidence_recall",
)  # fmt: skip


@dataclass(frozen=True)
class FigureChange:
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 4)


@dataclass
class RunComparison:
    figures: list[FigureChange] = field(default_factory=list)
    better: list[str] = field(default_factory=list)  # question ids
    worse: list[str] = field(default_factory=list)
    settings: list[Difference] = field(default_factory=list)


def compare_runs(before: dict[str, Any], after: dict[str, Any]) -> RunComparison:
    """`before`/`after` are saved runs (see `run_store`)."""
    out = RunComparison()
    for name in COMPARED_FIGURES:
        a, b = before["totals"].get(name), after["totals"].get(name)
        if a is not None or b is not None:
            out.figures.append(FigureChange(name, a, b))
    old = {q["id"]: q for q in before["questions"]}
    for q in after["questions"]:
        was = old.get(q["id"])
        if was is None:
            continue
        change = _score(q) - _score(was)
        if change > 0:
            out.better.append(q["id"])
        elif change < 0:
            out.worse.append(q["id"])
    out.settings = _differences(before.get("context", {}), after.get("context", {}))
    return out


def _score(q: dict[str, Any]) -> float:
    """Higher is better: the right answer to the gate, then the rank of the expected passage."""
    unanswerable = q.get("kind") == "unanswerable"
    if unanswerable:
        return 1.0 if q.get("refused") else 0.0
    gate = 0.0 if q.get("refused") else 0.5
    rank = q.get("rank")
    return gate + (1.0 / rank if rank else 0.0)


def _differences(
    before: dict[str, Any], after: dict[str, Any], prefix: str = ""
) -> list[tuple[str, Any, Any]]:
    found: list[Difference] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        name = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            found.extend(_differences(a, b, name + "."))
        elif a != b:
            found.append((name, a, b))
    return found
