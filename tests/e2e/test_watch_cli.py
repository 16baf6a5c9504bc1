"""`kenning watch` as a real subprocess: one JSON line per batch, a clean exit on a real signal."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest
from tests.helpers.lock_holder import LockHolder

pytestmark = pytest.mark.slow

TIMEOUT_S = 90.0
BATCH_KEYS = {"at", "indexed", "removed", "renamed", "errors"}


class Watch:
    def __init__(self, folder: Path, data: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kenning", "watch", str(folder), "--data-dir", str(data), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.stderr: list[str] = []
        self._err_read = 0  # stderr lines before this one were returned by next_line already
        assert self.process.stdout is not None and self.process.stderr is not None
        self.pumps = [
            threading.Thread(target=self._pump, args=(name, stream), daemon=True)
            for name, stream in (("out", self.process.stdout), ("err", self.process.stderr))
        ]
        for pump in self.pumps:
            pump.start()

    def _pump(self, name: str, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                self.lines.put((name, line))

    def next_line(self, stream: str, contains: str = "") -> str:
        if stream == "err":  # a line may have arrived while an earlier call waited for stdout
            for i, line in enumerate(self.stderr[self._err_read :], start=self._err_read):
                if contains in line:
                    self._err_read = i + 1
                    return line
        while True:
            try:
                name, line = self.lines.get(timeout=TIMEOUT_S)
            except queue.Empty:
                raise AssertionError(f"no {stream} line with {contains!r}; stderr: {self.stderr}") from None
            if name == "err":
                self.stderr.append(line)
            if name == stream and contains in line:
                if name == "err":
                    self._err_read = len(self.stderr)
                return line

    def next_batch(self) -> dict[str, Any]:
        batch: dict[str, Any] = json.loads(self.next_line("out"))
        assert batch.keys() >= BATCH_KEYS
        return batch

    def stop(self, signum: int) -> int:
        """Send `signum`, wait for the exit, and return its code; later lines stay readable."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=TIMEOUT_S)
        for pump in self.pumps:
            pump.join(timeout=TIMEOUT_S)
        return code

    def remaining(self, stream: str) -> list[str]:
        left = []
        while not self.lines.empty():
            name, line = self.lines.get_nowait()
            if name == stream:
                left.append(line)
        return left


def test_watch_prints_a_json_line_per_batch_and_stops_on_sigint(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Kites\n\nA kite flies when the wind lifts its sail.")
    watch = Watch(folder, tmp_path / "data")
    try:
        first = watch.next_batch()  # the start-up reconciliation
        assert first["indexed"] == [str(folder / "a.md")]
        watch.next_line("err", "watching 1 folders")

        (folder / "b.md").write_text("# Boats\n\nA boat floats because it displaces water.")
        assert watch.next_batch()["indexed"] == [str(folder / "b.md")]
        os.rename(folder / "b.md", folder / "c.md")
        assert watch.next_batch()["renamed"] == [[str(folder / "b.md"), str(folder / "c.md")]]
        os.remove(folder / "a.md")
        batch = watch.next_batch()
        assert batch["removed"] == [str(folder / "a.md")] and batch["errors"] == []
    finally:
        code = watch.stop(signal.SIGINT)
    assert code == 0, watch.stderr
    assert all(json.loads(line).keys() >= BATCH_KEYS for line in watch.remaining("out"))


def test_watch_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    watch = Watch(folder, tmp_path / "data")
    watch.next_line("err", "watching 1 folders")
    assert watch.stop(signal.SIGTERM) == 0
    assert "stopped\n" in watch.remaining("err")


def test_watch_pauses_while_another_process_indexes_and_then_catches_up(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Kites\n\nA kite flies when the wind lifts its sail.")
    data = tmp_path / "data"
    watch = Watch(folder, data)
    try:
        watch.next_line("err", "watching 1 folders")
        holder = LockHolder(data / "index")  # a long `kenning index` run of another terminal
        try:
            (folder / "b.md").write_text("# Boats\n\nA boat floats because it displaces water.")
            paused = watch.next_line("err", "sync paused")
            assert "Another Kenning process is updating this index" in paused
        finally:
            holder.release()
        (folder / "c.md").write_text("# Canals\n\nA canal lock lifts boats from one level to the next.")
        index_run = subprocess.run(
            [sys.executable, "-m", "kenning", "index", str(folder), "--data-dir", str(data), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert index_run.returncode == 0, index_run.stderr
        watch.next_line("err", "sync resumed")

        (folder / "d.md").write_text("# Dunes\n\nA dune moves as the wind carries its sand.")
        while str(folder / "d.md") not in watch.next_batch()["indexed"]:
            pass
    finally:
        code = watch.stop(signal.SIGINT)
    assert code == 0, watch.stderr
    status = subprocess.run(
        [sys.executable, "-m", "kenning", "status", "--data-dir", str(data), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(status.stdout)["files"] == 4
