"""A new embedding model or chunking: say how long the rebuild takes, build it in the background
while the current index keeps answering, let the user cancel, and switch over when it is ready."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from kenning.core.domain.documents import FileDone
from kenning.core.settings import Settings
from kenning.ui.indexing import IndexProgress, ProgressMeter
from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle, TaskRunner

if TYPE_CHECKING:
    from kenning.core.evaluate.pre_swap import PreSwapCheck
    from kenning.core.index.reindex import Reindexer, ReindexPlan


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(1, round(seconds))} seconds"
    if seconds < 5400:
        return f"about {round(seconds / 60)} minutes"
    return f"about {seconds / 3600:.1f} hours"


class ReindexFlow(QObject):
    """Signals:
    progress(IndexProgress | None): files rebuilt so far; None when the rebuild stops.
    swapped(Settings): the new index is in place and these settings now apply.
    failed(UserMessage): the rebuild could not be planned or run.
    checked(PreSwapCheck, SwapDecision): the test set ran on both indexes before the swap.
    kept(): the user chose the current index over the rebuilt one.
    """

    progress = Signal(object)
    swapped = Signal(object)
    failed = Signal(object)
    checked = Signal(object, object)
    kept = Signal()

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = TaskRunner(self, threads=1)  # its own thread: the watcher keeps the writer's
        self._task: TaskHandle | None = None
        self._meter = ProgressMeter()

    @property
    def running(self) -> bool:
        return self._task is not None and self._task.running

    def offer(self, parent: QWidget, settings: Settings) -> None:
        """Plan the rebuild in the background, then ask before starting it."""
        data_dir = self._services.data_dir

        def plan(cancel: threading.Event) -> tuple[Reindexer, ReindexPlan]:
            from kenning.core.index.reindex import Reindexer
            from kenning.core.workspace import Workspace

            reindexer = Reindexer(Workspace(data_dir=data_dir, settings=settings))
            return reindexer, reindexer.plan()

        self._runner.submit(
            "plan rebuild",
            plan,
            on_done=lambda result: self._ask(parent, settings, *result),
            on_error=lambda exc: self.failed.emit(self._services.message_for(exc)),
        )

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _ask(self, parent: QWidget, settings: Settings, reindexer: Reindexer, plan: ReindexPlan) -> None:
        if not plan.reason or plan.files == 0:
            self.swapped.emit(settings)  # nothing indexed yet, or nothing that depends on the change
            return
        box = QMessageBox(parent)
        box.setWindowTitle("Rebuild the index — Kenning")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(f"Your index needs rebuilding because {plan.reason}.")
        box.setInformativeText(
            f"{plan.files} files ({plan.chunks} passages) will be embedded again: "
            f"{duration_text(plan.estimated_s)} on this computer. Kenning keeps answering from the "
            "current index meanwhile and switches over when the new one is ready. You can cancel at "
            "any time; the current index stays as it is."
        )
        start = box.addButton("Rebuild now", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(start)
        box.buttonClicked.connect(
            lambda button: self._start(reindexer, settings) if button is start else None
        )
        box.open()

    def _start(self, reindexer: Reindexer, settings: Settings) -> None:
        """Build beside the live index; with a test set, evaluate both before swapping."""
        self._meter = ProgressMeter()
        live = self._services.workspace
        evals_dir = self._services.data_dir / "evals"

        def run(cancel: threading.Event) -> Iterator[Any]:
            from kenning.core.evaluate.pre_swap import check_before_swap, decide, last_test_set
            from kenning.core.index.store import Store
            from kenning.core.workspace import Workspace

            yield from reindexer.build(cancel)
            test_set = last_test_set(evals_dir)
            rebuilt = reindexer.workspace
            if cancel.is_set():
                return None
            if test_set is None or live is None or not isinstance(rebuilt, Workspace):
                yield from reindexer.swap(cancel)  # no test set: as before, switch when ready
                return None
            staging = Store(reindexer.next_dir, build_id=rebuilt.build_id)
            check = check_before_swap(
                test_set, live.evaluation_parts(), rebuilt.evaluation_parts(staging), cancel=cancel
            )
            decision = decide(check, auto_swap_when_no_worse=settings.index.auto_swap_when_no_worse)
            yield check, decision
            if decision == "swap":
                yield from reindexer.swap(cancel)
            return None

        self.progress.emit(IndexProgress((), 0, 0, 0.0, None))
        self._task = self._runner.submit(
            "rebuild index",
            run,
            on_progress=lambda event: self._on_event(event, settings, reindexer),
            on_done=lambda _: self._on_stopped(),
            on_error=self._on_error,
        )

    def _swap(self, reindexer: Reindexer, settings: Settings) -> None:
        def run(cancel: threading.Event) -> Iterator[Any]:
            return reindexer.swap(cancel)

        self.progress.emit(IndexProgress((), 0, 0, 0.0, None))
        self._task = self._runner.submit(
            "switch index",
            run,
            on_progress=lambda event: self._on_event(event, settings, reindexer),
            on_done=lambda _: self._on_stopped(),
            on_error=self._on_error,
        )

    def _on_checked(
        self, check: PreSwapCheck, decision: str, reindexer: Reindexer, settings: Settings
    ) -> None:
        self.checked.emit(check, decision)
        if decision == "swap":
            return
        from kenning.ui.pre_swap_dialog import PreSwapDialog

        parent = self.parent()
        self.dialog = PreSwapDialog(check, parent if isinstance(parent, QWidget) else None)
        self.dialog.chosen.connect(lambda yes: self._swap(reindexer, settings) if yes else self.kept.emit())
        self.dialog.open()

    def _on_event(self, event: object, settings: Settings, reindexer: Reindexer) -> None:
        from kenning.core.index.reindex import ReindexSwapped

        if isinstance(event, tuple):
            check, decision = event
            self._on_checked(check, decision, reindexer, settings)
        elif isinstance(event, FileDone) and event.total:
            self.progress.emit(self._meter.progress((), event))
        elif isinstance(event, ReindexSwapped):
            self.swapped.emit(settings)

    def _on_stopped(self) -> None:
        self._task = None
        self.progress.emit(None)

    def _on_error(self, exc: BaseException) -> None:
        self._on_stopped()
        self.failed.emit(self._services.message_for(exc))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the rebuild and wait for it; False when it did not stop in time."""
        return self._runner.shutdown(timeout_ms)
