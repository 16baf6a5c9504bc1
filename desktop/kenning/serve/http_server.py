"""One HTTP server for both faces: the OpenAI-compatible `/v1` API and, when asked, MCP at `/mcp`.

The socket is bound before the server starts, so the address can be announced the moment it is
known (a client that connects at once waits in the listen queue) and port 0 picks a free port.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from kenning.core.errors import KenningError
from kenning.serve.auth import BearerAuth, Token, check_exposure
from kenning.serve.documents import DocumentService
from kenning.serve.openai_api import openai_routes


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    mcp: bool

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def describe(self, token: Token | None) -> dict[str, Any]:
        return {
            "url": self.url,
            "openai_base_url": self.url + "/v1",
            "mcp_url": self.url + "/mcp" if self.mcp else None,
            "token_required": token is not None,
            "token_source": token.source if token else None,
            # Shown once, when it was just made, so the user can give it to their tools.
            "token": token.value if token and token.source == "new" else None,
        }


def build_app(service: DocumentService, *, host: str, token: Token | None, with_mcp: bool) -> ASGIApp:
    routes = openai_routes(service)
    app: Starlette
    if with_mcp:
        if token is None:
            raise KenningError("MCP over HTTP needs an access token.", "Set KENNING_API_TOKEN.")
        from kenning.serve.mcp_server import build_mcp_server

        server = build_mcp_server(service)
        for route in routes:
            server.custom_route(route.path, methods=sorted(route.methods or ()))(route.endpoint)
        # The SDK's app runs MCP's session manager in its lifespan and checks Host headers on loopback.
        app = server.streamable_http_app(host=host)
    else:
        app = Starlette(routes=routes)
    return BearerAuth(app, token.value) if token else app


def bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise KenningError(
            f"Cannot listen on {host}:{port} ({exc.strerror or exc}).",
            "Choose another port with --port, or stop the program that uses this one.",
        ) from exc
    sock.listen(128)
    return sock


def serve(
    service: DocumentService,
    *,
    host: str,
    port: int,
    token: Token | None,
    with_mcp: bool,
    on_ready: Callable[[Address], None],
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); `on_ready` gets the address once it is bound."""
    check_exposure(host, token)
    app = build_app(service, host=host, token=token, with_mcp=with_mcp)
    sock = bind(host, port)
    address = Address(host=host, port=sock.getsockname()[1], mcp=with_mcp)
    config = uvicorn.Config(app, log_level="warning", lifespan="on" if with_mcp else "off")
    on_ready(address)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
