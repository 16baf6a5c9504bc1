"""The first-run welcome pane and the banner shown while Ollama cannot be used."""

from __future__ import annotations

import html
import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kenning.ui.services import OllamaState

INSTALL_URL = "https://ollama.com/download"


def how_to_start() -> str:
    if sys.platform == "darwin":
        return "Open the Ollama app (or run <code>ollama serve</code> in Terminal)."
    if sys.platform.startswith("win"):
        return "Start Ollama from the Start menu (or run <code>ollama serve</code>)."
    return "Run <code>ollama serve</code> in a terminal (or <code>systemctl start ollama</code>)."


class OllamaBanner(QFrame):
    """Signals:
    retry(): check Ollama again.  models_requested(): open the Models dialog.
    """

    retry = Signal()
    models_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("banner", True)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(False)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.retry_button = QPushButton("Check again", self)
        self.retry_button.clicked.connect(self.retry.emit)
        self.models_button = QPushButton("Models…", self)
        self.models_button.clicked.connect(self.models_requested.emit)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.models_button)
        layout.addWidget(self.retry_button)
        self.hide()

    def show_state(self, state: OllamaState) -> None:
        if state.running and state.model:
            self.hide()
            return
        if not state.running and state.refused:
            # Ollama is there, so "not running" and how to start it would send the user the wrong way.
            self.text.setText(
                f"<b>{html.escape(state.message)}</b> Until then Kenning works in search-only mode:"
                " answers are the best passages, with no model."
            )
            self.models_button.hide()
        elif not state.running:
            self.text.setText(
                f"<b>Ollama is not running at {state.host}.</b> Kenning works in search-only mode: answers"
                f" are the best passages, with no model. {how_to_start()}"
                f" Not installed? Get it from <a href='{INSTALL_URL}'>ollama.com</a>."
            )
            self.models_button.hide()
        else:
            self.text.setText(
                "<b>No language model is installed in Ollama yet.</b> Answers are the best passages until"
                " you pull one: open Models to pull a recommended model."
            )
            self.models_button.show()
        self.show()


class WelcomePane(QWidget):
    """Signals:
    add_requested(): the user wants to add a first folder.
    samples_requested(): the user wants to try Kenning on the bundled sample documents.
    """

    add_requested = Signal()
    samples_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>Welcome to Kenning</h2>", self)
        body = QLabel(
            "Ask questions of your own documents, privately, on this computer.<br><br>"
            "Add a folder of PDFs, Word files, web pages, Markdown or text. Kenning keeps an index of it"
            " up to date and answers with the exact passages it used. Nothing leaves this machine.",
            self,
        )
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton("Add a folder…", self)
        button.setDefault(True)
        button.clicked.connect(self.add_requested.emit)
        samples = QPushButton("Try it with the sample documents", self)
        samples.setFlat(True)
        samples.setCursor(Qt.CursorShape.PointingHandCursor)
        font = samples.font()
        font.setUnderline(True)
        samples.setFont(font)
        samples.clicked.connect(self.samples_requested.emit)
        hint = QLabel("…or drop a folder onto this window.", self)
        hint.setProperty("role", "muted")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setMinimumWidth(360)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(body)
        column.addSpacing(8)
        column.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(hint)
        column.addWidget(samples, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(column, 4)
        layout.addStretch(1)


def open_how_to_start(parent: QWidget, host: str) -> None:
    """A window-modal note: where Kenning looks for Ollama and how to start or install it."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setWindowTitle("Start Ollama — Kenning")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"Kenning answers with a local model served by Ollama at {host}."
        f"<br><br>{how_to_start()}<br><br>Not installed yet? Download it from"
        f" <a href='{INSTALL_URL}'>ollama.com</a>, then pull a model from the Models menu."
    )
    box.open()
