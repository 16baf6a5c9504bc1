"""The `kenning` command as a subprocess: its JSON contract, exit codes and data-dir handling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

INDEX_KEYS = {
    "roots", "files_seen", "indexed", "unchanged", "removed", "renamed", "errors",
    "chunks_added", "seconds", "files_per_s", "chunks_per_s",
}  # fmt: skip
HIT_KEYS = {"rank", "path", "page", "section", "text", "score", "start", "end"}
STATUS_KEYS = {"data_dir", "roots", "files", "chunks", "errors", "embed_model", "index_bytes"}


def kenning(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=600,
    )


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def indexed_dir(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, Path]:
    docs = tmp_path_factory.mktemp("docs")
    for rel in ["net/curl/HSTS.md", "net/openssh/README.dns.txt", "graphviz/man/gvpr.1.pdf"]:
        (docs / Path(rel).name).write_bytes((corpus / "docs" / rel).read_bytes())
    (docs / "empty.md").write_bytes(b"")
    data = tmp_path_factory.mktemp("data")
    first = as_json(kenning("index", str(docs), "--data-dir", str(data), "--json"))
    assert first.keys() >= INDEX_KEYS
    assert first["indexed"] == 3 and first["files_seen"] == 4
    assert [s["reason"] for s in first["skipped"]] == ["empty file"]
    return docs, data


def test_index_again_reports_everything_unchanged(indexed_dir: tuple[Path, Path]) -> None:
    docs, data = indexed_dir
    again = as_json(kenning("index", str(docs), "--data-dir", str(data), "--json"))
    assert (again["indexed"], again["unchanged"], again["chunks_added"]) == (0, 4, 0)
    assert again["roots"] == [str(docs)]


def test_search_json_follows_the_contract(indexed_dir: tuple[Path, Path]) -> None:
    docs, data = indexed_dir
    # KENNING_DATA_DIR is honoured when --data-dir is absent.
    result = as_json(
        kenning(
            "search", "HSTS cache file max-age", "--k", "3", "--json", env={"KENNING_DATA_DIR": str(data)}
        )
    )
    assert result["query"] == "HSTS cache file max-age"
    assert len(result["hits"]) == 3 and all(h.keys() >= HIT_KEYS for h in result["hits"])
    assert result["hits"][0]["path"] == str(docs / "HSTS.md")
    assert [h["rank"] for h in result["hits"]] == [1, 2, 3]
    assert {"embed", "vector", "text", "fuse", "total"} <= result["timings_ms"].keys()


def test_search_from_file_prints_one_json_line_per_query_in_order(indexed_dir: tuple[Path, Path]) -> None:
    _, data = indexed_dir
    queries = "DNS SSHFP fingerprint records\n\ngvpr graph stream editor\nHSTS\n"
    done = kenning("search", "--from", "-", "--data-dir", str(data), "--json", stdin=queries)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [d["query"] for d in lines] == [
        "DNS SSHFP fingerprint records",
        "gvpr graph stream editor",
        "HSTS",
    ]
    assert lines[0]["hits"][0]["path"].endswith("README.dns.txt")
    assert lines[1]["hits"][0]["page"] is not None


def test_status_json_lists_counts_and_reasons(indexed_dir: tuple[Path, Path]) -> None:
    docs, data = indexed_dir
    status = as_json(kenning("status", "--data-dir", str(data), "--json"))
    assert status.keys() >= STATUS_KEYS
    assert status["files"] == 3 and status["chunks"] > 10 and status["roots"] == [str(docs)]
    assert status["errors"] == [{"path": str(docs / "empty.md"), "reason": "empty file", "status": "skipped"}]
    assert status["embed_model"] == "all-MiniLM-L6-v2" and status["index_bytes"] > 0


def test_bad_usage_exits_2_and_fatal_errors_exit_1_with_a_json_error(
    tmp_path: Path, write_settings: Callable[[str], dict[str, str]]
) -> None:
    assert kenning("index", str(tmp_path / "nope"), "--json").returncode == 2
    assert kenning("frobnicate").returncode == 2
    env = write_settings('[embedding]\nmodel = "/no/such/model-folder"\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nSome text.")
    done = kenning("index", str(tmp_path / "docs"), "--data-dir", str(tmp_path / "data"), "--json", env=env)
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert "does not exist" in error["message"] and error["next_step"]
    assert "Traceback" not in done.stderr


@pytest.fixture
def write_settings(tmp_path: Path) -> Callable[[str], dict[str, str]]:
    def write(text: str) -> dict[str, str]:
        config = tmp_path / "config"
        config.mkdir(exist_ok=True)
        (config / "settings.toml").write_text(text)
        return {"KENNING_CONFIG_DIR": str(config)}

    return write


def test_a_wrong_setting_is_named_on_stderr_and_the_command_still_runs(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text('[index]\nmax_file_mb = "50"\n', encoding="utf-8")
    done = kenning(
        "status", "--json", "--data-dir", str(tmp_path / "data"), env={"KENNING_CONFIG_DIR": str(config)}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == 0  # stdout holds only the JSON document
    assert 'index.max_file_mb = "50" is not valid: expected a number' in done.stderr
    assert "Traceback" not in done.stderr
