"""OpenAI chat shapes from Kenning's answers: messages in, completions and stream chunks out.

Pure functions (no server), so the translation is tested without HTTP.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from kenning.core.domain.answers import Answer, AnswerStatus, Turn
from kenning.core.errors import UsageError

SERVICE_MODEL = "kenning"


@dataclass(frozen=True)
class ChatRequest:
    question: str
    history: tuple[Turn, ...]
    model: str
    stream: bool


def parse_chat_request(body: Any) -> ChatRequest:
    """The question (the last user message) and the conversation before it.

    System messages are ignored: what to answer from is decided by Kenning's own prompt.
    """
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
        raise UsageError("The request needs a non-empty 'messages' list.")
    messages = [
        (str(m.get("role", "")), _text(m.get("content"))) for m in body["messages"] if isinstance(m, dict)
    ]
    turns = [(role, text) for role, text in messages if role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user" or not turns[-1][1].strip():
        raise UsageError("The last message must be the user's question, with text.")
    history: list[Turn] = []
    pending: str | None = None
    for role, text in turns[:-1]:
        if role == "user":
            pending = text
        elif pending is not None:
            history.append(Turn(question=pending, answer=text))
            pending = None
    return ChatRequest(
        question=turns[-1][1].strip(),
        history=tuple(history),
        model=str(body.get("model") or SERVICE_MODEL),
        stream=bool(body.get("stream", False)),
    )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: keep the text ones
        return "\n".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def sources_footer(answer: Answer) -> str:
    """The cited sources, as lines a chat window shows under the answer."""
    if answer.status is AnswerStatus.NOT_FOUND:
        return ""
    lines = []
    if answer.citations:
        seen: set[int] = set()
        for c in answer.citations:
            if c.n not in seen:
                seen.add(c.n)
                lines.append(f"[{c.n}] {c.path}" + (f", page {c.page}" if c.page else ""))
    else:  # an answer without a model numbers the passages it quotes
        for n, hit in enumerate(answer.sources, start=1):
            if f"[{n}]" in answer.text:
                lines.append(f"[{n}] {hit.path}" + (f", page {hit.page}" if hit.page else ""))
    return "\n\nSources:\n" + "\n".join(lines) if lines else ""


def completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex


def usage(answer: Answer) -> dict[str, int]:
    t = answer.trace
    return {
        "prompt_tokens": t.prompt_tokens,
        "completion_tokens": t.completion_tokens,
        "total_tokens": t.prompt_tokens + t.completion_tokens,
    }


def completion(answer: Answer, model: str, kenning: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.text + sources_footer(answer)},
                "finish_reason": "stop",
            }
        ],
        "usage": usage(answer),
        "kenning": kenning,
    }


def chunk(
    chunk_id: str,
    model: str,
    delta: dict[str, Any],
    *,
    finish_reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        **(extra or {}),
    }


def models_list(configured: str) -> dict[str, Any]:
    names = [SERVICE_MODEL, *([configured] if configured and configured != SERVICE_MODEL else [])]
    return {
        "object": "list",
        "data": [{"id": n, "object": "model", "created": 0, "owned_by": "kenning"} for n in names],
    }


def error_body(message: str, *, kind: str, next_step: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "next_step": next_step, "code": None}}
