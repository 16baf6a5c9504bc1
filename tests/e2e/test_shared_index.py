"""A team shares one index on object storage: the real `kenning` command against moto's real
S3-compatible HTTP server on a loopback port (and a loopback proxy that plays a store ignoring
conditional writes)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.object_store import ACCESS_KEY, SECRET_KEY, ObjectStore, StrippingProxy, moto_s3
from tests.helpers.served import kenning, kenning_env

# Each step is a `kenning` child that loads the embedding model: minutes on a busy 2-core box.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def s3() -> Iterator[ObjectStore]:
    with moto_s3() as store:
        store.create_bucket("team")
        yield store


@pytest.fixture(scope="module")
def published(s3: ObjectStore, small_index: tuple[Path, Path]) -> str:
    """The small test index, published to the bucket."""
    done = kenning(
        "publish", "--to", "s3://team/snap", "--data-dir", str(small_index[1]), "--json", env=s3.env()
    )
    assert done.returncode == 0, done.stderr
    return "s3://team/snap"


def _config(folder: Path, **sharing: Any) -> dict[str, str]:
    """A settings file with these `[sharing]` values; the env that makes a `kenning` child read it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[sharing]"] + [f"{key} = {json.dumps(value)}" for key, value in sharing.items()]
    lines += ["[index]", "commit_chunks = 2"]  # many small commits: readers meet many versions
    (folder / "settings.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"KENNING_CONFIG_DIR": str(folder)}


def _json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def _error(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert done.returncode == 1, done.stdout + done.stderr
    error: dict[str, str] = _json(done)["error"]
    return error


class Reader:
    """A long-running `kenning search --from -` process: one query in, one JSON line out."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kenning", "search", "--from", "-", "--data-dir", str(data_dir), "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=kenning_env(env),
        )

    def ask(self, query: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(query + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the reader exited: {self.process.stderr.read() if self.process.stderr else ''}"
        if line.strip() == "{":  # a fatal error: one indented JSON document, then the process ends
            line += self.process.stdout.read()
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        """End of input: the process finishes; its pipes are drained and closed."""
        self.process.communicate(timeout=120)


def _paths(result: dict[str, Any], index: str) -> list[str]:
    return [h["path"] for h in result["hits"] if h["index"] == index]


@pytest.fixture(scope="module")
def reader(s3: ObjectStore, published: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A colleague's data dir: their own index of one file, and the published index attached."""
    own_docs = tmp_path_factory.mktemp("mine")
    (own_docs / "kerberos.md").write_text("# Kerberos\n\nA Kerberos ticket expires after ten hours.\n")
    data = tmp_path_factory.mktemp("reader")
    env = s3.env()
    assert kenning("index", str(own_docs), "--data-dir", str(data), "--json", env=env).returncode == 0
    attached = kenning("attach", published, "--name", "team", "--data-dir", str(data), "--json", env=env)
    assert attached.returncode == 0, attached.stderr
    row = _json(attached)
    assert (row["role"], row["embed_model"]) == ("reader", "all-MiniLM-L6-v2")
    assert row["published_at"] and row["chunks"] > 0
    return data


def test_search_covers_the_own_and_the_attached_index(s3: ObjectStore, reader: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("ExpiresByType gif images\nKerberos ticket expires\n")
    done = kenning("search", "--from", str(queries), "--data-dir", str(reader), "--json", env=s3.env())
    assert done.returncode == 0, done.stderr
    shared, own = (json.loads(line) for line in done.stdout.splitlines())
    assert shared["hits"][0]["index"] == "team"
    assert shared["hits"][0]["path"].endswith("caching/mod_expires.md")  # the path as published
    assert own["hits"][0]["index"] == "own"
    assert own["hits"][0]["path"].endswith("kerberos.md")


def test_answers_cite_the_attached_index_and_detach_removes_it(s3: ObjectStore, reader: Path) -> None:
    env = s3.env()
    question = "How long do GIF images stay cached?"
    answer = kenning("ask", question, "--no-llm", "--data-dir", str(reader), "--json", env=env)
    assert answer.returncode == 0, answer.stderr
    sources = _json(answer)["sources"]
    assert sources[0]["index"] == "team" and sources[0]["path"].endswith("caching/mod_expires.md")

    listed = _json(kenning("attached", "--data-dir", str(reader), "--json", env=env))["indexes"]
    assert [(r["name"], r["role"]) for r in listed] == [("own", "publisher"), ("team", "reader")]
    assert listed[1]["published_at"] and listed[1]["latency_ms"] > 0

    assert kenning("detach", "team", "--data-dir", str(reader), "--json", env=env).returncode == 0
    alone = _json(kenning("search", "ExpiresByType gif", "--data-dir", str(reader), "--json", env=env))
    assert _paths(alone, "team") == []


def test_an_index_of_another_embedding_model_is_refused(
    small_index: tuple[Path, Path], tmp_path: Path
) -> None:
    import lancedb

    folder = tmp_path / "nas" / "kb"  # a folder target: a NAS path works like a bucket
    done = kenning("publish", "--to", str(folder), "--data-dir", str(small_index[1]), "--json")
    assert done.returncode == 0, done.stderr
    meta = lancedb.connect(str(folder)).open_table("meta")
    meta.update(where="key = 'embed_model'", values={"value": "bge-small-en-v1.5"})

    data = tmp_path / "reader"
    refused = _error(kenning("attach", str(folder), "--data-dir", str(data), "--json"))
    assert refused["type"] == "IndexIncompatible"
    assert "bge-small-en-v1.5" in refused["message"] and "all-MiniLM-L6-v2" in refused["message"]
    assert not (data / "attached.json").exists()


def test_attaching_a_missing_index_says_so(s3: ObjectStore, tmp_path: Path) -> None:
    refused = _error(
        kenning("attach", "s3://team/nobody-published", "--data-dir", str(tmp_path), "--json", env=s3.env())
    )
    assert refused["type"] == "SharedIndexMissing"
    assert "s3://team/nobody-published" in refused["message"]


def test_readers_keep_searching_while_the_publisher_indexes_and_compacts(
    s3: ObjectStore, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "start.md").write_text("# Start\n\nThe shared wiki starts with this page about backups.\n")
    publisher = {**s3.env(), **_config(tmp_path / "pub-config", index_uri="s3://team/live")}
    first = kenning("index", str(docs), "--data-dir", str(tmp_path / "pub"), "--json", env=publisher)
    assert first.returncode == 0, first.stderr

    refresh_s = 1.0
    readers = []
    for name in ("r1", "r2"):
        env = {**s3.env(), **_config(tmp_path / f"{name}-config", refresh_s=refresh_s)}
        attached = kenning(
            "attach", "s3://team/live", "--name", "wiki", "--data-dir", str(tmp_path / name), env=env
        )
        assert attached.returncode == 0, attached.stderr
        readers.append(Reader(tmp_path / name, env))
    try:
        for reader in readers:
            assert _paths(reader.ask("backups"), "wiki")  # warmed up: the model is loaded
        for n in range(12):  # many files, two chunks per commit: dozens of versions, then compaction
            body = " ".join(f"Section {n}.{i} describes quokka number {n} and its burrow." for i in range(40))
            (docs / f"quokka-{n}.md").write_text(f"# Quokka {n}\n\n{body}\n")
        writing = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kenning",
                "index",
                str(docs),
                "--data-dir",
                str(tmp_path / "pub"),
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=kenning_env(publisher),
        )
        during = 0
        while writing.poll() is None:
            for reader in readers:
                result = reader.ask("backups quokka burrow")
                assert "error" not in result, result
                during += 1
        _out, err = writing.communicate()
        assert writing.returncode == 0, err
        assert during >= 2
        # The contract: after one refresh interval every reader sees the published change.
        threading.Event().wait(refresh_s)
        for reader in readers:
            seen = _paths(reader.ask("quokka burrow"), "wiki")
            assert any(Path(p).name.startswith("quokka-") for p in seen), seen
    finally:
        for reader in readers:
            reader.close()


def test_a_store_going_down_mid_session_is_a_clear_error(
    small_index: tuple[Path, Path], tmp_path: Path
) -> None:
    with moto_s3() as store:
        store.create_bucket("team")
        env = store.env()
        data = small_index[1]
        assert kenning("publish", "--to", "s3://team/kb", "--data-dir", str(data), env=env).returncode == 0
        reader_dir = tmp_path / "reader"
        assert kenning("attach", "s3://team/kb", "--data-dir", str(reader_dir), env=env).returncode == 0
        reader = Reader(reader_dir, env)
        assert _paths(reader.ask("HSTS cache file"), "kb")
        store.process.terminate()
        store.process.wait(timeout=30)
        failed = reader.ask("HSTS cache file")
        reader.close()
    assert failed["error"]["type"] == "SharedIndexUnreachable"
    assert "did not answer" in failed["error"]["message"]
    assert reader.process.returncode == 1


def test_wrong_credentials_are_refused_clearly(small_index: tuple[Path, Path], tmp_path: Path) -> None:
    import boto3

    # moto checks signatures once these first unauthenticated set-up calls are used up.
    with moto_s3({"INITIAL_NO_AUTH_ACTION_COUNT": "4"}) as store:
        anyone = {"endpoint_url": store.endpoint, "region_name": "us-east-1"}
        keys = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
        boto3.client("s3", **anyone, **keys).create_bucket(Bucket="team")
        iam = boto3.client("iam", **anyone, **keys)
        iam.create_user(UserName="colleague")
        key = iam.create_access_key(UserName="colleague")["AccessKey"]
        policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
        iam.put_user_policy(UserName="colleague", PolicyName="all", PolicyDocument=policy)
        wrong = store.env(access_key=key["AccessKeyId"], secret_key="not-the-secret")
        right = store.env(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

        data = str(small_index[1])
        refused = _error(kenning("publish", "--to", "s3://team/kb", "--data-dir", data, "--json", env=wrong))
        assert refused["type"] == "SharedIndexDenied"
        assert kenning("publish", "--to", "s3://team/kb", "--data-dir", data, env=right).returncode == 0
        denied = _error(kenning("attach", "s3://team/kb", "--data-dir", str(tmp_path), "--json", env=wrong))
    assert denied["type"] == "SharedIndexDenied"
    assert "credentials" in denied["message"]


def test_a_store_without_conditional_writes_refuses_writers(
    s3: ObjectStore, small_index: tuple[Path, Path], tmp_path: Path
) -> None:
    import boto3

    with StrippingProxy(s3.endpoint) as proxy:
        env = {**s3.env(), "AWS_ENDPOINT_URL": proxy.endpoint}
        data = str(small_index[1])
        refused = _error(
            kenning("publish", "--to", "s3://team/unsafe", "--data-dir", data, "--json", env=env)
        )
        assert refused["type"] == "SharedIndexUnsafe"
        assert "s3+ddb://" in refused["next_step"]
        writer = {**env, **_config(tmp_path / "config", index_uri="s3://team/unsafe-live")}
        second = _error(
            kenning("index", str(small_index[0]), "--data-dir", str(tmp_path / "w"), "--json", env=writer)
        )
        assert second["type"] == "SharedIndexUnsafe"

        # The same store with commits in DynamoDB (moto serves that too) is safe to write.
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=s3.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        dynamodb.create_table(
            TableName="commits",
            KeySchema=[
                {"AttributeName": "base_uri", "KeyType": "HASH"},
                {"AttributeName": "version", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "base_uri", "AttributeType": "S"},
                {"AttributeName": "version", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        safe = kenning(
            "publish",
            "--to",
            "s3+ddb://team/safe?ddbTableName=commits",
            "--data-dir",
            data,
            "--json",
            env=env,
        )
        assert safe.returncode == 0, safe.stdout + safe.stderr
        assert dynamodb.scan(TableName="commits")["Count"] >= 3  # one commit per table, at least
