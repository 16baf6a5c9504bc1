"""One face on the workspace for both protocols: search, ask, status and the indexed documents.

Searches run side by side; answers take turns (one generation at a time: the local model serves
one anyway, and a second would only slow the first). Everything returned is the JSON the command
line prints, with document text labelled as untrusted data.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kenning.core.answer.answerer import Answerer
from kenning.core.domain.answers import Answer, AskEvent, Done, Turn
from kenning.core.domain.documents import FileStatus
from kenning.core.domain.json_shapes import answer_json, result_json
from kenning.core.errors import KenningError
from kenning.core.search.scope import Scope
from kenning.core.workspace import Workspace
from kenning.serve.untrusted import NOTICE, labelled

MAX_K = 50


class DocumentNotIndexed(KenningError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} is not an indexed document.", "Use list_documents to see the paths that can be read."
        )


@dataclass
class _End:
    error: BaseException | None = None


class DocumentService:
    def __init__(self, workspace: Workspace, *, use_model: bool = True) -> None:
        self.workspace = workspace
        self._answerer: Answerer = workspace.answerer(use_model=use_model)
        self._answer_turn = threading.Lock()

    def warm_up(self) -> None:
        """Open the index and load the embedding model now, so the first request is not the slow one."""
        self.workspace.embedder.load()
        _ = self.workspace.store

    @property
    def model(self) -> str:
        return self.workspace.settings.ollama.model

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        folders: Sequence[str] = (),
        file_types: Sequence[str] = (),
    ) -> dict[str, Any]:
        scope = Scope.of(list(folders), list(file_types))
        result = self.workspace.retriever.search(query, k=max(1, min(k, MAX_K)), scope=scope)
        shaped = result_json(result)
        return {**shaped, "hits": labelled(shaped["hits"]), "notice": NOTICE}

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        for event in self.ask_events(question, history):
            if isinstance(event, Done):
                return event.answer
        raise AssertionError("Answerer.ask ended without an answer")

    def ask_events(
        self, question: str, history: Sequence[Turn] = (), cancel: threading.Event | None = None
    ) -> Iterator[AskEvent]:
        """The answerer's events, produced on a worker thread that holds the answering turn.

        The caller may read them from any thread (a web server hands a stream from one worker to the
        next); closing this iterator early cancels the answer.
        """
        cancel = cancel or threading.Event()
        events: queue.Queue[AskEvent | _End] = queue.Queue()

        def work() -> None:
            try:
                with self._answer_turn:
                    for event in self._answerer.ask(question, history, cancel):
                        events.put(event)
            except BaseException as exc:  # handed to the reader, who raises it where it can be reported
                events.put(_End(exc))
            else:
                events.put(_End())

        threading.Thread(target=work, name="kenning-answer", daemon=True).start()
        try:
            while not isinstance(item := events.get(), _End):
                yield item
            if item.error is not None:
                raise item.error
        finally:
            cancel.set()

    def answer_document(self, answer: Answer) -> dict[str, Any]:
        shaped = answer_json(answer)
        return {**shaped, "sources": labelled(shaped["sources"]), "notice": NOTICE}

    def status(self) -> dict[str, Any]:
        return self.workspace.status_report()

    def documents(self) -> list[dict[str, Any]]:
        records = self.workspace.store.file_records().values()
        return [
            {
                "path": r.path,
                "folder": r.root,
                "loader": r.loader,
                "pages": r.pages or None,
                "chunks": r.chunks,
                "size": r.size,
                "indexed_at": r.indexed_at,
            }
            for r in sorted(records, key=lambda r: r.path)
            if r.status is FileStatus.INDEXED
        ]

    def document_text(self, path: str) -> str:
        """The text of an indexed document, as its loader reads it now (only indexed files: the
        service never reads other files on this computer)."""
        from kenning.core.ingest.loaders import load_document

        record = self.workspace.store.file_records().get(path)
        if record is None or record.status is not FileStatus.INDEXED:
            raise DocumentNotIndexed(path)
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise KenningError(
                f"{path} could not be read ({exc.strerror or type(exc).__name__}).",
                "Check that the file still exists; the next index run will notice if it moved.",
            ) from exc
        return load_document(path, data).text
