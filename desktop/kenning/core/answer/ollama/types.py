"""What Kenning reads back from Ollama: model details, pull progress, chat chunks and accounting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    name: str
    size: int | None  # bytes on disk; None when only /api/show was asked
    family: str
    parameter_size: str
    quantization: str
    context_length: int | None  # the model's trained context, from show's "<family>.context_length"
    digest: str | None
    capabilities: tuple[str, ...] = ()  # "completion" can chat; an embedding-only model lacks it


@dataclass(frozen=True)
class PullProgress:
    status: str
    completed: int | None = None
    total: int | None = None
    digest: str | None = None

    @property
    def fraction(self) -> float | None:
        return self.completed / self.total if self.total and self.completed is not None else None


@dataclass(frozen=True)
class ChatChunk:
    text: str


@dataclass(frozen=True)
class ChatDone:
    """Ollama's own accounting of an answer (durations in ns), plus what Kenning measured itself."""

    model: str
    done_reason: str
    prompt_eval_count: int
    eval_count: int
    load_duration: int
    prompt_eval_duration: int
    eval_duration: int
    total_duration: int
    first_token_ns: int | None  # request sent → first text, measured here (includes the network)
    wall_ns: int  # request sent → done, measured here

    @property
    def tokens_per_s(self) -> float | None:
        return self.eval_count / (self.eval_duration / 1e9) if self.eval_duration else None


@dataclass(frozen=True)
class ChatReply:
    text: str
    done: ChatDone | None  # None when the chat was cancelled
