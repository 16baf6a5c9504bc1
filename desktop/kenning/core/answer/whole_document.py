"""Whole-document work: "Summarise this document" and "Compare A with B" over every chunk.

Map-reduce with the local model: map summarises groups of consecutive chunks that fit the context,
each citing its chunks; reduce merges the partial summaries, keeping the citations, until one is
left. Citations are the document's chunk numbers in order, so the answer's sources are all its
chunks and every [n] leads to a page. Results are cached by content hash + model + kind. Between
model calls `cancel` is checked; a stopped summary is incomplete and never cached.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass

from kenning.core.answer.ollama.client import OllamaClient
from kenning.core.answer.ollama.errors import NoModelChosen
from kenning.core.answer.summary_cache import SummaryCache
from kenning.core.answer.whole_document_prompts import (
    compare_messages,
    group_chunks,
    map_messages,
    merge_messages,
)
from kenning.core.domain.answers import Answer, AnswerStatus, Done
from kenning.core.domain.documents import FileRecord, Hit
from kenning.core.errors import KenningError
from kenning.core.index.embedder import Embedder
from kenning.core.index.store import Store
from kenning.core.ingest.token_counter import TokenCounter
from kenning.core.validate.citations import check_citations, has_citation, renumber_citations

STOPPED = "Stopped before the summary was complete."


# A document's own summary, indexed as one more passage (see summary_passages), sits after its chunks.
SUMMARY_ORDINAL = 1_000_000


@dataclass(frozen=True)
class SummaryProgress:
    done: int  # model calls finished
    total: int  # model calls planned (merging more parts than fit at once adds some)


SummaryEvent = SummaryProgress | Done


class DocumentNotIndexed(KenningError):
    next_step = "Add its folder to Kenning and sync (`kenning index FOLDER`), then try again."


class _Stopped(Exception):
    """Cancel was set between two model calls."""


class WholeDocument:
    def __init__(
        self,
        store: Store,
        chat: OllamaClient,
        counter: TokenCounter,
        embedder: Embedder,
        cache: SummaryCache,
        *,
        answer_tokens: int = 512,
    ) -> None:
        self.store = store
        self.chat = chat
        self.counter = counter
        self.embedder = embedder
        self.cache = cache
        self.answer_tokens = answer_tokens

    def summarise(self, path: str, cancel: threading.Event | None = None) -> Iterator[SummaryEvent]:
        """Progress events, then Done with a summary citing the document's chunks."""
        cancel = cancel or threading.Event()
        started = time.perf_counter()
        record, chunks = self._document(path)
        answer = Answer(f"Summarise {os.path.basename(record.path)}", AnswerStatus.ANSWERED, "")
        model, context = self._model()
        progress = [0, 0]
        try:
            text = yield from self._summary(record, chunks, model, context, cancel, progress)
        except _Stopped:
            yield Done(self._stopped(answer, chunks, model))
            return
        yield Done(self._finish(answer, text, chunks, model, started))

    def compare(
        self, path_a: str, path_b: str, cancel: threading.Event | None = None
    ) -> Iterator[SummaryEvent]:
        """Summarise both (or reuse their summaries), then compare them, citing into both."""
        cancel = cancel or threading.Event()
        started = time.perf_counter()
        record_a, chunks_a = self._document(path_a)
        record_b, chunks_b = self._document(path_b)
        names = os.path.basename(record_a.path), os.path.basename(record_b.path)
        answer = Answer(f"Compare {names[0]} with {names[1]}", AnswerStatus.ANSWERED, "")
        model, context = self._model()
        sources = chunks_a + chunks_b
        key = f"{record_a.sha256}:{record_b.sha256}"
        progress = [0, 1]
        try:
            text = self.cache.get(key, model, "compare")
            if text is None:
                summary_a = yield from self._summary(record_a, chunks_a, model, context, cancel, progress)
                summary_b = yield from self._summary(record_b, chunks_b, model, context, cancel, progress)
                summary_b = renumber_citations(summary_b, len(chunks_a), len(chunks_b))
                messages = compare_messages(record_a.path, summary_a, record_b.path, summary_b)
                text = yield from self._call(messages, model, cancel, progress)
                self.cache.put(key, model, "compare", text)
        except _Stopped:
            yield Done(self._stopped(answer, sources, model))
            return
        yield Done(self._finish(answer, text, sources, model, started))

    # ---- the steps ---------------------------------------------------------------------------
    def _summary(
        self,
        record: FileRecord,
        chunks: list[Hit],
        model: str,
        context: int,
        cancel: threading.Event,
        progress: list[int],
    ) -> Generator[SummaryEvent, None, str]:
        cached = self.cache.get(record.sha256, model, "summary")
        if cached is not None:
            return cached
        groups = group_chunks(chunks, self.counter, context_tokens=context, answer_tokens=self.answer_tokens)
        progress[1] += len(groups) + (1 if len(groups) > 1 else 0)
        yield SummaryProgress(*progress)
        parts: list[str] = []
        offset = 0
        for group in groups:
            messages = map_messages(
                group, self.counter, context_tokens=context, answer_tokens=self.answer_tokens
            )
            reply = yield from self._call(messages, model, cancel, progress)
            parts.append(renumber_citations(reply, offset, len(group)))
            offset += len(group)
        while len(parts) > 1:
            parts = yield from self._merge(record.path, parts, model, context, cancel, progress)
        text = parts[0]
        self.cache.put(record.sha256, model, "summary", text)
        return text

    def _merge(
        self,
        path: str,
        parts: list[str],
        model: str,
        context: int,
        cancel: threading.Event,
        progress: list[int],
    ) -> Generator[SummaryEvent, None, list[str]]:
        """One round of merging: as many parts per call as fit; fewer parts come out than went in."""
        as_hits = [Hit(0, path, None, (), text, 0.0, 0, 0) for text in parts]
        batches = group_chunks(
            as_hits, self.counter, context_tokens=context, answer_tokens=self.answer_tokens
        )
        if len(batches) == len(parts):  # one part per call would never shrink: merge in pairs
            batches = [as_hits[i : i + 2] for i in range(0, len(as_hits), 2)]
        progress[1] += len(batches) - 1  # one merge was planned already
        merged: list[str] = []
        for batch in batches:
            texts = [h.text for h in batch]
            if len(texts) == 1:
                merged.append(texts[0])
                continue
            reply = yield from self._call(merge_messages(path, texts), model, cancel, progress)
            # A merge that lost every citation is worth less than its cited parts, joined.
            merged.append(reply if has_citation(reply) else "\n\n".join(texts))
        return merged

    def _call(
        self, messages: list[dict[str, str]], model: str, cancel: threading.Event, progress: list[int]
    ) -> Generator[SummaryEvent, None, str]:
        if cancel.is_set():
            raise _Stopped
        reply = self.chat.chat(messages, model=model, cancel=cancel)
        if cancel.is_set():  # the reply may be cut short: never keep it
            raise _Stopped
        progress[0] += 1
        progress[1] = max(progress)
        yield SummaryProgress(*progress)
        return reply.text.strip()

    # ---- parts -------------------------------------------------------------------------------
    def _document(self, path: str) -> tuple[FileRecord, list[Hit]]:
        records = self.store.file_records()
        for candidate in (path, os.path.abspath(path), os.path.realpath(path)):
            record = records.get(candidate)
            if record is not None:
                break
        else:
            raise DocumentNotIndexed(f"{path} is not in the index.")
        rows = sorted(
            (r for r in self.store.chunk_rows(record.path) if int(r["ordinal"]) < SUMMARY_ORDINAL),
            key=lambda r: int(r["ordinal"]),
        )
        if not rows:
            raise DocumentNotIndexed(f"{path} has no text in the index ({record.status.value}).")
        chunks = [
            Hit(
                rank=i,
                path=row["path"],
                page=row["page"],
                section=tuple(row["section"] or ()),
                text=row["text"],
                score=0.0,
                start=row["start"],
                end=row["end"],
                chunk_id=row["id"],
            )
            for i, row in enumerate(rows, start=1)
        ]
        return record, chunks

    def _model(self) -> tuple[str, int]:
        """The answer model (the setting, else the first installed) and the context it is given."""
        name = self.chat.settings.model
        if not name:
            installed = self.chat.list_models()
            if not installed:
                raise NoModelChosen()
            name = installed[0].name
        info = self.chat.show(name)
        context = min(self.chat.settings.num_ctx, info.context_length or self.chat.settings.num_ctx)
        return info.name, context

    def _finish(
        self, answer: Answer, text: str, sources: Sequence[Hit], model: str, started: float
    ) -> Answer:
        checked = check_citations(text, sources, self.embedder.embed)
        answer.text, answer.citations, answer.invalid_citations = (
            checked.text,
            checked.citations,
            checked.invalid,
        )
        answer.sources, answer.model = list(sources), model
        answer.trace.model, answer.trace.host = model, self.chat.url
        answer.trace.timings_ms = {"total": (time.perf_counter() - started) * 1000}
        return answer

    def _stopped(self, answer: Answer, sources: Sequence[Hit], model: str) -> Answer:
        answer.incomplete, answer.note, answer.model = True, STOPPED, model
        answer.status, answer.text, answer.sources = AnswerStatus.ERROR, STOPPED, list(sources)
        return answer
