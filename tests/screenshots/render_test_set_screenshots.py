"""Renders "Add to test set" under an answer and the Evaluate tab's "New question…" form to
resources/screenshots/19-add-to-test-set.png, 20-added-to-test-set.png, 21-new-question.png and
22-evaluate-test-set.png (the set's questions listed before a run).

The real window on a real index of resources/sample-docs, answering through the fake Ollama, as in
render_screenshots.py.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "desktop"), str(REPO)]

from PySide6.QtCore import QUrl  # noqa: E402
from tests.fakes.fake_ollama import FakeOllama  # noqa: E402
from tests.screenshots.render_screenshots import REPLY, open_window, pump, save  # noqa: E402

from kenning.ui.app import application  # noqa: E402
from kenning.ui.theme import apply_theme  # noqa: E402


def main() -> None:
    app = application()
    apply_theme(app, "light")
    work = Path(tempfile.mkdtemp(prefix="kenning-shots-"))
    os.environ["KENNING_CONFIG_DIR"] = str(work / "config")
    fake = FakeOllama(reply=REPLY, token_delay_s=0.0)
    fake.start()
    try:
        docs = work / "Documents"
        shutil.copytree(REPO / "resources" / "sample-docs", docs)
        window = open_window(app, work / "data", fake.url)
        window.indexing.add_folder(str(docs))
        stats = lambda: window.indexing.views[0].stats if window.indexing.views else None  # noqa: E731
        pump(app, lambda: stats() is not None and stats().indexed >= 5 and not window.indexing.busy, 600)
        pump(app, lambda: window.services.ollama_state.running, 20)

        window.chat.ask("What does the dot program draw, and how do I choose the output format?")
        pump(app, lambda: len(window.chat.answers) == 1, 120)
        save(window, "19-add-to-test-set")
        added: list[object] = []
        window.test_sets.added.connect(added.append)
        window.chat_panel.transcript.anchorClicked.emit(QUrl("addset:0"))
        pump(app, lambda: bool(added), 30)
        save(window, "20-added-to-test-set")

        window.modes.setCurrentIndex(3)
        view = window.evaluate
        assert view is not None
        pump(app, lambda: len(view.set_questions) == 1, 30)
        dialog = view.open_new_question()
        pump(app, lambda: dialog.source.count() >= 5, 30)
        dialog.question.setText("How do I switch off .htaccess files for a whole server?")
        dialog.source.setEditText("apache-htaccess-howto.html")
        dialog.evidence.setText("AllowOverride None")
        pump(app, lambda: True)
        save(dialog, "21-new-question")
        dialog.add_button.click()
        pump(app, lambda: len(view.set_questions) == 2, 30)
        save(window, "22-evaluate-test-set")
        window.close()
    finally:
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
