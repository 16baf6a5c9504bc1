"""Downloading an Ollama model: a suggested name for this computer, real progress, and Cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kenning.core.answer import chat_model_advice as model_advice
from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.answer.ollama.types import PullProgress
from kenning.core.settings import OllamaSettings
from kenning.ui.alive import while_alive
from kenning.ui.formatting import format_bytes
from kenning.ui.tasks import TaskHandle, TaskRunner

ClientFactory = Callable[[OllamaSettings], OllamaClient]


class PullTally:
    """Bytes done and total over all layers of a pull (Ollama reports each layer separately)."""

    def __init__(self) -> None:
        self._layers: dict[str, tuple[int, int]] = {}

    def add(self, event: PullProgress) -> None:
        if event.digest and event.total:
            self._layers[event.digest] = (event.completed or 0, event.total)

    @property
    def done(self) -> int:
        return sum(c for c, _ in self._layers.values())

    @property
    def total(self) -> int:
        return sum(t for _, t in self._layers.values())


def _pull(factory: ClientFactory, settings: OllamaSettings, name: str) -> Callable[[threading.Event], Any]:
    def work(cancel: threading.Event) -> Iterator[PullProgress]:
        with factory(settings) as client:
            yield from client.pull(name, cancel)
        return cancel.is_set()  # type: ignore[return-value]  # the task's result: was it cancelled

    return work


def _advice(cancel: threading.Event) -> list[model_advice.Recommendation]:
    return model_advice.recommend_models(model_advice.total_ram_bytes(), model_advice.has_gpu())


class ModelPullBox(QGroupBox):
    """A model name (suggestions for this computer's memory and GPU), Pull, progress and Cancel.

    Signals:
        pulled(str): the model finished downloading and is installed.
        failed(object): the download failed; the exception, for the owner's error banner.
    """

    pulled = Signal(str)
    failed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        factory: ClientFactory,
        settings: OllamaSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Pull a model", parent)
        self._runner = runner
        self._factory = factory
        self._settings = settings
        self._advice: list[model_advice.Recommendation] = []
        self._handle: TaskHandle | None = None
        self._tally = PullTally()
        self._name = ""

        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.setMinimumContentsLength(22)
        self.name.setPlaceholderText("a model name, e.g. llama3.2:3b")
        self.name.currentTextChanged.connect(self._on_name_changed)
        self.pull_button = QPushButton("&Pull")
        self.pull_button.clicked.connect(self._on_pull_clicked)
        self.cancel_button = QPushButton("C&ancel download")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.cancel_button.hide()
        self.advice = QLabel("Checking this computer's memory…")
        self.advice.setProperty("role", "muted")
        self.advice.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Download progress")
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        row = QHBoxLayout()
        label = QLabel("&Model:")
        label.setBuddy(self.name)
        row.addWidget(label)
        row.addWidget(self.name, 1)
        row.addWidget(self.pull_button)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.advice)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        runner.submit(
            "model advice",
            _advice,
            on_done=while_alive(self, self._on_advice_ready),
            on_error=while_alive(self, self._on_advice_failed),
        )

    @property
    def pulling(self) -> bool:
        return self._handle is not None

    def cancel(self) -> None:
        """Stop a running download (the worker ends the stream and the connection)."""
        if self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def _on_advice_ready(self, advice: list[model_advice.Recommendation]) -> None:
        self._advice = advice
        typed = self.name.currentText()
        for r in advice:
            self.name.addItem(r.name)
        self.name.setCurrentText(typed or (advice[0].name if advice else ""))
        self._on_name_changed(self.name.currentText())

    def _on_advice_failed(self, exc: BaseException) -> None:
        self.advice.setText("Names are listed at ollama.com/library.")

    def _on_name_changed(self, text: str) -> None:
        chosen = next((r for r in self._advice if r.name == text.strip()), None)
        if chosen is None:
            self.advice.setText("Names are listed at ollama.com/library.")
            return
        suggested = " (suggested for this computer)" if chosen is self._advice[0] else ""
        self.advice.setText(f"{chosen.name}{suggested}: about {chosen.download_gb:g} GB; {chosen.reason}.")

    def _on_pull_clicked(self) -> None:
        name = self.name.currentText().strip()
        if not name:
            self.status.setText("Type a model name first.")
            return
        self._name = name
        self._tally = PullTally()
        self.progress.setValue(0)
        self.progress.show()
        self.pull_button.hide()
        self.cancel_button.show()
        self.cancel_button.setFocus()
        self.status.setText(f"Starting the download of {name}…")
        self._handle = self._runner.submit(
            f"pull {name}",
            _pull(self._factory, self._settings, name),
            on_progress=while_alive(self, self._on_progress),
            on_done=while_alive(self, self._on_finished),
            on_error=while_alive(self, self._on_failed),
        )

    def _on_progress(self, event: PullProgress) -> None:
        self._tally.add(event)
        if self._handle is not None and self._handle.cancel_event.is_set():
            return
        if self._tally.total:
            self.progress.setValue(int(1000 * self._tally.done / self._tally.total))
            amount = f"{format_bytes(self._tally.done)} of {format_bytes(self._tally.total)}"
            self.status.setText(f"{event.status.capitalize()} — {amount}")
        else:
            self.status.setText(event.status.capitalize() + "…")

    def _on_cancel_clicked(self) -> None:
        self.cancel()

    def _ended(self) -> None:
        self._handle = None
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.pull_button.show()
        self.progress.hide()

    def _on_finished(self, cancelled: bool) -> None:
        self._ended()
        if cancelled:
            self.status.setText(f"Download of {self._name} cancelled.")
            return
        self.status.setText(f"{self._name} is installed.")
        self.pulled.emit(self._name)

    def _on_failed(self, exc: BaseException) -> None:
        self._ended()
        self.status.setText("")
        self.failed.emit(exc)
