"""Shared option handling: data dir, settings, and the workspace every command works in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kenning import paths
from kenning.core.settings import apply_env
from kenning.core.settings_file import read_settings
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
    loaded = read_settings(paths.settings_file())
    for issue in loaded.issues:  # stderr: stdout holds only the command's JSON
        print(f"kenning: settings: {issue.message}", file=sys.stderr)
    settings = loaded.settings
    settings.ollama = apply_env(settings.ollama)  # OLLAMA_HOST beats the file; command-line flags beat both
    return Workspace(data_dir=data_dir, settings=settings)


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="Ollama model to answer with (default: settings)")
    parser.add_argument("--ollama-host", help="Ollama's URL (default: settings or OLLAMA_HOST)")


def apply_model_options(workspace: Workspace, args: argparse.Namespace) -> None:
    """--model and --ollama-host beat the settings file and OLLAMA_HOST."""
    if args.model:
        workspace.settings.ollama.model = args.model
    if args.ollama_host:
        workspace.settings.ollama.host = args.ollama_host
