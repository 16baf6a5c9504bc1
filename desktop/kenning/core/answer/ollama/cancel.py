"""Cancelling a blocked Ollama request at once: the socket is shut down under the reading thread.

httpx has no cancel; a read blocked on a model that is still loading would otherwise keep Stop
waiting until the first token. Shutting the socket down wakes the read with an error at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

_CANCEL_POLL_S = 0.05


class CancelWatch:
    """Shuts the socket of the current request down once `cancel` is set, waking a blocked read."""

    def __init__(self, cancel: threading.Event) -> None:
        self._cancel = cancel
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="ollama-cancel", daemon=True)

    def __enter__(self) -> CancelWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._finished = True

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace callback: the connection's stream arrives with connect_tcp/start_tls."""
        get_extra_info = getattr(info.get("return_value"), "get_extra_info", None)
        sock = get_extra_info("socket") if event.endswith(".complete") and get_extra_info else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sock = sock  # after start_tls, the TLS socket replaces the detached TCP one
                if self._cancel.is_set() and not self._finished:
                    self._shutdown()

    def _run(self) -> None:
        while not self._cancel.wait(_CANCEL_POLL_S):
            with self._lock:
                if self._finished:
                    return
        with self._lock:
            if not self._finished:
                self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            # The plain socket method even for TLS: SSLSocket.shutdown would drop its state under the reader.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
