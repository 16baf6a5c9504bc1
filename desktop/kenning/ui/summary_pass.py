"""With `[summaries] background` on, each finished sync is followed by a pass that indexes a summary
passage for every document that has none (on a reader thread; the model answers questions meanwhile
when it can). Off, or without a running model, nothing happens: the next sync tries again.

Signals:
    finished(int): summaries added by one pass.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle


class BackgroundSummaries(QObject):
    finished = Signal(int)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._task: TaskHandle | None = None

    def on_synced(self, _report: Any = None) -> None:
        services = self._services
        workspace = services.workspace
        if not services.settings.summaries.background or workspace is None:
            return
        if not services.ollama_state.running or (self._task is not None and self._task.running):
            return

        def work(cancel: threading.Event) -> int:
            from kenning.core.answer.summary_passages import add_summary_passages

            whole = workspace.whole_document()
            added = 0
            for event in add_summary_passages(whole, workspace.store, workspace.embedder, cancel):
                added += event.added
            return added

        self._task = services.readers.submit("document summaries", work, on_done=self.finished.emit)
