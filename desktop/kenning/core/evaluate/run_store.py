"""Each evaluation run kept as one JSON file, with the settings, models and index it ran against."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Any

from kenning.core.evaluate.runner import EvalReport


def save_run(runs_dir: Path, report: EvalReport, *, test_set: Path, context: dict[str, Any]) -> Path:
    """Write the run (readable by the owner only) and return its file; names sort by time."""
    runs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = time.time()
    path = _free_name(runs_dir, now, test_set.stem)
    document = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "test_set": str(test_set),
        "with_model": report.with_model,
        "cancelled": report.cancelled,
        "context": context,
        "totals": report.totals,
        "questions": [dataclasses.asdict(r) for r in report.results],
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def _free_name(runs_dir: Path, now: float, stem: str) -> Path:
    """`<UTC time to the millisecond>-<set>.json`, a later millisecond if taken: two runs finished within
    one second (a small set on a fast machine) must not overwrite each other, and names still sort by time."""
    seconds, millis = int(now), int(now % 1 * 1000)
    while True:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(seconds)) + f".{millis:03d}"
        path = runs_dir / f"{stamp}-{stem}.json"
        if not path.exists():
            return path
        seconds, millis = (seconds + 1, 0) if millis == 999 else (seconds, millis + 1)


def list_runs(runs_dir: Path) -> list[Path]:
    return sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []


def load_run(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
