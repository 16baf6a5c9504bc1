"""An S3-compatible server for tests: moto's, as a subprocess on a free loopback port.

`moto_server` is a real HTTP server speaking the S3 protocol (conditional writes included), so
LanceDB, the probe and the CLI talk to it exactly as they would to a bucket.
`StrippingProxy` stands in for a store that ignores `If-None-Match` (an older MinIO, some NAS);
`RecordingProxy` passes everything on and records each request, to count what a search costs.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

ACCESS_KEY = "testing-key"
SECRET_KEY = "testing-secret"


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str
    process: subprocess.Popen[bytes]

    def env(self, *, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY) -> dict[str, str]:
        """The AWS_* variables a `kenning` child reads to reach this store."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_REGION": "us-east-1",
        }

    def create_bucket(self, name: str) -> None:
        import boto3

        client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", **_keys())
        client.create_bucket(Bucket=name)


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], attempts: int = 600) -> None:
    """Poll until the server accepts a connection; each attempt blocks at most 0.1 s."""
    for _ in range(attempts):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return
        except OSError:
            threading.Event().wait(0.05)  # a bounded pause between attempts, not a wait for a state
    raise RuntimeError(f"nothing listened on port {port}")


@contextmanager
def moto_s3(env: dict[str, str] | None = None) -> Iterator[ObjectStore]:
    port = free_port()
    command = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    process = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        wait_for_port(port, process)
        yield ObjectStore(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class Request:
    method: str
    key: str  # the object's path in the bucket
    size: int  # bytes of the reply's body


class StrippingProxy:
    """A loopback HTTP proxy to `upstream` that drops the If-None-Match header of every request."""

    dropped_headers: tuple[str, ...] = ("if-none-match",)

    def __init__(self, upstream: str) -> None:
        target = upstream.removeprefix("http://")
        host, port = target.split(":")
        self.requests: list[Request] = []
        dropped, requests = self.dropped_headers, self.requests

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                conn.request(self.command, self.path, body=body, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                requests.append(Request(self.command, self.path.split("?")[0], len(data)))
                self.send_response(reply.status)
                # A HEAD reply says the object's size in Content-Length: keep it as it came.
                skipped = ("transfer-encoding", "connection") + (
                    () if self.command == "HEAD" else ("content-length",)
                )
                for key, value in reply.getheaders():
                    if key.lower() not in skipped:
                        self.send_header(key, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class RecordingProxy(StrippingProxy):
    """A loopback HTTP proxy to `upstream` that changes nothing and records every request."""

    dropped_headers = ()
