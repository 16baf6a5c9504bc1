"""👍/👎 under each answer are kept with its trace and counted on the dashboard; drift shows as an
alert strip whose alerts list the answers behind them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama
from tests.gui.test_main_window import (
    OpenWindow,
    answered_window,
    docs,
    open_window,
)

from kenning.core.domain.answers import Trace
from kenning.core.observe.trace_store import THUMBS_DOWN, TraceStore
from kenning.ui.dashboard import DashboardView

__all__ = ["docs", "open_window"]  # fixtures shared with the main window tests


def test_thumbs_down_with_a_reason_is_stored_and_counted(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama
) -> None:
    window, answer = answered_window(qtbot, open_window, docs, fake_ollama)
    assert answer.trace.id and answer.trace.verified is not None
    panel = window.chat_panel
    markdown = panel.transcript.toMarkdown()
    assert "👍 Helpful" in panel.transcript.toPlainText() and "rate:0:down" in markdown

    panel.transcript.anchorClicked.emit(QUrl("rate:0:down"))
    dialog = panel.findChild(QInputDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("it cited the cookie page")
    with qtbot.waitSignal(window.chat.feedback_saved, timeout=10_000):
        dialog.accept()
    assert "👎 you found it not helpful" in panel.transcript.toPlainText()
    traces = window.services.workspace.traces  # type: ignore[union-attr]
    assert traces.feedback_for(answer.trace.id) == (THUMBS_DOWN, "it cited the cookie page")

    window.modes.setCurrentIndex(2)
    dashboard = window.dashboard
    assert dashboard is not None
    qtbot.waitUntil(
        lambda: dashboard.summary is not None and dashboard.summary.thumbs_down == 1, timeout=10_000
    )
    assert dashboard.feedback.value.text() == "0% helpful"
    assert dashboard.feedback.note.text() == "👍 0 helpful · 👎 1 not helpful"


def _drifting_store(path: Path) -> TraceStore:
    store = TraceStore(path)
    now = time.time()
    for n in range(20):  # a week of good answers
        store.append(Trace(timings_ms={"total": 900.0}, started_at=now - 86400 * (1.5 + n * 0.3),
                           status="answered", id=f"old{n}", question=f"old {n}", verified=True))  # fmt: skip
    for n in range(6):  # today: most answers found nothing
        status = "not_found" if n < 4 else "answered"
        verified = None if n < 4 else True
        question = f"Where is the VPN guide {n}?"
        store.append(Trace(timings_ms={"total": 900.0}, started_at=now - 600 * (n + 1), status=status,
                           id=f"new{n}", question=question, verified=verified))  # fmt: skip
    return store


def test_the_alert_strip_names_what_moved_and_lists_its_answers(
    qtbot: QtBot, task_runner: Any, tmp_path: Path
) -> None:
    view = DashboardView(task_runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.refreshed):
        view.refresh(_drifting_store(tmp_path / "traces.sqlite3"))
    strip = view.alert_strip
    assert strip.isVisible() and len(strip.buttons) == 1
    assert "Not-found answers rose over the last day: 0% → 67%" in strip.buttons[0].text()
    assert strip.answers.isHidden()
    with qtbot.waitSignal(strip.opened):
        strip.buttons[0].click()
    listed = [strip.answers.item(i).text() for i in range(strip.answers.count())]
    assert len(listed) == 4 and all("Where is the VPN guide" in text for text in listed)


def test_no_drift_no_strip(qtbot: QtBot, task_runner: Any, tmp_path: Path) -> None:
    view = DashboardView(task_runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.refreshed):
        view.refresh(TraceStore(tmp_path / "traces.sqlite3"))
    assert view.alert_strip.isHidden()
