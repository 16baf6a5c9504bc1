"""`kenning` / `kenning gui`: start the desktop app."""

from __future__ import annotations

import argparse

from kenning import paths
from kenning.core.settings import apply_env
from kenning.core.settings_file import read_settings


def run(args: argparse.Namespace) -> int:
    from kenning.ui.app import run as run_app  # Qt only loads for the window, never for the CLI

    loaded = read_settings(paths.settings_file())
    settings = loaded.settings
    settings.ollama = apply_env(settings.ollama)
    issues = [issue.message for issue in loaded.issues]
    return run_app(paths.data_dir(args.data_dir), settings, scheme=args.theme, settings_issues=issues)
