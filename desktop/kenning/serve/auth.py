"""Who may use the service: this computer only, unless the user opens it up and sets a token.

The token comes from `KENNING_API_TOKEN` or the system keyring (never a file or a log). Bound to a
loopback address the API may run without one; any other address, and MCP over HTTP, need one.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from kenning.core.errors import UsageError
from kenning.core.secrets import SERVICE_TOKEN_ENV, SERVICE_TOKEN_SECRET, SecretStore

TOKEN_ENV = SERVICE_TOKEN_ENV
TOKEN_SECRET = SERVICE_TOKEN_SECRET


@dataclass(frozen=True)
class Token:
    value: str
    source: str  # "environment", "keyring" or "new" (made now and kept in the keyring)


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(
    secret_store: SecretStore, *, create: bool, environ: Mapping[str, str] | None = None
) -> Token | None:
    """The configured token; with `create`, a new one (kept in the keyring) when none is set."""
    env = os.environ if environ is None else environ
    if value := env.get(TOKEN_ENV, "").strip():
        return Token(value, "environment")
    if value := (secret_store.get(TOKEN_SECRET) or "").strip():
        return Token(value, "keyring")
    if not create:
        return None
    value = secrets.token_urlsafe(32)
    secret_store.set(TOKEN_SECRET, value)
    return Token(value, "new")


def check_exposure(host: str, token: Token | None) -> None:
    """Refuse to listen beyond this computer without a token."""
    if not is_loopback(host) and token is None:
        raise UsageError(
            f"Refusing to serve your documents on {host} without an access token.",
            f"Set {TOKEN_ENV} (or store a token in the keyring), or bind to 127.0.0.1.",
        )


class BearerAuth:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._authorized(scope):
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {
                "error": {
                    "message": "Missing or wrong access token: send 'Authorization: Bearer <token>'.",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="kenning"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _authorized(self, scope: Scope) -> bool:
        given = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        return hmac.compare_digest(given, self._expected)
