"""Shared option handling: data dir, settings, and the workspace every command works in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kenning import paths
from kenning.core.settings import apply_env
from kenning.core.settings_file import read_settings
from kenning.core.workspace import Workspace


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", help="where the index lives (default: KENNING_DATA_DIR or the user data dir)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")


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
