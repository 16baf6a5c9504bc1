"""Every path Kenning uses comes from here, so tests and `--data-dir` can redirect them all."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Kenning"
DATA_DIR_ENV = "KENNING_DATA_DIR"
CONFIG_DIR_ENV = "KENNING_CONFIG_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else `KENNING_DATA_DIR`, else the platform's user data dir."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get(CONFIG_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def index_dir(data: Path) -> Path:
    return data / "index"


def ocr_dir(data: Path) -> Path:
    """OCR results (text and word boxes) by content hash, outside the index so a rebuild keeps them."""
    return data / "ocr"


def attached_file(data: Path) -> Path:
    """The shared indexes attached read-only beside the user's own (names and addresses)."""
    return data / "attached.json"


def models_dir(data: Path) -> Path:
    """Derived model files, e.g. the embedding model converted for OpenVINO (rebuilt when missing)."""
    return data / "models"


def log_dir(data: Path) -> Path:
    return data / "logs"


def traces_file(data: Path) -> Path:
    return data / "traces.sqlite3"


def summaries_file(data: Path) -> Path:
    """Whole-document summaries and comparisons by content hash, model and kind."""
    return data / "summaries.sqlite3"


def conversations_file(data: Path) -> Path:
    return data / "conversations.sqlite3"


def folders_file(data: Path) -> Path:
    return data / "folders.json"


def resources_dir() -> Path:
    """resources/ beside the source tree, or inside a frozen bundle."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def bundled_reference_prices_file() -> Path:
    return resources_dir() / "reference_prices.toml"


def reference_prices_override_file() -> Path:
    """The user's edited copy of the price table (Settings writes it; the bundle stays read-only)."""
    return config_dir() / "reference_prices.toml"


def reference_prices_file() -> Path:
    """The user's copy when there is one, else the table shipped with Kenning."""
    override = reference_prices_override_file()
    return override if override.is_file() else bundled_reference_prices_file()
