"""The vocabulary of answers: statuses, citations, traces and the events `Answerer.ask` yields.

Standard library only, like `kenning.core.domain.documents`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kenning.core.domain.documents import Hit


class AnswerStatus(StrEnum):
    ANSWERED = "answered"
    NOT_FOUND = "not_found"  # the documents do not hold the answer; nothing was invented
    EXTRACTIVE = "extractive"  # no model was used: the best passages, with matching sentences marked
    ERROR = "error"


@dataclass(frozen=True)
class Citation:
    n: int  # the source number the answer cites
    path: str
    page: int | None
    quote: str  # the passage sentence that best supports the citing sentence
    supported: bool
    sentence: str = ""  # the answer sentence that carries the citation
    support_score: float = 0.0


@dataclass(frozen=True)
class Highlight:
    """A sentence of a source passage that best matches the question (extractive answers)."""

    source: int
    start: int  # offsets inside the hit's text
    end: int


@dataclass(frozen=True)
class GuardAction:
    """What an output or input guard did to an answer, for the answer's details."""

    action: str  # "removed_link", "withheld", "excluded_source", "unverified"
    detail: str


@dataclass
class Cost:
    energy_wh: float = 0.0
    local_usd: float = 0.0
    cloud_equivalent_usd: float = 0.0
    reference_model: str = ""
    device: str = "cpu"  # cpu, gpu, or remote: the Ollama server's own power
    watts: float = 0.0


@dataclass
class Trace:
    timings_ms: dict[str, float] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_per_s: float = 0.0
    model: str = ""
    model_digest: str = ""
    retrieval_scores: list[float] = field(default_factory=list)
    cost: Cost = field(default_factory=Cost)
    started_at: float = 0.0  # epoch seconds
    status: str = ""
    id: str = ""  # links the answer, its stored trace and the user's feedback
    question: str = ""
    verified: bool | None = None  # an answer with at least one supported citation; None: not answered
    host: str = ""  # the Ollama server that computed the answer (a URL); empty when no model ran
    # The not-found gate: its signals' verdict, and the model's reply when it was asked (grey zone).
    gate_relevant: bool | None = None
    gate_model: str = ""  # "" when not asked, else "yes", "no" or "unclear"
    judge_tokens: int = 0  # prompt and completion tokens the model's yes/no cost


@dataclass
class Answer:
    question: str
    status: AnswerStatus
    text: str
    citations: list[Citation] = field(default_factory=list)
    sources: list[Hit] = field(default_factory=list)  # numbered 1..n in this order
    model: str = ""
    trace: Trace = field(default_factory=Trace)
    error: str = ""
    next_step: str = ""
    incomplete: bool = False  # the stream stopped early (cancelled or dropped); the text is partial
    invalid_citations: list[int] = field(default_factory=list)  # numbers that matched no source
    highlights: list[Highlight] = field(default_factory=list)
    standalone_query: str = ""  # what retrieval searched for (a follow-up rewritten)
    note: str = ""
    prompt_messages: list[dict[str, str]] = field(default_factory=list)  # exactly what the model was sent
    guards: list[GuardAction] = field(default_factory=list)  # what the guards removed or withheld
    excluded: list[Hit] = field(default_factory=list)  # flagged passages kept out of the prompt
    verified: bool = True  # False: an answer that cites no valid source (or was withheld)


@dataclass(frozen=True)
class Retrieved:
    sources: tuple[Hit, ...]
    query: str


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Done:
    answer: Answer


AskEvent = Retrieved | Token | Done


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, for follow-up questions."""

    question: str
    answer: str
