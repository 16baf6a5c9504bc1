"""Evaluation runs kept on disk: every run is kept, in the order they finished."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kenning.core.evaluate.run_store import list_runs, load_run, save_run
from kenning.core.evaluate.runner import EvalReport


def test_runs_finished_within_one_second_are_all_kept_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "time", lambda: 1_796_000_000.25)  # the same instant, three times
    runs = tmp_path / "evals"
    for hit in (0.5, 0.75, 1.0):
        report = EvalReport(results=[], totals={"hit@5": hit}, with_model=False)
        save_run(runs, report, test_set=tmp_path / "set.jsonl", context={})
    kept = list_runs(runs)
    assert [load_run(path)["totals"]["hit@5"] for path in kept] == [0.5, 0.75, 1.0]
