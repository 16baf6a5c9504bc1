"""GUI tests run with pytest-qt on the offscreen platform (set in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication

from kenning.ui.tasks import TaskRunner


@pytest.fixture
def task_runner(qtbot) -> Iterator[TaskRunner]:  # type: ignore[no-untyped-def]
    """A TaskRunner whose work is finished, and its results delivered, before the widgets close."""
    runner = TaskRunner(threads=2)
    yield runner
    assert runner.shutdown(10_000), "background tasks did not stop"
    QCoreApplication.processEvents()
