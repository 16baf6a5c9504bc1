""" "Add to test set" under an answer: its question and cited sources become a line of the user's test set.

The set is the one the Evaluate tab uses (or `evals/my-questions.jsonl` in the data dir, made on the
first add). The line is built and written off the UI thread: the watched folders come from the
index, and the file is rewritten whole.

Signals:
    added(AddedRow): the line was added, or was there already.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kenning.core.domain.answers import Answer
from kenning.ui.alive import while_alive
from kenning.ui.chat_panel import ChatPanel
from kenning.ui.services import AppServices

if TYPE_CHECKING:
    from kenning.core.evaluate.set_append import AddedRow


class TestSetAdder(QObject):
    added = Signal(object)
    __test__ = False  # not a pytest class, despite its name

    def __init__(self, services: AppServices, panel: ChatPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._panel = panel
        panel.add_to_set.connect(self.add)

    def add(self, answer: Answer, unanswerable: bool) -> None:
        workspace = self._services.workspace
        if workspace is None:
            return
        evals_dir = self._services.data_dir / "evals"

        def work(cancel: threading.Event) -> AddedRow:
            # Imported here: the evaluate package is not needed to open the window.
            from kenning.core.evaluate.set_append import add_to_current_set
            from kenning.core.evaluate.set_rows import row_from_answer

            roots = {r.root for r in workspace.store.file_records().values() if r.root}
            return add_to_current_set(evals_dir, row_from_answer(answer, roots, unanswerable=unanswerable))

        self._services.readers.submit(
            "add to test set",
            work,
            on_done=while_alive(self._panel, self._on_added),
            on_error=while_alive(self._panel, self._on_failed),
        )

    def _on_added(self, result: AddedRow) -> None:
        row = result.row
        if result.added:
            count = f"{result.questions} question{'s' if result.questions != 1 else ''}"
            message = f"Added to the test set {result.path} as {row['id']} ({count} in it now)."
        else:
            message = f"Already in the test set {result.path} as {row['id']}: not added again."
        self._panel.mark_added(str(row["question"]), result.path.name, message)
        self.added.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._panel.show_problem(self._services.message_for(exc))
