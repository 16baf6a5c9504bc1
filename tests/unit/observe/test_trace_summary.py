import datetime as dt
import time
from pathlib import Path

from kenning.core.domain.answers import Cost, Trace
from kenning.core.observe.trace_store import TraceStore
from kenning.core.observe.trace_summary import summarize


def _at(day: dt.date) -> float:
    return time.mktime(dt.datetime.combine(day, dt.time(12)).timetuple())


def test_days_are_filled_and_totals_add_up(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    today = dt.date.today()
    for days_ago, tokens in ((2, 100), (2, 50), (0, 10)):
        store.append(
            Trace(
                timings_ms={"embed": 10.0, "total": 100.0 * tokens},
                prompt_tokens=tokens,
                completion_tokens=5,
                cost=Cost(local_usd=0.001, cloud_equivalent_usd=0.01),
                started_at=_at(today - dt.timedelta(days=days_ago)),
            )
        )
    summary = summarize(store, today=today)
    assert len(summary.days) == 7 and summary.days[-1] == today
    assert summary.answers[-3:] == [2, 0, 1]
    assert summary.prompt_tokens[-3:] == [150, 0, 10]
    assert summary.total_answers == 3
    assert summary.total_tokens == 160 + 15
    assert round(summary.saved_usd, 6) == 0.027
    assert summary.percentiles["embed"]["p50"] == 10.0


def test_empty_store_gives_a_week_of_zeros(tmp_path: Path) -> None:
    summary = summarize(TraceStore(tmp_path / "t.sqlite3"))
    assert summary.answers == [0] * 7
    assert summary.percentiles == {}
    assert summary.saved_usd == 0.0
