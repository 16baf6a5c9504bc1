"""Time from launching `kenning gui` to the window on screen (target: under 2 s on this machine).

Runs the real command in a fresh process each time, with an empty data dir, and prints the median
and worst of several launches. The app prints a line once its window has been shown (the first
turn of the event loop after `show()`), and says whether torch, sentence-transformers or LanceDB
were already imported at that moment (they must not be: they load after the window is up).

    .venv/bin/python tests/bench/bench_window_start.py [--runs 5] [--command "dist/kenning/kenning"]
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 2.0


def launch(command: list[str], data_dir: str) -> tuple[float, str]:
    env = dict(
        os.environ, KENNING_STARTUP_PROBE="1", QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen")
    )
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "gui", "--data-dir", data_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    shown = time.perf_counter() - started
    proc.wait(timeout=60)
    if "window shown" not in line:
        raise SystemExit(
            f"the app did not report its window: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    return shown, line.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--command", default=f"{sys.executable} -m kenning", help="how to start Kenning")
    args = parser.parse_args()
    command = shlex.split(args.command)
    times: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir:
        launch(command, data_dir)  # the first launch warms the OS file cache; not counted
        for _ in range(args.runs):
            seconds, line = launch(command, data_dir)
            times.append(seconds)
    median = statistics.median(times)
    print(f"launch → window shown: median {median:.2f} s, worst {max(times):.2f} s over {args.runs} runs")
    print(f"  {line}")
    verdict = "met" if median < TARGET_S else "MISSED"
    print(f"  target {TARGET_S:.1f} s: {verdict} (ratio {median / TARGET_S:.2f})")


if __name__ == "__main__":
    main()
