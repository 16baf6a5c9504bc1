"""Shared option handling: data dir, settings, and the workspace every command works in."""

from __future__ import annotations

import argparse
from pathlib import Path

from kenning import paths
from kenning.core.settings import apply_env, load_settings
from kenning.core.workspace import Workspace

DATA_DIR_HELP = "where the index lives (default: KENNING_DATA_DIR or the user data dir)"


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """`--data-dir` and `--json`, accepted before the command (`top_level`) and after it.

    After it they default to SUPPRESS: argparse copies a subcommand's defaults over the values
    parsed before the command, so `kenning --data-dir D status` would otherwise lose D.
    """
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument("--data-dir", default=default, help=DATA_DIR_HELP)
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="print one JSON document on stdout",
    )


def open_workspace(args: argparse.Namespace) -> Workspace:
    data_dir: Path = paths.data_dir(args.data_dir)
    settings = load_settings(paths.settings_file())
    settings.ollama = apply_env(settings.ollama)  # OLLAMA_HOST beats the file; command-line flags beat both
    return Workspace(data_dir=data_dir, settings=settings)
