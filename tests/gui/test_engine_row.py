"""Settings and About show the embedding engine; "Measure again" runs a calibration in the background."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from kenning import paths
from kenning.core.index.calibration_run import calibrate, passages_from_folder
from kenning.core.index.embedding_calibration import Candidate
from kenning.core.index.engine_choice import Calibration, machine_fingerprint
from kenning.core.secrets import SecretStore
from kenning.core.settings import Settings
from kenning.ui.about_dialog import AboutDialog
from kenning.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def measured(embedder: Any) -> Calibration:
    """A real calibration of the real model (fp32) against a variant that gives the same vectors in
    half the time (an injected clock: nothing here depends on this machine's speed)."""
    from kenning.core.workspace import Workspace

    chunker = Workspace(data_dir=Path("unused"), settings=Settings()).chunker
    passages = passages_from_folder(paths.resources_dir() / "sample-docs", chunker, count=24)
    now = [0.0]

    def timed(seconds_per_text: float) -> Any:
        def encode(texts: Sequence[str]) -> Any:
            now[0] += seconds_per_text * len(texts)
            return embedder.embed(texts)

        return encode

    candidates = [Candidate("fp32", timed(0.02)), Candidate("bf16", timed(0.01))]
    fingerprint = machine_fingerprint(embedder.model_id, "cpu")
    return calibrate(passages, candidates, fingerprint, rounds=1, clock=lambda: now[0])


def test_measure_again_runs_in_the_background_and_shows_the_choice(  # type: ignore[no-untyped-def]
    qtbot, task_runner, tmp_path: Path, measured: Calibration
) -> None:
    release = threading.Event()

    def measure(cancel: threading.Event) -> Calibration:
        release.wait(30)  # still measuring until the test has seen the dialog stay responsive
        return measured

    dialog = SettingsDialog(
        Settings(),
        task_runner,
        secrets=SecretStore(),
        settings_path=tmp_path / "settings.toml",
        read_engine=lambda cancel: None,
        measure_engine=measure,
    )
    qtbot.addWidget(dialog)
    row = dialog.engine_row
    assert row is not None
    qtbot.waitUntil(lambda: "not measured" in row.label.text())
    row.button.click()
    assert not row.button.isEnabled() and row.label.text().startswith("Measuring")
    release.set()
    qtbot.waitUntil(row.button.isEnabled)
    assert row.label.text() == "Embedding: torch bf16, 2.0× faster than standard, identical rankings"
    assert dialog.editors[("embedding", "engine")].value() == "auto"


def test_about_names_the_engine_in_use(qtbot, task_runner, measured: Calibration) -> None:  # type: ignore[no-untyped-def]
    dialog = AboutDialog(Settings(), task_runner, read_engine=lambda cancel: measured)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.values["Embedding"].text() != "…")
    assert dialog.values["Embedding"].text() == "torch bf16, 2.0× faster than standard, identical rankings"
