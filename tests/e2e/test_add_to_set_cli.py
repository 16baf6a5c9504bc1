"""`kenning ask Q --add-to-set SET.jsonl`: the answered question and its cited source become one test-set
line (once), which `kenning eval` then scores as found; a not-found question only when the user says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.served import kenning

pytestmark = pytest.mark.slow

QUESTION = "How do I make GIF images expire after a month?"


def test_an_answer_is_added_once_and_scores_as_found(
    small_index: tuple[Path, Path], fake_ollama: FakeOllama, tmp_path: Path
) -> None:
    _, data = small_index
    test_set = tmp_path / "mine.jsonl"
    fake_ollama.reply = "ExpiresByType image/gif A2592000 makes GIF images expire after a month [1]."
    ask = ("ask", QUESTION, "--data-dir", str(data), "--ollama-host", fake_ollama.url, "--model", "llama3.2")
    done = kenning(*ask, "--add-to-set", str(test_set), "--json")
    assert done.returncode == 0, done.stderr
    added = json.loads(done.stdout)["added_to_set"]
    assert added["added"] is True and added["file"] == str(test_set)
    row = added["row"]
    assert row["id"] == "my001" and row["question"] == QUESTION and row["kind"] == "answerable"
    assert row["sources"] == ["caching/mod_expires.md"]  # relative to the watched folder
    assert "ExpiresByType image/gif A2592000" in row["evidence"]
    assert json.loads(test_set.read_text(encoding="utf-8")) == row

    again = kenning(*ask, "--add-to-set", str(test_set))
    assert again.returncode == 0, again.stderr
    assert f"Already in the test set {test_set} as my001" in again.stdout
    assert len(test_set.read_text(encoding="utf-8").splitlines()) == 1

    scored = kenning("eval", str(test_set), "--no-llm", "--json", "--data-dir", str(data))
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["totals"]["evidence_hit@5"] == 1.0


def test_a_not_found_question_is_added_only_as_unanswerable(
    small_index: tuple[Path, Path], tmp_path: Path
) -> None:
    _, data = small_index
    test_set = tmp_path / "mine.jsonl"
    ask = ("ask", "Who painted the ceiling of the Sistine Chapel?", "--data-dir", str(data), "--no-llm")
    refused = kenning(*ask, "--add-to-set", str(test_set))
    assert refused.returncode == 1
    assert "Not added" in refused.stdout and "--unanswerable" in refused.stdout and not test_set.exists()
    done = kenning(*ask, "--add-to-set", str(test_set), "--unanswerable", "--json")
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)["added_to_set"]["row"]
    assert row["kind"] == "unanswerable" and row["sources"] == []
