"""One conversation at a time: asks the core's Answerer in a worker, streams its events as signals,
and keeps every finished answer in the conversation store."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

from kenning.core.answer.whole_document import SummaryProgress
from kenning.core.answer.whole_document_prompts import wants_summary
from kenning.core.domain.answers import Answer, AnswerStatus, Done, Retrieved, Token, Turn
from kenning.core.errors import KenningError
from kenning.core.search.scope import Scope
from kenning.ui.services import AppServices
from kenning.ui.tasks import TaskHandle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _NotSaved:
    """The answer was shown but could not be kept in the conversation store (a full disk, say)."""

    error: KenningError


class _Stream:
    """One answer in flight. A chat shows only its own stream: after New chat or a delete the old
    stream finishes (cancelled) on its own, and its late events no longer reach the chat."""


class ChatController(QObject):
    """Signals:
    conversation_opened(list[Answer]): a conversation was started or loaded (empty for a new chat).
    question_asked(str): a question was sent; an answer is on its way.
    sources_found(tuple[Hit, ...]): retrieval finished for the current question.
    token(str): the next piece of the answer.
    answered(Answer): the final answer (also after Stop, marked incomplete).
    failed(UserMessage): the question could not be answered at all.
    busy_changed(bool): an answer is being produced, or not any more.
    summary_progress(int, int): a whole-document summary finished this many of so many model calls.
    conversations_changed(list[ConversationSummary]): the list of stored conversations changed.
    feedback_saved(str): the 👍/👎 for this answer id is stored.
    """

    conversation_opened = Signal(object)
    question_asked = Signal(str)
    sources_found = Signal(object)
    token = Signal(str)
    answered = Signal(object)
    failed = Signal(object)
    busy_changed = Signal(bool)
    summary_progress = Signal(int, int)
    conversations_changed = Signal(object)
    feedback_saved = Signal(str)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._running: TaskHandle | None = None
        self._stream: _Stream | None = None  # the stream this chat shows; None when none or detached
        self._streaming_into: int | None = None  # the conversation that stream's answer belongs to
        self.conversation_id: int | None = None
        self.answers: list[Answer] = []
        self.scope: Scope | None = None  # where the next questions may look; None: everywhere

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
        scope = self.scope
        if use_model and scope is not None and len(scope.documents) == 1 and wants_summary(question):
            self.summarise(scope.documents[0], question)
            return
        history = tuple(
            Turn(a.question, a.text) for a in self.answers[-4:] if a.status == AnswerStatus.ANSWERED
        )

        def events(cancel: threading.Event) -> Iterator[Any]:
            answerer = workspace.answerer(use_model=use_model)
            return answerer.ask(question, history, cancel=cancel, scope=scope)

        self._start(question, events)

    def summarise(self, path: str, question: str = "") -> None:
        """Summarise the whole document at `path` (every chunk, with the model), shown as an answer."""
        workspace = self._services.workspace
        if workspace is None or self.busy:
            return

        def events(cancel: threading.Event) -> Iterator[Any]:
            return workspace.whole_document().summarise(path, cancel)

        self._start(question or f"Summarise {os.path.basename(path)}", events)

    def _start(self, question: str, events: Callable[[threading.Event], Iterator[Any]]) -> None:
        conversation_id = self.conversation_id
        services = self._services

        def work(cancel: threading.Event) -> Generator[Any, None, int | None]:
            final: Answer | None = None
            for event in events(cancel):
                if isinstance(event, Done):
                    final = event.answer
                yield event
            if final is None:
                return conversation_id
            try:
                store = services.conversations()
                cid = conversation_id if conversation_id is not None else store.start(question)
                # False: the conversation was deleted while the answer streamed; nothing to keep it in
                return cid if store.append(cid, final) else None
            except KenningError as exc:  # the answer is shown all the same; say it was not kept
                log.warning("answer not saved: %s", exc)
                yield _NotSaved(exc)
                return conversation_id

        stream = _Stream()
        self._stream, self._streaming_into = stream, conversation_id
        self.question_asked.emit(question)
        self._running = self._services.readers.submit(
            "answer",
            work,
            on_progress=partial(self._on_event, stream),
            on_done=partial(self._on_done, stream),
            on_error=partial(self._on_error, stream),
        )
        self.busy_changed.emit(True)

    def set_scope(self, scope: Scope) -> None:
        self.scope = None if scope.everything else scope

    def stop(self) -> None:
        if self._running is not None:
            self._running.cancel()

    def _detach(self) -> None:
        """Let the answer in flight finish elsewhere: cancelled, stored in its own conversation."""
        if self._stream is None:
            return
        self.stop()
        self._stream, self._streaming_into, self._running = None, None, None
        self.busy_changed.emit(False)

    def new_chat(self) -> None:
        self._detach()
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

        services.readers.submit("open conversation", load, on_done=opened, on_error=self._on_task_error)

    def delete_conversation(self, conversation_id: int) -> None:
        services = self._services
        if conversation_id in (self.conversation_id, self._streaming_into):
            self.new_chat()
        services.readers.submit(
            "delete conversation",
            lambda cancel: services.conversations().delete(conversation_id),
            on_done=lambda _: self.refresh_list(),
            on_error=self._on_task_error,
        )

    def refresh_list(self) -> None:
        services = self._services
        services.readers.submit(
            "list conversations",
            lambda cancel: services.conversations().recent(),
            on_done=self.conversations_changed.emit,
            on_error=self._on_task_error,
        )

    def rate(self, answer_id: str, rating: int, reason: str) -> None:
        """Keep 👍/👎 (and why) with the answer's trace, where the dashboard and alerts count it."""
        workspace = self._services.workspace
        if workspace is None or not answer_id:
            return
        traces = workspace.traces
        self._services.readers.submit(
            "save feedback",
            lambda cancel: traces.set_feedback(answer_id, rating, reason),
            on_done=lambda _: self.feedback_saved.emit(answer_id),
            on_error=self._on_task_error,
        )

    # ---- events ------------------------------------------------------------------------------
    def _on_event(self, stream: _Stream, event: object) -> None:
        if stream is not self._stream:
            return  # a detached stream: its chat is gone from view
        if isinstance(event, _NotSaved):
            message = self._services.message_for(event.error)
            self.failed.emit(
                type(message)(f"The answer is shown but was not saved: {message.message}", message.next_step)
            )
        elif isinstance(event, Retrieved):
            self.sources_found.emit(event.sources)
        elif isinstance(event, Token):
            self.token.emit(event.text)
        elif isinstance(event, SummaryProgress):
            self.summary_progress.emit(event.done, event.total)
        elif isinstance(event, Done):
            self.answers.append(event.answer)
            self.answered.emit(event.answer)
            if (
                event.answer.status in (AnswerStatus.EXTRACTIVE, AnswerStatus.ERROR)
                and event.answer.next_step
            ):
                self._services.check_ollama()  # the server may have gone away: update the banner

    def _on_done(self, stream: _Stream, conversation_id: int | None) -> None:
        if stream is not self._stream:
            self.refresh_list()  # its conversation may have a new turn; this chat stays as it is
            return
        self._stream = self._streaming_into = None
        new = conversation_id is not None and conversation_id != self.conversation_id
        self.conversation_id = conversation_id
        self._running = None
        self.busy_changed.emit(False)
        if new or conversation_id is not None:
            self.refresh_list()

    def _on_error(self, stream: _Stream | None, exc: BaseException) -> None:
        if stream is not None and stream is not self._stream:
            log.warning("a detached answer failed: %s", exc)
            return
        if stream is not None:
            self._stream = self._streaming_into = None
            self._running = None
            self.busy_changed.emit(False)
        self.failed.emit(self._services.message_for(exc))

    def _on_task_error(self, exc: BaseException) -> None:
        self._on_error(None, exc)
