"""`kenning serve` as a subprocess: started on a free port, ready once it prints its address line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def kenning_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a `python -m kenning` child: this checkout's code first on the path, and
    no system keyring (a test must neither read the user's access token nor store one)."""
    path = os.pathsep.join(p for p in [str(REPO / "desktop"), os.environ.get("PYTHONPATH", "")] if p)
    isolated = {"PYTHONPATH": path, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    return {**os.environ, **isolated, **(extra or {})}


def kenning(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args],
        capture_output=True,
        text=True,
        env=kenning_env(env),
        timeout=600,
    )


@contextmanager
def served(*args: str, env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Run `kenning serve --port 0 --json ARGS`; yield the address it announces, stop it after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kenning", "serve", "--port", "0", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=kenning_env(env),
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        line = process.stdout.readline()  # blocks until the server has bound its socket (or died)
        if not line:
            raise AssertionError(f"kenning serve exited {process.wait()}: {process.stderr.read()}")
        yield json.loads(line)
    finally:
        process.terminate()
        process.communicate(timeout=60)
