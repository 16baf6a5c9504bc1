"""Options work wherever the user puts them: before the command, after it, or with no command."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kenning.cli import gui_command, status_command
from kenning.cli.main import main


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[argparse.Namespace]:
    """The window and `status` record how they were asked to start instead of starting."""
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr(gui_command, "run", lambda args: calls.append(args) or 0)
    monkeypatch.setattr(status_command, "run", lambda args: calls.append(args) or 0)
    return calls


def test_no_command_opens_the_window_with_the_data_dir_given(
    opened: list[argparse.Namespace], tmp_path: Path
) -> None:
    assert main(["--data-dir", str(tmp_path), "--theme", "dark"]) == 0
    assert opened[0].command == "gui"
    assert opened[0].data_dir == str(tmp_path)
    assert opened[0].theme == "dark"


def test_options_before_the_command_reach_it(opened: list[argparse.Namespace], tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path / "a"), "--json", "status"]) == 0
    assert main(["status", "--data-dir", str(tmp_path / "b")]) == 0
    assert main(["--data-dir", str(tmp_path / "c"), "gui"]) == 0
    assert [(a.command, a.data_dir, a.json if a.command == "status" else None) for a in opened] == [
        ("status", str(tmp_path / "a"), True),
        ("status", str(tmp_path / "b"), False),
        ("gui", str(tmp_path / "c"), None),
    ]


def test_an_unknown_option_is_a_usage_error(opened: list[argparse.Namespace]) -> None:
    assert main(["--no-such-option"]) == 2
    assert main(["status", "--no-such-option"]) == 2
    assert opened == []


def test_every_command_is_recognised_as_a_command_not_a_window_option() -> None:
    from kenning.cli.main import _parser

    names = _parser().command_names
    assert {"index", "search", "ask", "eval", "calibrate", "mcp", "serve", "status", "watch", "gui"} <= names
