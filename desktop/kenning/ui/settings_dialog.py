"""Settings, generated from the schema: a tab per section, a labelled editor per field.

OK checks every value (`settings_problems`), then saves in the background: the settings file,
the Ollama access token (keyring, via SecretStore) and an edited reference-price table (a copy
in the config dir; the bundled one stays as shipped).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kenning import paths
from kenning.core.observe.costs import ReferencePrice
from kenning.core.secrets import SecretStore
from kenning.core.settings import EMBEDDING_ENGINES, Settings
from kenning.core.settings_check import DEVICES, FLAGGED_PASSAGES, settings_problems
from kenning.ui.alive import while_alive
from kenning.ui.banner import ErrorBanner
from kenning.ui.engine_row import EngineRow, MeasureEngines, ReadCalibration
from kenning.ui.prices_table import PricesTable
from kenning.ui.settings_fields import ChoiceEditor, FieldEditor, editor_for, field_label
from kenning.ui.settings_io import SettingsExtras, load_extras, save_all
from kenning.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kenning.ui.service_process import ServiceController
    from kenning.ui.service_section import ServiceSection

SECTION_TITLES = {
    "index": "Indexing",
    "chunking": "Chunking",
    "embedding": "Embedding",
    "search": "Search",
    "ollama": "Ollama",
    "answer": "Answers && costs",
    "watch": "Watching",
    "service": "Service",
    "ocr": "Scans (OCR)",
    "sharing": "Sharing",
}


class SettingsDialog(QDialog):
    """Edits every setting; OK validates, saves and closes.

    Signals:
        settings_changed(Settings): the settings as saved, after OK wrote them.
    """

    settings_changed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        secrets: SecretStore | None = None,
        settings_path: Path | None = None,
        data_dir: Path | None = None,
        read_engine: ReadCalibration | None = None,
        measure_engine: MeasureEngines | None = None,
        service: ServiceController | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self.service_section: ServiceSection | None = None
        self.engine_row: EngineRow | None = None
        self._engine_calls = (read_engine, measure_engine)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._runner = runner
        self._secrets = secrets or SecretStore()
        self._settings_path = settings_path or paths.settings_file()
        self._loaded: SettingsExtras | None = None
        self._prices_edited = False
        self.editors: dict[tuple[str, str], FieldEditor] = {}

        self.error_label = ErrorBanner()
        self.tabs = QTabWidget()
        self._forms: dict[str, QFormLayout] = {}
        for section in dataclasses.fields(Settings):
            if section.name != "version":
                self._add_section(section.name, getattr(settings, section.name))

        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("none: only an Ollama behind a proxy needs one")
        self.token.setEnabled(False)
        self.token.setToolTip("Sent as a bearer token to this Ollama host; kept in the system keyring.")
        self.token_warning = QLabel()
        self.token_warning.setProperty("role", "warning")
        self.token_warning.setWordWrap(True)
        self.token_warning.hide()
        ollama = self._forms["ollama"]
        ollama.addRow(self._label("Access &token", self.token), self.token)
        ollama.addRow("", self.token_warning)
        env_host = os.environ.get("OLLAMA_HOST", "").strip()
        if env_host:  # the environment beats the file at every start: say so where the host is edited
            note = QLabel(f"OLLAMA_HOST is set to {env_host}; it overrides the host saved here.")
            note.setProperty("role", "warning")
            note.setWordWrap(True)
            ollama.insertRow(2, "", note)

        self.prices = PricesTable()
        self.prices.setEnabled(False)
        self.prices.changed.connect(self._on_prices_changed)
        about_prices = QLabel(
            "What the same tokens would cost at a cloud provider, in US dollars per million tokens. "
            "Answers show their cost at the reference model's prices (Answers & costs tab). "
            "Edits are saved as your own copy; Restore Defaults brings back the shipped table."
        )
        about_prices.setWordWrap(True)
        about_prices.setProperty("role", "muted")
        prices_page = QVBoxLayout()
        prices_page.addWidget(about_prices)
        prices_page.addWidget(self.prices, 1)
        self._add_page(prices_page, "Cloud &prices", fill=True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._on_restore_defaults_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)
        if data_dir is not None:
            layout.addLayout(self._data_dir_row(data_dir))
        layout.addWidget(self.buttons)
        self.resize(720, 640)

        host, store = settings.ollama.host, self._secrets
        runner.submit(
            "load settings extras",
            lambda cancel: load_extras(store, host),
            on_done=while_alive(self, self._on_loaded),
            on_error=while_alive(self, self._on_failed),
        )

    # -- building --------------------------------------------------------------------------------

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text + ":")
        label.setBuddy(buddy)
        return label

    def _add_section(self, name: str, values: object) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        choices = {
            ("embedding", "device"): list(DEVICES),
            ("embedding", "engine"): list(EMBEDDING_ENGINES),
            ("answer", "reference_model"): [],
            ("answer", "flagged_passages"): list(FLAGGED_PASSAGES),
            ("watch", "worker"): ["process", "thread"],
        }
        skipped: tuple[str, ...] = ()
        if name == "service" and self._service is not None:
            skipped = self._add_service_section(form, self._settings.service.port)
        for f in dataclasses.fields(values):  # type: ignore[arg-type]
            if f.name in skipped:
                continue
            editor = editor_for(type(values), f, choices.get((name, f.name)))
            editor.set_value(getattr(values, f.name))
            self.editors[(name, f.name)] = editor
            help_text = QLabel(f.metadata.get("help", ""))
            help_text.setProperty("role", "muted")
            help_text.setWordWrap(True)
            if editor.widget.inherits("QCheckBox"):
                form.addRow("", editor.widget)
            else:
                form.addRow(self._label(field_label(f.name), editor.widget), editor.widget)
            form.addRow("", help_text)
        read, measure = self._engine_calls
        if name == "embedding" and read is not None and measure is not None:
            self.engine_row = EngineRow(self._runner, read, measure)
            form.addRow("", self.engine_row)
        self._forms[name] = form
        self._add_page(form, SECTION_TITLES.get(name, name.capitalize()))

    def _add_service_section(self, form: QFormLayout, port: int) -> tuple[str, ...]:
        """The app's own service (switch, port, addresses, token); the fields it covers."""
        from kenning.ui.service_section import ServiceSection

        assert self._service is not None
        self.service_section = ServiceSection(self._service, port)
        self.editors[("service", "port")] = self.service_section.port_editor
        form.addRow(self.service_section)
        heading = QLabel("For the command line (kenning serve):")
        heading.setProperty("role", "muted")
        form.addRow(heading)
        return ("enabled", "port")

    def _add_page(self, content: QFormLayout | QVBoxLayout, title: str, *, fill: bool = False) -> None:
        """A tab whose rows keep their natural height, scrolling when the window is small."""
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(content, 1 if fill else 0)
        if not fill:
            column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, title)

    def _data_dir_row(self, data_dir: Path) -> QHBoxLayout:
        row = QHBoxLayout()
        label = QLabel(f"Data folder: {data_dir}")
        label.setProperty("role", "muted")
        label.setToolTip("Set with --data-dir or the KENNING_DATA_DIR environment variable.")
        open_button = QPushButton("&Open folder")
        open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_dir))))
        row.addWidget(label, 1)
        row.addWidget(open_button)
        return row

    # -- loading ---------------------------------------------------------------------------------

    def _on_loaded(self, loaded: SettingsExtras) -> None:
        self._loaded = loaded
        self.token.setText(loaded.token)
        self.token.setEnabled(True)
        self.token_warning.setText(loaded.secrets_warning)
        self.token_warning.setVisible(bool(loaded.secrets_warning))
        self.prices.set_prices(loaded.prices)
        self.prices.setEnabled(True)
        self._update_reference_choices()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error_label.show_error(exc)

    def _on_prices_changed(self) -> None:
        self._prices_edited = True
        self._update_reference_choices()

    def _update_reference_choices(self) -> None:
        editor = self.editors[("answer", "reference_model")]
        if isinstance(editor, ChoiceEditor):
            editor.set_choices(["", *self.prices.model_names()], "the first model in the table")

    def _on_restore_defaults_clicked(self) -> None:
        defaults = Settings()
        for (section, name), editor in self.editors.items():
            editor.set_value(getattr(getattr(defaults, section), name))
        if self._loaded is not None:
            self.prices.set_prices(self._loaded.bundled_prices)
            self._on_prices_changed()

    # -- saving ----------------------------------------------------------------------------------

    def edited_settings(self) -> Settings:
        """The settings as the editors show them (not checked, not saved)."""
        new = copy.deepcopy(self._settings)
        for (section, name), editor in self.editors.items():
            setattr(getattr(new, section), name, editor.value())
        if self.service_section is not None:  # the switch acts (and is saved) at once: keep it
            new.service.enabled = self.service_section.toggle.isChecked()
        return new

    def _on_ok_clicked(self) -> None:
        new = self.edited_settings()
        try:
            prices = self.prices.prices()
        except ValueError as exc:
            self._show_problems([str(exc)], "prices", None)
            return
        problems = settings_problems(new, reference_models=[p.model for p in prices])
        if problems:
            first = problems[0]
            lines = [
                f"{SECTION_TITLES[p.section].replace('&&', '&')} › {field_label(p.field)}: {p.message}"
                for p in problems
            ]
            self._show_problems(lines, first.section, self.editors.get((first.section, first.field)))
            return
        self.error_label.hide()
        self.buttons.setEnabled(False)
        self._runner.submit(
            "save settings",
            self._save_work(new, prices),
            on_done=while_alive(self, self._on_saved),
            on_error=while_alive(self, self._on_failed),
        )

    def _save_work(
        self, new: Settings, prices: list[ReferencePrice]
    ) -> Callable[[threading.Event], Settings]:
        path, store = self._settings_path, self._secrets
        token: str | None = self.token.text().strip()
        was = self._loaded.token if self._loaded is not None else None
        if was is None or (token == was and new.ollama.host == self._settings.ollama.host):
            token = None  # never loaded, or unchanged: leave the keyring alone
        edited = prices if self._prices_edited else None
        return lambda cancel: save_all(new, path, store=store, token=token, prices=edited)

    def _show_problems(self, lines: list[str], section: str, editor: FieldEditor | None) -> None:
        self.error_label.show_text("Please fix:\n" + "\n".join(f"• {line}" for line in lines))
        tabs = list(self._forms)
        self.tabs.setCurrentIndex(tabs.index(section) if section in tabs else self.tabs.count() - 1)
        if editor is not None:
            editor.widget.setFocus()

    def _on_saved(self, settings: Settings) -> None:
        self.settings_changed.emit(settings)
        self.accept()
