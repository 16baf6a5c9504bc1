"""The dashboard: how fast answers are, how many tokens they use, and what they cost, over time."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kenning.core.observe.drift import Alert, check_drift
from kenning.core.observe.trace_store import TraceStore
from kenning.core.observe.trace_summary import TraceSummary, summarize
from kenning.ui.alert_strip import AlertStrip
from kenning.ui.alive import while_alive
from kenning.ui.banner import ErrorBanner
from kenning.ui.charts import HorizontalBarChart, TimeSeriesChart
from kenning.ui.details_panel import STAGE_NAMES
from kenning.ui.formatting import format_count, format_usd
from kenning.ui.tasks import TaskRunner

DAYS = 30


def _card(title: str, body: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    heading = QLabel(title)
    heading.setProperty("role", "title")
    layout.addWidget(heading)
    if body is not None:
        layout.addWidget(body, 1)
    return frame, layout


class _Number(QFrame):
    """A summary card: a big number with a caption above and a note below."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setProperty("card", True)
        layout = QVBoxLayout(self)
        title = QLabel(caption)
        title.setProperty("role", "muted")
        self.value = QLabel("—")
        self.value.setProperty("role", "value")
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        for widget in (title, self.value, self.note):
            layout.addWidget(widget)
        self.value.setAccessibleName(caption)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


def _day_labels(summary: TraceSummary) -> list[str]:
    return [f"{d:%b} {d.day}" for d in summary.days]


class DashboardView(QWidget):
    """Summary numbers and four charts over the last 30 days; `refresh` reloads them in the background.

    Signals:
        refreshed(): new figures are on screen (after `refresh`).
    """

    refreshed = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.summary: TraceSummary | None = None
        self.alert_strip = AlertStrip()
        self.error_label = ErrorBanner()
        self.status = QLabel("No figures yet.")
        self.status.setProperty("role", "muted")

        self.answers = _Number(f"Answers, last {DAYS} days")
        self.tokens = _Number("Tokens")
        self.local_cost = _Number("Local cost")
        self.saved = _Number("Saved against the cloud")
        self.feedback = _Number("Feedback")
        numbers = QHBoxLayout()
        for card in (self.answers, self.tokens, self.local_cost, self.saved, self.feedback):
            numbers.addWidget(card, 1)

        self.latency = HorizontalBarChart()
        self.latency.setAccessibleName("Latency per stage")
        self.tokens_chart = TimeSeriesChart(empty_text="No answers yet: tokens per day appear here.")
        self.tokens_chart.setAccessibleName("Tokens per day")
        self.cost_chart = TimeSeriesChart(style="lines", empty_text="No costs yet.")
        self.cost_chart.setAccessibleName("Cost per day")
        self.answers_chart = TimeSeriesChart(empty_text="No answers yet.")
        self.answers_chart.setAccessibleName("Answers per day")
        self._latency_note = QLabel("Ask a question: the time each stage takes appears here.")
        self._latency_note.setProperty("role", "muted")
        self._latency_note.setWordWrap(True)
        latency_card, latency_layout = _card("Latency per stage (p50; lighter bar: p95)", self.latency)
        latency_layout.addWidget(self._latency_note)
        latency_layout.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(latency_card, 0, 0)
        grid.addWidget(_card("Tokens per day", self.tokens_chart)[0], 0, 1)
        grid.addWidget(_card("Cost per day (USD)", self.cost_chart)[0], 1, 0)
        grid.addWidget(_card("Answers per day", self.answers_chart)[0], 1, 1)
        for i in range(2):
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)

        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.alert_strip)
        column.addWidget(self.error_label)
        column.addWidget(self.status)
        column.addLayout(numbers)
        column.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def refresh(self, traces: TraceStore) -> None:
        """Read the trace store on a worker and redraw when the figures arrive."""
        self.status.setText("Loading figures…")

        def work(cancel: threading.Event) -> tuple[TraceSummary, list[Alert]]:
            return summarize(traces, days=DAYS), check_drift(traces)

        self._runner.submit(
            "dashboard figures",
            work,
            on_done=while_alive(self, self._on_summary_ready),
            on_error=while_alive(self, self._on_summary_failed),
        )

    def _on_summary_failed(self, exc: BaseException) -> None:
        self.status.setText("")
        self.error_label.show_error(exc)

    def _on_summary_ready(self, result: tuple[TraceSummary, list[Alert]]) -> None:
        summary, alerts = result
        self.summary = summary
        self.alert_strip.show_alerts(alerts)
        self.error_label.hide()
        self.status.setText(
            "" if summary.total_answers else "No answers yet: ask a question and its figures appear here."
        )
        self.status.setVisible(not summary.total_answers)
        self.answers.set(format_count(summary.total_answers))
        prompt, completion = sum(summary.prompt_tokens), sum(summary.completion_tokens)
        self.tokens.set(
            format_count(summary.total_tokens), f"{format_count(prompt)} in, {format_count(completion)} out"
        )
        energy = sum(summary.energy_wh)
        self.local_cost.set(format_usd(summary.total_local_usd), f"{energy:.3g} Wh of electricity")
        self.saved.set(
            format_usd(summary.saved_usd), f"cloud equivalent {format_usd(summary.total_cloud_usd)}"
        )
        rate = summary.feedback_rate
        self.feedback.set(
            "—" if rate is None else f"{rate:.0%} helpful",
            f"👍 {summary.thumbs_up} helpful · 👎 {summary.thumbs_down} not helpful",
        )
        self._show_latency(summary.percentiles)
        days = _day_labels(summary)
        self.tokens_chart.set_series(
            days, {"prompt": summary.prompt_tokens, "completion": summary.completion_tokens}, "tokens"
        )
        self.cost_chart.set_series(
            days, {"local": summary.local_usd, "cloud equivalent": summary.cloud_usd}, "$"
        )
        self.answers_chart.set_series(days, {"answers": summary.answers}, "answers")
        self.refreshed.emit()

    def _show_latency(self, percentiles: dict[str, dict[str, float]]) -> None:
        names: Sequence[tuple[str, str]] = [*STAGE_NAMES.items(), ("total", "Total")]
        shown = [(key, name) for key, name in names if key in percentiles]
        self.latency.set_bars(
            [(name, percentiles[key]["p50"]) for key, name in shown],
            behind=[percentiles[key]["p95"] for key, _ in shown],
            behind_name="p95",
        )
        self._latency_note.setVisible(not shown)
        self.latency.setVisible(bool(shown))
        n = max((int(percentiles[key].get("n", 0)) for key, _ in shown), default=0)
        self.latency.setToolTip(f"Over the last {n} answers" if n else "")
