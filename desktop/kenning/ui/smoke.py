"""Opens the real main window offscreen and closes it: the self-test's proof that the UI starts."""

from __future__ import annotations

import os
from pathlib import Path


def open_and_close_main_window(data_dir: Path, timeout_s: float = 20.0) -> str:
    """Returns the window title once the window is shown and the index has opened; raises otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kenning.core.settings import Settings
    from kenning.ui.app import build_window

    window = build_window(data_dir, Settings())
    app = QApplication.instance()
    assert app is not None
    opened: list[bool] = []
    failed: list[object] = []
    loop = QEventLoop()

    def on_ready() -> None:
        opened.append(True)
        loop.quit()

    def on_failed(message: object) -> None:
        failed.append(message)
        loop.quit()

    window.services.workspace_ready.connect(on_ready)
    window.services.workspace_failed.connect(on_failed)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    title = window.windowTitle()
    visible = window.isVisible()
    window.close()
    app.processEvents()
    if failed:
        raise RuntimeError(f"the main window could not open the index: {failed[0]}")
    if not opened:
        raise RuntimeError(f"the main window did not open the index within {timeout_s:.0f} s")
    if not visible:
        raise RuntimeError("the main window did not become visible")
    return title
