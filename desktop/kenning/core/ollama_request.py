"""Ollama settings and the pure request builder: no network, tested without a server."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kenning.core.ollama_errors import NoModelChosen, OllamaUnavailable

DEFAULT_HOST = "http://127.0.0.1:11434"


def _describe(default: Any, text: str) -> Any:
    return field(default=default, metadata={"help": text})


@dataclass
class OllamaSettings:
    host: str = _describe(
        DEFAULT_HOST, "Ollama's address; the OLLAMA_HOST environment variable overrides it."
    )
    model: str = _describe("", "Chat model used to answer (an installed Ollama model name).")
    num_gpu: str | int = _describe("auto", "auto lets Ollama use the GPU; 0 runs on the CPU only.")
    num_ctx: int = _describe(4096, "Context window in tokens; larger needs more memory.")
    temperature: float = _describe(0.1, "Sampling temperature: low keeps answers close to the sources.")
    keep_alive: str = _describe("5m", "How long Ollama keeps the model loaded after an answer.")
    connect_timeout_s: float = _describe(3.0, "Seconds to wait for Ollama to accept a connection.")
    first_token_timeout_s: float = _describe(
        60.0, "Seconds to wait for the first token (covers model load and reading the prompt)."
    )


def apply_env(settings: OllamaSettings, environ: Mapping[str, str] | None = None) -> OllamaSettings:
    """The settings with OLLAMA_HOST applied; call where settings are loaded, not in the client."""
    env = os.environ if environ is None else environ
    host = env.get("OLLAMA_HOST", "").strip()
    return replace(settings, host=host) if host else settings


def normalize_host(host: str) -> str:
    """Ollama's own reading of a host ("0.0.0.0", ":11434", "gpu-box:8080/ollama") as a full URL."""
    text = host.strip() or DEFAULT_HOST
    scheme, _, rest = text.partition("://")
    default_port = {"http": 80, "https": 443}.get(scheme, 11434)
    if not rest:
        scheme, rest, default_port = "http", text, 11434
    try:
        split = urllib.parse.urlsplit(f"{scheme}://{rest}")
        port = split.port or default_port
    except ValueError as exc:
        raise bad_host(host) from exc
    name = split.hostname or "127.0.0.1"
    if scheme not in ("http", "https") or any(c.isspace() for c in name):
        raise bad_host(host)
    name = f"[{name}]" if ":" in name else name
    path = split.path.strip("/")
    return f"{scheme}://{name}:{port}" + (f"/{path}" if path else "")


def bad_host(host: str) -> OllamaUnavailable:
    return OllamaUnavailable(
        host,
        message=f"'{host}' is not a valid Ollama address.",
        next_step="Set the Ollama host in Settings to a URL like http://127.0.0.1:11434.",
    )


def token_secret_name(host: str) -> str:
    """The keyring entry holding the bearer token for an Ollama behind a proxy (one per host)."""
    return f"ollama-token:{normalize_host(host)}"


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
