"""The embedding engines are measured in a child process, never in the window's: the engine row shows
the child's result, closing the app ends a measurement under way, a child that dies is reported in
words; and while indexing runs in its worker process the window loads no embedding model until a
question is typed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

from kenning.core.settings import Settings
from kenning.core.workspace import Workspace
from kenning.ui.dialog_launcher import open_settings_dialog
from kenning.ui.engine_row import EngineRow, engine_text
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices
from kenning.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.slow


def open_window(qtbot: QtBot, data: Path) -> MainWindow:
    services = AppServices(data, Settings())  # no embedder handed in: indexing in its worker process
    services.calibration_passages = 16  # the fewest a measurement accepts: the same work, shorter
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(services.workspace_ready, timeout=120_000):
        services.start()
    return window


def engine_row(qtbot: QtBot, window: MainWindow) -> EngineRow:
    open_settings_dialog(window, window.services, window.apply_index_settings)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.engine_row is not None
    row = dialog.engine_row
    qtbot.waitUntil(lambda: "not measured" in row.label.text())
    return row


def measuring_child(qtbot: QtBot, window: MainWindow, row: EngineRow) -> int:
    """Click "Measure again" and return the pid of the child that measures."""
    row.button.click()
    qtbot.waitUntil(lambda: window.services.calibration_pid is not None, timeout=30_000)
    pid = window.services.calibration_pid
    assert pid is not None and pid != os.getpid()
    assert psutil.Process(pid).ppid() == os.getpid()
    return pid


def test_measure_again_runs_in_a_child_process_and_the_row_shows_its_result(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_window(qtbot, tmp_path / "data")
    row = engine_row(qtbot, window)
    pid = measuring_child(qtbot, window, row)
    assert row.label.text().startswith("Measuring")
    qtbot.waitUntil(row.button.isEnabled, timeout=280_000)
    stored = Workspace(data_dir=tmp_path / "data", settings=Settings()).engine_calibration()
    assert stored is not None and stored.passages == 16  # saved where the next start reads it
    assert row.label.text() == engine_text(stored)
    assert not psutil.pid_exists(pid)  # the child ended with its work


def test_closing_the_window_ends_a_measurement_under_way(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    pid = measuring_child(qtbot, window, engine_row(qtbot, window))
    window.close()
    assert window.stopped_cleanly
    assert not psutil.pid_exists(pid)
    assert Workspace(data_dir=tmp_path / "data", settings=Settings()).engine_calibration() is None


def test_a_measuring_process_that_dies_is_reported_in_words(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    row = engine_row(qtbot, window)
    os.kill(measuring_child(qtbot, window, row), signal.SIGKILL)  # the OOM killer, a native crash
    qtbot.waitUntil(row.button.isEnabled, timeout=30_000)
    assert row.label.text().startswith("Could not measure: The measurement of the embedding engines stopped")


def test_the_window_loads_the_embedding_model_only_once_a_question_is_typed(
    qtbot: QtBot, tmp_path: Path, corpus: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hsts.md").write_bytes((corpus / "docs" / "net" / "curl" / "HSTS.md").read_bytes())
    window = open_window(qtbot, tmp_path / "data")
    loaded: list[bool] = []
    window.services.model_ready.connect(lambda: loaded.append(True))
    with qtbot.waitSignal(window.indexing.synced, timeout=240_000):
        window.indexing.add_folder(str(docs))
    assert window.indexing.worker_pid not in (None, os.getpid())  # the worker indexed, with its own model
    assert not loaded and window.services.workspace is not None
    assert not window.services.workspace.has_embedder
    window.chat_panel.question.setPlainText("Wh")
    with qtbot.waitSignal(window.services.model_ready, timeout=120_000):
        window.chat_panel.question.setPlainText("What does HSTS preload do?")
    assert loaded == [True]  # once, not again for each key typed


def test_an_engine_without_torch_is_loaded_at_start_beside_the_indexing_worker(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = Settings()
    settings.embedding.engine = "openvino"  # as a calibration that picked it: no torch in the window
    services = AppServices(tmp_path / "data", settings)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(services.model_ready, timeout=240_000):  # nothing typed: loaded at start
        services.start()
    assert services.workspace is not None and services.workspace.embeds_without_torch
    assert services.workspace.embedder.loaded_engine == "openvino"
