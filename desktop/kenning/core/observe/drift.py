"""Alerts when answering drifts: the last day against the 7 days before it.

Five figures are watched: p95 total latency, the not-found rate, the unverified-answer rate (answered
with no supported citation), the 👎 rate and the error rate. An alert needs the figure to move both
relatively and absolutely, and enough answers on each side, so one slow or bad answer never alarms.
Each alert names the answers behind it, so the user can open them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kenning.core.observe.trace_store import THUMBS_DOWN, TraceRow, TraceStore

DAY_S = 86400.0
BASELINE_DAYS = 7
MAX_LISTED = 20  # answers named per alert


@dataclass(frozen=True)
class DriftThresholds:
    min_answers: int = 5  # in the last day and in the baseline, else no alert
    relative: float = 0.5  # now must be at least 50 % above the baseline ...
    rate_points: float = 0.10  # ... and a rate 10 points above it
    latency_ms: float = 1000.0  # ... and p95 latency a second above it


@dataclass(frozen=True)
class AlertAnswer:
    id: str
    question: str
    at: float


@dataclass(frozen=True)
class Alert:
    figure: str  # p95_latency_ms, not_found_rate, unverified_rate, thumbs_down_rate, error_rate
    label: str
    baseline: float
    now: float
    answers: list[AlertAnswer] = field(default_factory=list)

    @property
    def change(self) -> float:
        return round(self.now - self.baseline, 4)

    @property
    def text(self) -> str:
        if self.figure == "p95_latency_ms":
            moved = f"{self.baseline / 1000:.1f} s → {self.now / 1000:.1f} s"
        else:
            moved = f"{self.baseline:.0%} → {self.now:.0%} ({self.change * 100:+.0f} points)"
        return f"{self.label} rose over the last day: {moved} against the previous {BASELINE_DAYS} days."

    def to_json(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "baseline": round(self.baseline, 4),
            "now": round(self.now, 4),
            "change": self.change,
            "text": self.text,
            "answers": [{"id": a.id, "question": a.question, "at": a.at} for a in self.answers],
        }


@dataclass(frozen=True)
class _Rate:
    figure: str
    label: str
    counts: Callable[[TraceRow], bool]  # the row belongs to the denominator
    bad: Callable[[TraceRow], bool]


_RATES = (
    _Rate("not_found_rate", "Not-found answers", lambda r: True, lambda r: r.status == "not_found"),
    _Rate(
        "unverified_rate",
        "Unverified answers",
        lambda r: r.verified is not None,
        lambda r: r.verified is False,
    ),
    _Rate(
        "thumbs_down_rate",
        "Answers rated not helpful (👎)",
        lambda r: True,
        lambda r: r.rating == THUMBS_DOWN,
    ),
    _Rate("error_rate", "Failed answers", lambda r: True, lambda r: r.status == "error"),
)


def check_drift(
    traces: TraceStore, *, now: float | None = None, thresholds: DriftThresholds | None = None
) -> list[Alert]:
    """Alerts for the day before `now` (default: the current time) against the 7 days before that."""
    now = time.time() if now is None else now
    limits = thresholds or DriftThresholds()
    recent = traces.rows_between(now - DAY_S, now)
    baseline = traces.rows_between(now - DAY_S * (1 + BASELINE_DAYS), now - DAY_S)
    alerts = [a for a in (_latency(recent, baseline, limits),) if a is not None]
    alerts += [a for rate in _RATES if (a := _rate(rate, recent, baseline, limits)) is not None]
    return alerts


def _latency(
    recent: Sequence[TraceRow], baseline: Sequence[TraceRow], limits: DriftThresholds
) -> Alert | None:
    now_ms = [r.total_ms for r in recent if r.total_ms is not None]
    before_ms = [r.total_ms for r in baseline if r.total_ms is not None]
    if min(len(now_ms), len(before_ms)) < limits.min_answers:
        return None
    p95_now, p95_before = _p95(now_ms), _p95(before_ms)
    if p95_now - p95_before < limits.latency_ms or p95_now < p95_before * (1 + limits.relative):
        return None
    slow = [r for r in recent if r.total_ms is not None and r.total_ms > p95_before]
    return Alert("p95_latency_ms", "Answer time (p95)", p95_before, p95_now, _listed(slow))


def _rate(
    rate: _Rate, recent: Sequence[TraceRow], baseline: Sequence[TraceRow], limits: DriftThresholds
) -> Alert | None:
    now_rows = [r for r in recent if rate.counts(r)]
    before_rows = [r for r in baseline if rate.counts(r)]
    if min(len(now_rows), len(before_rows)) < limits.min_answers:
        return None
    bad_now = [r for r in now_rows if rate.bad(r)]
    share_now = len(bad_now) / len(now_rows)
    share_before = sum(1 for r in before_rows if rate.bad(r)) / len(before_rows)
    if share_now - share_before < limits.rate_points or share_now < share_before * (1 + limits.relative):
        return None
    return Alert(rate.figure, rate.label, share_before, share_now, _listed(bad_now))


def _p95(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(sorted(values), n=20, method="inclusive")[18], 1)


def _listed(rows: Sequence[TraceRow]) -> list[AlertAnswer]:
    newest = sorted(rows, key=lambda r: r.started_at, reverse=True)[:MAX_LISTED]
    return [AlertAnswer(r.id, r.question, r.started_at) for r in newest]
