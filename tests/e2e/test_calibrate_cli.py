"""`kenning calibrate`: the real model on the bundled samples, every engine this machine offers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def calibrate(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "kenning", "calibrate", "--json", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ), timeout=600)


def test_calibrate_json_lists_engines_and_keeps_a_choice_that_agrees_and_is_faster(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = calibrate("--passages", "24", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    results = {r["engine"]: r for r in document["results"]}
    assert document["results"][0]["engine"] == "fp32" and results["fp32"]["speedup"] == 1.0
    chosen = results[document["chosen"]]
    assert document["chosen"] == "fp32" or (chosen["agrees"] and chosen["speedup"] >= 1.05)
    assert document["in_use"] == document["chosen"] and document["passages"] == 24
    stored = json.loads((data / "embedding_engine.json").read_text())
    assert stored["chosen"] == document["chosen"] and stored["machine"]["model"] == "all-MiniLM-L6-v2"


def test_calibrate_refuses_too_few_passages(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kenning",
            "calibrate",
            "--passages",
            "3",
            "--json",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=600,
    )
    assert done.returncode == 2 and "at least 16" in json.loads(done.stdout)["error"]["message"]
