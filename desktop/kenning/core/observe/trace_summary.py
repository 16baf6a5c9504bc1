"""What the dashboard shows, read from the trace store in one call: per-day series and stage percentiles.

Days without answers are filled with zeros, so every series has one value per calendar day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kenning.core.observe.trace_store import TraceStore


@dataclass(frozen=True)
class TraceSummary:
    days: list[dt.date] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    prompt_tokens: list[int] = field(default_factory=list)
    completion_tokens: list[int] = field(default_factory=list)
    local_usd: list[float] = field(default_factory=list)
    cloud_usd: list[float] = field(default_factory=list)
    energy_wh: list[float] = field(default_factory=list)
    percentiles: dict[str, dict[str, float]] = field(default_factory=dict)  # stage -> p50, p95, n
    thumbs_up: int = 0
    thumbs_down: int = 0

    @property
    def feedback_rate(self) -> float | None:
        """Share of rated answers rated 👍 (None before any feedback)."""
        rated = self.thumbs_up + self.thumbs_down
        return self.thumbs_up / rated if rated else None

    @property
    def total_answers(self) -> int:
        return sum(self.answers)

    @property
    def total_tokens(self) -> int:
        return sum(self.prompt_tokens) + sum(self.completion_tokens)

    @property
    def total_local_usd(self) -> float:
        return sum(self.local_usd)

    @property
    def total_cloud_usd(self) -> float:
        return sum(self.cloud_usd)

    @property
    def saved_usd(self) -> float:
        """What answering locally saved against the cloud reference (never below zero)."""
        return max(0.0, self.total_cloud_usd - self.total_local_usd)


def summarize(
    traces: TraceStore, *, days: int = 30, min_days: int = 7, today: dt.date | None = None
) -> TraceSummary:
    """The last `days` days, from the first day with an answer (at least `min_days` shown) to today."""
    today = today or dt.date.today()
    rows = {dt.date.fromisoformat(r["day"]): r for r in traces.totals_per_day(days)}
    first = min(rows, default=today)
    first = min(first, today - dt.timedelta(days=min_days - 1))
    span = [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]

    up, down = traces.feedback_counts(days)

    def series(key: str) -> list[float]:
        return [float(rows[d][key] or 0) if d in rows else 0.0 for d in span]

    return TraceSummary(
        days=span,
        answers=[int(v) for v in series("answers")],
        prompt_tokens=[int(v) for v in series("prompt_tokens")],
        completion_tokens=[int(v) for v in series("completion_tokens")],
        local_usd=series("local_usd"),
        cloud_usd=series("cloud_usd"),
        energy_wh=series("energy_wh"),
        percentiles=traces.stage_percentiles(),
        thumbs_up=up,
        thumbs_down=down,
    )
