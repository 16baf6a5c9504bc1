"""Answer a question from the index: retrieve, prompt, stream the model, check citations, trace.

`Answerer.ask` is a generator of events (Retrieved, Token..., Done) so the CLI prints tokens and the
desktop app streams them, from the same code. When no model can be reached the answer is
extractive; when retrieval finds nothing relevant it is `not_found`; the model is never asked to
answer without sources.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kenning.core.answer.extractive import best_sentences, extractive_text
from kenning.core.answer.model_judge import JUDGE_OPTIONS, judge_messages, read_verdict
from kenning.core.answer.ollama.client import ChatChunk, ChatDone, OllamaClient
from kenning.core.answer.ollama.errors import (
    ModelMissing,
    NoModelChosen,
    OllamaUnavailable,
    StreamInterrupted,
)
from kenning.core.answer.prompting import NOT_IN_DOCUMENTS, Prompt, build_prompt
from kenning.core.domain.answers import (
    Answer,
    AnswerStatus,
    AskEvent,
    Done,
    GuardAction,
    Retrieved,
    Token,
    Trace,
    Turn,
)
from kenning.core.domain.documents import Hit
from kenning.core.errors import KenningError
from kenning.core.index.embedder import Embedder
from kenning.core.ingest.token_counter import TokenCounter
from kenning.core.observe.costs import ReferencePrice, answer_cost, model_power
from kenning.core.observe.stage_timer import StageTimer
from kenning.core.observe.trace_store import TraceStore
from kenning.core.search.gate_signals import is_distinctive
from kenning.core.search.not_found_gate import judge
from kenning.core.search.query_rewrite import rewrite_query
from kenning.core.search.retriever import Retriever
from kenning.core.search.scope import Scope
from kenning.core.settings import AnswerSettings
from kenning.core.validate.citations import check_citations
from kenning.core.validate.output_guards import prompt_leak, remove_foreign_links, withheld_text

log = logging.getLogger(__name__)

# The chat model's name, context length and digest are asked of Ollama (/api/show) at most this often:
# one round trip per answer cost ~90 ms of overhead on a busy machine, and they change only on a pull.
MODEL_INFO_TTL_S = 60.0

ALL_FLAGGED_TEXT = (
    "The passages that matched this question were left out: they contain text written to instruct "
    "the model rather than inform you. Open them below to read them yourself."
)
NOT_FOUND_TEXT = (
    "Your documents do not seem to hold the answer to this question: no passage matched it closely enough."
)


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        embedder: Embedder,
        counter: TokenCounter,
        chat: OllamaClient | None,
        *,
        settings: AnswerSettings | None = None,
        prices: Sequence[ReferencePrice] = (),
        traces: TraceStore | None = None,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.counter = counter
        self.chat = chat
        self.settings = settings or AnswerSettings()
        self.prices = list(prices)
        self.traces = traces
        self._model_cache: dict[str, tuple[float, _ModelSummary]] = {}

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        cancel: threading.Event | None = None,
        *,
        scope: Scope | None = None,
    ) -> Iterator[AskEvent]:
        """Answer `question`, from passages of files in `scope` only when one is given."""
        cancel = cancel or threading.Event()
        timer = StageTimer()
        trace = Trace(started_at=time.time())
        answer = Answer(question=question, status=AnswerStatus.ANSWERED, text="", trace=trace)

        query = question
        if history:
            with timer.stage("rewrite"):
                query = rewrite_query(question, history, self._ask_briefly if self.chat else None)
        answer.standalone_query = query
        result = self.retriever.search(query, k=self.settings.k, scope=scope)
        timer.add("embed", result.timings_ms.get("embed", 0.0))
        timer.add("retrieve", sum(result.timings_ms.get(s, 0.0) for s in ("vector", "text", "rows", "fuse")))
        hits = list(result.hits)
        trace.retrieval_scores = [h.score for h in hits]
        yield Retrieved(tuple(hits), query)

        with timer.stage("relevance"):
            relevance = judge(query, hits, self.retriever.word_frequency, self._distinctive)
        trace.gate_relevant = relevance.relevant
        relevant = relevance.relevant
        if relevance.grey and self.chat is not None:
            relevant = self._model_says_relevant(query, hits, relevant, trace, timer)
        if not relevant:
            answer.status = AnswerStatus.NOT_FOUND
            answer.text = NOT_FOUND_TEXT
            if relevance.unknown_words and not relevance.relevant:
                named = ", ".join(f"“{w}”" for w in relevance.unknown_words)
                answer.text = f"None of your indexed documents mention {named}, so they cannot answer this."
            answer.sources = hits[:3]
            yield Done(self._finish(answer, timer))
            return

        if self.chat is None:
            yield Done(self._finish(self._extractive(answer, hits, "search-only mode"), timer))
            return
        admitted = self._admit(answer, hits)
        if not admitted:
            answer.status = AnswerStatus.NOT_FOUND
            answer.text = ALL_FLAGGED_TEXT
            answer.sources = hits  # shown with their flags, for the person to read, never the model
            yield Done(self._finish(answer, timer))
            return
        try:
            yield from self._generate(answer, question, admitted, history, timer, cancel)
        except (OllamaUnavailable, ModelMissing, NoModelChosen) as exc:
            self._model_cache.clear()  # the server or its models changed: ask again next time
            answer = self._extractive(answer, hits, _short_reason(exc))
            answer.next_step = exc.next_step
            yield Done(self._finish(answer, timer))
        except KenningError as exc:
            # The model failed before it wrote anything (timeout, out of memory, HTTP error): say
            # so, with the way out, and still show the passages that were found.
            answer = self._extractive(answer, hits, "the model failed")
            answer.status = AnswerStatus.ERROR
            answer.error = exc.message
            answer.next_step = exc.next_step
            yield Done(self._finish(answer, timer))

    # ---- generation ------------------------------------------------------------------------
    def _generate(
        self,
        answer: Answer,
        question: str,
        hits: list[Hit],
        history: Sequence[Turn],
        timer: StageTimer,
        cancel: threading.Event,
    ) -> Iterator[AskEvent]:
        assert self.chat is not None
        answer.trace.host = self.chat.url  # where the answer is computed, even if that fails
        info = self._model_info()
        context = min(self.chat.settings.num_ctx, info.context_length or self.chat.settings.num_ctx)
        with timer.stage("prompt"):
            prompt = build_prompt(
                question,
                hits,
                counter=self.counter,
                context_tokens=context,
                answer_tokens=self.settings.answer_tokens,
                history=history,
            )
        answer.sources = prompt.sources
        answer.prompt_messages = list(prompt.messages)
        answer.model = info.name
        answer.trace.model = info.name
        answer.trace.model_digest = info.digest or ""
        parts: list[str] = []
        done: ChatDone | None = None
        sent = time.perf_counter()
        try:
            for event in self.chat.chat_stream(prompt.messages, model=info.name, cancel=cancel):
                if isinstance(event, ChatChunk):
                    if not parts:
                        timer.add("first_token", (time.perf_counter() - sent) * 1000)
                    parts.append(event.text)
                    yield Token(event.text)
                elif isinstance(event, ChatDone):
                    done = event
        except StreamInterrupted as exc:
            parts = [exc.partial_text] if exc.partial_text else parts
            answer.incomplete = True
            answer.error = exc.message
            answer.next_step = exc.next_step
        except KenningError as exc:
            if parts:  # the answer began: keep what arrived
                answer.incomplete = True
                answer.error = exc.message
                answer.next_step = exc.next_step
            else:
                raise
        if done is None and not answer.incomplete and cancel.is_set():
            answer.incomplete = True
            answer.note = _joined(answer.note, "Stopped before the answer was complete.")
        text = "".join(parts).strip()
        if done is not None:
            self._account(answer.trace, done, timer)
        with timer.stage("validate"):
            self._validate(answer, text, prompt)
        yield Done(self._finish(answer, timer))

    def _admit(self, answer: Answer, hits: list[Hit]) -> list[Hit]:
        """The passages the model may read: flagged ones stay out unless the settings say warn."""
        flagged = [h for h in hits if h.flags]
        if not flagged or self.settings.flagged_passages == "warn":
            return hits
        answer.excluded = flagged
        for h in flagged:
            flag = h.flags[0]
            where = os.path.basename(h.path) + (f", page {h.page}" if h.page else "")
            answer.guards.append(GuardAction("excluded_source", f"{where}: {flag.reason} (“{flag.span}”)"))
        answer.note = _joined(
            answer.note,
            f"{len(flagged)} matching passage{'s were' if len(flagged) > 1 else ' was'} left out of the "
            "prompt: they look written to instruct the model.",
        )
        return [h for h in hits if not h.flags]

    def _validate(self, answer: Answer, text: str, prompt: Prompt) -> None:
        leak = prompt_leak(text, system=prompt.system, canary=prompt.canary)
        if leak:  # the model obeyed a document: nothing it wrote can be trusted
            answer.guards.append(GuardAction("withheld", leak))
            answer.text = withheld_text(leak)
            answer.verified = False
            return
        if text.rstrip(". ").lower().startswith(NOT_IN_DOCUMENTS.rstrip(".").lower()):
            answer.status = AnswerStatus.NOT_FOUND
            answer.text = text
            return
        checked = check_citations(text, answer.sources, self.embedder.embed)
        cited = [answer.sources[n - 1].text for n in {c.n for c in checked.citations}]
        guarded = remove_foreign_links(checked.text, cited)
        answer.guards.extend(guarded.actions)
        answer.text = guarded.text
        answer.citations = checked.citations
        answer.invalid_citations = checked.invalid
        if answer.incomplete and not text:
            answer.status = AnswerStatus.ERROR
        elif not checked.citations:
            answer.verified = False
            answer.guards.append(GuardAction("unverified", "the answer cites none of its sources"))

    def _account(self, trace: Trace, done: ChatDone, timer: StageTimer) -> None:
        timer.add("load", done.load_duration / 1e6)
        timer.add("prompt_eval", done.prompt_eval_duration / 1e6)
        timer.add("generate", done.eval_duration / 1e6)
        trace.prompt_tokens = done.prompt_eval_count
        trace.completion_tokens = done.eval_count
        trace.tokens_per_s = round(done.tokens_per_s or 0.0, 2)
        assert self.chat is not None
        watts, device = model_power(self.settings, self.chat.settings, self.chat.url)
        trace.cost = answer_cost(
            generation_seconds=(done.prompt_eval_duration + done.eval_duration) / 1e9,
            watts=watts,
            usd_per_kwh=self.settings.usd_per_kwh,
            prompt_tokens=done.prompt_eval_count,
            completion_tokens=done.eval_count,
            reference=self._reference(),
            device=device,
        )

    def _reference(self) -> ReferencePrice | None:
        for price in self.prices:
            if price.model == self.settings.reference_model:
                return price
        return self.prices[0] if self.prices else None

    def _model_info(self) -> _ModelSummary:
        assert self.chat is not None
        chosen = self.chat.settings.model
        cached = self._model_cache.get(chosen)
        if cached is not None and time.monotonic() - cached[0] < MODEL_INFO_TTL_S:
            return cached[1]
        summary = self._fetch_model_info(chosen)
        self._model_cache[chosen] = (time.monotonic(), summary)
        return summary

    def _fetch_model_info(self, name: str) -> _ModelSummary:
        assert self.chat is not None
        if not name:  # none chosen yet: use the first installed model rather than refuse
            installed = self.chat.list_models()
            if not installed:
                raise NoModelChosen()
            name = installed[0].name
        info = self.chat.show(name)
        return _ModelSummary(info.name, info.context_length, info.digest)

    def _model_says_relevant(
        self, question: str, hits: list[Hit], signals_say: bool, trace: Trace, timer: StageTimer
    ) -> bool:
        """The model's yes/no for a question near the gate's line; the signals' verdict if it fails."""
        assert self.chat is not None
        try:
            with timer.stage("judge"):
                model = self._model_info().name
                reply = self.chat.chat(judge_messages(question, hits), model=model, options=JUDGE_OPTIONS)
        except KenningError as exc:  # the answer step will meet the same failure and say so
            log.info("the model could not judge the passages: %s", exc)
            return signals_say
        tokens = (reply.done.prompt_eval_count + reply.done.eval_count) if reply.done else 0
        verdict = read_verdict(reply.text, tokens)
        trace.gate_model = verdict.word
        trace.judge_tokens = verdict.tokens
        return signals_say if verdict.answers is None else verdict.answers

    def _distinctive(self, word: str) -> bool:
        return is_distinctive(word, lambda part: self.counter.count_many([part])[0])

    def _ask_briefly(self, messages: list[dict[str, str]]) -> str:
        """A short reply from the model answers use (chosen the same way: the setting, else the first
        installed): the client alone knows only the setting, which is empty by default."""
        assert self.chat is not None
        model = self._model_info().name
        return self.chat.chat(messages, model=model, options={"num_predict": 64}).text

    # ---- fallbacks and bookkeeping -------------------------------------------------------------
    def _extractive(self, answer: Answer, hits: list[Hit], reason: str) -> Answer:
        answer.status = AnswerStatus.EXTRACTIVE
        answer.sources = hits
        answer.highlights = best_sentences(answer.standalone_query or answer.question, hits)
        answer.text = extractive_text(hits, answer.highlights, reason)
        answer.note = f"No language model was used ({reason})."
        # The passages are shown to the person, not sent to a model: nothing was left out of a prompt.
        answer.excluded = []
        answer.guards = [g for g in answer.guards if g.action != "excluded_source"]
        return answer

    def _finish(self, answer: Answer, timer: StageTimer) -> Answer:
        trace = answer.trace
        trace.timings_ms = dict(timer.timings_ms)
        trace.timings_ms["total"] = timer.total_ms()
        trace.status = answer.status.value
        trace.id = trace.id or uuid.uuid4().hex
        trace.question = answer.question
        answered = answer.status is AnswerStatus.ANSWERED
        trace.verified = (
            (answer.verified and any(c.supported for c in answer.citations)) if answered else None
        )
        if self.traces is not None:
            try:
                self.traces.append(trace)
            except (KenningError, OSError) as exc:  # the answer matters more than its trace: keep it
                log.warning("could not store the answer trace: %s", exc)
                answer.note = _joined(answer.note, f"Its timings were not saved ({exc}).")
        if self.settings.log_questions:
            log.info("answer", extra={"question": answer.question, "answer": answer.text})
        log.info("answered", extra={"status": trace.status, "timings_ms": trace.timings_ms})
        return answer


@dataclass(frozen=True)
class _ModelSummary:
    name: str
    context_length: int | None
    digest: str | None


def _joined(*notes: str) -> str:
    return " ".join(filter(None, notes))


def _short_reason(exc: KenningError) -> str:
    if isinstance(exc, OllamaUnavailable):
        return "Ollama is not reachable"
    if isinstance(exc, ModelMissing):
        return "the chat model is not downloaded"
    return "no chat model is chosen"
