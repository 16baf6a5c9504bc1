"""Where an index lives: a local folder, or a LanceDB URI on an S3-compatible object store.

Only the index itself may be remote. File records of the watch state, the writer lock, repairs,
traces and conversations stay in the local data dir; code that needs a folder asks `local_path`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REMOTE_SCHEMES = ("s3", "s3+ddb")
# The standard variables, read when the settings leave a value empty.
ENV_NAMES = {
    "endpoint": "AWS_ENDPOINT_URL",
    "region": "AWS_REGION",
    "access_key_id": "AWS_ACCESS_KEY_ID",
    "secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "session_token": "AWS_SESSION_TOKEN",
}


@dataclass(frozen=True)
class Credentials:
    endpoint: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    session_token: str = ""
    connect_timeout_s: float = 3.0

    def filled_from(self, environ: Mapping[str, str] | None = None) -> Credentials:
        """These values, each empty one taken from the AWS_* environment variable."""
        env = os.environ if environ is None else environ
        values = {name: getattr(self, name) or env.get(var, "").strip() for name, var in ENV_NAMES.items()}
        if not values["region"]:
            values["region"] = env.get("AWS_DEFAULT_REGION", "").strip() or "us-east-1"
        return Credentials(**values, connect_timeout_s=self.connect_timeout_s)


@dataclass(frozen=True)
class IndexLocation:
    """A LanceDB URI with what it takes to reach it."""

    uri: str
    credentials: Credentials = field(default_factory=Credentials)

    @property
    def is_remote(self) -> bool:
        return is_remote_uri(self.uri)

    @property
    def local_path(self) -> Path | None:
        """The folder of a local index; None on an object store."""
        return None if self.is_remote else Path(self.uri)

    @property
    def external_commits(self) -> bool:
        """Commits go through an external store (DynamoDB), safe without conditional writes."""
        return urlsplit(self.uri).scheme == "s3+ddb"

    @property
    def bucket(self) -> str:
        return urlsplit(self.uri).netloc

    @property
    def prefix(self) -> str:
        return urlsplit(self.uri).path.strip("/")

    def storage_options(self) -> dict[str, str]:
        """LanceDB's options for this location (empty for a local folder)."""
        if not self.is_remote:
            return {}
        c = self.credentials
        options = {"aws_region": c.region, "connect_timeout": f"{c.connect_timeout_s:g}s"}
        if c.endpoint:
            options["aws_endpoint"] = c.endpoint
            if self.external_commits:  # the commit table sits beside the bucket (MinIO + a DynamoDB)
                options["dynamodb_endpoint"] = c.endpoint
            # Same-scheme rule: a plain-http endpoint is what the user configured (a NAS, a LAN box).
            options["allow_http"] = str(c.endpoint.startswith("http://")).lower()
        if c.access_key_id:
            options["aws_access_key_id"] = c.access_key_id
            options["aws_secret_access_key"] = c.secret_access_key
        if c.session_token:
            options["aws_session_token"] = c.session_token
        return options

    def describe(self) -> str:
        return self.uri if self.is_remote else str(self.uri)


def is_remote_uri(uri: str) -> bool:
    return urlsplit(uri).scheme in REMOTE_SCHEMES


def location_for(target: str | Path, credentials: Credentials | None = None) -> IndexLocation:
    """A location from what a user typed: `s3://bucket/prefix`, `s3+ddb://...`, or a folder."""
    text = str(target).strip()
    if is_remote_uri(text):
        creds = (credentials or Credentials()).filled_from()
        return IndexLocation(text.rstrip("/"), creds)
    return IndexLocation(str(Path(text).expanduser().resolve()))
