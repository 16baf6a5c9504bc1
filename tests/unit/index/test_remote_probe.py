"""The conditional-write probe and the store's errors, against moto's real S3 server (no model)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.object_store import ACCESS_KEY, SECRET_KEY, ObjectStore, StrippingProxy, moto_s3

from kenning.core.domain.documents import FileRecord, FileStatus
from kenning.core.errors import (
    SharedIndexMissing,
    SharedIndexReadOnly,
    SharedIndexUnreachable,
    SharedIndexUnsafe,
)
from kenning.core.index.location import Credentials, IndexLocation, location_for
from kenning.core.index.remote_probe import check_conditional_writes, latency_ms
from kenning.core.index.store import Store


@pytest.fixture(scope="module")
def s3() -> Iterator[ObjectStore]:
    with moto_s3() as store:
        store.create_bucket("team")
        yield store


def _at(endpoint: str, uri: str = "s3://team/kb") -> IndexLocation:
    return IndexLocation(uri, Credentials(endpoint, "us-east-1", ACCESS_KEY, SECRET_KEY))


def test_a_store_honouring_conditional_writes_passes_and_answers(s3: ObjectStore) -> None:
    location = _at(s3.endpoint)
    check_conditional_writes(location)
    assert latency_ms(location) > 0


def test_a_store_ignoring_if_none_match_is_refused_for_writing(s3: ObjectStore, tmp_path: Path) -> None:
    with StrippingProxy(s3.endpoint) as proxy:
        with pytest.raises(SharedIndexUnsafe, match="does not honour conditional writes"):
            check_conditional_writes(_at(proxy.endpoint))
        writer = Store(tmp_path / "state", location=_at(proxy.endpoint, "s3://team/unsafe"))
        with pytest.raises(SharedIndexUnsafe):
            writer.count_chunks()
        # Commits through DynamoDB need no conditional writes: not probed, not refused.
        check_conditional_writes(_at(proxy.endpoint, "s3+ddb://team/kb?ddbTableName=commits"))


def test_a_reader_never_creates_a_missing_index(s3: ObjectStore, tmp_path: Path) -> None:
    reader = Store(tmp_path / "state", location=_at(s3.endpoint, "s3://team/empty"), read_only=True)
    with pytest.raises(SharedIndexMissing, match="s3://team/empty"):
        reader.count_chunks()
    assert not (tmp_path / "state").exists()


def test_a_writer_creates_the_index_on_the_store_and_a_reader_opens_it(
    s3: ObjectStore, tmp_path: Path
) -> None:
    writer = Store(tmp_path / "w", location=_at(s3.endpoint, "s3://team/live"))
    record = FileRecord("/team/a.md", "/team", 10, 1, "0" * 64, FileStatus.INDEXED)
    writer.upsert_records([record])
    assert writer.size_bytes() > 0  # sized from LanceDB's stats: there is no folder to walk
    reader = Store(tmp_path / "r", location=_at(s3.endpoint, "s3://team/live"), read_only=True)
    assert list(reader.file_records()) == ["/team/a.md"]
    with pytest.raises(SharedIndexReadOnly):
        reader.remove_files(["/team/a.md"])
    reader.optimize()  # a reader never compacts: nothing to do, nothing written


def test_an_unreachable_endpoint_is_a_clear_error(tmp_path: Path) -> None:
    location = _at("http://127.0.0.1:9", "s3://team/kb")  # the discard port: nothing listens
    with pytest.raises(SharedIndexUnreachable, match="did not answer"):
        Store(tmp_path, location=location, read_only=True).count_chunks()


def test_locations_take_missing_values_from_the_aws_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://nas.local:9000")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    location = location_for(
        "s3://team/kb/", Credentials(access_key_id="from-settings", secret_access_key="s")
    )
    options = location.storage_options()
    assert location.uri == "s3://team/kb" and location.is_remote and location.local_path is None
    assert options["aws_endpoint"] == "http://nas.local:9000" and options["allow_http"] == "true"
    assert options["aws_access_key_id"] == "from-settings" and options["aws_region"] == "us-east-1"
    assert not location_for("~/kb").is_remote
