"""About Kenning: its version, the versions of what it runs on, and whether Ollama answers.

Package versions come from their installed metadata (torch and LanceDB are never imported for
this); they, the icon and Ollama's version are read on a worker.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QBuffer, QByteArray, QSize, Qt, qVersion
from PySide6.QtGui import QGuiApplication, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import kenning
from kenning import paths
from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.answer.ollama.errors import OllamaTimeout, OllamaUnavailable
from kenning.core.settings import Settings
from kenning.core.versions import package_version
from kenning.ui.alive import while_alive
from kenning.ui.engine_row import ReadCalibration, engine_text
from kenning.ui.error_text import describe
from kenning.ui.model_pull import ClientFactory
from kenning.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kenning.core.index.engine_choice import Calibration

PACKAGES = (("LanceDB", "lancedb"), ("sentence-transformers", "sentence-transformers"), ("PyTorch", "torch"))


def package_versions() -> dict[str, str]:
    """Installed versions by display name (from package metadata: nothing heavy is imported)."""
    return {label: package_version(dist) for label, dist in PACKAGES}


class AboutDialog(QDialog):
    """The About box. Signals: none."""

    def __init__(
        self,
        settings: Settings,
        runner: TaskRunner,
        client_factory: ClientFactory = OllamaClient,
        parent: QWidget | None = None,
        *,
        read_engine: ReadCalibration | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Kenning")
        self.icon = QLabel()
        self.icon.setFixedSize(64, 64)
        self.icon.hide()
        title = QLabel("Kenning")
        title.setProperty("role", "value")
        version = QLabel(f"Version {kenning.__version__}")
        tagline = QLabel("Ask questions of your own documents, privately, on your own machine.")
        tagline.setWordWrap(True)
        tagline.setProperty("role", "muted")
        heading = QVBoxLayout()
        for widget in (title, version, tagline):
            heading.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        rows = {
            "Qt": qVersion(),
            "PySide6": pyside_version,
            **{label: "…" for label, _ in PACKAGES},
            "Embedding model": settings.embedding.model,
            **({"Embedding": "…"} if read_engine is not None else {}),
            "Ollama": f"checking {settings.ollama.host}…",
        }
        for name, text in rows.items():
            value = QLabel(text)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(f"{name}:", value)
            self.values[name] = value

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setToolTip("Copy these versions, e.g. for a bug report.")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)

        ollama_settings = settings.ollama

        def ollama_version(cancel: threading.Event) -> str:
            with client_factory(ollama_settings) as client:
                return f"{client.version()} at {client.url}"

        def icon_bytes(cancel: threading.Event) -> bytes | None:
            path = paths.resources_dir() / "icons" / "kenning.svg"
            return path.read_bytes() if path.is_file() else None

        self._host = ollama_settings.host
        runner.submit(
            "package versions",
            lambda cancel: package_versions(),
            on_done=while_alive(self, self._on_versions),
        )
        runner.submit(
            "ollama version",
            ollama_version,
            on_done=while_alive(self, self._on_ollama_version),
            on_error=while_alive(self, self._on_ollama_failed),
        )
        runner.submit("about icon", icon_bytes, on_done=while_alive(self, self._on_icon))
        if read_engine is not None:
            runner.submit("engine calibration", read_engine, on_done=while_alive(self, self._on_engine))

    def details_text(self) -> str:
        """The versions as plain text, one per line."""
        return f"Kenning {kenning.__version__}\n" + "\n".join(
            f"{name}: {label.text()}" for name, label in self.values.items()
        )

    def _on_versions(self, versions: dict[str, str]) -> None:
        for name, version in versions.items():
            self.values[name].setText(version)

    def _on_engine(self, calibration: Calibration | None) -> None:
        self.values["Embedding"].setText(engine_text(calibration).removeprefix("Embedding: "))

    def _on_ollama_version(self, text: str) -> None:
        self.values["Ollama"].setText(text)

    def _on_ollama_failed(self, exc: BaseException) -> None:
        if isinstance(exc, OllamaUnavailable | OllamaTimeout):
            self.values["Ollama"].setText(f"not running (nothing answers at {self._host})")
        else:
            self.values["Ollama"].setText(describe(exc).message)

    def _on_icon(self, data: bytes | None) -> None:
        if not data:
            return  # no icon shipped yet: the dialog reads fine without one
        ratio = self.devicePixelRatioF()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        reader = QImageReader(buffer, QByteArray(b"svg"))
        reader.setScaledSize(QSize(int(64 * ratio), int(64 * ratio)))  # rendered at size: crisp
        image = reader.read()
        if image.isNull():
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.icon.setPixmap(pixmap)
        self.icon.show()

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
