"""Feedback is stored with its answer's trace, and drift alerts compare the last day with the week before."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from kenning.core.domain.answers import Trace
from kenning.core.observe.drift import check_drift
from kenning.core.observe.trace_store import THUMBS_DOWN, THUMBS_UP, TraceStore
from kenning.core.observe.trace_summary import summarize

NOW = time.time()
HOUR = 3600.0


def _answer(store: TraceStore, n: int, *, hours_ago: float, status: str = "answered", total_ms: float = 800.0,
            verified: bool | None = True) -> str:  # fmt: skip
    trace = Trace(
        timings_ms={"total": total_ms},
        started_at=NOW - hours_ago * HOUR,
        status=status,
        id=f"a{n}",
        question=f"question {n}?",
        verified=verified if status == "answered" else None,
    )
    store.append(trace)
    return trace.id


def _baseline(store: TraceStore, count: int = 30) -> None:
    """A quiet week: fast, verified answers spread over days 2 to 7."""
    for n in range(count):
        _answer(store, 1000 + n, hours_ago=30 + n * 4.5)


def test_feedback_is_kept_with_its_answer_replaced_and_counted(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    first, second = _answer(store, 1, hours_ago=1), _answer(store, 2, hours_ago=1)
    store.set_feedback(first, THUMBS_DOWN, "  cited the wrong page ")
    store.set_feedback(second, THUMBS_UP)
    store.set_feedback(second, THUMBS_DOWN, "changed my mind")  # a second click replaces the first
    assert store.feedback_for(first) == (THUMBS_DOWN, "cited the wrong page")
    assert TraceStore(store.path).feedback_for(second) == (THUMBS_DOWN, "changed my mind")  # on disk
    store.set_feedback(second, THUMBS_UP)
    summary = summarize(store)
    assert (summary.thumbs_up, summary.thumbs_down, summary.feedback_rate) == (1, 1, 0.5)
    store.set_feedback(first, None)
    assert store.feedback_for(first) is None
    rows = {r.id: r for r in store.rows_between(NOW - 2 * HOUR, NOW)}
    assert (
        rows["a2"].rating == THUMBS_UP and rows["a1"].rating is None and rows["a1"].question == "question 1?"
    )


def test_a_store_from_before_feedback_gains_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "traces.sqlite3"
    with sqlite3.connect(path) as db:  # the schema the first release wrote
        db.executescript(
            "CREATE TABLE traces (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at REAL NOT NULL,"
            " day TEXT NOT NULL, status TEXT NOT NULL, model TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,"
            " completion_tokens INTEGER NOT NULL, energy_wh REAL NOT NULL, local_usd REAL NOT NULL,"
            " cloud_usd REAL NOT NULL, body TEXT NOT NULL);"
            "INSERT INTO traces VALUES (1, 1.0, '1970-01-01', 'answered', 'm', 1, 1, 0, 0, 0,"
            ' \'{"timings_ms": {"total": 5.0}}\');'
        )
    store = TraceStore(path)
    _answer(store, 7, hours_ago=0.5)
    store.set_feedback("a7", THUMBS_UP)
    assert [r.id for r in store.rows_between(0, NOW)] == ["", "a7"]
    assert store.last(5)[1].timings_ms == {"total": 5.0}


def test_a_quiet_day_raises_no_alert(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    _baseline(store)
    for n in range(6):
        _answer(store, n, hours_ago=n + 1)
    assert check_drift(store, now=NOW) == []


def test_more_not_found_and_unverified_answers_alert_and_name_the_answers(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    _baseline(store)
    for n in range(4):
        _answer(store, n, hours_ago=n + 1, status="not_found")
    for n in range(4, 7):
        _answer(store, n, hours_ago=n + 1, verified=False)
    _answer(store, 7, hours_ago=2)
    _answer(store, 8, hours_ago=2)
    alerts = {a.figure: a for a in check_drift(store, now=NOW)}
    assert set(alerts) == {"not_found_rate", "unverified_rate"}
    not_found = alerts["not_found_rate"]
    assert (not_found.baseline, round(not_found.now, 3)) == (0.0, 0.444)
    assert {a.id for a in not_found.answers} == {"a0", "a1", "a2", "a3"}
    assert "Not-found answers rose" in not_found.text and "+44 points" in not_found.text
    unverified = alerts["unverified_rate"].to_json()
    assert unverified["now"] == 0.6 and unverified["change"] == 0.6  # 3 of the 5 answered
    assert [a["question"] for a in unverified["answers"]] == ["question 4?", "question 5?", "question 6?"]


def test_slower_answers_thumbs_down_and_errors_alert(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    _baseline(store)
    for n in range(6):
        _answer(store, n, hours_ago=n + 1, total_ms=9000.0 if n < 3 else 700.0)
        store.set_feedback(f"a{n}", THUMBS_DOWN if n % 2 else THUMBS_UP)
    _answer(store, 6, hours_ago=3, status="error")
    _answer(store, 7, hours_ago=4, status="error")
    alerts = {a.figure: a for a in check_drift(store, now=NOW)}
    assert set(alerts) == {"p95_latency_ms", "thumbs_down_rate", "error_rate"}
    assert alerts["p95_latency_ms"].baseline == 800.0 and alerts["p95_latency_ms"].now == 9000.0
    assert {a.id for a in alerts["p95_latency_ms"].answers} == {"a0", "a1", "a2"}
    assert {a.id for a in alerts["thumbs_down_rate"].answers} == {"a1", "a3", "a5"}
    assert {a.id for a in alerts["error_rate"].answers} == {"a6", "a7"}


def test_too_few_answers_never_alarm(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    _baseline(store)
    for n in range(3):  # every answer of the day failed, but there were only three
        _answer(store, n, hours_ago=n + 1, status="error")
    assert check_drift(store, now=NOW) == []
    fresh = TraceStore(tmp_path / "new.sqlite3")  # no baseline yet: a new user's first day
    for n in range(8):
        _answer(fresh, n, hours_ago=1, status="error")
    assert check_drift(fresh, now=NOW) == []
    assert check_drift(store, now=NOW + 10 * 24 * HOUR) == []  # all of it is older than the window
