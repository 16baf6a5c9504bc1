"""The Ollama-specific part of reaching a server: GET /api/version. The proxy, TLS and timeout rules
live in `kenning.core.transport`, shared with the Ollama embedder, and are re-exported here."""

from __future__ import annotations

import httpx
import ollama

from kenning.core.transport import http_client, is_local_host, ssl_context, trust_env

__all__ = ["http_client", "is_local_host", "read_version", "ssl_context", "trust_env"]


def read_version(http: httpx.Client) -> str:
    """GET /api/version (the ollama client 0.6.3 has no call for it). Raises what httpx raises,
    ollama.ResponseError for an error status, KeyError/TypeError/ValueError for an odd body."""
    response = http.get("/api/version")
    if response.is_error:
        raise ollama.ResponseError(response.text, response.status_code)
    return str(response.json()["version"])
