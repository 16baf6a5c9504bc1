"""Closing the window ends the process, even while its work waits for another process's index lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers.lock_holder import REPO, LockHolder

pytestmark = pytest.mark.slow


def test_closing_the_window_ends_the_process_while_work_waits_for_the_index(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Kites\n\nA kite flies when the wind lifts its sail.")
    data = tmp_path / "data"
    holder = LockHolder(data / "index")  # `kenning index` in another terminal, for minutes
    log = tmp_path / "app.err"
    try:
        with log.open("w") as err:
            app = subprocess.Popen(
                [sys.executable, "-m", "tests.helpers.close_while_blocked", str(data), str(folder)],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                cwd=REPO,
            )
            assert app.stdout is not None
            with app.stdout:
                paused = app.stdout.readline()  # the app closes its window right after this line
            try:
                code = app.wait(timeout=60)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
                pytest.fail("the app was still running a minute after its window closed")
    finally:
        holder.release()
    assert paused == "paused: Another Kenning process is updating this index.\n", log.read_text()
    assert code == 0, log.read_text()
