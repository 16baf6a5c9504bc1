"""The dashboard's alert strip: one line per figure that drifted; clicking one lists the answers behind it.

Signals:
    opened(object): an alert was clicked (the `Alert`); its answers are now listed.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from kenning.core.observe.drift import Alert


class AlertStrip(QFrame):
    opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("banner", True)
        self.alerts: list[Alert] = []
        self.buttons: list[QPushButton] = []
        self._column = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self._column.addWidget(self.heading)
        self.answers = QListWidget()
        self.answers.setAccessibleName("Answers behind the alert")
        self.answers.setMaximumHeight(110)
        self.answers.hide()
        self._column.addWidget(self.answers)
        self.hide()

    def show_alerts(self, alerts: list[Alert]) -> None:
        for button in self.buttons:
            self._column.removeWidget(button)
            button.deleteLater()
        self.alerts = list(alerts)
        self.buttons = []
        self.answers.clear()
        self.answers.hide()
        count = len(alerts)
        self.heading.setText(f"⚠ {count} figure{'s' if count != 1 else ''} moved over the last day")
        for i, alert in enumerate(alerts):
            button = QPushButton(f"{alert.text}  ({len(alert.answers)} answers: show)")
            button.setFlat(True)
            button.setStyleSheet("text-align: left; padding: 2px;")
            button.setToolTip("List the answers behind this alert")
            button.clicked.connect(lambda _=False, a=alert: self._on_alert(a))
            self._column.insertWidget(1 + i, button)
            self.buttons.append(button)
        self.setVisible(bool(alerts))

    def _on_alert(self, alert: Alert) -> None:
        self.answers.clear()
        for answer in alert.answers:
            when = time.strftime("%b %d %H:%M", time.localtime(answer.at))
            self.answers.addItem(f"{when}  {answer.question or '(question not kept)'}  [{answer.id[:8]}]")
        self.answers.setVisible(bool(alert.answers))
        self.opened.emit(alert)
