"""Shared helpers for the benchmark scripts in this folder (not a benchmark itself, not a test).

Every benchmark runs the real `kenning` command as a child process where the target is about the
command (wall clock, peak RSS), with its own temporary config dir so the user's settings never leak
into a measurement, and reads the results with the same `kenning.core` code the app uses.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
DOCS = CORPUS / "docs"
QUESTIONS = CORPUS / "questions.jsonl"

if str(REPO / "desktop") not in sys.path:
    sys.path.insert(0, str(REPO / "desktop"))
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

# The venv's console script, or `python -m kenning` with the same interpreter as a fallback.
KENNING_SCRIPT = Path(sys.executable).with_name("kenning")


@dataclass(frozen=True)
class CommandRun:
    argv: tuple[str, ...]
    returncode: int
    wall_s: float
    peak_rss_mb: float  # the child's own peak resident set (wait4 ru_maxrss)
    user_s: float
    sys_s: float
    stdout: str
    stderr: str
    rss_samples: tuple[tuple[float, float], ...] = ()  # (time.time(), MB) polled from /proc when asked

    def json(self) -> dict[str, Any]:
        try:
            document: dict[str, Any] = json.loads(self.stdout)
        except json.JSONDecodeError as exc:
            raise RuntimeError(
                f"`{' '.join(self.argv)}` printed no JSON (exit {self.returncode}):\n"
                f"{self.stdout[-2000:]}\n{self.stderr[-4000:]}"
            ) from exc
        return document


def bench_env(config_dir: Path) -> dict[str, str]:
    """The child's environment: default settings (fresh config dir), offline model, desktop/ importable."""
    env = dict(os.environ)
    env["KENNING_CONFIG_DIR"] = str(config_dir)
    env.pop("KENNING_DATA_DIR", None)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "desktop"), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
    )
    return env


def kenning_argv(*args: str, python_flags: Sequence[str] = ()) -> list[str]:
    if KENNING_SCRIPT.is_file() and not python_flags:
        return [str(KENNING_SCRIPT), *args]
    return [sys.executable, *python_flags, "-m", "kenning", *args]


def run_command(
    argv: Sequence[str], env: dict[str, str], *, check: bool = True, sample_rss_s: float | None = None
) -> CommandRun:
    """Run a child to completion; wall clock from spawn to reap, peak RSS and CPU from wait4().

    With `sample_rss_s`, a thread also reads the child's VmRSS from /proc at that interval (a timeline).
    """
    samples: list[tuple[float, float]] = []
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=env)
        stop = threading.Event()
        sampler = None
        if sample_rss_s:
            sampler = threading.Thread(
                target=_sample_rss, args=(proc.pid, sample_rss_s, stop, samples), daemon=True
            )
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        stop.set()
        if sampler is not None:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        run = CommandRun(
            argv=tuple(argv),
            returncode=proc.returncode,
            wall_s=wall,
            peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            user_s=usage.ru_utime,
            sys_s=usage.ru_stime,
            stdout=out.read().decode("utf-8", errors="replace"),
            stderr=err.read().decode("utf-8", errors="replace"),
            rss_samples=tuple(samples),
        )
    if check and run.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(argv)}` exited {run.returncode}:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
        )
    return run


def _sample_rss(pid: int, interval: float, stop: threading.Event, out: list[tuple[float, float]]) -> None:
    status = Path(f"/proc/{pid}/status")
    while not stop.wait(interval):
        try:
            text = status.read_text()
        except OSError:
            return
        for line in text.splitlines():
            if line.startswith("VmRSS:"):
                out.append((time.time(), int(line.split()[1]) / 1024))
                break


def kenning_index(
    folder: Path, data_dir: Path, env: dict[str, str], *, sample_rss_s: float | None = None
) -> tuple[CommandRun, dict[str, Any]]:
    argv = kenning_argv("index", str(folder), "--data-dir", str(data_dir), "--json")
    run = run_command(argv, env, sample_rss_s=sample_rss_s)
    return run, run.json()


def copy_files(source: Path, target: Path, limit: int | None) -> list[Path]:
    """Copy `limit` files of `source` keeping the layout: every k-th of the list sorted by relative path.

    Spreading the pick over the sorted list gives a mix of formats; the first N files by name would be
    the big Debian PDFs (`debian/...` sorts first), which makes a "quick" run take many minutes.
    """
    files = sorted(
        (p for p in source.rglob("*") if p.is_file()), key=lambda p: p.relative_to(source).as_posix()
    )
    if limit is not None and 0 < limit < len(files):
        step = len(files) / limit
        files = [files[int((i + 0.5) * step)] for i in range(limit)]
    copied = []
    for path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        copied.append(dest)
    target.mkdir(parents=True, exist_ok=True)
    return copied


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def questions(limit: int | None = None) -> list[str]:
    lines = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [str(q["question"]) for q in lines]
    return texts if limit is None else texts[:limit]


def machine_line() -> str:
    load = os.getloadavg()
    return f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def scratch_dir(keep: Path | None, prefix: str) -> Path:
    """A fresh work folder: the one given (created), or a new temporary one."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return keep
    return Path(tempfile.mkdtemp(prefix=prefix))


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)
