"""The Evaluate tab: a test set run in the background against the real index, its figures and table,
a row's passages, and two runs compared."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from kenning.core.evaluate.runner import EvalReport
from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

REPO = Path(__file__).resolve().parents[2]
TEST_SET = REPO / "tests" / "data" / "eval" / "sample-questions.jsonl"


def test_run_a_test_set_read_a_row_and_compare_two_runs(qtbot: QtBot, tmp_path: Path, embedder: Any) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "resources" / "sample-docs", docs)
    settings = Settings()
    settings.ollama.host = "http://127.0.0.1:9"  # no model: retrieval and the gate only
    services = AppServices(tmp_path / "data", settings, embedder=embedder)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(services.workspace_ready, timeout=60_000):
        services.start()
    window.indexing.add_folder(str(docs))

    def indexed() -> bool:
        views = window.indexing.views
        return bool(views) and views[0].stats is not None and views[0].stats.indexed >= 5

    qtbot.waitUntil(lambda: indexed() and not window.indexing.busy, timeout=240_000)

    window.modes.setCurrentIndex(3)
    view = window.evaluate
    assert view is not None and window.modes.currentWidget() is view
    view.set_test_set(TEST_SET)
    with qtbot.waitSignal(view.finished, timeout=240_000) as done:
        view.run_button.click()
    report = done.args[0]
    assert isinstance(report, EvalReport) and len(report.results) == 7
    assert view.figures["hit@5"].text() == "1.00"
    assert view.table.rowCount() == 7
    assert view.table.item(5, 3).text() == "refused ✓"  # an unanswerable question, rightly refused

    view.table.setCurrentCell(4, 0)
    assert "graphviz-dot-manual.pdf" in view.details.toPlainText() and "page 6" in view.details.toPlainText()

    with qtbot.waitSignal(view.finished, timeout=240_000):
        view.run_button.click()
    qtbot.waitUntil(lambda: view.compare_button.isEnabled(), timeout=30_000)
    view.compare_button.click()
    text = view.details.toPlainText()
    assert "hit@5" in text and "Better: none" in text and "Worse: none" in text
