"""Helpers shared by the installer test and the cold-start benchmark: build, run offline, Xvfb."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_PYTHON = ROOT / ".venv-build" / "bin" / "python"
FROZEN = ROOT / "dist" / "kenning" / "kenning"


def build_bundle(*, reuse: bool) -> Path:
    """dist/kenning/kenning, built now unless `reuse` and a build is already there."""
    if reuse and FROZEN.is_file():
        return FROZEN
    if not BUILD_PYTHON.is_file():
        raise FileNotFoundError(f"{BUILD_PYTHON} is missing: run `make installer` once to create it")
    subprocess.run([str(BUILD_PYTHON), "installer/linux/build.py", "--no-tarball"], cwd=ROOT, check=True)
    return FROZEN


def offline_prefix() -> list[str]:
    """A command prefix that runs a program in an empty network namespace (no interface but a
    loopback that is down), or [] where this system does not allow it."""
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        if shutil.which(prefix[0]) and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return []


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment with an empty home and caches, so nothing outside the bundle can help it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "KENNING_"))}
    env.pop("PYTHONPATH", None)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        HF_HOME=str(home / "hf-empty"),
        **extra,
    )
    return env


@contextmanager
def xvfb(size: str = "1280x800x24") -> Iterator[str]:
    """A virtual X screen for the duration; yields its DISPLAY value.

    Xvfb picks a free display and writes its number to `-displayfd` once it accepts clients, so
    the wait is on that write (with a timeout), not on polling for its socket.
    """
    if not shutil.which("Xvfb"):
        raise FileNotFoundError("Xvfb is not installed (apt-get install -y xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 10)
        number = os.read(read_end, 32).decode().strip() if ready else ""
    finally:
        os.close(read_end)
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start within 10 s")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_line(app: subprocess.Popen[str], marker: str, timeout_s: float) -> str:
    """Lines the app prints until one holds `marker` (blocking reads under a deadline), or ""
    when the app exits or the deadline passes first."""
    assert app.stdout is not None
    deadline = time.monotonic() + timeout_s
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([app.stdout], [], [], left)
        if not ready:
            break
        line = app.stdout.readline()
        if not line:  # the app closed its output: it exited
            break
        seen.append(line)
        if marker in line:
            return line
    return ""


def x_window_titles(display: str) -> list[str]:
    """Titles of the windows on an X display (xwininfo, from x11-utils)."""
    done = subprocess.run(
        ["xwininfo", "-root", "-tree"], capture_output=True, text=True, env={**os.environ, "DISPLAY": display}
    )
    titles = []
    for line in done.stdout.splitlines():
        start, end = line.find('"'), line.rfind('"')
        if 0 <= start < end:
            titles.append(line[start + 1 : end])
    return titles
