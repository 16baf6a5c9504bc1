"""Opens the Models, Settings and About dialogs for the main window and applies what they save.

Saved settings take effect at once where that is safe: the Ollama client (host, model, token,
CPU/GPU, context), answer and search settings. Indexing, chunking and the embedding model shape
the index: the main window hands them to a background rebuild (or a restart of the watcher), and
the live index keeps its own settings until then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.secrets import SecretStore, token_secret_name
from kenning.core.settings import OllamaSettings, Settings
from kenning.ui.model_pull import ClientFactory

if TYPE_CHECKING:
    from kenning.ui.service_process import ServiceController
    from kenning.ui.services import AppServices

# Hands settings that shape the index to the main window (a rebuild, or a restart of the watcher).
IndexSettingsSink = Callable[[Settings], None]

# Workspace parts built from settings that can be rebuilt while the app runs (cached properties).
_REBUILT_ON_CHANGE = ("ollama", "retriever")


def client_factory(secrets: SecretStore) -> ClientFactory:
    """Ollama clients with the host's token from the keyring; called on a worker, never the UI thread."""

    def build(settings: OllamaSettings) -> OllamaClient:
        return OllamaClient(settings, token=secrets.get(token_secret_name(settings.host)))

    return build


def _secrets(services: AppServices) -> SecretStore:
    return services.secrets


def apply_settings(services: AppServices, on_index_settings: IndexSettingsSink, settings: Settings) -> None:
    """Use the saved settings from now on; parts that need a restart keep their old values."""
    before = services.settings
    # The live index keeps the model, chunking and ignore rules it was built with until the
    # rebuild (or restart of the watcher) that `apply_index_settings` starts takes over.
    live = replace(settings, index=before.index, chunking=before.chunking, embedding=before.embedding)
    services.settings = live
    workspace = services.workspace
    if workspace is not None:
        workspace.settings = live
        workspace.forget(*_REBUILT_ON_CHANGE)  # rebuilt with the new settings on next use
    on_index_settings(settings)
    services.check_ollama()


def open_models_dialog(window: QWidget, services: AppServices, on_index_settings: IndexSettingsSink) -> None:
    from kenning.ui.models_dialog import ModelsDialog

    dialog = ModelsDialog(services.settings, services.readers, client_factory(_secrets(services)), window)
    dialog.settings_changed.connect(lambda settings: apply_settings(services, on_index_settings, settings))
    dialog.finished.connect(lambda _result: services.check_ollama())  # a pulled model shows at once
    _show(dialog)


def open_settings_dialog(
    window: QWidget,
    services: AppServices,
    on_index_settings: IndexSettingsSink,
    service: ServiceController | None = None,
) -> None:
    from kenning.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(
        services.settings,
        services.readers,
        window,
        secrets=_secrets(services),
        data_dir=services.data_dir,
        read_engine=services.read_engine,
        measure_engine=services.measure_engine,
        service=service,
    )
    dialog.settings_changed.connect(lambda settings: apply_settings(services, on_index_settings, settings))
    _show(dialog)


def open_about_dialog(window: QWidget, services: AppServices) -> None:
    from kenning.ui.about_dialog import AboutDialog

    dialog = AboutDialog(
        services.settings,
        services.readers,
        client_factory(_secrets(services)),
        window,
        read_engine=services.read_engine,
    )
    _show(dialog)


def open_shared_indexes_dialog(window: QWidget, services: AppServices) -> None:
    from kenning.core.workspace import Workspace
    from kenning.ui.shared_indexes_dialog import SharedIndexesDialog

    def workspace() -> Workspace:  # the live one once open; called on a worker
        return services.workspace or Workspace(data_dir=services.data_dir, settings=services.settings)

    def publish(uri: str) -> str:
        done = workspace().publish_to(uri)
        return f"Published {done.files} files ({done.chunks} chunks) to {done.target} in {done.seconds} s."

    def attach(uri: str) -> str:
        info = workspace().attach_index(uri)
        return f'Attached "{info.name}": searches and answers now include its {info.chunks:,} chunks.'

    dialog = SharedIndexesDialog(
        services.readers,
        services.writer,
        list_indexes=lambda: workspace().shared_indexes(),
        publish=publish,
        attach=attach,
        parent=window,
    )
    _show(dialog)


def _show(dialog: QDialog) -> None:
    """Window-modal, deleted when closed (late background results are dropped by `while_alive`)."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
