"""The desktop app, closed while its work is stuck behind another process's writer lock.

`python -m tests.helpers.close_while_blocked DATA_DIR FOLDER`: opens the window (offscreen) on a data
dir that watches FOLDER; the test holds the index's writer lock from a third process. Once the sync
says it is paused, this asks for an index rebuild (which waits for the same lock, and does not look
at cancellation while it does), prints "paused" and closes the window as the user would. The process
must then end on its own, as `kenning gui` does after its event loop.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from kenning import paths
from kenning.core.settings import Settings
from kenning.core.watch.folder_list import FolderList
from kenning.ui.app import application, build_window, finish


def main(data_dir: Path, folder: str) -> int:
    FolderList(paths.folders_file(data_dir)).add(folder)
    app = application()
    window = build_window(data_dir, Settings())
    closing: list[bool] = []

    def on_paused(reason: str | None) -> None:
        if reason is None or closing:
            return
        closing.append(True)
        window.services.rebuild_index()
        print(f"paused: {reason}", flush=True)
        QTimer.singleShot(0, window.close)

    window.indexing.sync_paused.connect(on_paused)
    return finish(window, app.exec())


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
