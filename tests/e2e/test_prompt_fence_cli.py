"""`kenning ask --json` over hostile documents: what reaches the (fake) model is fenced visible text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.hostile_docs import VISIBLE_FACTS, assert_fenced, write_hostile_folder

pytestmark = pytest.mark.slow


def kenning(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ask_sends_the_model_only_fenced_visible_text(tmp_path: Path, fake_ollama: FakeOllama) -> None:
    docs = write_hostile_folder(tmp_path / "docs")
    data = str(tmp_path / "data")
    indexed = kenning("index", str(docs), "--data-dir", data, "--json")
    assert indexed.returncode == 0, indexed.stderr
    assert json.loads(indexed.stdout)["indexed"] == len(VISIBLE_FACTS)
    fake_ollama.reply = "The widget weighs five grams [1]."
    # Flagged passages reach the model only when the settings say so: the fence must hold for them.
    settings = Path(os.environ["KENNING_CONFIG_DIR"]) / "settings.toml"
    settings.write_text('[answer]\nflagged_passages = "warn"\n', "utf-8")
    done = kenning(
        "ask", "How much does the widget weigh?", "--data-dir", data,
        "--ollama-host", fake_ollama.url, "--model", "llama3.2", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "answered" and answer["answer"] == fake_ollama.reply
    assert_fenced(fake_ollama.last("/api/chat").body["messages"], len(answer["sources"]))
    assert len(answer["sources"]) == len(VISIBLE_FACTS)
    flagged = [s for s in answer["sources"] if s["flags"]]
    assert len(flagged) == 1 and "fake system prompt" in {f["reason"] for f in flagged[0]["flags"]}

    settings.unlink()  # by default, the Markdown file that forges a SYSTEM line stays out of the prompt
    done = kenning(
        "ask", "How much does the widget weigh?", "--data-dir", data,
        "--ollama-host", fake_ollama.url, "--model", "llama3.2", "--json",
    )  # fmt: skip
    answer = json.loads(done.stdout)
    assert "SYSTEM:" not in json.dumps(fake_ollama.last("/api/chat").body)
    assert len(answer["sources"]) == len(VISIBLE_FACTS) - 1 and len(answer["excluded_sources"]) == 1
    assert [g["action"] for g in answer["guards"]] == ["excluded_source"] and answer["verified"] is True
