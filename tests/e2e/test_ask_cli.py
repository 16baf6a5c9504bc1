"""`kenning ask` as a subprocess: the JSON contract against the fake Ollama, and a real model end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.fakes.llama_server import LlamaOllamaServer

pytestmark = pytest.mark.slow

ANSWER_KEYS = {"question", "status", "answer", "citations", "sources", "model", "trace", "error"}
TRACE_STAGES = {
    "embed",
    "retrieve",
    "prompt",
    "load",
    "prompt_eval",
    "first_token",
    "generate",
    "validate",
    "total",
}


def kenning(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    docs = tmp_path_factory.mktemp("docs")
    for rel in ["web/apache/exports/mod_expires reference.docx", "net/curl/HSTS.md"]:
        (docs / Path(rel).name).write_bytes((corpus / "docs" / rel).read_bytes())
    data = tmp_path_factory.mktemp("data")
    done = kenning("index", str(docs), "--data-dir", str(data), "--json")
    assert done.returncode == 0, done.stderr
    return data


def test_ask_json_follows_the_contract(data_dir: Path, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "ExpiresByType image/gif A2592000 makes GIF images expire after a month [1]."
    done = kenning(
        "ask", "How do I make GIF images expire after a month?", "--data-dir", str(data_dir),
        "--ollama-host", fake_ollama.url, "--model", "llama3.2", "--json",
        env={"OLLAMA_HOST": "http://127.0.0.1:9"},  # the flag wins over the environment
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    assert answer.keys() >= ANSWER_KEYS and answer["status"] == "answered" and answer["error"] is None
    assert answer["citations"][0] | {"quote": ""} == {
        "n": 1, "path": answer["sources"][0]["path"], "page": None, "quote": "", "supported": True,
    }  # fmt: skip
    trace = answer["trace"]
    assert trace["timings_ms"].keys() >= TRACE_STAGES
    assert trace["tokens"]["completion"] == len(fake_ollama.tokens()) and trace["tokens_per_s"] > 0
    assert {"energy_wh", "local_usd", "cloud_equivalent_usd", "reference_model"} <= trace["cost"].keys()


def test_ask_from_file_without_a_model_gives_extractive_lines(data_dir: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("How long is an HSTS entry kept?\nWhich WireGuard peers exist?\n")
    done = kenning("ask", "--from", str(questions), "--data-dir", str(data_dir), "--no-llm", "--json")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["extractive", "not_found"]
    assert "No language model was used" in lines[0]["answer"] and lines[0]["sources"]


def test_a_real_model_answers_end_to_end(data_dir: Path, llama_ollama: LlamaOllamaServer) -> None:
    """SmolLM2 on llama.cpp behind Ollama's protocol: the whole real path, from question to trace."""
    done = kenning(
        "ask", "How do I make GIF images expire after a month?", "--data-dir", str(data_dir),
        "--ollama-host", llama_ollama.url, "--model", "smollm2:135m", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] in ("answered", "not_found") and answer["answer"].strip()
    assert answer["model"] == "smollm2:135m"
    trace = answer["trace"]
    assert trace["tokens"]["prompt"] > 100 and trace["tokens"]["completion"] > 0
    assert trace["timings_ms"]["prompt_eval"] > 0 and trace["timings_ms"]["generate"] > 0
    assert trace["cost"]["energy_wh"] > 0


def test_ask_json_names_the_missing_token_of_a_remote_ollama(small_index: tuple[Path, Path]) -> None:
    guarded = FakeOllama(require_token="team-secret").start()  # a second Ollama, behind a token
    try:
        done = kenning(
            "ask", "How long do GIF images stay in the browser cache?", "--data-dir", str(small_index[1]),
            "--ollama-host", guarded.url, "--model", "llama3.2", "--json",
            env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "OLLAMA_API_KEY": ""},
        )  # fmt: skip
    finally:
        guarded.stop()
    answer: dict[str, Any] = json.loads(done.stdout)
    assert done.returncode == 1 and answer["status"] == "error"
    assert answer["error"]["message"] == (
        f"Ollama at {guarded.url} needs an access token: set it in Settings › Ollama."
    )
    assert "keyring" in answer["error"]["next_step"]
    assert answer["trace"]["host"] == guarded.url and answer["sources"]
    assert "internal error" not in done.stdout + done.stderr
