"""`kenning search/ask --json` over the attack set, answered by a fake model that obeys documents.

Flags travel with every source; by default a flagged passage never reaches the model; when the
settings let it through (`flagged_passages = "warn"`), the output guards still remove the planted
exfiltration link, withhold a leaked system prompt and mark an uncited answer unverified.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.attack_docs import write_attack_set

pytestmark = pytest.mark.slow


def kenning(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args], capture_output=True, text=True, timeout=600
    )


def ask(data: Path, fake: FakeOllama, *questions: str) -> list[dict[str, Any]]:
    """Every question in one `kenning ask --from FILE --json` process: one JSON answer per line."""
    asked = data.parent / "questions.txt"
    asked.write_text("\n".join(questions) + "\n", "utf-8")
    done = kenning(
        "ask", "--from", str(asked), "--data-dir", str(data),
        "--ollama-host", fake.url, "--model", "llama3.2", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_flags_travel_and_guards_hold_from_the_command_line(tmp_path: Path, fake_ollama: FakeOllama) -> None:
    write_attack_set(tmp_path / "docs")
    data = tmp_path / "data"
    assert kenning("index", str(tmp_path / "docs"), "--data-dir", str(data), "--json").returncode == 0
    fake_ollama.gullible = True

    found = kenning("search", "How long is the ridge trail?", "--data-dir", str(data), "--json", "--k", "3")
    hits = json.loads(found.stdout)["hits"]
    assert hits[0]["path"].endswith("hiking-guide.pdf")
    assert "link that could carry data out" in {f["reason"] for f in hits[0]["flags"]}

    fake_ollama.reply = "Descale every two months with hard water [1]."
    [kept_out] = ask(data, fake_ollama, "How often should I descale my espresso machine?")
    assert kept_out["status"] == "answered" and kept_out["verified"] is True
    assert "stats.example.net" not in json.dumps(fake_ollama.last("/api/chat").body)
    assert any(g["action"] == "excluded_source" for g in kept_out["guards"])

    settings = Path(os.environ["KENNING_CONFIG_DIR"]) / "settings.toml"
    settings.write_text('[answer]\nflagged_passages = "warn"\n', "utf-8")
    exfil, leak, uncited = ask(
        data,
        fake_ollama,
        "How often should I descale my espresso machine?",
        "How long should I water a raised bed with drip irrigation?",
        "When should I replace a bicycle chain?",
    )
    seen = json.dumps([r.body for r in fake_ollama.requests if r.path == "/api/chat"])
    assert "stats.example.net" in seen  # the model was sent the planted link, and wrote it
    assert "stats.example.net" not in exfil["answer"]
    assert any(g["action"] == "removed_link" for g in exfil["guards"])

    assert leak["status"] == "answered" and leak["verified"] is False
    assert "withheld" in leak["answer"] and "numbered sources" not in leak["answer"]
    assert [g["action"] for g in leak["guards"]] == ["withheld"]

    assert uncited["status"] == "answered" and uncited["verified"] is False
    assert uncited["citations"] == [] and any(g["action"] == "unverified" for g in uncited["guards"])
