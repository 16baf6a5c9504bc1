"""The Evaluate tab: run a test set against the index in the background, read its figures and the
per-question table, click a row for its passages, and compare with earlier runs. Before a run the
table lists the set's questions; "New question…" adds one written by hand.

Signals:
    finished(object): a run ended (its `EvalReport`), after its figures are on screen.
    runs_loaded(): the list of saved runs (and the chart over them) was read again.
    set_loaded(): the test set's questions were read (again) and listed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kenning.core.evaluate.metrics import QuestionResult
from kenning.core.evaluate.pre_swap import remember_test_set
from kenning.core.evaluate.run_store import list_runs, load_run, save_run
from kenning.core.evaluate.runner import EvalProgress, EvalReport, run_eval
from kenning.core.evaluate.set_append import (
    DEFAULT_SET,
    AddedRow,
    append_row,
    current_test_set,
    read_rows,
)
from kenning.core.evaluate.test_set import load_test_set
from kenning.ui.alive import while_alive
from kenning.ui.banner import ErrorBanner
from kenning.ui.charts import TimeSeriesChart
from kenning.ui.evaluate_details import comparison_html, question_html
from kenning.ui.new_question_dialog import NewQuestionDialog
from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle

FIGURES = (
    ("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"), ("evidence_hit@5", "evidence in top 5"),
    ("not_found_recall", "unanswerable refused"), ("answerable_refused", "answerable refused"),
    ("citation_validity", "valid citations"), ("verified_answers", "verified answers"),
)  # fmt: skip
COLUMNS = ("Question", "Expected source", "Rank", "Gate", "Answer")


class EvaluateView(QWidget):
    finished = Signal(object)
    runs_loaded = Signal()
    set_loaded = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._task: TaskHandle | None = None
        self.test_set: Path | None = None
        self.report: EvalReport | None = None
        self.runs: list[Path] = []
        self.set_questions: list[str] = []  # the chosen set's questions, as last read
        self._loaded: list[dict[str, Any]] = []
        self.error = ErrorBanner(self)
        self.set_label = QLabel("No test set chosen: pick a questions.jsonl file.")
        self.set_label.setWordWrap(True)
        self.choose = QPushButton("Choose test set…")
        self.new_question = QPushButton("New question…")
        self.new_question.setToolTip("Write a question and pick the file that answers it")
        self.use_model = QCheckBox("Answer with the model (slower; checks citations)")
        self.run_button = QPushButton("Run")
        self.run_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.figures: dict[str, QLabel] = {}
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.details = QTextBrowser()
        self.details.setPlaceholderText("Click a question to see where its passages ranked.")
        self.compare_button = QPushButton("Compare with the previous run")
        self.compare_button.setEnabled(False)
        self.chart = TimeSeriesChart(style="lines", empty_text="Runs appear here over time.")
        self.chart.setMinimumHeight(150)
        self._layout()
        self.choose.clicked.connect(self._on_choose)
        self.new_question.clicked.connect(self.open_new_question)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.table.currentCellChanged.connect(lambda row, *_: self._on_row(row))
        self.compare_button.clicked.connect(self._on_compare)

    def _layout(self) -> None:
        controls = QHBoxLayout()
        for widget in (self.choose, self.new_question, self.use_model, self.run_button, self.cancel_button):
            controls.addWidget(widget)
        controls.addStretch(1)
        grid = QGridLayout()
        for i, (key, caption) in enumerate(FIGURES):
            label = QLabel("—")
            label.setProperty("role", "value")
            label.setAccessibleName(caption)
            self.figures[key] = label
            name = QLabel(caption)
            name.setProperty("role", "muted")
            grid.addWidget(name, 0, i)
            grid.addWidget(label, 1, i)
        lower = QSplitter()
        lower.addWidget(self.table)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details, 2)
        side_layout.addWidget(self.compare_button)
        side_layout.addWidget(QLabel("hit@5 and MRR@10 over runs"))
        side_layout.addWidget(self.chart, 1)
        lower.addWidget(side)
        lower.setSizes([600, 400])
        column = QVBoxLayout(self)
        column.addWidget(self.error)
        column.addWidget(self.set_label)
        column.addLayout(controls)
        column.addWidget(self.progress)
        column.addLayout(grid)
        column.addWidget(lower, 1)

    # ---- actions ---------------------------------------------------------------------------------
    def set_test_set(self, path: Path) -> None:
        self.test_set = path
        self.set_label.setText(f"Test set: {path}")
        self.run_button.setEnabled(True)
        self.reload_set(remember=True)

    def reload_set(self, *, remember: bool = False) -> None:
        """Read the set's questions again (the chosen set, else the one the chat adds to, if any)."""
        chosen, evals_dir = self.test_set, self._services.data_dir / "evals"

        def work(cancel: threading.Event) -> tuple[Path | None, list[dict[str, Any]]]:
            path = chosen or current_test_set(evals_dir)
            if remember:  # "Add to test set" in the chat adds to the set chosen here
                remember_test_set(evals_dir, path)
            return (path, read_rows(path)) if path.is_file() else (None, [])

        self._services.readers.submit(
            "test set",
            work,
            on_done=while_alive(self, self._on_set),
            on_error=while_alive(self, self._on_failed),
        )

    def open_new_question(self) -> NewQuestionDialog:
        # No set shown yet (the tab read none): the first add makes the default one.
        target = self.test_set or self._services.data_dir / "evals" / DEFAULT_SET
        dialog = NewQuestionDialog(self._services, str(target), self)
        dialog.submitted.connect(self._add_question)
        dialog.open()
        return dialog

    def _add_question(self, row: dict[str, Any]) -> None:
        chosen, evals_dir = self.test_set, self._services.data_dir / "evals"

        def work(cancel: threading.Event) -> AddedRow:
            path = chosen or current_test_set(evals_dir)
            added = append_row(path, row)
            remember_test_set(evals_dir, path)
            return added

        def done(result: AddedRow) -> None:
            verb = "Added" if result.added else "Already there:"
            self.set_label.setText(
                f"Test set: {result.path} — {verb} {result.row['id']}: {result.row['question']}"
            )
            self.test_set = result.path
            self.run_button.setEnabled(self._task is None)
            self.reload_set()

        self._services.readers.submit(
            "add test question",
            work,
            on_done=while_alive(self, done),
            on_error=while_alive(self, self._on_failed),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload_set()  # the chat may have added to the set meanwhile

    def run(self) -> None:
        workspace = self._services.workspace
        if self.test_set is None or workspace is None or self._task is not None:
            return
        test_set, use_model = self.test_set, self.use_model.isChecked()
        runs_dir = self._services.data_dir / "evals"

        def work(cancel: threading.Event) -> Any:
            questions = load_test_set(test_set)
            remember_test_set(runs_dir, test_set)  # the check before an index swap reruns it
            answerer = workspace.answerer(use_model=use_model)
            report: EvalReport | None = None
            for event in run_eval(
                questions, workspace.retriever, answerer, with_model=use_model, cancel=cancel
            ):
                if isinstance(event, EvalProgress):
                    yield event
                else:
                    report = event
            assert report is not None
            context = {"embed_model": workspace.embedder.model_id, "settings": workspace.settings.to_dict()}
            save_run(runs_dir, report, test_set=test_set, context=context)
            return report

        self.error.hide()
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._task = self._services.readers.submit(
            "evaluate",
            work,
            on_done=while_alive(self, self._on_done),
            on_error=while_alive(self, self._on_failed),
            on_progress=while_alive(self, self._on_progress),
        )

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def refresh_runs(self) -> None:
        runs_dir = self._services.data_dir / "evals"

        def work(cancel: threading.Event) -> list[tuple[Path, dict[str, Any]]]:
            return [(path, load_run(path)) for path in list_runs(runs_dir)]

        self._services.readers.submit("evaluation runs", work, on_done=while_alive(self, self._on_runs))

    # ---- results ---------------------------------------------------------------------------------
    def _on_progress(self, event: EvalProgress) -> None:
        self.progress.setMaximum(event.total)
        self.progress.setValue(event.done)

    def _on_done(self, report: EvalReport) -> None:
        self._idle()
        self.report = report
        for key, label in self.figures.items():
            value = report.totals.get(key)
            label.setText("—" if value is None else f"{value:.2f}")
        self.table.setRowCount(len(report.results))
        for row, result in enumerate(report.results):
            for column, text in enumerate(_row_texts(result)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.refresh_runs()
        self.finished.emit(report)

    def _on_failed(self, exc: BaseException) -> None:
        self._idle()
        self.error.show_error(exc)

    def _idle(self) -> None:
        self._task = None
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.run_button.setEnabled(self.test_set is not None)

    def _on_set(self, loaded: tuple[Path | None, list[dict[str, Any]]]) -> None:
        path, rows = loaded
        if path is None:
            return
        if self.test_set is None:
            self.test_set = path
            self.set_label.setText(f"Test set: {path}")
            self.run_button.setEnabled(self._task is None)
        if path != self.test_set:
            return
        self.set_questions = [str(r.get("question", "")) for r in rows]
        fresh = self.report is not None and len(self.report.results) == len(rows)
        if self._task is None and not fresh:  # a run's results stay until the set changes
            self.report = None
            self.table.setRowCount(len(rows))
            for n, raw in enumerate(rows):
                for column, text in enumerate(_set_row_texts(raw)):
                    self.table.setItem(n, column, QTableWidgetItem(text))
        self.set_loaded.emit()

    def _on_row(self, row: int) -> None:
        if self.report is not None and 0 <= row < len(self.report.results):
            self.details.setHtml(question_html(self.report.results[row]))

    def _on_runs(self, runs: list[tuple[Path, dict[str, Any]]]) -> None:
        self.runs = [path for path, _ in runs]
        self._loaded = [run for _, run in runs]
        labels = [run["at"][5:16].replace("T", " ") for run in self._loaded]
        series = {
            name: [float(run["totals"].get(name) or 0.0) for run in self._loaded]
            for name in ("hit@5", "mrr@10")
        }
        self.chart.set_series(labels, series, "")
        self.compare_button.setEnabled(len(self._loaded) >= 2)
        self.runs_loaded.emit()

    def _on_compare(self) -> None:
        if len(self._loaded) >= 2:
            self.details.setHtml(comparison_html(self._loaded[-2], self._loaded[-1]))

    def _on_choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a test set", "", "Test sets (*.jsonl);;All files (*)"
        )
        if path:
            self.set_test_set(Path(path))


def _set_row_texts(row: dict[str, Any]) -> list[str]:
    sources = row.get("sources") or []
    names = [Path(str(s)).name for s in (sources if isinstance(sources, list) else [sources])]
    page = row.get("page")
    pages = [str(p) for p in (page if isinstance(page, list) else [page]) if isinstance(p, int)]
    where = ", ".join(names) + (f" p.{', '.join(pages)}" if pages and names else "")
    return [str(row.get("question", "")), where or "(not in the documents)", "—", "not run", ""]


def _row_texts(result: QuestionResult) -> list[str]:
    expected = ", ".join(Path(s).name for s in result.expected) or "(not in the documents)"
    gate = "refused" if result.refused else "answered"
    if not result.answerable:
        gate += " ✓" if result.refused else " ✗"
    rank = str(result.rank) if result.rank else ("—" if not result.answerable else "missed")
    return [result.question, expected, rank, gate, result.status]
