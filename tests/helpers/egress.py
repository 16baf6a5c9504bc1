"""Catching network traffic a test did not expect: a socket guard and a proxy that records visitors.

`guard()` patches the socket module in this process so every outgoing TCP/UDP connection and every
name lookup is recorded. `guarded_env()` does the same for a `kenning` subprocess: a
sitecustomize.py on PYTHONPATH installs the guard before any other import (so import-time telemetry
counts) and appends each attempt to a file. `ProxyTrap` is a real listening socket to set as
HTTP(S)_PROXY: it accepts, records and hangs up.

Only Python's socket module is watched: code in Rust or C++ that opens its own sockets (LanceDB,
Qt's network module) would not show up. Kenning uses neither for networking.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Installed in a subprocess as sitecustomize.py; kept dependency-free (runs before anything else).
GUARD_SOURCE = """
import os, socket

_LOG = os.environ.get("EGRESS_LOG")


def _record(kind, host, port):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as out:
            out.write(f"{kind} {host} {port}\\n")


def _install():
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

    def note(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            _record("connect", address[0], address[1])

    def connect(self, address):
        note(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        note(self, address)
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        _record("connect", address[0], address[1])
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host, port, *args, **kwargs):
        _record("lookup", host.decode() if isinstance(host, bytes) else host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.create_connection, socket.getaddrinfo = create_connection, getaddrinfo


_install()
"""

LOOPBACK_NAMES = {"127.0.0.1", "::1", "localhost", None, ""}


@contextmanager
def guard() -> Iterator[list[tuple[str, str, object]]]:
    """Record (kind, host, port) of every connection and lookup in this process until exit."""
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    seen: list[tuple[str, str, object]] = []
    lock = threading.Lock()

    def record(kind: str, host: str, port: object) -> None:
        with lock:
            seen.append((kind, str(host), port))

    namespace: dict[str, object] = {"__name__": "egress_guard"}
    source = GUARD_SOURCE.replace("_install()\n", "")
    exec(compile(source, "egress_guard", "exec"), namespace)
    namespace["_record"] = record
    install: Callable[[], None] = namespace["_install"]  # type: ignore[assignment]
    install()
    try:
        yield seen
    finally:
        socket.socket.connect, socket.socket.connect_ex = saved[0], saved[1]  # type: ignore[method-assign]
        socket.create_connection, socket.getaddrinfo = saved[2], saved[3]


def guarded_env(folder: Path, log: Path) -> dict[str, str]:
    """Environment for a subprocess that records its connections and lookups in `log`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(GUARD_SOURCE, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "EGRESS_LOG": str(log)}


def read_log(log: Path) -> list[tuple[str, str, object]]:
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    return [(kind, host, port) for kind, host, port in (line.split(" ", 2) for line in lines)]


def unexpected(seen: list[tuple[str, str, object]], allowed_ports: set[int]) -> list[tuple[str, str, object]]:
    """Attempts other than loopback connections to `allowed_ports` and lookups of loopback names."""
    bad = []
    for kind, host, port in seen:
        if kind == "lookup":
            if host not in LOOPBACK_NAMES:
                bad.append((kind, host, port))
        elif host not in ("127.0.0.1", "::1") or int(str(port)) not in allowed_ports:
            bad.append((kind, host, port))
    return bad


class ProxyTrap:
    """A TCP server on 127.0.0.1 that records each connection and closes it at once."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.visits = 0
        self._sentinel_seen = threading.Event()
        self._sentinel_port = -1
        self._thread = threading.Thread(target=self._serve, name="proxy-trap", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                if conn.getpeername()[1] == self._sentinel_port:
                    self._sentinel_seen.set()
                    return
                self.visits += 1

    def env(self) -> dict[str, str]:
        url = self.url
        names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
        return dict.fromkeys(names, url) | {"NO_PROXY": "", "no_proxy": ""}

    def close(self) -> int:
        """Stop, after every connection made so far has been counted; returns the count."""
        if not self._thread.is_alive():
            return self.visits
        # Connections are accepted in order: once our own last one is seen, all earlier ones were.
        with socket.socket() as sentinel:
            sentinel.bind(("127.0.0.1", 0))
            self._sentinel_port = sentinel.getsockname()[1]
            sentinel.connect(("127.0.0.1", self.port))
            self._sentinel_seen.wait(10)
        self._server.close()
        self._thread.join(10)
        return self.visits
