"""Save a picture of the first main window that is shown (for `kenning --self-test --screenshot`).

Qt is imported here only: the self-test calls this inside its window step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def capture_first_window(target: Path) -> Iterator[None]:
    """While inside, the first top-level window to be exposed is rendered to `target` (PNG)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication.instance() or QApplication(["kenning"])

    class _Catcher(QObject):
        saved = False

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if (
                not self.saved
                and event.type() == QEvent.Type.Expose
                and not isinstance(watched, QWidget)
                and hasattr(watched, "isExposed")
                and watched.isExposed()
            ):
                widget = next((w for w in QApplication.topLevelWidgets() if w.isVisible()), None)
                if widget is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self.saved = widget.grab().save(str(target), "PNG")
            return False

    catcher = _Catcher()
    app.installEventFilter(catcher)
    try:
        yield
    finally:
        app.removeEventFilter(catcher)
    if not catcher.saved:
        raise RuntimeError(f"no window was shown to capture into {target}")
