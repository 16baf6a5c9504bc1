"""`kenning --self-test`: prove an installation works, offline, without touching the user's data.

In a temporary data dir it indexes the bundled sample documents, searches them, answers a question
in extractive mode (no language model), then opens the main window offscreen and closes it. It
prints one line: a summary and exit 0, or the step that failed and why, and exit 1. The same
command runs from a source checkout and from the frozen (PyInstaller) build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kenning import paths
from kenning.cli.output import say, warn
from kenning.core.settings import Settings
from kenning.core.workspace import Workspace

QUESTION = "How long may a browser cache an image?"
EXPECTED_SOURCE = "mod_expires"  # the sample document that answers QUESTION
WINDOW_TIMEOUT_S = 30.0


@dataclass
class _Run:
    data_dir: Path
    docs: Path
    workspace: Workspace
    screenshot: Path | None = None
    notes: list[str] = field(default_factory=list)


class SelfTestFailed(Exception):
    """A step ran but its result was wrong."""


def _index(run: _Run) -> str:
    from kenning.core.domain.documents import SyncFinished

    expected = sum(1 for p in run.docs.iterdir() if p.is_file())
    report = None
    for event in run.workspace.indexer.sync([str(run.docs)]):
        if isinstance(event, SyncFinished):
            report = event.report
    if report is None:
        raise SelfTestFailed("the indexer finished without a report")
    if report.errors or report.indexed != expected:
        problems = "; ".join(f"{Path(e.path).name}: {e.reason}" for e in report.errors)
        raise SelfTestFailed(
            f"indexed {report.indexed} of {expected} sample files ({problems or 'no error reported'})"
        )
    return f"indexed {report.indexed} files ({report.chunks_added} chunks)"


def _search(run: _Run) -> str:
    result = run.workspace.retriever.search(QUESTION, k=5)
    if not result.hits:
        raise SelfTestFailed("the search found nothing")
    top = [Path(h.path).name for h in result.hits[:3]]
    if not any(EXPECTED_SOURCE in name for name in top):
        raise SelfTestFailed(f"expected {EXPECTED_SOURCE} in the top 3 hits, got {top}")
    return f"search top hit {top[0]!r} in {result.timings_ms.get('total', 0):.0f} ms"


def _answer(run: _Run) -> str:
    from kenning.core.domain.answers import AnswerStatus, Done

    answer = None
    for event in run.workspace.answerer(use_model=False).ask(QUESTION):
        if isinstance(event, Done):
            answer = event.answer
    if answer is None:
        raise SelfTestFailed("the answerer finished without an answer")
    if answer.status is not AnswerStatus.EXTRACTIVE or not answer.sources or not answer.text.strip():
        raise SelfTestFailed(f"expected an extractive answer with sources, got {answer.status.value}")
    return f"extractive answer from {len(answer.sources)} sources"


def _window(run: _Run) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kenning.ui.smoke import open_and_close_main_window  # Qt only here: the other steps stay Qt-free

    if run.screenshot is None:
        title = open_and_close_main_window(run.data_dir, timeout_s=WINDOW_TIMEOUT_S)
        return f"window {title!r} opened and closed"
    from kenning.cli.window_capture import capture_first_window

    with capture_first_window(run.screenshot):
        title = open_and_close_main_window(run.data_dir, timeout_s=WINDOW_TIMEOUT_S)
    return f"window {title!r} opened, captured to {run.screenshot} and closed"


STEPS: list[tuple[str, Callable[[_Run], str]]] = [
    ("index", _index),
    ("search", _search),
    ("answer", _answer),
    ("window", _window),
]


def run_self_test(
    *,
    with_window: bool = True,
    sample_docs: Path | None = None,
    screenshot: Path | None = None,
    only: Sequence[str] = (),
) -> tuple[bool, str]:
    """Run every step; (passed, one-line summary). Never raises for a failing step."""
    started = time.perf_counter()
    docs = sample_docs or paths.resources_dir() / "sample-docs"
    data_dir = Path(tempfile.mkdtemp(prefix="kenning-self-test-"))
    # Built from defaults, not the user's settings file: the test must not depend on what they chose.
    workspace = Workspace(data_dir=data_dir, settings=Settings())
    run = _Run(data_dir=data_dir, docs=docs, workspace=workspace, screenshot=screenshot)
    steps = [(n, f) for n, f in STEPS if (with_window or n != "window") and (not only or n in only)]
    try:
        if not docs.is_dir():
            return False, f"self-test FAILED at step 'setup': no sample documents at {docs}"
        for name, step in steps:
            step_started = time.perf_counter()
            try:
                detail = step(run)
            except Exception as exc:  # any failure is reported as this step's; the caller exits 1
                reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                return False, f"self-test FAILED at step {name!r}: {type(exc).__name__}: {reason}"
            run.notes.append(f"{detail} ({time.perf_counter() - step_started:.1f} s)")
    finally:
        run.workspace.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    total = time.perf_counter() - started
    return True, f"self-test ok in {total:.1f} s: " + "; ".join(run.notes)


def run(*, screenshot: Path | None = None, only: Sequence[str] = ()) -> int:
    """`only` names steps to run alone (the cold-start benchmark times `window` by itself)."""
    unknown = set(only) - {name for name, _ in STEPS}
    if unknown:
        warn(
            f"self-test: no step named {', '.join(sorted(unknown))}; steps: {', '.join(n for n, _ in STEPS)}"
        )
        return 2
    passed, line = run_self_test(screenshot=screenshot, only=only)
    if passed:
        say(line)
        return 0
    warn(line)
    return 1
