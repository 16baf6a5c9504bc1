"""The pure /api/chat request builder: no network, tested without a server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kenning.core.answer.ollama.errors import NoModelChosen
from kenning.core.settings import OllamaSettings


def _num_gpu_option(value: str | int) -> int | None:
    """None leaves the choice to Ollama; 0 keeps the model on the CPU."""
    if isinstance(value, int):
        return value
    text = value.strip().lower()
    if text == "cpu":
        return 0
    return int(text) if text.isdigit() else None


def build_chat_request(
    settings: OllamaSettings,
    messages: Sequence[Mapping[str, str]],
    *,
    model: str | None = None,
    options: Mapping[str, Any] | None = None,
    stream: bool = True,
) -> dict[str, Any]:
    """The /api/chat request body for these settings; `options` override the settings' options."""
    chosen = (model or settings.model).strip()
    if not chosen:
        raise NoModelChosen()
    merged: dict[str, Any] = {"num_ctx": settings.num_ctx, "temperature": settings.temperature}
    num_gpu = _num_gpu_option(settings.num_gpu)
    if num_gpu is not None:
        merged["num_gpu"] = num_gpu
    merged.update(options or {})
    return {
        "model": chosen,
        "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
        "stream": stream,
        "options": merged,
        "keep_alive": settings.keep_alive,
    }
