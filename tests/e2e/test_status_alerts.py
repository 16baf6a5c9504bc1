"""`kenning status` reports drift alerts: what moved, by how much, and the answers behind it."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.helpers.served import kenning

from kenning import paths
from kenning.core.domain.answers import Trace
from kenning.core.observe.trace_store import THUMBS_DOWN, TraceStore


def _traces(data: Path) -> None:
    store = TraceStore(paths.traces_file(data))
    now = time.time()
    for n in range(12):  # the previous week: answered, verified, liked enough
        store.append(Trace(timings_ms={"total": 1200.0}, started_at=now - 86400 * (1.2 + n * 0.45),
                           status="answered", id=f"old{n}", question=f"old {n}", verified=True))  # fmt: skip
    for n in range(6):  # the last day: half of the answers were rated 👎
        question = f"What is HSTS {n}?"
        store.append(Trace(timings_ms={"total": 1300.0}, started_at=now - 900 * (n + 1),
                           status="answered", id=f"new{n}", question=question, verified=True))  # fmt: skip
        if n % 2:
            store.set_feedback(f"new{n}", THUMBS_DOWN, "wrong")


def test_status_json_lists_alerts_with_their_answers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _traces(data)
    done = kenning("status", "--data-dir", str(data), "--json")
    assert done.returncode == 0, done.stderr
    alerts = json.loads(done.stdout)["alerts"]
    assert [a["figure"] for a in alerts] == ["thumbs_down_rate"]
    alert = alerts[0]
    assert (alert["baseline"], alert["now"], alert["change"]) == (0.0, 0.5, 0.5)
    assert [a["id"] for a in alert["answers"]] == ["new1", "new3", "new5"]
    assert alert["answers"][0]["question"] == "What is HSTS 1?"

    text = kenning("status", "--data-dir", str(data))
    assert "Answers rated not helpful (👎) rose over the last day: 0% → 50% (+50 points)" in text.stdout
    assert "What is HSTS 3?" in text.stdout


def test_status_json_has_no_alerts_without_answers(tmp_path: Path) -> None:
    done = kenning("status", "--data-dir", str(tmp_path / "data"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["alerts"] == []
