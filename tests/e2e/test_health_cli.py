"""`kenning status --files --json` and the scope options of `kenning search`."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from tests.e2e.test_cli import as_json, kenning

pytestmark = pytest.mark.slow


def _at(day: str) -> tuple[float, float]:
    stamp = datetime.fromisoformat(day).timestamp()
    return stamp, stamp


@pytest.fixture(scope="module")
def dated_index(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, Path]:
    docs = tmp_path_factory.mktemp("docs")
    dates = {"net/curl/HSTS.md": "2020-01-01T12:00", "net/openssh/README.dns.txt": "2023-06-01T12:00"}
    for rel, day in dates.items():
        target = docs / Path(rel).name
        target.write_bytes((corpus / "docs" / rel).read_bytes())
        os.utime(target, _at(day))
    (docs / "draft.tmp").write_text("not yet")
    (docs / "song.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 2_000)
    data = tmp_path_factory.mktemp("data")
    as_json(kenning("index", str(docs), "--data-dir", str(data), "--json"))
    return docs, data


def test_status_files_json_lists_every_file_with_its_state(dated_index: tuple[Path, Path]) -> None:
    _docs, data = dated_index
    status = as_json(kenning("status", "--files", "--data-dir", str(data), "--json"))
    states = {Path(row["path"]).name: (row["state"], row["reason"]) for row in status["file_rows"]}
    assert states == {
        "HSTS.md": ("searchable", ""),
        "README.dns.txt": ("searchable", ""),
        "draft.tmp": ("skipped", "ignored by rule *.tmp"),
        "song.mp3": ("skipped", "unsupported type"),
    }
    assert status["states"]["searchable"] == 2 and status["states"]["skipped"] == 2
    text = kenning("status", "--files", "--data-dir", str(data))
    assert "ignored by rule *.tmp" in text.stdout


def test_search_scope_options_narrow_by_date_and_document(dated_index: tuple[Path, Path]) -> None:
    docs, data = dated_index
    query = ["search", "host name keys security", "--data-dir", str(data), "--json"]
    both = {Path(h["path"]).name for h in as_json(kenning(*query))["hits"]}
    assert both == {"HSTS.md", "README.dns.txt"}
    recent = as_json(kenning(*query, "--since", "2023-01-01"))["hits"]
    assert recent and {Path(h["path"]).name for h in recent} == {"README.dns.txt"}
    old = as_json(kenning(*query, "--until", "2020-01-01"))["hits"]
    assert old and {Path(h["path"]).name for h in old} == {"HSTS.md"}
    only = as_json(kenning(*query, "--doc", str(docs / "HSTS.md"), "--k", "3"))["hits"]
    assert len(only) == 3 and {Path(h["path"]).name for h in only} == {"HSTS.md"}
    bad = kenning(*query, "--since", "last week")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr + bad.stdout
