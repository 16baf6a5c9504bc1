"""The theme forces light or dark, follows the OS in "auto", and its named colours follow the palette."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from kenning.ui import theme


@pytest.fixture
def restore_look(qapp):  # type: ignore[no-untyped-def]
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    yield qapp
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    if style:
        qapp.setStyle(style)


def test_forced_schemes_set_palette_and_named_colours(restore_look) -> None:  # type: ignore[no-untyped-def]
    app: QApplication = restore_look
    theme.apply_theme(app, "dark")
    assert theme.is_dark()
    dark_accent = theme.accent().name()
    assert app.palette().color(QPalette.ColorRole.Highlight).name() == dark_accent
    assert 'QLabel[role="warning"]' in app.styleSheet()
    theme.apply_theme(app, "light")
    assert not theme.is_dark()
    assert theme.accent().name() != dark_accent
    assert theme.warning_bg().lightness() > 200
    assert len(theme.series_colours()) >= 2


def test_auto_follows_the_os_scheme(restore_look) -> None:  # type: ignore[no-untyped-def]
    theme.apply_theme(restore_look, "auto")
    os_dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    assert theme.is_dark() == os_dark


def test_unknown_scheme_is_refused(restore_look) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="scheme must be one of"):
        theme.apply_theme(restore_look, "sepia")
