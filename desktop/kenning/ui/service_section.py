"""Settings › Service: the switch that serves your documents to other tools, its addresses and token.

The switch acts at once (and is remembered for the next start); the addresses and the token have
Copy buttons, so a user can paste them into an MCP client or an OpenAI-style tool.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from kenning.ui.service_process import ServiceController, ServiceState, base_url
from kenning.ui.settings_fields import FieldEditor

EXPLANATION = (
    "Lets tools on this computer ask your documents: any OpenAI-compatible client (base URL below) and "
    "MCP clients such as Claude Desktop or Cursor (streamable HTTP). Only this computer can connect, "
    "and every request must carry the token (Authorization: Bearer TOKEN). Turning it on or off takes "
    "effect at once and is remembered."
)


class _PortEditor(FieldEditor):
    def __init__(self, spin: QSpinBox) -> None:
        super().__init__(spin)
        self.spin = spin

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))


class ServiceSection(QGroupBox):
    """The service's switch, port, state, addresses and token. Signals: none (it drives `service`)."""

    def __init__(self, service: ServiceController, port: int, parent: QWidget | None = None) -> None:
        super().__init__("Service for other tools", parent)
        self._service = service
        self.toggle = QCheckBox("Serve my documents to other tools (OpenAI-style API and MCP)")
        self.toggle.setChecked(service.enabled)
        self.toggle.toggled.connect(self._on_toggled)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(port if service.state.phase == "stopped" else service.state.port)
        self.port.setToolTip("The service listens on 127.0.0.1 at this port (used when it starts).")
        self.port_editor = _PortEditor(self.port)
        self.port.valueChanged.connect(lambda _: self._show_addresses())
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.openai_url = self._read_only()
        self.mcp_url = self._read_only()
        self.token = self._read_only()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("reading the keyring…")
        self.show_token = QPushButton("Show")
        self.show_token.setCheckable(True)
        self.show_token.toggled.connect(self._on_show_token)
        self.new_token = QPushButton("New token")
        self.new_token.setToolTip("Make a new token; tools using the old one are refused from now on.")
        self.new_token.clicked.connect(service.new_token)
        self.token_warning = QLabel(service.secrets_warning)
        self.token_warning.setProperty("role", "warning")
        self.token_warning.setWordWrap(True)
        self.token_warning.setVisible(bool(service.secrets_warning))
        about = QLabel(EXPLANATION)
        about.setWordWrap(True)
        about.setProperty("role", "muted")

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(about)
        form.addRow(self.toggle)
        form.addRow("Port:", self._row(self.port))
        form.addRow("State:", self.state)
        self.copy_openai = self._copy_button(self.openai_url, "Copy the OpenAI-compatible base URL")
        self.copy_mcp = self._copy_button(self.mcp_url, "Copy the MCP address")
        self.copy_token = self._copy_button(self.token, "Copy the access token")
        form.addRow("OpenAI base URL:", self._row(self.openai_url, self.copy_openai))
        form.addRow("MCP (HTTP):", self._row(self.mcp_url, self.copy_mcp))
        form.addRow("Token:", self._row(self.token, self.show_token, self.copy_token, self.new_token))
        form.addRow("", self.token_warning)

        service.state_changed.connect(self._on_state)
        service.token_changed.connect(self._on_token)
        self._on_state(service.state)
        if service.token:
            self._on_token(service.token)
        else:
            service.load_token()

    # -- building --------------------------------------------------------------------------------
    def _read_only(self) -> QLineEdit:
        line = QLineEdit()
        line.setReadOnly(True)
        return line

    def _copy_button(self, source: QLineEdit, tip: str) -> QPushButton:
        button = QPushButton("Copy")
        button.setToolTip(tip)
        button.clicked.connect(lambda: QGuiApplication.clipboard().setText(source.text()))
        return button

    def _row(self, *widgets: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for i, widget in enumerate(widgets):
            row.addWidget(widget, 1 if i == 0 and isinstance(widget, QLineEdit) else 0)
        if not isinstance(widgets[0], QLineEdit):
            row.addStretch(1)
        return box

    # -- reacting --------------------------------------------------------------------------------
    def _on_toggled(self, on: bool) -> None:
        self._service.set_enabled(on, self.port.value())

    def _on_state(self, state: ServiceState) -> None:
        self.state.setText(state.describe())
        self.state.setProperty("role", "warning" if state.phase == "failed" else "")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        self.port.setEnabled(state.phase in ("stopped", "failed"))
        self._show_addresses()

    def _show_addresses(self) -> None:
        state = self._service.state
        live = state.phase in ("starting", "serving")
        url = base_url(state.port if live else self.port.value())
        self.openai_url.setText(url + "/v1")
        self.mcp_url.setText(url + "/mcp")

    def _on_token(self, token: str) -> None:
        self.token.setText(token)
        self.token.setPlaceholderText("")

    def _on_show_token(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_token.setText("Hide" if shown else "Show")
