"""The main window's size and place, kept across restarts in the config dir (not the registry)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from kenning import paths

DEFAULT_SIZE = (1280, 800)


def _store() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def restore_geometry(window: QWidget) -> None:
    saved = _store().value("geometry")
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        window.restoreGeometry(saved)
    else:
        window.resize(*DEFAULT_SIZE)


def save_geometry(window: QWidget) -> None:
    _store().setValue("geometry", window.saveGeometry())
