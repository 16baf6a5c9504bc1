"""The OpenAI-compatible API: `/v1/models` and `/v1/chat/completions`, answered from the index.

Any OpenAI client library can ask the user's documents: the reply's text carries the `[n]`
citations and a list of sources, and a `kenning` field carries the whole answer (sources, checked
citations, trace) in the shape `kenning ask --json` prints. Streaming uses server-sent events, as
OpenAI's does; the `kenning` field then comes with the last chunk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kenning.core.domain.answers import Done, Token
from kenning.core.errors import KenningError, UsageError
from kenning.serve.chat_format import (
    SERVICE_MODEL,
    ChatRequest,
    chunk,
    completion,
    completion_id,
    error_body,
    models_list,
    parse_chat_request,
    sources_footer,
    usage,
)
from kenning.serve.documents import DocumentService


def openai_routes(service: DocumentService) -> list[Route]:
    async def models(request: Request) -> Response:
        return JSONResponse(models_list(service.model))

    async def chat_completions(request: Request) -> Response:
        try:
            chat = parse_chat_request(await _json(request))
        except UsageError as exc:
            return _error(400, exc, "invalid_request_error")
        if chat.model not in (SERVICE_MODEL, service.model):
            return JSONResponse(
                error_body(
                    f"The model '{chat.model}' does not exist here.",
                    kind="invalid_request_error",
                    next_step=f"Use '{SERVICE_MODEL}' (GET /v1/models lists the names).",
                ),
                status_code=404,
            )
        if chat.stream:
            return StreamingResponse(_stream(service, chat), media_type="text/event-stream")
        try:
            answer = await run_in_threadpool(service.ask, chat.question, chat.history)
        except KenningError as exc:
            return _error(503, exc, "kenning_error")
        return JSONResponse(completion(answer, chat.model, service.answer_document(answer)))

    return [
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
    ]


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError("The request body is not JSON.") from exc


def _stream(service: DocumentService, chat: ChatRequest) -> Iterator[str]:
    """Server-sent events; a sync generator, which the server iterates on worker threads."""
    chunk_id = completion_id()
    yield _event(chunk(chunk_id, chat.model, {"role": "assistant", "content": ""}))
    streamed = False
    try:
        for event in service.ask_events(chat.question, chat.history):
            if isinstance(event, Token):
                streamed = True
                yield _event(chunk(chunk_id, chat.model, {"content": event.text}))
            elif isinstance(event, Done):
                answer = event.answer
                # Without tokens (not found, no model) the answer's text has not been sent yet.
                text = ("" if streamed else answer.text) + sources_footer(answer)
                if text:
                    yield _event(chunk(chunk_id, chat.model, {"content": text}))
                extra = {"usage": usage(answer), "kenning": service.answer_document(answer)}
                yield _event(chunk(chunk_id, chat.model, {}, finish_reason="stop", extra=extra))
    except KenningError as exc:
        # The status line has gone out already: the error travels in the stream, as OpenAI's does.
        yield _event(error_body(exc.message, kind="kenning_error", next_step=exc.next_step))
    yield "data: [DONE]\n\n"


def _event(document: dict[str, Any]) -> str:
    return f"data: {json.dumps(document, ensure_ascii=False)}\n\n"


def _error(status: int, exc: KenningError, kind: str) -> JSONResponse:
    return JSONResponse(error_body(exc.message, kind=kind, next_step=exc.next_step), status_code=status)
