"""One conversation at a time: asks the core's Answerer in a worker, streams its events as signals,
and keeps every finished answer in the conversation store."""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import QObject, Signal

from kenning.core.domain.answers import Answer, AnswerStatus, Done, Retrieved, Token, Turn
from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle


class ChatController(QObject):
    """Signals:
    conversation_opened(list[Answer]): a conversation was started or loaded (empty for a new chat).
    question_asked(str): a question was sent; an answer is on its way.
    sources_found(tuple[Hit, ...]): retrieval finished for the current question.
    token(str): the next piece of the answer.
    answered(Answer): the final answer (also after Stop, marked incomplete).
    failed(UserMessage): the question could not be answered at all.
    busy_changed(bool): an answer is being produced, or not any more.
    conversations_changed(list[ConversationSummary]): the list of stored conversations changed.
    """

    conversation_opened = Signal(object)
    question_asked = Signal(str)
    sources_found = Signal(object)
    token = Signal(str)
    answered = Signal(object)
    failed = Signal(object)
    busy_changed = Signal(bool)
    conversations_changed = Signal(object)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._running: TaskHandle | None = None
        self.conversation_id: int | None = None
        self.answers: list[Answer] = []

    @property
    def busy(self) -> bool:
        return self._running is not None and self._running.running

    # ---- commands ----------------------------------------------------------------------------
    def ask(self, question: str) -> None:
        question = question.strip()
        workspace = self._services.workspace
        if not question or workspace is None or self.busy:
            return
        state = self._services.ollama_state
        use_model = state.running and bool(state.models)
        history = tuple(
            Turn(a.question, a.text) for a in self.answers[-4:] if a.status == AnswerStatus.ANSWERED
        )
        conversation_id = self.conversation_id
        services = self._services

        def work(cancel: threading.Event) -> Generator[Any, None, int | None]:
            answerer = workspace.answerer(use_model=use_model)
            final: Answer | None = None
            for event in answerer.ask(question, history, cancel=cancel):
                if isinstance(event, Done):
                    final = event.answer
                yield event
            if final is not None:
                store = services.conversations()
                cid = conversation_id if conversation_id is not None else store.start(question)
                store.append(cid, final)
                return cid
            return conversation_id

        self.question_asked.emit(question)
        self._running = self._services.readers.submit(
            "answer", work, on_progress=self._on_event, on_done=self._on_done, on_error=self._on_error
        )
        self.busy_changed.emit(True)

    def stop(self) -> None:
        if self._running is not None:
            self._running.cancel()

    def new_chat(self) -> None:
        self.stop()
        self.conversation_id = None
        self.answers = []
        self.conversation_opened.emit([])

    def open_conversation(self, conversation_id: int) -> None:
        if self.busy:
            return
        services = self._services

        def load(cancel: threading.Event) -> list[Answer]:
            return services.conversations().turns(conversation_id)

        def opened(answers: list[Answer]) -> None:
            self.conversation_id = conversation_id
            self.answers = answers
            self.conversation_opened.emit(answers)

        services.readers.submit("open conversation", load, on_done=opened, on_error=self._on_error)

    def delete_conversation(self, conversation_id: int) -> None:
        services = self._services
        if conversation_id == self.conversation_id:
            self.new_chat()
        services.readers.submit(
            "delete conversation",
            lambda cancel: services.conversations().delete(conversation_id),
            on_done=lambda _: self.refresh_list(),
            on_error=self._on_error,
        )

    def refresh_list(self) -> None:
        services = self._services
        services.readers.submit(
            "list conversations",
            lambda cancel: services.conversations().recent(),
            on_done=self.conversations_changed.emit,
            on_error=self._on_error,
        )

    # ---- events ------------------------------------------------------------------------------
    def _on_event(self, event: object) -> None:
        if isinstance(event, Retrieved):
            self.sources_found.emit(event.sources)
        elif isinstance(event, Token):
            self.token.emit(event.text)
        elif isinstance(event, Done):
            self.answers.append(event.answer)
            self.answered.emit(event.answer)
            if (
                event.answer.status in (AnswerStatus.EXTRACTIVE, AnswerStatus.ERROR)
                and event.answer.next_step
            ):
                self._services.check_ollama()  # the server may have gone away: update the banner

    def _on_done(self, conversation_id: int | None) -> None:
        new = conversation_id is not None and conversation_id != self.conversation_id
        self.conversation_id = conversation_id
        self._running = None
        self.busy_changed.emit(False)
        if new or conversation_id is not None:
            self.refresh_list()

    def _on_error(self, exc: BaseException) -> None:
        if self._running is not None and not self._running.running:
            self._running = None
            self.busy_changed.emit(False)
        self.failed.emit(self._services.message_for(exc))
