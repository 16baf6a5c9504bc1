"""Models: what Ollama has installed, downloading another, and which one answers (CPU or GPU).

Every Ollama call runs on the TaskRunner; failures appear inline with their next step.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kenning import paths
from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.answer.ollama.types import ModelInfo
from kenning.core.settings import OllamaSettings, Settings
from kenning.core.settings_file import save_settings
from kenning.ui.alive import while_alive
from kenning.ui.banner import ErrorBanner
from kenning.ui.formatting import format_bytes, format_count
from kenning.ui.model_pull import ClientFactory, ModelPullBox
from kenning.ui.tasks import TaskRunner

COLUMNS = ("Name", "Size", "Family", "Parameters", "Quantization", "Context")


def _list_models(factory: ClientFactory, settings: OllamaSettings) -> Callable[[threading.Event], Any]:
    def work(cancel: threading.Event) -> list[ModelInfo]:
        with factory(settings) as client:
            return client.list_models()

    return work


def _context_text(tokens: int | None) -> str:
    """Contexts are powers of two: 131072 reads as "128k", the way model cards write it."""
    if not tokens:
        return "—"
    return f"{tokens // 1024}k" if tokens >= 8192 and tokens % 1024 == 0 else format_count(tokens)


class ModelsDialog(QDialog):
    """Lists, downloads and chooses Ollama models; OK saves the choice.

    Signals:
        settings_changed(Settings): the saved settings, after OK wrote them to the settings file.
    """

    settings_changed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        runner: TaskRunner,
        client_factory: ClientFactory = OllamaClient,
        parent: QWidget | None = None,
        *,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self._settings = settings
        self._runner = runner
        self._factory = client_factory
        self._settings_path = settings_path or paths.settings_file()
        self._models: list[ModelInfo] = []
        self._closing = False

        self.error_label = ErrorBanner()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Installed models")
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        installed = QGroupBox("Installed in Ollama")
        box = QVBoxLayout(installed)
        box.addWidget(self.table)
        row = QHBoxLayout()
        self.list_status = QLabel()
        self.list_status.setProperty("role", "muted")
        row.addWidget(self.list_status, 1)
        row.addWidget(self.refresh_button)
        box.addLayout(row)

        self.pull_box = ModelPullBox(runner, client_factory, settings.ollama)
        self.pull_box.pulled.connect(self._on_model_pulled)
        self.pull_box.failed.connect(self._on_pull_failed)

        run_box = QGroupBox("Answering")
        form = QFormLayout(run_box)
        self.default_model = QComboBox()
        self.default_model.setAccessibleName("Default model")
        self.default_model.currentTextChanged.connect(self._on_default_model_changed)
        self.device = QComboBox()
        self.device.addItem("Automatic (GPU when available)", "auto")
        self.device.addItem("CPU only", 0)
        gpu = str(settings.ollama.num_gpu).strip().lower()
        if gpu.isdigit() and gpu != "0":  # a layer count set by hand: keep it choosable
            self.device.addItem(f"Custom ({gpu} GPU layers)", int(gpu))
        self.device.setCurrentIndex(1 if gpu in ("0", "cpu") else 2 if gpu.isdigit() else 0)
        self.context = QSpinBox()
        self.context.setRange(512, 1_048_576)
        self.context.setSingleStep(1024)
        self.context.setSuffix(" tokens")
        self.context.setValue(settings.ollama.num_ctx)
        self.context_hint = QLabel()
        self.context_hint.setProperty("role", "muted")
        form.addRow("&Default model:", self.default_model)
        form.addRow("&Run on:", self.device)
        form.addRow("&Context size:", self.context)
        form.addRow("", self.context_hint)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addWidget(installed, 1)
        layout.addWidget(self.pull_box)
        layout.addWidget(run_box)
        layout.addWidget(self.buttons)
        self.resize(760, 620)

        self._load_models()

    # -- installed models ------------------------------------------------------------------------

    def _load_models(self) -> None:
        self.refresh_button.setEnabled(False)
        self.list_status.setText("Asking Ollama…")
        self._runner.submit(
            "list models",
            _list_models(self._factory, self._settings.ollama),
            on_done=while_alive(self, self._on_models_listed),
            on_error=while_alive(self, self._on_models_failed),
        )

    def _on_refresh_clicked(self) -> None:
        self._load_models()

    def _on_models_listed(self, models: list[ModelInfo]) -> None:
        if self._closing:
            return
        self.refresh_button.setEnabled(True)
        self.error_label.hide()
        self._models = models
        self.table.setRowCount(len(models))
        for row, m in enumerate(models):
            cells = (
                m.name,
                format_bytes(m.size) if m.size else "—",
                m.family or "—",
                m.parameter_size or "—",
                m.quantization or "—",
                _context_text(m.context_length),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list_status.setText(
            f"{len(models)} model{'s' if len(models) != 1 else ''} installed"
            if models
            else "No models yet: pull one below."
        )
        chosen = self.default_model.currentText() or self._settings.ollama.model
        self.default_model.blockSignals(True)
        self.default_model.clear()
        self.default_model.addItems([m.name for m in models])
        if chosen and self.default_model.findText(chosen) < 0:
            self.default_model.addItem(f"{chosen}")  # configured but not installed: keep it visible
        self.default_model.setCurrentText(chosen)
        self.default_model.blockSignals(False)
        self._on_default_model_changed(self.default_model.currentText())

    def _on_models_failed(self, exc: BaseException) -> None:
        if self._closing:
            return
        self.refresh_button.setEnabled(True)
        self.list_status.setText("")
        self._show_error(exc)

    def _on_table_double_clicked(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._models):
            self.default_model.setCurrentText(self._models[row].name)

    def _on_default_model_changed(self, name: str) -> None:
        info = next((m for m in self._models if m.name == name), None)
        if info and info.context_length:
            self.context_hint.setText(
                f"{name} was trained for up to {_context_text(info.context_length)} tokens; "
                "larger contexts need more memory."
            )
        else:
            self.context_hint.setText("Larger contexts need more memory.")

    # -- saving ----------------------------------------------------------------------------------

    def chosen_settings(self) -> Settings:
        """The settings with this dialog's choices applied (the original is left untouched)."""
        new = copy.deepcopy(self._settings)
        new.ollama.model = self.default_model.currentText().strip()
        new.ollama.num_gpu = self.device.currentData()
        new.ollama.num_ctx = self.context.value()
        return new

    def _on_model_pulled(self, name: str) -> None:
        if not self.default_model.currentText():
            self.default_model.addItem(name)
            self.default_model.setCurrentText(name)
        self._load_models()

    def _on_pull_failed(self, exc: BaseException) -> None:
        self._show_error(exc)

    def _on_ok_clicked(self) -> None:
        new = self.chosen_settings()
        self.buttons.setEnabled(False)
        path = self._settings_path

        def work(cancel: threading.Event) -> Settings:
            save_settings(new, path)
            return new

        self._runner.submit(
            "save settings",
            work,
            on_done=while_alive(self, self._on_saved),
            on_error=while_alive(self, self._on_save_failed),
        )

    def _on_saved(self, settings: Settings) -> None:
        self.settings_changed.emit(settings)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self.error_label.show_error(exc)

    def done(self, result: int) -> None:
        """Closing stops a running download; late replies from the workers are then ignored."""
        self._closing = True
        self.pull_box.cancel()
        super().done(result)
