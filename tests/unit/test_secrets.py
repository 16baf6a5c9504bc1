"""SecretStore with a real keyring backend in memory, and with no keyring at all (the fail backend)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.errors import KeyringLocked, PasswordDeleteError

from kenning.core import secrets
from kenning.core.secrets import SERVICE, SESSION_ONLY_WARNING, SecretStore

TOKEN = "s3cret-token-value"

Install = Callable[[keyring.backend.KeyringBackend], keyring.backend.KeyringBackend]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A working keyring that keeps its entries in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class LockedKeyring(MemoryKeyring):
    """A keyring that exists but refuses (the user dismissed the unlock prompt)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the keyring is locked")


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: the fallback not yet announced."""
    monkeypatch.setattr(secrets, "_announced", threading.Event())


@pytest.fixture
def use_keyring() -> Iterator[Install]:
    before = keyring.get_keyring()

    def install(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(before)


def test_secrets_go_to_the_keyring(use_keyring: Install) -> None:
    backend = use_keyring(MemoryKeyring())
    assert isinstance(backend, MemoryKeyring)
    store = SecretStore()
    assert store.persistent and store.warning == ""
    store.set("ollama-token:http://gpu:11434", TOKEN)
    assert backend.entries == {(SERVICE, "ollama-token:http://gpu:11434"): TOKEN}
    assert SecretStore().get("ollama-token:http://gpu:11434") == TOKEN  # a new store (a restart) sees it
    store.delete("ollama-token:http://gpu:11434")
    assert store.get("ollama-token:http://gpu:11434") is None
    store.delete("ollama-token:http://gpu:11434")  # deleting what is not there is fine


def test_without_a_keyring_secrets_live_for_the_session(
    use_keyring: Install,
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_keyring(keyring.backends.fail.Keyring())
    store = SecretStore()
    caplog.set_level(logging.DEBUG)
    assert not store.persistent
    assert store.warning == SESSION_ONLY_WARNING
    store.set("token", TOKEN)
    assert store.get("token") == TOKEN
    assert SecretStore().get("token") is None  # not written anywhere a restart could find it
    store.delete("token")
    assert store.get("token") is None
    assert TOKEN not in caplog.text


def test_a_keyring_that_discards_secrets_counts_as_none(use_keyring: Install) -> None:
    use_keyring(keyring.backends.null.Keyring())
    store = SecretStore()
    store.set("token", TOKEN)
    assert not store.persistent and store.get("token") == TOKEN


def test_a_refusing_keyring_falls_back_with_the_warning(
    use_keyring: Install,
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_keyring(LockedKeyring())
    store = SecretStore()
    assert store.persistent  # nothing known to be wrong yet
    caplog.set_level(logging.DEBUG)
    store.set("token", TOKEN)
    assert not store.persistent and store.warning == SESSION_ONLY_WARNING
    assert store.get("token") == TOKEN
    assert "session only" in caplog.text and TOKEN not in caplog.text


def test_the_fallback_is_a_warning_once_then_debug(
    use_keyring: Install,
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_keyring(keyring.backends.fail.Keyring())
    caplog.set_level(logging.DEBUG, logger="kenning.core.secrets")
    for _ in range(3):  # a store per workspace, each read several times
        store = SecretStore()
        for _ in range(3):
            assert store.get("ollama-token:http://127.0.0.1:11434") is None
        assert store.warning == SESSION_ONLY_WARNING  # the UI can still tell the user every time
    records = [r for r in caplog.records if "session only" in r.getMessage()]
    assert [r.levelno for r in records] == [logging.WARNING, logging.DEBUG, logging.DEBUG]
