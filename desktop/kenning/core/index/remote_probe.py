"""Ask an object store two questions before trusting it: does it answer, and will it refuse to
overwrite an object that a `If-None-Match: *` PUT says must be new?

LanceDB commits a version by creating its manifest with that condition. A store that ignores it
lets two writers both "win", and one of them loses its commit without a word (3 writers lost 23 of
45 commits in our test). Such a store is refused for writing unless commits go through DynamoDB.

Requests are signed here (AWS Signature V4, ~30 lines) so no SDK is needed for two PUTs.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import httpx

from kenning.core.errors import (
    SharedIndexDenied,
    SharedIndexProblem,
    SharedIndexUnreachable,
    SharedIndexUnsafe,
)
from kenning.core.index.location import IndexLocation


def check_conditional_writes(location: IndexLocation) -> None:
    """Raise SharedIndexUnsafe when the store would let a second writer overwrite a commit."""
    if not location.is_remote or location.external_commits:
        return
    key = "/".join(p for p in (location.prefix, ".kenning-probe", uuid.uuid4().hex) if p)
    with _client(location) as client:
        try:
            first = _request(client, location, "PUT", key, b"1", {"if-none-match": "*"})
            _raise_for(first, location)
            second = _request(client, location, "PUT", key, b"2", {"if-none-match": "*"})
        finally:
            _quietly_delete(client, location, key)
    if second.status_code in (200, 201, 204):
        raise SharedIndexUnsafe(
            f"The object store at {location.uri} does not honour conditional writes: two writers "
            "could overwrite each other's commits and lose data, so Kenning will not write there."
        )
    if second.status_code not in (409, 412):
        _raise_for(second, location)


def latency_ms(location: IndexLocation) -> float:
    """Round trip of one small request to the bucket (what every query pays at least once)."""
    with _client(location) as client:
        started = time.perf_counter()
        response = _request(client, location, "HEAD", "", b"", {})
        elapsed = (time.perf_counter() - started) * 1000
    _raise_for(response, location)
    return round(elapsed, 1)


def _client(location: IndexLocation) -> httpx.Client:
    timeout = httpx.Timeout(10.0, connect=location.credentials.connect_timeout_s)
    return httpx.Client(timeout=timeout, trust_env=False)


def _request(
    client: httpx.Client, location: IndexLocation, method: str, key: str, body: bytes, extra: dict[str, str]
) -> httpx.Response:
    url, host, path = _address(location, key)
    headers = _signed_headers(location, method, host, path, body, extra)
    try:
        return client.request(method, url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise SharedIndexUnreachable(
            f"The object store for {location.uri} did not answer ({type(exc).__name__}: {exc})."
        ) from exc


def _quietly_delete(client: httpx.Client, location: IndexLocation, key: str) -> None:
    # The probe object is tiny and under a marked prefix: leaving it behind is harmless.
    with suppress(SharedIndexProblem):
        _request(client, location, "DELETE", key, b"", {})


def _raise_for(response: httpx.Response, location: IndexLocation) -> None:
    if response.status_code < 300:
        return
    if response.status_code in (401, 403):
        raise SharedIndexDenied(
            f"The object store refused the credentials for {location.uri} (HTTP {response.status_code})."
        )
    if response.status_code == 404:
        raise SharedIndexProblem(f"The bucket of {location.uri} does not exist (HTTP 404).")
    raise SharedIndexProblem(
        f"The object store for {location.uri} answered HTTP {response.status_code}: {response.text[:200]}"
    )


def _address(location: IndexLocation, key: str) -> tuple[str, str, str]:
    """(url, host, path): path style on a custom endpoint, virtual-host style on AWS."""
    c = location.credentials
    quoted = quote(key, safe="/-_.~")
    if c.endpoint:
        parts = urlsplit(c.endpoint)
        path = f"/{location.bucket}" + (f"/{quoted}" if key else "")
        return f"{parts.scheme}://{parts.netloc}{path}", parts.netloc, path
    host = f"{location.bucket}.s3.{c.region}.amazonaws.com"
    path = f"/{quoted}"
    return f"https://{host}{path}", host, path


def _signed_headers(
    location: IndexLocation, method: str, host: str, path: str, body: bytes, extra: dict[str, str]
) -> dict[str, str]:
    c = location.credentials
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": host, "x-amz-content-sha256": payload, "x-amz-date": stamp, **extra}
    if c.session_token:
        headers["x-amz-security-token"] = c.session_token
    if not c.access_key_id:
        return headers  # anonymous: a public bucket (or a store without authentication)
    names = sorted(headers)
    signed = ";".join(names)
    canonical = "\n".join(
        [method, path, "", "".join(f"{n}:{headers[n].strip()}\n" for n in names), signed, payload]
    )
    scope = f"{stamp[:8]}/{c.region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{c.secret_access_key}".encode()
    for part in (stamp[:8], c.region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    credential = f"{c.access_key_id}/{scope}"
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={signature}"
    )
    return headers


# Words in LanceDB's (object_store's) messages: it raises plain ValueError/OSError for both.
_DENIED_WORDS = ("status: 403", "forbidden", "invalidaccesskeyid", "signaturedoesnotmatch", "accessdenied")
_UNREACHABLE_WORDS = ("connect", "error sending request", "timed out", "timeout", "dns", "retry")


def remote_error(exc: BaseException, location: IndexLocation) -> SharedIndexProblem:
    """Say plainly why the object store behind `location` failed a request."""
    if isinstance(exc, SharedIndexProblem):
        return exc
    text = str(exc).lower()
    reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    if any(w in text for w in _DENIED_WORDS):
        return SharedIndexDenied(f"The object store refused the credentials for {location.uri}.")
    if any(w in text for w in _UNREACHABLE_WORDS):
        endpoint = location.credentials.endpoint or "AWS S3"
        return SharedIndexUnreachable(f"The object store at {endpoint} did not answer for {location.uri}.")
    return SharedIndexProblem(f"The shared index at {location.uri} could not be read ({reason}).")


@contextmanager
def remote_faults(location: IndexLocation) -> Iterator[None]:
    try:
        yield
    except (OSError, ValueError, RuntimeError) as exc:
        raise remote_error(exc, location) from exc
