"""The embedding engine in use, and a "Measure again" button that runs the calibration in the background."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kenning.ui.alive import while_alive
from kenning.ui.error_text import describe
from kenning.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kenning.core.index.engine_choice import Calibration

# Core calls run on a worker: read the stored result, or measure again (a minute at most).
ReadCalibration = Callable[[threading.Event], "Calibration | None"]
MeasureEngines = Callable[[threading.Event], "Calibration"]


def engine_text(calibration: Calibration | None) -> str:
    if calibration is None:
        return "Embedding: torch fp32 (standard); not measured on this machine yet."
    return f"Embedding: {calibration.summary()}"


class EngineRow(QWidget):
    """Shows the calibrated engine; the button measures every engine again. Signals: none."""

    def __init__(
        self,
        runner: TaskRunner,
        read: ReadCalibration,
        measure: MeasureEngines,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._measure = measure
        self.label = QLabel("Embedding: …")
        self.label.setWordWrap(True)
        self.button = QPushButton("&Measure again")
        self.button.setToolTip(
            "Embed a few hundred of your passages with every engine this computer offers and use the "
            "fastest whose rankings match the standard one."
        )
        self.button.clicked.connect(self._on_measure_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        runner.submit("read engine calibration", read, on_done=while_alive(self, self._on_result))

    def _on_measure_clicked(self) -> None:
        self.button.setEnabled(False)
        self.label.setText("Measuring the embedding engines on your passages…")
        self._runner.submit(
            "measure embedding engines",
            self._measure,
            on_done=while_alive(self, self._on_result),
            on_error=while_alive(self, self._on_failed),
        )

    def _on_result(self, calibration: Calibration | None) -> None:
        self.label.setText(engine_text(calibration))
        self.button.setEnabled(True)

    def _on_failed(self, exc: BaseException) -> None:
        message = describe(exc)
        self.label.setText(f"Could not measure: {message.message}")
        self.button.setEnabled(True)
