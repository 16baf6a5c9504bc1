"""Light and dark looks: Fusion with a full palette, a few named colours, and a small stylesheet.

`apply_theme(app)` follows the operating system's colour scheme and re-applies itself when the
user switches it; `apply_theme(app, "dark")` forces one (screenshots, a user's choice). Widgets
read named colours from here (`accent()`, `muted_text()`, …) at paint time, so they follow too.
Stylesheet roles: a QFrame with property `card=true` (and `selected=true`, or focus, for a chosen
card) or `banner=true`; a QLabel with `role` = "muted", "warning", "error", "title" or "value".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

SCHEMES = ("auto", "light", "dark")

_LIGHT = {
    "window": "#f5f6f8",
    "base": "#ffffff",
    "alt_base": "#f0f2f5",
    "text": "#1d2127",
    "button": "#eceef1",
    "mid": "#c9ced6",
    "accent": "#2f6fdb",
    "accent_text": "#ffffff",
    "muted": "#5d6673",
    "disabled": "#9aa1ab",
    "card": "#ffffff",
    "border": "#d9dde3",
    "warning_bg": "#fff4d6",
    "warning_text": "#6b4a00",
    "error_bg": "#fde7e7",
    "error_text": "#9b1c1c",
    "link": "#1f5fc4",
    "series": "#2f6fdb,#e07a1f,#2e9e6a,#b04cc4,#c43c3c",
}
_DARK = {
    "window": "#1e2126",
    "base": "#16181c",
    "alt_base": "#23272d",
    "text": "#e6e8eb",
    "button": "#2b3038",
    "mid": "#454c57",
    "accent": "#5b9cf5",
    "accent_text": "#0d1117",
    "muted": "#a0a8b4",
    "disabled": "#6b727d",
    "card": "#262a31",
    "border": "#3a404a",
    "warning_bg": "#4a3b12",
    "warning_text": "#ffe08a",
    "error_bg": "#4d1f22",
    "error_text": "#ffb3b3",
    "link": "#7db3ff",
    "series": "#5b9cf5,#f0a050,#4cc38a,#cf7ee0,#f07070",
}


def is_dark() -> bool:
    """Whether the application's current palette is a dark one (works without apply_theme too)."""
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _colours() -> dict[str, str]:
    return _DARK if is_dark() else _LIGHT


def accent() -> QColor:
    return QColor(_colours()["accent"])


def muted_text() -> QColor:
    return QColor(_colours()["muted"])


def border() -> QColor:
    return QColor(_colours()["border"])


def warning_bg() -> QColor:
    return QColor(_colours()["warning_bg"])


def warning_text() -> QColor:
    return QColor(_colours()["warning_text"])


def error_text() -> QColor:
    return QColor(_colours()["error_text"])


def series_colours() -> list[QColor]:
    """Distinct colours for chart series, readable on the current background."""
    return [QColor(c) for c in _colours()["series"].split(",")]


def _palette(c: dict[str, str]) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, key in (
        (role.Window, "window"),
        (role.WindowText, "text"),
        (role.Base, "base"),
        (role.AlternateBase, "alt_base"),
        (role.Text, "text"),
        (role.Button, "button"),
        (role.ButtonText, "text"),
        (role.ToolTipBase, "card"),
        (role.ToolTipText, "text"),
        (role.PlaceholderText, "muted"),
        (role.Highlight, "accent"),
        (role.HighlightedText, "accent_text"),
        (role.Link, "link"),
        (role.Mid, "mid"),
        (role.Midlight, "border"),
        (role.Accent, "accent"),
    ):
        p.setColor(r, QColor(c[key]))
    p.setColor(role.BrightText, QColor("#ffffff"))
    p.setColor(role.Light, QColor(c["card"]).lighter(115))
    p.setColor(role.Dark, QColor(c["mid"]).darker(130))
    p.setColor(role.Shadow, QColor("#000000"))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(c["disabled"]))
    return p


def _stylesheet(c: dict[str, str]) -> str:
    return f"""
QFrame[card="true"] {{
    background: {c["card"]}; border: 1px solid {c["border"]}; border-radius: 8px;
}}
QFrame[card="true"][selected="true"] {{ border: 2px solid {c["accent"]}; }}
QFrame[card="true"]:focus {{ border: 2px solid {c["accent"]}; }}
QFrame[banner="true"] {{
    background: {c["warning_bg"]}; border: 1px solid {c["border"]}; border-radius: 6px;
}}
QFrame[banner="true"] QLabel {{ color: {c["warning_text"]}; }}
QLabel[role="muted"] {{ color: {c["muted"]}; }}
QLabel[role="title"] {{ font-weight: 600; }}
QLabel[role="value"] {{ font-size: 18pt; font-weight: 600; }}
QLabel[role="warning"] {{
    background: {c["warning_bg"]}; color: {c["warning_text"]}; border-radius: 6px; padding: 6px 8px;
}}
QLabel[role="error"] {{
    background: {c["error_bg"]}; color: {c["error_text"]}; border-radius: 6px; padding: 6px 8px;
}}
"""


class _SchemeFollower(QObject):
    """Re-applies the theme when the OS switches between light and dark (only in "auto")."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.scheme = "auto"
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    def _on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.scheme == "auto":
            _apply(QApplication.instance(), "auto")  # type: ignore[arg-type]


_follower: _SchemeFollower | None = None


def _wants_dark(scheme: str) -> bool:
    if scheme == "auto":
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return scheme == "dark"


def _apply(app: QApplication, scheme: str) -> None:
    colours = _DARK if _wants_dark(scheme) else _LIGHT
    app.setPalette(_palette(colours))
    app.setStyleSheet(_stylesheet(colours))


def apply_theme(app: QApplication, scheme: str = "auto") -> None:
    """Fusion with Kenning's palette; "auto" follows the OS, "light" or "dark" forces one."""
    global _follower
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    if _follower is None:
        _follower = _SchemeFollower(app)
    _follower.scheme = scheme
    _apply(app, scheme)
