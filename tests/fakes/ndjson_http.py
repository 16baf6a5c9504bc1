"""HTTP plumbing shared by the test servers that speak Ollama's protocol.

Replies are shaped like Ollama's (a Go net/http server): JSON bodies with a Content-Length, streams
as chunked `application/x-ndjson` whose headers go out with the first record, errors as
`{"error": "..."}`. A handler notices a client that went away even while it is deliberately slow.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ClientGone(Exception):
    """The client closed its end (cancelled or timed out): stop producing."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: Any
    stopping: threading.Event

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_open_connections(self) -> None:
        """Cut every accepted connection, as the OS does when a server process exits.

        Without this a stopped server kept answering on kept-alive connections (their handler
        threads outlive the listening socket), so a client that had just talked to it never saw
        it go away.
        """
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # its handler closed it meanwhile
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        # ssl.SSLError: a client that refused the test certificate hung up during the handshake.
        if isinstance(error, (ClientGone, ConnectionError, TimeoutError, ssl.SSLError)):
            return
        # A bug in the test server must fail the test, not scroll past on stderr.
        self.owner.handler_errors.append(error)


class ServerThread:
    """A threaded HTTP server on 127.0.0.1 (a free port), served from a daemon thread."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], owner: Any, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), handler)
        self._scheme = "http"
        if tls is not None:
            # The handshake runs in the handler's thread (not in accept), so a client that rejects
            # the certificate cannot stall the serving loop.
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
            self._scheme = "https"
        self._server.owner = owner
        self._server.stopping = self.stopping
        # A short poll so stop() returns at once (shutdown waits for the serving loop's next poll).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="test-http", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop as a real server process would: no new connections, and the open ones cut."""
        self.stopping.set()  # wakes handlers in a deliberate pause
        self._server.shutdown()
        self._server.server_close()
        self._server.drop_open_connections()
        self._thread.join(timeout=5)


class ProtocolHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streams, as Ollama
    timeout = 10  # an idle keep-alive connection releases its thread after this
    server: _Server

    @property
    def owner(self) -> Any:
        return self.server.owner

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the owner keeps its own request log

    def read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else None

    def send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._write(body)

    def send_error_json(self, status: int, message: str) -> None:
        self.send_json(status, {"error": message})

    def send_text(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._write(body)

    def begin_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def send_record(self, payload: Any) -> None:
        line = json.dumps(payload).encode() + b"\n"
        self._write(b"%x\r\n%s\r\n" % (len(line), line))

    def end_stream(self) -> None:
        self._write(b"0\r\n\r\n")

    def drop_connection(self) -> None:
        """Cut the connection mid-body, as a crashed server or a broken network would."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def pause(self, seconds: float) -> None:
        """Wait, but raise ClientGone as soon as the client closes its end."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self.server.stopping.is_set():
                raise ClientGone
            readable, _, _ = select.select([self.connection], [], [], min(remaining, 0.1))
            if readable:
                try:
                    peeked = self.connection.recv(1, socket.MSG_PEEK)
                except OSError as exc:
                    raise ClientGone from exc
                if not peeked:
                    raise ClientGone
                # Bytes of a next request (no pipelining expected): just sit out the delay.
                self.server.stopping.wait(remaining)

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
        except OSError as exc:  # broken pipe, reset: the client is gone
            self.close_connection = True
            raise ClientGone from exc
