"""Answer traces kept in SQLite in the data dir, with the queries the app charts.

One connection per call: SQLite connections must not be shared across threads, and the app
reads traces from a worker while answers are written from another.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from dataclasses import asdict, dataclass
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
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT PRIMARY KEY,
    rating INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at REAL NOT NULL
);
"""
# Columns added after the first release: stores written before them gain them on open.
_ADDED_COLUMNS = {
    "answer_id": "TEXT NOT NULL DEFAULT ''",
    "question": "TEXT NOT NULL DEFAULT ''",
    "verified": "INTEGER",
}
THUMBS_UP, THUMBS_DOWN = 1, -1


@dataclass(frozen=True)
class TraceRow:
    """One stored answer, as the drift checks read it."""

    id: str
    started_at: float
    status: str
    question: str
    verified: bool | None
    total_ms: float | None
    rating: int | None  # THUMBS_UP, THUMBS_DOWN, or None when the user gave no feedback


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
            with connect(self.path) as db:
                have = {row[1] for row in db.execute("PRAGMA table_info(traces)")}
                for name, kind in _ADDED_COLUMNS.items():
                    if name not in have:
                        db.execute(f"ALTER TABLE traces ADD COLUMN {name} {kind}")
                db.execute("CREATE INDEX IF NOT EXISTS traces_started ON traces(started_at)")
            self._created = True

    def append(self, trace: Trace) -> None:
        started = trace.started_at or time.time()
        self._create()
        with connect(self.path) as db:
            db.execute(
                "INSERT INTO traces (started_at, day, status, model, prompt_tokens, completion_tokens,"
                " energy_wh, local_usd, cloud_usd, body, answer_id, question, verified)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    trace.id,
                    trace.question,
                    None if trace.verified is None else int(trace.verified),
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

    def set_feedback(self, answer_id: str, rating: int | None, reason: str = "") -> None:
        """Record 👍 (THUMBS_UP) or 👎 (THUMBS_DOWN) for an answer, replacing any earlier one; None
        takes it back."""
        if not answer_id:
            raise ValueError("an answer without an id cannot take feedback")
        self._create()
        with connect(self.path) as db:
            if rating is None:
                db.execute("DELETE FROM feedback WHERE answer_id = ?", (answer_id,))
                return
            if rating not in (THUMBS_UP, THUMBS_DOWN):
                raise ValueError(f"a rating is {THUMBS_UP} or {THUMBS_DOWN}, not {rating}")
            db.execute(
                "INSERT OR REPLACE INTO feedback (answer_id, rating, reason, at) VALUES (?, ?, ?, ?)",
                (answer_id, rating, reason.strip(), time.time()),
            )

    def feedback_for(self, answer_id: str) -> tuple[int, str] | None:
        """(rating, reason) given for this answer, or None."""
        self._create()
        with connect(self.path) as db:
            row = db.execute(
                "SELECT rating, reason FROM feedback WHERE answer_id = ?", (answer_id,)
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def feedback_counts(self, days: int = 30) -> tuple[int, int]:
        """(👍, 👎) given over the last `days` days."""
        self._create()
        with connect(self.path) as db:
            up, down = db.execute(
                "SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = -1), 0) FROM feedback"
                " WHERE at >= ?",
                (time.time() - days * 86400,),
            ).fetchone()
        return int(up), int(down)

    def rows_between(self, start: float, end: float) -> list[TraceRow]:
        """Answers started in [start, end), oldest first, with their feedback."""
        self._create()
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT t.answer_id, t.started_at, t.status, t.question, t.verified,"
                " json_extract(t.body, '$.timings_ms.total'), f.rating FROM traces t"
                " LEFT JOIN feedback f ON f.answer_id = t.answer_id AND t.answer_id != ''"
                " WHERE t.started_at >= ? AND t.started_at < ? ORDER BY t.started_at",
                (start, end),
            ).fetchall()
        return [
            TraceRow(
                id=str(r[0]),
                started_at=float(r[1]),
                status=str(r[2]),
                question=str(r[3]),
                verified=None if r[4] is None else bool(r[4]),
                total_ms=None if r[5] is None else float(r[5]),
                rating=None if r[6] is None else int(r[6]),
            )
            for r in rows
        ]


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if len(ordered) == 1:
        return {"p50": ordered[0], "p95": ordered[0], "n": 1}
    cuts = statistics.quantiles(ordered, n=20, method="inclusive")
    return {"p50": round(statistics.median(ordered), 2), "p95": round(cuts[18], 2), "n": len(ordered)}


def _trace_from(body: dict[str, Any]) -> Trace:
    cost = Cost(**body.pop("cost", {}))
    return Trace(**body, cost=cost)
