"""`kenning eval --draft N --out SET.jsonl`: a test set drafted from the user's own documents."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.fakes.llama_server import LlamaOllamaServer

from kenning.core.evaluate.test_set import load_test_set

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "sample-docs"
FORMATS = ["curl-http-cookies.md", "openssh-tunnels.txt", "apache-htaccess-howto.html"]


def kenning(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("draft")
    (root / "docs").mkdir()
    for name in FORMATS:  # the small ones: on a busy machine the PDF alone takes minutes to index
        shutil.copy(SAMPLES / name, root / "docs" / name)
    done = kenning("index", str(root / "docs"), "--data-dir", str(root / "data"), "--json")
    assert done.returncode == 0, done.stderr
    return root / "data"


def drafted(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_draft_writes_one_question_per_passage_spread_over_formats(
    data_dir: Path, fake_ollama: FakeOllama, tmp_path: Path
) -> None:
    fake_ollama.reply = 'Question: "How long do browsers keep a copy of this"'
    out = tmp_path / "mine.jsonl"
    done = kenning(
        "eval", "--draft", "3", "--out", str(out), "--data-dir", str(data_dir),
        "--ollama-host", fake_ollama.url, "--model", "llama3.2", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    questions = drafted(out)
    assert [q["question"] for q in questions] == ["How long do browsers keep a copy of this?"] * 3
    sources = [q["sources"][0] for q in questions]  # type: ignore[index]
    assert len({Path(str(s)).suffix for s in sources}) == 3  # three formats, one passage each
    assert all((SAMPLES / str(s)).is_file() for s in sources)  # named relative to the indexed folder
    prompts = [r.body["messages"][1]["content"] for r in fake_ollama.requests if r.path == "/api/chat"]
    assert len(prompts) == 3 and all("without copying its words" in p for p in prompts)
    for question, prompt in zip(questions, prompts, strict=True):
        assert " ".join(str(question["evidence"]).split()) in " ".join(prompt.split())  # a sentence of it
    assert len(load_test_set(out)) == 3  # a test set `kenning eval` reads as it is


def test_draft_without_a_model_says_what_it_needs(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.jsonl"
    done = kenning("eval", "--draft", "3", "--out", str(out), "--no-llm", "--data-dir", str(data_dir))
    assert done.returncode == 2 and "needs the local model" in done.stderr
    gone = kenning(
        "eval", "--draft", "3", "--out", str(out), "--data-dir", str(data_dir),
        "--ollama-host", "http://127.0.0.1:9", "--json",
    )  # fmt: skip
    assert gone.returncode == 1 and "Ollama" in json.loads(gone.stdout)["error"]["message"]
    assert not out.exists()


def test_a_real_model_drafts_three_questions(
    data_dir: Path, llama_ollama: LlamaOllamaServer, tmp_path: Path
) -> None:
    """SmolLM2 behind Ollama's protocol writes the questions; the passages and evidence are the index's."""
    out = tmp_path / "mine.jsonl"
    done = kenning(
        "eval", "--draft", "3", "--out", str(out), "--data-dir", str(data_dir),
        "--ollama-host", llama_ollama.url, "--model", "smollm2:135m", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    questions = drafted(out)
    assert len(questions) == 3
    for q in questions:
        assert str(q["question"]).endswith("?") and len(str(q["question"])) > 8
        assert (SAMPLES / str(q["sources"][0])).is_file() and q["evidence"]  # type: ignore[index]
