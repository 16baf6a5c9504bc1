"""Reading a host address the way Ollama does: "0.0.0.0", ":11434", "gpu-box:8080/ollama" → a full URL."""

from __future__ import annotations

import urllib.parse

from kenning.core.errors import KenningError

DEFAULT_HOST = "http://127.0.0.1:11434"


class InvalidHost(KenningError):
    """A host setting that is not an http(s) address."""

    def __init__(self, host: str) -> None:
        super().__init__(
            f"'{host}' is not a valid Ollama address.",
            next_step="Set the Ollama host in Settings to a URL like http://127.0.0.1:11434.",
        )
        self.host = host


def normalize_host(host: str) -> str:
    """Ollama's own reading of a host as a full URL; raises InvalidHost for anything else."""
    text = host.strip() or DEFAULT_HOST
    scheme, _, rest = text.partition("://")
    default_port = {"http": 80, "https": 443}.get(scheme, 11434)
    if not rest:
        scheme, rest, default_port = "http", text, 11434
    try:
        split = urllib.parse.urlsplit(f"{scheme}://{rest}")
        port = split.port or default_port
    except ValueError as exc:
        raise InvalidHost(host) from exc
    name = split.hostname or "127.0.0.1"
    if scheme not in ("http", "https") or any(c.isspace() for c in name):
        raise InvalidHost(host)
    name = f"[{name}]" if ":" in name else name
    path = split.path.strip("/")
    return f"{scheme}://{name}:{port}" + (f"/{path}" if path else "")
