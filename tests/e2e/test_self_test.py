"""`kenning --self-test`: the installation check that also runs inside the frozen build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kenning.cli.self_test import run_self_test


def test_self_test_passes_and_prints_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "kenning", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("self-test ok in ")
    steps = ("indexed 6 files", "search top hit 'mod_expires reference.docx'", "extractive answer", "window")
    for step in steps:
        assert step in lines[0]
    assert not (tmp_path / ".local" / "share" / "Kenning").exists(), "the user's data dir was touched"


def test_a_failing_step_is_named(tmp_path: Path) -> None:
    passed, line = run_self_test(with_window=False, sample_docs=tmp_path / "missing")
    assert not passed
    assert line.startswith("self-test FAILED at step 'setup'")


@pytest.mark.slow
def test_a_search_that_finds_nothing_fails_the_search_step(tmp_path: Path) -> None:
    empty = tmp_path / "docs"
    empty.mkdir()
    passed, line = run_self_test(with_window=False, sample_docs=empty)
    assert not passed
    assert line == "self-test FAILED at step 'search': SelfTestFailed: the search found nothing"


def test_the_window_step_alone_can_capture_the_window(tmp_path: Path) -> None:
    shot = tmp_path / "shots" / "window.png"
    passed, line = run_self_test(only=["window"], screenshot=shot)
    assert passed, line
    assert line.startswith("self-test ok in ") and "index" not in line
    assert shot.read_bytes().startswith(b"\x89PNG")
