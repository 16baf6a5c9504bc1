"""The conversation: the transcript with clickable citations, the question box, Send/Stop/Copy."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kenning.core.domain.answers import Answer, AnswerStatus
from kenning.core.domain.documents import Hit
from kenning.ui.error_text import UserMessage
from kenning.ui.question_box import QuestionBox
from kenning.ui.scope_bar import ScopeBar
from kenning.ui.transcript_markdown import (
    PendingTurn,
    parse_add_set_url,
    parse_cite_url,
    parse_rate_url,
    transcript_markdown,
)

RENDER_EVERY_MS = 50  # streamed tokens are drawn at most this often, so long answers stay smooth


class ChatPanel(QWidget):
    """Signals:
    ask(str): the user sent a question.
    stop(): the user pressed Stop or Esc.
    citation_clicked(int, int): turn index and source number of a clicked `[n]`.
    rated(str, int, str): answer id, 1 (👍) or -1 (👎), and the reason given (may be empty).
    add_to_set(Answer, bool): keep this answer's question in the test set; True: as unanswerable
        (a not-found answer the user confirmed the documents do not hold).
    """

    ask = Signal(str)
    stop = Signal()
    citation_clicked = Signal(int, int)
    rated = Signal(str, int, str)
    add_to_set = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._answers: list[Answer] = []
        self.ratings: dict[str, int] = {}  # answer id -> 1 / -1, as shown under each answer
        self.in_sets: dict[str, str] = {}  # question -> the test set (file name) it was added to
        self._pending: PendingTurn | None = None
        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_EVERY_MS)
        self._render_timer.timeout.connect(self._render)

        self.transcript = QTextBrowser(self)
        self.transcript.setOpenLinks(False)
        self.transcript.setAccessibleName("Conversation")
        self.transcript.anchorClicked.connect(self._on_anchor)
        self.transcript.document().setDocumentMargin(14)
        self.transcript.setPlaceholderText("Ask a question: the answer cites the passages it comes from.")

        self.scope_bar = ScopeBar(self)
        self.question = QuestionBox(self)
        self.question.submitted.connect(self._on_submitted)
        self.send_button = QPushButton("Send", self)
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(lambda: self._on_submitted(self.question.toPlainText().strip()))
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("Stop the answer (Esc)")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop.emit)
        self.copy_button = QPushButton("Copy answer", self)
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self._on_copy)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "warning")
        self.notice.hide()

        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addLayout(buttons)
        footer = QHBoxLayout()
        footer.addWidget(self.notice, 1)
        footer.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.transcript, 1)
        layout.addLayout(footer)
        layout.addWidget(self.scope_bar)
        layout.addLayout(row)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self.stop.emit)

    # ---- rendering ---------------------------------------------------------------------------
    def show_conversation(self, answers: list[Answer]) -> None:
        self._answers = list(answers)
        self._pending = None
        self.copy_button.setEnabled(bool(self._answers))
        self.notice.hide()
        self._render()

    def begin_answer(self, question: str) -> None:
        self._pending = PendingTurn(question)
        self.question.clear()
        self.notice.hide()
        self._render()

    def set_sources(self, sources: tuple[Hit, ...]) -> None:
        if self._pending is not None:
            self._pending = PendingTurn(self._pending.question, self._pending.text, len(sources))
            self._schedule()

    def append_token(self, text: str) -> None:
        if self._pending is not None:
            p = self._pending
            self._pending = PendingTurn(p.question, p.text + text, p.sources)
            self._schedule()

    def show_progress(self, done: int, total: int) -> None:
        """A whole-document summary streams no tokens: say how far its model calls have come."""
        if self._pending is not None:
            text = f"Summarising the whole document… {done} of {total} model calls done."
            self._pending = PendingTurn(self._pending.question, text, self._pending.sources)
            self._schedule()

    def finish_answer(self, answer: Answer) -> None:
        self._pending = None
        self._answers.append(answer)
        self.copy_button.setEnabled(True)
        self._render()

    def show_problem(self, message: UserMessage) -> None:
        self._pending = None
        self._show_notice(f"⚠ {message}", "warning")
        self._render()

    def set_busy(self, busy: bool) -> None:
        self.stop_button.setEnabled(busy)
        self.send_button.setEnabled(not busy)

    def set_ready(self, ready: bool, why: str = "") -> None:
        self.question.setEnabled(ready)
        self.send_button.setEnabled(ready)
        self.question.setPlaceholderText(
            why or "Ask about your documents…  (Enter sends, Shift+Enter for a new line)"
        )

    @property
    def answers(self) -> list[Answer]:
        return list(self._answers)

    def _schedule(self) -> None:
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render(self) -> None:
        bar = self.transcript.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        markdown = transcript_markdown(self._answers, self._pending, self.ratings, self.in_sets)
        self.transcript.setMarkdown(markdown)
        if at_bottom or self._pending is not None:
            bar.setValue(bar.maximum())

    # ---- events ------------------------------------------------------------------------------
    def _on_submitted(self, text: str) -> None:
        if text and self.send_button.isEnabled():
            self.ask.emit(text)

    def _on_anchor(self, url: QUrl) -> None:
        target = parse_cite_url(url.toString())
        if target is not None:
            self.citation_clicked.emit(*target)
        rating = parse_rate_url(url.toString())
        if rating is not None and 0 <= rating[0] < len(self._answers):
            self._on_rate(self._answers[rating[0]].trace.id, rating[1])
        turn = parse_add_set_url(url.toString())
        if turn is not None and 0 <= turn < len(self._answers):
            self._on_add_to_set(self._answers[turn])

    def _on_add_to_set(self, answer: Answer) -> None:
        if answer.status is not AnswerStatus.NOT_FOUND:
            self.add_to_set.emit(answer, False)
            return
        box = self.confirm_unanswerable = QMessageBox(  # the gate may be wrong: only the user knows
            QMessageBox.Icon.Question,
            "Add as unanswerable? — Kenning",
            "Do your documents really not hold the answer to this question?\n\n"
            f"“{answer.question}”\n\nIt will be kept in your test set as a question Kenning should refuse.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText("Add as unanswerable")

        def closed(_: int) -> None:
            if box.clickedButton() is yes:
                self.add_to_set.emit(answer, True)

        box.finished.connect(closed)
        box.open()

    def mark_added(self, question: str, test_set: str, message: str) -> None:
        """The question is in the test set `test_set` (a file name) now; `message` says where."""
        self.in_sets[question.strip()] = test_set
        self._show_notice(message, "muted")
        self._render()

    def _show_notice(self, text: str, role: str) -> None:
        self.notice.setProperty("role", role)
        self.notice.style().unpolish(self.notice)  # the style sheet reads the role again
        self.notice.style().polish(self.notice)
        self.notice.setText(text)
        self.notice.show()

    def _on_rate(self, answer_id: str, rating: int) -> None:
        self.ratings[answer_id] = rating
        self._render()
        if rating > 0:
            self.rated.emit(answer_id, rating, "")
            return
        self.reason_dialog = QInputDialog(self)  # optional: Cancel still records the 👎
        self.reason_dialog.setWindowTitle("What was wrong? — Kenning")
        self.reason_dialog.setLabelText("What was wrong with this answer? (optional)")
        self.reason_dialog.setOkButtonText("Save")
        self.reason_dialog.setCancelButtonText("Skip")
        self.reason_dialog.finished.connect(
            lambda result: self.rated.emit(
                answer_id, rating, self.reason_dialog.textValue().strip() if result else ""
            )
        )
        self.reason_dialog.open()

    def _on_copy(self) -> None:
        if self._answers:
            QGuiApplication.clipboard().setText(self._answers[-1].text)
