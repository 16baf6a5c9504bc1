"""An answer the user liked goes into their test set with one click, and the Evaluate tab lists it;
a question can also be written by hand there, with its source picked from the indexed files."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from tests.fakes.fake_ollama import FakeOllama
from tests.gui.test_main_window import (
    QUESTION,
    OpenWindow,
    answered_window,
    docs,
    open_window,
)

from kenning.core.domain.answers import Answer, AnswerStatus
from kenning.ui.chat_panel import ChatPanel

__all__ = ["docs", "open_window"]  # fixtures shared with the main window tests


def test_add_an_answer_to_the_test_set_then_write_one_in_the_evaluate_tab(
    qtbot: QtBot, open_window: OpenWindow, docs: Path, fake_ollama: FakeOllama, tmp_path: Path
) -> None:
    window, answer = answered_window(qtbot, open_window, docs, fake_ollama)
    panel = window.chat_panel
    assert "Add to test set" in panel.transcript.toPlainText() and "addset:0" in panel.transcript.toMarkdown()

    with qtbot.waitSignal(window.test_sets.added, timeout=20_000) as done:
        panel.transcript.anchorClicked.emit(QUrl("addset:0"))
    test_set = tmp_path / "data" / "evals" / "my-questions.jsonl"
    assert done.args[0].added and done.args[0].path == test_set
    assert "✓ in test set my-questions.jsonl" in panel.transcript.toPlainText()
    assert panel.notice.isVisible() and str(test_set) in panel.notice.text()
    [row] = [json.loads(line) for line in test_set.read_text(encoding="utf-8").splitlines()]
    cited = Path(answer.sources[answer.citations[0].n - 1].path)
    assert row["question"] == QUESTION and row["sources"] == [cited.name] and row["kind"] == "answerable"

    window.modes.setCurrentIndex(3)
    view = window.evaluate
    assert view is not None
    qtbot.waitUntil(lambda: view.set_questions == [QUESTION], timeout=20_000)
    assert view.test_set == test_set and view.table.item(0, 0).text() == QUESTION
    assert view.table.item(0, 1).text() == cited.name and view.run_button.isEnabled()

    dialog = view.open_new_question()
    qtbot.waitUntil(lambda: dialog.source.count() >= 5, timeout=20_000)
    dialog.add_button.click()  # nothing typed: the dialog says what is missing and stays open
    assert dialog.isVisible() and "Write the question first" in dialog.error.text()
    dialog.question.setText("How do I switch off .htaccess files?")
    dialog.source.setEditText("apache-htaccess-howto.html")
    dialog.evidence.setText("AllowOverride None")
    with qtbot.waitSignal(view.set_loaded, timeout=20_000):
        dialog.add_button.click()
    qtbot.waitUntil(lambda: len(view.set_questions) == 2, timeout=20_000)
    assert view.table.item(1, 1).text() == "apache-htaccess-howto.html"
    written = json.loads(test_set.read_text(encoding="utf-8").splitlines()[1])
    assert written["id"] == "my002" and written["evidence"] == "AllowOverride None"


def test_a_not_found_answer_is_added_as_unanswerable_only_after_the_user_confirms(qtbot: QtBot) -> None:
    panel = ChatPanel()
    qtbot.addWidget(panel)
    answer = Answer("Who painted the chapel ceiling?", AnswerStatus.NOT_FOUND, "Not in your documents.")
    panel.show_conversation([answer])
    assert "Add to test set as unanswerable" in panel.transcript.toPlainText()
    asked: list[tuple[Answer, bool]] = []
    panel.add_to_set.connect(lambda a, unanswerable: asked.append((a, unanswerable)))

    panel.transcript.anchorClicked.emit(QUrl("addset:0"))
    box = panel.findChild(QMessageBox)
    assert box is not None and box.isVisible() and "really not hold" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert asked == []

    panel.transcript.anchorClicked.emit(QUrl("addset:0"))
    panel.confirm_unanswerable.button(QMessageBox.StandardButton.Yes).click()
    assert asked == [(answer, True)]
