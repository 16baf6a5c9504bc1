"""Before a rebuilt index replaces the live one: run the user's test set on both and decide.

The test set is the one last chosen or run in the Evaluate tab, or added to from an answer
(remembered in the data dir). Both runs are
retrieval and the not-found gate only (no chat model), so the check is quick and needs no Ollama.
"Nothing got worse" means no figure of `compare_runs` moved the wrong way; then the swap may happen
by itself (`index.auto_swap_when_no_worse`); otherwise the user sees both runs and decides.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kenning.core.answer.answerer import Answerer
from kenning.core.evaluate.compare import RunComparison, compare_runs
from kenning.core.evaluate.runner import EvalReport, run_eval
from kenning.core.evaluate.test_set import load_test_set
from kenning.core.search.retriever import Retriever

LOWER_IS_BETTER = frozenset({"answerable_refused"})
_TOLERANCE = 1e-9
_LAST_TEST_SET = "last_test_set.txt"


class SwapDecision(StrEnum):
    SWAP = "swap"  # nothing got worse and the user let Kenning switch by itself
    ASK = "ask"  # show both runs; switch only when the user agrees


@dataclass(frozen=True)
class PreSwapCheck:
    live: dict[str, Any]  # run documents, shaped like saved runs (see `run_store`)
    rebuilt: dict[str, Any]
    comparison: RunComparison

    @property
    def worse_figures(self) -> list[str]:
        return [
            f.name
            for f in self.comparison.figures
            if f.delta is not None
            and (f.delta > _TOLERANCE if f.name in LOWER_IS_BETTER else f.delta < -_TOLERANCE)
        ]

    @property
    def no_worse(self) -> bool:
        return not self.worse_figures


def remember_test_set(evals_dir: Path, test_set: Path) -> None:
    evals_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (evals_dir / _LAST_TEST_SET).write_text(str(test_set), encoding="utf-8")


def last_test_set(evals_dir: Path) -> Path | None:
    """The test set last chosen, run or added to in the app, if it is still there."""
    try:
        path = Path((evals_dir / _LAST_TEST_SET).read_text(encoding="utf-8").strip())
    except OSError:
        return None
    return path if path.is_file() else None


def check_before_swap(
    test_set: Path,
    live: tuple[Retriever, Answerer],
    rebuilt: tuple[Retriever, Answerer],
    *,
    cancel: threading.Event | None = None,
) -> PreSwapCheck:
    questions = load_test_set(test_set)
    runs = [_run(questions, retriever, answerer, cancel, label) for (retriever, answerer), label in
            ((live, "current index"), (rebuilt, "rebuilt index"))]  # fmt: skip
    return PreSwapCheck(runs[0], runs[1], compare_runs(runs[0], runs[1]))


def decide(check: PreSwapCheck, *, auto_swap_when_no_worse: bool) -> SwapDecision:
    return SwapDecision.SWAP if check.no_worse and auto_swap_when_no_worse else SwapDecision.ASK


def _run(
    questions: Any, retriever: Retriever, answerer: Answerer, cancel: threading.Event | None, label: str
) -> dict[str, Any]:
    report: EvalReport | None = None
    for event in run_eval(questions, retriever, answerer, with_model=False, cancel=cancel):
        if isinstance(event, EvalReport):
            report = event
    assert report is not None  # run_eval always ends with its report
    return {
        "at": label,
        "totals": report.totals,
        "questions": [dataclasses.asdict(r) for r in report.results],
        "context": {"index": label},
    }
