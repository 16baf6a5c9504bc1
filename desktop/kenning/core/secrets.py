"""Secrets (an Ollama proxy token, later provider keys) kept in the system keyring, never in files.

Where no keyring exists (headless Linux without a Secret Service: `NoKeyringError`) or it refuses
(locked, access denied), a secret lives in memory for this session only, and `warning` says so,
so the UI can tell the user why it will not be remembered. Values never reach a log.
"""

from __future__ import annotations

import logging
import threading

import keyring
import keyring.backends.fail
import keyring.backends.null
from keyring.errors import KeyringError, PasswordDeleteError

from kenning.core.hosts import normalize_host

log = logging.getLogger(__name__)

SERVICE = "Kenning"
SESSION_ONLY_WARNING = "No system keyring is available, so this secret will be kept for this session only."

# Backends that accept a secret without keeping it anywhere: treat them as no keyring at all.
_NOT_PERSISTENT = (keyring.backends.fail.Keyring, keyring.backends.null.Keyring)

# The fallback is announced at WARNING once per process; every store made later (one per workspace,
# one per answered question in a long session) repeats it at DEBUG only.
_announced = threading.Event()


class SecretStore:
    def __init__(self, service: str = SERVICE) -> None:
        self.service = service
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._fallback_reason: str | None = None

    @property
    def persistent(self) -> bool:
        """Whether a secret set now will still be there after a restart."""
        if self._fallback_reason is None and isinstance(keyring.get_keyring(), _NOT_PERSISTENT):
            self._fall_back("no keyring backend")
        return self._fallback_reason is None

    @property
    def warning(self) -> str:
        """Text for the user when secrets are session-only; empty when the keyring works."""
        return "" if self.persistent else SESSION_ONLY_WARNING

    def get(self, name: str) -> str | None:
        with self._lock:
            if name in self._memory:
                return self._memory[name]
        if not self.persistent:
            return None
        try:
            return keyring.get_password(self.service, name)
        except KeyringError as exc:
            self._fall_back(type(exc).__name__)
            return None

    def set(self, name: str, value: str) -> None:
        if self.persistent:
            try:
                keyring.set_password(self.service, name, value)
            except KeyringError as exc:
                self._fall_back(type(exc).__name__)
            else:
                with self._lock:
                    self._memory.pop(name, None)
                return
        with self._lock:
            self._memory[name] = value

    def session_values(self) -> dict[str, str]:
        """The secrets held in this process's memory only: a worker process cannot read them here."""
        with self._lock:
            return dict(self._memory)

    def adopt_session(self, values: dict[str, str]) -> None:
        """Hold another process's session-only secrets (the indexing worker's, from the window's)."""
        with self._lock:
            self._memory.update(values)

    def delete(self, name: str) -> None:
        with self._lock:
            self._memory.pop(name, None)
        if not self.persistent:
            return
        try:
            keyring.delete_password(self.service, name)
        except PasswordDeleteError:
            pass  # nothing stored under that name: already deleted
        except KeyringError as exc:
            self._fall_back(type(exc).__name__)

    def _fall_back(self, reason: str) -> None:
        if self._fallback_reason is None:
            self._fallback_reason = reason
            level = logging.DEBUG if _announced.is_set() else logging.WARNING
            _announced.set()
            # The reason is an exception class name or a fixed phrase: never a secret or its value.
            log.log(level, "system keyring unavailable (%s): secrets are kept for this session only", reason)


# The access token of `kenning serve` (and of the service the app starts): the keyring entry, and
# the variable that beats it (how the app hands the token to the service it starts).
SERVICE_TOKEN_SECRET = "service-api-token"
SERVICE_TOKEN_ENV = "KENNING_API_TOKEN"


def object_store_secret_name(access_key_id: str) -> str:
    """The keyring entry holding the secret access key of an object-store access key id."""
    return f"object-store-secret:{access_key_id}"


def token_secret_name(host: str) -> str:
    """The keyring entry holding the bearer token for an Ollama behind a proxy (one per host)."""
    return f"ollama-token:{normalize_host(host)}"
