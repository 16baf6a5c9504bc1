"""The Dashboard and Evaluate tabs, built the first time they are opened (they read the trace store
and saved runs, which the window does not need at start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from kenning.ui.services import AppServices

if TYPE_CHECKING:
    from kenning.ui.dashboard import DashboardView
    from kenning.ui.evaluate_view import EvaluateView

DASHBOARD, EVALUATE = 2, 3


class LazyViews:
    def __init__(self, modes: QTabWidget, side_tabs: QWidget, services: AppServices, parent: QWidget) -> None:
        self._modes = modes
        self._side_tabs = side_tabs
        self._services = services
        self._parent = parent
        self.dashboard: DashboardView | None = None
        self.evaluate: EvaluateView | None = None

    def on_mode_changed(self, index: int) -> None:
        self._side_tabs.setVisible(index < DASHBOARD)  # the dashboard and evaluation use the full width
        if index == DASHBOARD:
            if self.dashboard is None:
                from kenning.ui.dashboard import DashboardView

                self.dashboard = DashboardView(self._services.readers, self._parent)
                self._replace_tab(DASHBOARD, self.dashboard, "Dashboard")
            if self._services.workspace is not None:
                self.dashboard.refresh(self._services.workspace.traces)
        elif index == EVALUATE and self.evaluate is None:
            from kenning.ui.evaluate_view import EvaluateView

            self.evaluate = EvaluateView(self._services, self._parent)
            self._replace_tab(EVALUATE, self.evaluate, "Evaluate")
            self.evaluate.refresh_runs()

    def _replace_tab(self, index: int, widget: QWidget, title: str) -> None:
        """Put a view built on first use in place of its placeholder, staying on its tab."""
        self._modes.blockSignals(True)
        self._modes.removeTab(index)
        self._modes.insertTab(index, widget, title)
        self._modes.setCurrentIndex(index)
        self._modes.blockSignals(False)
