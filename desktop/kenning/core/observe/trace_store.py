"""Answer traces kept in SQLite in the data dir, with the queries the app charts.

One connection per call: SQLite connections must not be shared across threads, and the app
reads traces from a worker while answers are written from another.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kenning.core.domain.answers import Cost, Trace
from kenning.core.errors import KenningError
from kenning.core.sqlite_file import connect, create

log = logging.getLogger(__name__)

STAGES = (
    "embed",
    "retrieve",
    "prompt",
    "load",
    "prompt_eval",
    "first_token",
    "generate",
    "validate",
    "total",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS traces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    energy_wh REAL NOT NULL,
    local_usd REAL NOT NULL,
    cloud_usd REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traces_day ON traces(day);
"""


class TraceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._created = False
        try:
            self._create()
        except KenningError as exc:  # a locked or full disk must not stop answers: retried on append
            log.warning("trace store not ready: %s", exc)

    def _create(self) -> None:
        if not self._created:
            create(self.path, _SCHEMA)
            self._created = True

    def append(self, trace: Trace) -> None:
        started = trace.started_at or time.time()
        self._create()
        with connect(self.path) as db:
            db.execute(
                "INSERT INTO traces (started_at, day, status, model, prompt_tokens, completion_tokens,"
                " energy_wh, local_usd, cloud_usd, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    started,
                    time.strftime("%Y-%m-%d", time.localtime(started)),
                    trace.status,
                    trace.model,
                    trace.prompt_tokens,
                    trace.completion_tokens,
                    trace.cost.energy_wh,
                    trace.cost.local_usd,
                    trace.cost.cloud_equivalent_usd,
                    json.dumps(asdict(trace)),
                ),
            )

    def last(self, n: int = 50) -> list[Trace]:
        with connect(self.path) as db:
            rows = db.execute("SELECT body FROM traces ORDER BY id DESC LIMIT ?", (n,)).fetchall()
        return [_trace_from(json.loads(body)) for (body,) in rows]

    def stage_percentiles(self, n: int = 500) -> dict[str, dict[str, float]]:
        """p50 and p95 per stage over the last `n` traces that have that stage."""
        series: dict[str, list[float]] = {stage: [] for stage in STAGES}
        for trace in self.last(n):
            for stage, ms in trace.timings_ms.items():
                series.setdefault(stage, []).append(ms)
        return {stage: _percentiles(values) for stage, values in series.items() if values}

    def totals_per_day(self, days: int = 30) -> list[dict[str, Any]]:
        since = time.strftime("%Y-%m-%d", time.localtime(time.time() - days * 86400))
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT day, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(energy_wh),"
                " SUM(local_usd), SUM(cloud_usd) FROM traces WHERE day >= ? GROUP BY day ORDER BY day",
                (since,),
            ).fetchall()
        keys = ("day", "answers", "prompt_tokens", "completion_tokens", "energy_wh", "local_usd", "cloud_usd")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if len(ordered) == 1:
        return {"p50": ordered[0], "p95": ordered[0], "n": 1}
    cuts = statistics.quantiles(ordered, n=20, method="inclusive")
    return {"p50": round(statistics.median(ordered), 2), "p95": round(cuts[18], 2), "n": len(ordered)}


def _trace_from(body: dict[str, Any]) -> Trace:
    cost = Cost(**body.pop("cost", {}))
    return Trace(**body, cost=cost)
