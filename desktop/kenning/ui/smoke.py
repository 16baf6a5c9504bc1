"""Open the main window, let it render, close it: the GUI step of `kenning --self-test`.

PLACEHOLDER written on the installer branch so the frozen build can be tested; the UI's own
version (which opens the real main window) replaces this file on merge. Keep the signature.
"""

from __future__ import annotations

import time
from pathlib import Path


def open_and_close_main_window(data_dir: Path, timeout_s: float = 20.0) -> str:
    """Show the main window for `data_dir`, process events until it is exposed, close it.

    Returns the window title; raises RuntimeError if it is not shown within `timeout_s`.
    """
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(["kenning"])
    window = QMainWindow()
    window.setWindowTitle("Kenning")
    window.setCentralWidget(QLabel(f"Kenning — data in {data_dir}"))
    window.resize(900, 600)
    window.show()
    deadline = time.monotonic() + timeout_s
    try:
        while not window.isVisible() or not window.windowHandle() or not window.windowHandle().isExposed():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the main window was not shown within {timeout_s:.0f} s")
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()
        return window.windowTitle()
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
