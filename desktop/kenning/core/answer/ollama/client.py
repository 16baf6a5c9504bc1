"""Kenning's side of Ollama: its settings, a pure request builder, and a client that never hangs.

Everything goes through the official `ollama` client except GET /api/version, which that client
(0.6.3) does not offer; it is one plain httpx GET with the same host, headers and timeouts
(`transport.read_version`, shared with the About dialog's version probe). No client here reads a
proxy from the environment for a server on this machine (see `transport`).

Every failure leaves as one of the errors in `kenning.core.answer.ollama.errors`. Cancelling a stream
shuts its socket down from a watcher thread, so even a read blocked on a slow first token returns
at once and Ollama sees the disconnect and stops generating.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

import httpx
import ollama

from kenning.core.answer.ollama.cancel import CancelWatch
from kenning.core.answer.ollama.errors import (
    ModelMissing,
    NoModelChosen,
    OllamaError,
    OllamaHttpError,
    OllamaTimeout,
    OllamaUnavailable,
    StreamInterrupted,
    UntrustedCertificate,
    bad_host,
    error_from_reply,
)
from kenning.core.answer.ollama.request import build_chat_request
from kenning.core.answer.ollama.transport import http_client, read_version, ssl_context, trust_env
from kenning.core.answer.ollama.types import ChatChunk, ChatDone, ChatReply, ModelInfo, PullProgress
from kenning.core.hosts import InvalidHost, normalize_host
from kenning.core.settings import OllamaSettings
from kenning.core.transport import CaBundleUnreadable, auth_headers, certificate_problem, timeout

__all__ = ["ChatChunk", "ChatDone", "ChatReply", "ModelInfo", "OllamaClient", "PullProgress"]

log = logging.getLogger(__name__)

# list/show/version are answered from disk: a server that sits on them longer than this is stuck.
META_READ_TIMEOUT_S = 10.0
# Ollama is silent while it verifies a multi-GB download, so a pull tolerates long gaps.
PULL_STALL_TIMEOUT_S = 300.0
# What the ollama client and httpx raise; everything else is a bug and should surface as one.
_CLIENT_ERRORS = (ollama.ResponseError, ConnectionError, httpx.HTTPError, httpx.InvalidURL, ValueError)

Context = Literal["meta", "chat", "pull"]
T = TypeVar("T")


class OllamaClient:
    """One Ollama server, reached with the settings' timeouts and an optional bearer token."""

    def __init__(self, settings: OllamaSettings, *, token: str | None = None) -> None:
        self.settings = settings
        try:
            self.url = normalize_host(settings.host)
        except InvalidHost as exc:
            raise bad_host(settings.host) from exc
        self._local = threading.local()
        headers = auth_headers(token)
        try:
            self._verify = ssl_context(settings.ca_bundle)
        except CaBundleUnreadable as exc:
            raise OllamaUnavailable(self.url, exc.message, exc.next_step) from exc
        self._meta = self._client(headers, META_READ_TIMEOUT_S, streaming=False)
        self._chat = self._client(headers, settings.first_token_timeout_s, streaming=True)
        self._pull = self._client(headers, PULL_STALL_TIMEOUT_S, streaming=True)
        self._http = http_client(settings, self.url, headers, read_timeout_s=META_READ_TIMEOUT_S)

    def _client(self, headers: dict[str, str], read: float, *, streaming: bool) -> ollama.Client:
        # One client per read timeout: the ollama client takes no per-request timeout. The read
        # timeout bounds every wait for data, so for chat it is the first-token timeout.
        extra: dict[str, Any] = {}
        if streaming:
            # A fresh connection per stream lets the cancel watch learn its socket as it connects
            # (a pooled connection would not be reported); it costs ~1 ms next to a whole answer.
            extra = {
                "limits": httpx.Limits(max_keepalive_connections=0),
                "event_hooks": {"request": [self._on_request]},
            }
        return ollama.Client(
            self.url,
            headers=headers,
            timeout=timeout(self.settings, read),
            verify=self._verify,
            trust_env=trust_env(self.settings, self.url),
            **extra,
        )

    def close(self) -> None:
        for client in (self._meta, self._chat, self._pull):
            client.close()  # type: ignore[no-untyped-call]
        self._http.close()

    def __enter__(self) -> OllamaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- health and models -------------------------------------------------------------------

    def version(self) -> str:
        try:
            return read_version(self._http)
        except (KeyError, TypeError) as exc:
            raise self._unreadable() from exc
        except _CLIENT_ERRORS as exc:
            raise self._translate(exc, "meta") from exc

    def is_running(self) -> bool:
        try:
            self.version()
        except OllamaError:
            return False
        return True

    def list_models(self) -> list[ModelInfo]:
        """Installed models with their context length (one /api/show per model)."""
        try:
            listed = self._meta.list().models
        except _CLIENT_ERRORS as exc:
            raise self._translate(exc, "meta") from exc
        models = []
        for entry in listed:
            name = entry.model or ""
            try:
                shown = self._show(name)
            except (ModelMissing, OllamaHttpError) as exc:  # deleted meanwhile, or unreadable: still listed
                log.warning("could not read details of %s: %s", name, exc)
                shown = None
            models.append(_model_info(name, entry, shown))
        return models

    def show(self, name: str) -> ModelInfo:
        """One model's details; size and digest come from the installed list (show has neither)."""
        shown = self._show(name)
        try:
            listed = self._meta.list().models
        except _CLIENT_ERRORS as exc:
            raise self._translate(exc, "meta") from exc
        entry = next((m for m in listed if _same_model(m.model or "", name)), None)
        return _model_info(name, entry, shown)

    def _show(self, name: str) -> ollama.ShowResponse:
        try:
            return self._meta.show(name)
        except _CLIENT_ERRORS as exc:
            raise self._translate(exc, "meta", model=name) from exc

    # -- pull --------------------------------------------------------------------------------

    def pull(self, name: str, cancel: threading.Event | None = None) -> Generator[PullProgress, None, None]:
        """Download a model, yielding progress; setting `cancel` ends the stream and the download."""
        if not name.strip():
            raise NoModelChosen()
        return self._pull_stream(name.strip(), cancel or threading.Event())

    def _pull_stream(self, name: str, cancel: threading.Event) -> Generator[PullProgress, None, None]:
        with CancelWatch(cancel) as watch:
            parts = self._pull.pull(name, stream=True)
            try:
                for part in self._watched(parts, watch):
                    if cancel.is_set():
                        return
                    yield PullProgress(part.status or "", part.completed, part.total, part.digest)
            except _CLIENT_ERRORS as exc:
                if cancel.is_set():
                    return
                raise self._translate(exc, "pull", model=name) from exc
            finally:
                _close(parts)  # closes the response, so an abandoned pull also drops its connection

    # -- chat --------------------------------------------------------------------------------

    def chat_stream(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        model: str | None = None,
        options: Mapping[str, Any] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generator[ChatChunk | ChatDone, None, None]:
        """Stream an answer: text chunks, then one ChatDone. Setting `cancel` stops at once, quietly."""
        request = build_chat_request(self.settings, messages, model=model, options=options)
        return self._chat_stream(request, cancel or threading.Event())

    def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        model: str | None = None,
        options: Mapping[str, Any] | None = None,
        cancel: threading.Event | None = None,
    ) -> ChatReply:
        """The whole answer at once. Built on the stream: a non-streamed reply sends nothing until
        it is complete, so no first-token timeout could tell a slow answer from a stuck server."""
        parts: list[str] = []
        done: ChatDone | None = None
        for event in self.chat_stream(messages, model=model, options=options, cancel=cancel):
            if isinstance(event, ChatChunk):
                parts.append(event.text)
            else:
                done = event
        return ChatReply("".join(parts), done)

    def _chat_stream(
        self, request: dict[str, Any], cancel: threading.Event
    ) -> Generator[ChatChunk | ChatDone, None, None]:
        model = str(request["model"])
        received: list[str] = []
        started = time.monotonic_ns()
        first_token_ns: int | None = None
        with CancelWatch(cancel) as watch:
            parts = self._chat.chat(
                model=model,
                messages=request["messages"],
                options=request["options"],
                keep_alive=request["keep_alive"],
                stream=True,
            )
            try:
                for part in self._watched(parts, watch):
                    if cancel.is_set():
                        return
                    text = part.message.content or ""
                    if text:
                        if first_token_ns is None:
                            first_token_ns = time.monotonic_ns() - started
                        received.append(text)
                        yield ChatChunk(text)
                    if part.done:
                        yield _chat_done(part, model, first_token_ns, time.monotonic_ns() - started)
                        return
            except _CLIENT_ERRORS as exc:
                if cancel.is_set():
                    return
                raise self._translate(exc, "chat", model=model, partial="".join(received)) from exc
            finally:
                _close(parts)  # an abandoned or cancelled stream closes its connection: Ollama stops
        # The stream ended cleanly but without its final "done" record: the answer is incomplete.
        raise StreamInterrupted(self.url, "".join(received), "the stream ended without its final record")

    def _watched(self, parts: Iterator[T], watch: CancelWatch) -> Iterator[T]:
        """Iterate, letting the request hook hand this request's connection to `watch`.

        The hook runs on the thread that sends the request, which is the one calling next() here;
        a thread-local set only around next() keeps concurrent streams on other threads apart.
        """
        while True:
            self._local.watch = watch
            try:
                part = next(parts)
            except StopIteration:
                return
            finally:
                self._local.watch = None
            yield part

    def _on_request(self, request: httpx.Request) -> None:
        watch: CancelWatch | None = getattr(self._local, "watch", None)
        if watch is not None:
            request.extensions["trace"] = watch.trace

    # -- failures ----------------------------------------------------------------------------

    def _translate(
        self, exc: Exception, context: Context, *, model: str = "", partial: str = ""
    ) -> OllamaError:
        """Map what the ollama client and httpx raise to Kenning's errors (see the module docstring)."""
        url = self.url
        if isinstance(exc, ollama.ResponseError):
            status = exc.status_code if exc.status_code > 0 else None
            if context == "pull":
                return _pull_failed(model, status, str(exc.error), url)
            error = error_from_reply(status, str(exc.error), model, url)
            if context == "chat" and partial and isinstance(error, OllamaHttpError):
                return StreamInterrupted(url, partial, str(exc.error))
            return error
        if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
            return bad_host(url)
        reason = certificate_problem(exc)
        if reason is not None:
            return UntrustedCertificate(url, reason)
        if isinstance(exc, (ConnectionError, httpx.ConnectError)):
            # The ollama client wraps ConnectError as ConnectionError, except inside streams.
            return OllamaUnavailable(url)
        if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
            return OllamaTimeout(url, "connect", self.settings.connect_timeout_s)
        if isinstance(exc, httpx.TimeoutException):
            if context == "chat" and partial:
                return StreamInterrupted(
                    url, partial, f"no token for {self.settings.first_token_timeout_s:g} s"
                )
            if context == "chat":
                return OllamaTimeout(url, "first token", self.settings.first_token_timeout_s)
            return OllamaTimeout(
                url, "reply", META_READ_TIMEOUT_S if context == "meta" else PULL_STALL_TIMEOUT_S
            )
        if isinstance(exc, httpx.TransportError):
            if context == "chat":
                return StreamInterrupted(url, partial, str(exc) or type(exc).__name__)
            return OllamaHttpError(
                None,
                f"the connection broke ({exc or type(exc).__name__})",
                "Try again; a download resumes where it stopped."
                if context == "pull"
                else "Try again; if it keeps happening, check Ollama's log.",
            )
        return self._unreadable()

    def _unreadable(self) -> OllamaHttpError:
        return OllamaHttpError(
            None,
            "a reply Kenning could not read",
            f"Check that {self.url} is an Ollama server (or a proxy that passes its API through).",
        )


def _close(parts: Iterator[Any]) -> None:
    close = getattr(parts, "close", None)  # the ollama client returns a generator, typed as an Iterator
    if close is not None:
        close()


def _pull_failed(model: str, status: int | None, detail: str, url: str) -> OllamaError:
    error = error_from_reply(status, detail, model, url)
    if isinstance(error, OllamaHttpError):  # e.g. "pull model manifest: file does not exist"
        return OllamaHttpError(
            status,
            f'could not download "{model}": {detail}',
            "Check the model name (https://ollama.com/library) and the internet connection.",
        )
    return error


def _chat_done(part: ollama.ChatResponse, model: str, first_token_ns: int | None, wall_ns: int) -> ChatDone:
    # Ollama omits zero counts and durations (omitempty), so a missing field means 0.
    return ChatDone(
        model=part.model or model,
        done_reason=part.done_reason or "",
        prompt_eval_count=part.prompt_eval_count or 0,
        eval_count=part.eval_count or 0,
        load_duration=part.load_duration or 0,
        prompt_eval_duration=part.prompt_eval_duration or 0,
        eval_duration=part.eval_duration or 0,
        total_duration=part.total_duration or 0,
        first_token_ns=first_token_ns,
        wall_ns=wall_ns,
    )


def _same_model(a: str, b: str) -> bool:
    """ "llama3.2" and "llama3.2:latest" are the same model to Ollama."""

    def full(name: str) -> str:
        return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"

    return full(a.strip()) == full(b.strip())


def _model_info(
    name: str, entry: ollama.ListResponse.Model | None, shown: ollama.ShowResponse | None
) -> ModelInfo:
    details = (shown.details if shown else None) or (entry.details if entry else None)
    info = dict(shown.modelinfo or {}) if shown else {}
    return ModelInfo(
        name=name,
        size=int(entry.size) if entry and entry.size is not None else None,
        family=(details.family if details else None) or "",
        parameter_size=(details.parameter_size if details else None) or "",
        quantization=(details.quantization_level if details else None) or "",
        context_length=_context_length(info),
        digest=entry.digest if entry else None,
        capabilities=tuple(shown.capabilities or ()) if shown else (),
    )


def _context_length(info: Mapping[str, Any]) -> int | None:
    architecture = info.get("general.architecture")
    value = info.get(f"{architecture}.context_length") if architecture else None
    if value is None:  # an unusual architecture key: any "*.context_length" will do
        value = next((v for k, v in info.items() if k.endswith(".context_length")), None)
    return int(value) if isinstance(value, (int, float)) else None
