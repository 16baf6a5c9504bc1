"""What can go wrong when Kenning talks to Ollama, each with a message and a way out for the user."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from kenning.core.errors import KenningError

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in _LOCAL_HOSTS


def start_ollama_advice(url: str, platform: str | None = None) -> str:
    """How to start Ollama on this platform; for a server elsewhere, what to check instead."""
    if not _is_local(url):
        # A team's GPU server: the user cannot start it from here, only check the way there.
        return (
            f"Check that the Ollama server at {url} is up and reachable from this computer "
            "(network, VPN, firewall), or change the Ollama host in Settings."
        )
    platform = platform or sys.platform
    if platform == "darwin" or platform.startswith("win"):
        return "Open the Ollama app (it starts the server), or run `ollama serve` in a terminal."
    return "Start it with `ollama serve`, or `systemctl start ollama` if it is installed as a service."


class OllamaError(KenningError):
    """Base of every Ollama failure, so callers can fall back (e.g. to an extractive answer) in one place."""


class OllamaUnavailable(OllamaError):
    """Nothing answers at the configured address (refused, unknown host, bad URL)."""

    def __init__(self, url: str, message: str | None = None, next_step: str | None = None) -> None:
        super().__init__(
            message or f"Ollama is not running at {url}.",
            next_step or start_ollama_advice(url),
        )
        self.url = url


class NoModelChosen(OllamaError):
    """A chat was asked for, but no model name was configured or given."""

    def __init__(self) -> None:
        super().__init__(
            "No Ollama model is chosen.", "Choose one in Models, or pass `--model NAME` on the command line."
        )


class ModelMissing(OllamaError):
    """The model is not pulled on this Ollama; the UI offers the pull."""

    def __init__(self, model: str) -> None:
        super().__init__(
            f'The model "{model}" is not installed in Ollama.',
            f"Download it with `ollama pull {model}` or from Models.",
        )
        self.model = model


class OllamaOutOfMemory(OllamaError):
    def __init__(self, model: str, detail: str) -> None:
        super().__init__(
            f'Ollama ran out of memory with "{model}": {detail}',
            "Choose a smaller model, lower the context size (num_ctx) in Settings, "
            "or close other programs; on a GPU, try CPU mode.",
        )
        self.model = model
        self.detail = detail


class OllamaHttpError(OllamaError):
    """Any other error reply; `status` is None when Ollama reported it inside a stream."""

    def __init__(self, status: int | None, detail: str, next_step: str | None = None) -> None:
        where = f"HTTP {status}" if status is not None else "an error"
        super().__init__(
            f"Ollama answered with {where}: {detail}",
            next_step or _advice_for_status(status),
        )
        self.status = status
        self.detail = detail


class OllamaUnauthorized(OllamaError):
    """The server (or the proxy in front of it) refused the request: no token, or not a valid one."""

    def __init__(self, url: str, status: int, detail: str = "") -> None:
        if status == 401:
            message = f"Ollama at {url} needs an access token: set it in Settings › Ollama."
        else:
            message = (
                f"Ollama at {url} refused the access token (HTTP {status}): set it in Settings › Ollama."
            )
        super().__init__(
            message,
            "Ask the server's administrator for a token and enter it under Settings › Ollama › "
            "Access token (it is kept in the system keyring).",
        )
        self.url = url
        self.status = status
        self.detail = detail


class UntrustedCertificate(OllamaUnavailable):
    """TLS refused the server's certificate: a private authority Kenning was not told about."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            url,
            message=f"The server's certificate is not trusted ({reason}): Kenning did not connect to {url}.",
            next_step="If the server's certificate comes from your organisation's own authority, set "
            "Settings › Ollama › CA bundle to that authority's PEM file; otherwise check the address.",
        )
        self.reason = reason


def _advice_for_status(status: int | None) -> str:
    # 401/403 never get here: error_from_reply makes them an OllamaUnauthorized.
    if status in (502, 503, 504):
        return "Ollama (or the proxy in front of it) is busy or restarting: try again in a moment."
    return "Try again; if it keeps happening, check Ollama's log (`ollama serve` output or server.log)."


class OllamaTimeout(OllamaError):
    """Ollama did not connect, or did not answer, in time; `phase` is "connect", "first token" or "reply"."""

    def __init__(self, url: str, phase: str, seconds: float) -> None:
        if phase == "connect":
            message = f"Ollama at {url} did not accept a connection within {seconds:g} s."
            step = "Check the Ollama host in Settings and the network, or raise the connect timeout."
        elif phase == "first token":
            message = f"Ollama at {url} did not start answering within {seconds:g} s."
            step = (
                "The model may still be loading or the prompt is long: try again, raise the "
                "first-token timeout in Settings, or choose a smaller model."
            )
        else:  # "reply": a quick request (list, show, a stalled download) got no reply in time
            message = f"Ollama at {url} did not reply within {seconds:g} s."
            step = "Ollama may be overloaded or stuck: try again, or restart it."
        super().__init__(message, step)
        self.url = url
        self.phase = phase
        self.seconds = seconds


class StreamInterrupted(OllamaError):
    """The connection broke mid-answer; `partial_text` keeps what arrived, to show marked incomplete."""

    def __init__(self, url: str, partial_text: str, detail: str = "") -> None:
        super().__init__(
            f"The connection to Ollama at {url} broke before the answer was complete"
            + (f" ({detail})." if detail else "."),
            "The partial answer is kept and marked incomplete; ask again to get a full one.",
        )
        self.url = url
        self.partial_text = partial_text
        self.detail = detail


# Texts Ollama (and the llama.cpp runner under it) uses when memory runs out, e.g. a 500 with
# `model requires more system memory (19.1 GiB) than is available (1.0 GiB)`.
_OUT_OF_MEMORY_MARKERS = (
    "out of memory",
    "more system memory",
    "requires more memory",
    "not enough memory",
    "insufficient memory",
    "unable to allocate",
    "failed to allocate",
    "cudamalloc failed",
)


def error_from_reply(status: int | None, detail: str, model: str, url: str = "") -> OllamaError:
    """Turn an error reply from Ollama (HTTP status, or None inside a stream) into a specific error."""
    if status in (401, 403):
        return OllamaUnauthorized(url or "the configured address", status, detail)
    lowered = detail.lower()
    if any(marker in lowered for marker in _OUT_OF_MEMORY_MARKERS):
        return OllamaOutOfMemory(model, detail)
    # A bare 404 ("404 page not found") means a wrong URL or a proxy path, not a missing model.
    if status == 404 and "model" in lowered and "not found" in lowered:
        return ModelMissing(model)
    return OllamaHttpError(status, detail)


def bad_host(host: str) -> OllamaUnavailable:
    """A host setting Ollama could never be reached at, reported like an unreachable server."""
    return OllamaUnavailable(
        host,
        message=f"'{host}' is not a valid Ollama address.",
        next_step="Set the Ollama host in Settings to a URL like http://127.0.0.1:11434.",
    )
