"""What Kenning is built from, for the About dialog, `--version` and bug reports.

Versions come from installed package metadata, so nothing heavy (torch, LanceDB) is imported. The
Ollama server's version is asked only when a client is given, with that client's timeouts, and a
server that cannot be reached is simply reported as such: it is never required.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata

from kenning import __version__
from kenning.core.errors import KenningError
from kenning.core.index.embedding_models import PACKAGED_MODELS

log = logging.getLogger(__name__)

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Versions:
    app: str
    python: str
    lancedb: str
    pyarrow: str
    sentence_transformers: str
    transformers: str
    torch: str
    embedding_model: str  # the configured model, with its package version when it ships in one
    ollama: str | None  # None: not asked or not reachable
    ollama_host: str | None

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs in the order a person reads them."""
        where = f" at {self.ollama_host}" if self.ollama_host else ""
        return [
            ("Kenning", self.app),
            ("Embedding model", self.embedding_model),
            ("Ollama", self.ollama or f"not reachable{where}"),
            ("LanceDB", self.lancedb),
            ("PyArrow", self.pyarrow),
            ("sentence-transformers", self.sentence_transformers),
            ("Transformers", self.transformers),
            ("PyTorch", self.torch),
            ("Python", self.python),
        ]

    def summary(self) -> str:
        return "; ".join(f"{label} {value}" for label, value in self.rows())


def package_version(distribution: str) -> str:
    """An installed distribution's version, or `unknown` (a frozen build may lack some metadata)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def app_version() -> str:
    """The installed package's version (from pyproject.toml); the source tree's when not installed."""
    installed = package_version("kenning")
    return installed if installed != UNKNOWN else __version__


def embedding_model_version(model: str) -> str:
    module = PACKAGED_MODELS.get(model)
    if module is None:
        return model
    return f"{model} ({module.replace('_', '-')} {package_version(module.replace('_', '-'))})"


def ollama_version(
    host: str,
    *,
    token: str | None = None,
    timeout_s: float = 1.5,
    use_system_proxy: bool = False,
    ca_bundle: str = "",
) -> str | None:
    """The server's version, or None when it does not answer within `timeout_s` (never raises).

    The same GET as `OllamaClient.version`, with the same rule for proxies (none for this machine).
    """
    import httpx
    import ollama

    from kenning.core.answer.ollama.transport import http_client, read_version
    from kenning.core.hosts import normalize_host
    from kenning.core.settings import OllamaSettings

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    settings = OllamaSettings(
        host=host, connect_timeout_s=timeout_s, use_system_proxy=use_system_proxy, ca_bundle=ca_bundle
    )
    try:
        with http_client(settings, normalize_host(host), headers, read_timeout_s=timeout_s) as http:
            return read_version(http)
    except (
        httpx.HTTPError,
        httpx.InvalidURL,
        ollama.ResponseError,
        KenningError,
        ValueError,
        KeyError,
        TypeError,
    ) as exc:
        log.info("ollama version not available", extra={"host": host, "reason": type(exc).__name__})
        return None


def collect_versions(
    *,
    embedding_model: str = "all-MiniLM-L6-v2",
    ollama_host: str | None = None,
    ollama_token: str | None = None,
    ollama_timeout_s: float = 1.5,
) -> Versions:
    """Everything but Qt (the UI adds its own). Give `ollama_host` to ask the server too; call this
    off the UI thread then, as it may wait up to `ollama_timeout_s`."""
    import platform

    return Versions(
        app=app_version(),
        python=platform.python_version(),
        lancedb=package_version("lancedb"),
        pyarrow=package_version("pyarrow"),
        sentence_transformers=package_version("sentence-transformers"),
        transformers=package_version("transformers"),
        torch=package_version("torch"),
        embedding_model=embedding_model_version(embedding_model),
        ollama=(
            ollama_version(ollama_host, token=ollama_token, timeout_s=ollama_timeout_s)
            if ollama_host
            else None
        ),
        ollama_host=ollama_host,
    )
