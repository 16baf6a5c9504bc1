"""How Kenning reaches an Ollama server over HTTP: which proxy (none for this machine), TLS, /api/version.

httpx, and the ollama client on top of it, read HTTP(S)_PROXY/ALL_PROXY (and the system proxy on
macOS and Windows) unless told not to. A prompt carries the question, the passages and the bearer
token, so it must never take a detour: a server on this machine is always reached directly, and a
remote one goes through a proxy only when the user turned `ollama.use_system_proxy` on.
"""

from __future__ import annotations

import functools
import ipaddress
import ssl
import urllib.parse
from collections.abc import Mapping

import httpx
import ollama

from kenning.core.settings import OllamaSettings

_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def is_local_host(url: str) -> bool:
    """True for an address on this machine: loopback, the unspecified address, a localhost name."""
    name = (urllib.parse.urlsplit(url).hostname or "").rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def trust_env(settings: OllamaSettings, url: str) -> bool:
    """Whether httpx may read proxy settings from the environment and the system for this host."""
    return settings.use_system_proxy and not is_local_host(url)


@functools.cache
def ssl_context() -> ssl.SSLContext:
    # Loading CA certificates takes ~40 ms; every httpx client shares one context. It still honours
    # SSL_CERT_FILE/SSL_CERT_DIR (a company CA), which trust_env=False on a client would not change.
    return httpx.create_ssl_context()


def http_client(
    settings: OllamaSettings, url: str, headers: Mapping[str, str], *, read_timeout_s: float
) -> httpx.Client:
    """A plain httpx client for `url` with the settings' connect timeout and proxy rule."""
    return httpx.Client(
        base_url=url,
        headers=dict(headers),
        timeout=httpx.Timeout(read_timeout_s, connect=settings.connect_timeout_s),
        verify=ssl_context(),
        trust_env=trust_env(settings, url),
    )


def read_version(http: httpx.Client) -> str:
    """GET /api/version (the ollama client 0.6.3 has no call for it). Raises what httpx raises,
    ollama.ResponseError for an error status, KeyError/TypeError/ValueError for an odd body."""
    response = http.get("/api/version")
    if response.is_error:
        raise ollama.ResponseError(response.text, response.status_code)
    return str(response.json()["version"])
