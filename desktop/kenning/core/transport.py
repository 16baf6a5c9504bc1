"""How Kenning reaches an Ollama server over HTTP: which proxy (none for this machine), which TLS
trust, which timeouts. Shared by the chat client (`answer.ollama`) and the embedder (`index`).

httpx, and the ollama client on top of it, read HTTP(S)_PROXY/ALL_PROXY (and the system proxy on
macOS and Windows) unless told not to. A prompt carries the question, the passages and the bearer
token, so it must never take a detour: a server on this machine is always reached directly, and a
remote one goes through a proxy only when the user turned `ollama.use_system_proxy` on.

A team's server often has a certificate from a private authority: `ollama.ca_bundle` names a PEM
file of the certificates to trust instead of the system's.
"""

from __future__ import annotations

import functools
import ipaddress
import ssl
import urllib.parse
from collections.abc import Mapping

import httpx

from kenning.core.errors import KenningError
from kenning.core.settings import OllamaSettings

_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class CaBundleUnreadable(KenningError):
    """The `ollama.ca_bundle` setting names a file that is missing or holds no certificate."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"The CA bundle {path} cannot be used ({reason}).",
            "Set Settings › Ollama › CA bundle to a PEM file with the server's certificate authority, "
            "or clear it to trust the system's certificates.",
        )
        self.path = path


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


def host_label(url: str) -> str:
    """ "gpu-box:11434" for http://gpu-box:11434: where an answer was computed, for people."""
    split = urllib.parse.urlsplit(url)
    return split.netloc or url


def trust_env(settings: OllamaSettings, url: str) -> bool:
    """Whether httpx may read proxy settings from the environment and the system for this host."""
    return settings.use_system_proxy and not is_local_host(url)


def ssl_context(ca_bundle: str = "") -> ssl.SSLContext:
    """The TLS trust for a server: the system's certificates, or only those in `ca_bundle`.

    Raises CaBundleUnreadable for a bundle that is missing or not PEM certificates.
    """
    try:
        return _context(ca_bundle.strip())
    except FileNotFoundError as exc:
        raise CaBundleUnreadable(ca_bundle, "no such file") from exc
    except (OSError, ssl.SSLError) as exc:
        raise CaBundleUnreadable(ca_bundle, "not a PEM file of certificates") from exc


@functools.cache
def _context(ca_bundle: str) -> ssl.SSLContext:
    # Loading CA certificates takes ~40 ms; every client for one bundle shares one context. Without
    # a bundle it still honours SSL_CERT_FILE/SSL_CERT_DIR, which trust_env=False would not change.
    if not ca_bundle:
        return httpx.create_ssl_context()
    return ssl.create_default_context(cafile=ca_bundle)


def timeout(settings: OllamaSettings, read_timeout_s: float) -> httpx.Timeout:
    """Every call waits at most the connect timeout to connect and `read_timeout_s` for each read."""
    return httpx.Timeout(read_timeout_s, connect=settings.connect_timeout_s, pool=settings.connect_timeout_s)


def http_client(
    settings: OllamaSettings, url: str, headers: Mapping[str, str], *, read_timeout_s: float
) -> httpx.Client:
    """A plain httpx client for `url` with the settings' timeouts, TLS trust and proxy rule."""
    return httpx.Client(
        base_url=url,
        headers=dict(headers),
        timeout=timeout(settings, read_timeout_s),
        verify=ssl_context(settings.ca_bundle),
        trust_env=trust_env(settings, url),
    )


def auth_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def certificate_problem(exc: BaseException) -> str | None:
    """Why TLS refused the server's certificate, if that is what `exc` comes from.

    The ollama client re-raises a ConnectError as a bare ConnectionError (`from None`), so the
    cause is looked for along the whole chain, the suppressed context included.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or current.reason or current)
        if isinstance(current, ssl.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(current):
            return "certificate verify failed"
        current = current.__cause__ or current.__context__
    return None
