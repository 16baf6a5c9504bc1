"""The desktop app's composition root: QApplication, theme, window; the core loads after it shows."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from kenning import paths
from kenning.core.observe.offline import go_offline
from kenning.core.private_files import restrict_new_files
from kenning.core.settings import Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices
from kenning.ui.theme import apply_theme

log = logging.getLogger(__name__)


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Kenning")
    app.setApplicationDisplayName("Kenning")
    app.setOrganizationName("Kenning")
    app.setDesktopFileName("kenning")
    icon = paths.resources_dir() / "icons" / "kenning.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_window(
    data_dir: Path, settings: Settings, *, scheme: str = "auto", settings_issues: Sequence[str] = ()
) -> MainWindow:
    """The window, shown, with the core starting in the background (used by tests and the self-test)."""
    app = application()
    apply_theme(app, scheme)
    services = AppServices(data_dir, settings, calibrate_at_start=True)
    window = MainWindow(services)
    window.show_settings_issues(list(settings_issues))
    window.show()
    QTimer.singleShot(0, services.start)  # after the first paint: the window never waits for the core
    return window


STARTUP_PROBE_ENV = "KENNING_STARTUP_PROBE"


def _report_shown(app: QApplication, *, stay: bool) -> None:
    """For start-up benchmarks and tests: say the window is on screen (and what is loaded yet);
    quit unless the probe asked the app to stay (a test that then takes a screenshot)."""
    heavy = [m for m in ("torch", "sentence_transformers", "lancedb") if m in sys.modules]
    print(f"window shown; heavy modules loaded: {', '.join(heavy) or 'none'}", flush=True)
    if not stay:
        app.quit()


def run(
    data_dir: Path, settings: Settings, *, scheme: str = "auto", settings_issues: Sequence[str] = ()
) -> int:
    # `kenning gui` did this already; repeated for anyone starting the window from here.
    go_offline()
    restrict_new_files()
    app = application()
    window = build_window(data_dir, settings, scheme=scheme, settings_issues=settings_issues)
    window.raise_()
    probe = os.environ.get(STARTUP_PROBE_ENV, "")
    if probe:
        QTimer.singleShot(0, lambda: _report_shown(app, stay=probe == "stay"))
    return finish(window, app.exec())


def finish(window: MainWindow, code: int) -> int:
    """After the event loop: stop the workers, and end the process now if one would not stop.

    Qt's thread pools wait for their running tasks when destroyed, without a limit: a task stuck in
    a wait that ignores cancellation (a lock, a network call) would keep the process alive unseen.
    """
    if window.stopped_cleanly is None:
        window.close()  # the loop ended without the window closing (app.quit)
    if not window.stopped_cleanly:
        log.warning("background work did not stop in time; exiting anyway")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
