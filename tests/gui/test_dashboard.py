"""The dashboard reads a real trace store in the background and charts it."""

from __future__ import annotations

import time
from pathlib import Path

from kenning.core.domain.answers import Cost, Trace
from kenning.core.observe.trace_store import TraceStore
from kenning.ui.dashboard import DashboardView


def _store_with_traces(tmp_path: Path) -> TraceStore:
    store = TraceStore(tmp_path / "traces.sqlite3")
    now = time.time()
    for i, started in enumerate((now - 86400, now - 60, now)):
        store.append(
            Trace(
                timings_ms={
                    "embed": 10.0 + i,
                    "retrieve": 30.0,
                    "generate": 1500.0 + 100 * i,
                    "total": 2000.0,
                },
                prompt_tokens=1000,
                completion_tokens=100,
                model="llama3.2:latest",
                cost=Cost(
                    energy_wh=0.01,
                    local_usd=0.000003,
                    cloud_equivalent_usd=0.00021,
                    reference_model="gpt-4o-mini",
                ),
                started_at=started,
                status="answered",
            )
        )
    return store


def test_dashboard_charts_appended_traces(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = DashboardView(task_runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed):
        view.refresh(_store_with_traces(tmp_path))
    assert view.answers.value.text() == "3"
    assert view.tokens.value.text() == "3,300"
    assert view.tokens.note.text() == "3,000 in, 300 out"
    assert view.local_cost.value.text() == "$0.0000090"
    assert view.saved.value.text() == "$0.00062"
    labels = [label for label, _ in view.latency.bars()]
    assert labels == ["Embed question", "Retrieve", "Generate", "Total"]
    assert "Generate: 1.60 s · p95 1.69 s" in view.latency.value_texts()
    assert not view.tokens_chart.is_empty()
    assert not view.answers_chart.is_empty()
    assert view.status.isHidden()


def test_dashboard_with_no_traces_says_so(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = DashboardView(task_runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.refreshed):
        view.refresh(TraceStore(tmp_path / "traces.sqlite3"))
    assert view.answers.value.text() == "0"
    assert "No answers yet" in view.status.text()
    assert view.tokens_chart.is_empty()
    assert view.latency.isHidden()
