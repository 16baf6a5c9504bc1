"""Nothing leaks from the `kenning` command: no connection but the Ollama host (proxies included),
no group- or world-readable file in the data dir, no document content or question in the log.

Every command runs as a subprocess with a socket guard installed by sitecustomize.py before any
import (so import-time telemetry would show), every proxy variable pointing at a listening trap, the
offline switches removed from the environment (the app must set them itself), a typical 022 umask,
and debug logging.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli_w
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.egress import ProxyTrap, guarded_env, read_log, unexpected

pytestmark = pytest.mark.slow

SECRET_KEY = "sk-kenning-7Qf3Zp9Lx2Vb8Nc4Md6Ha1Ws5Er0Ty"
EMAIL = "oskar.lindqvist@example.org"
SENTENCE = "The lighthouse keeper counted seventeen marmalade crumpets before the storm"
QUESTION = "How many marmalade crumpets did the lighthouse keeper count?"
REPLY = "He counted seventeen marmalade crumpets [1]."
# Switches the app must set itself; a user's shell may lack them (or say the opposite).
OFFLINE_VARS = (
    "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK",
    "DISABLE_TELEMETRY", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_UPDATE_CHECK",
)  # fmt: skip


@dataclass
class Runs:
    data_dir: Path
    config_dir: Path
    egress_log: Path
    env: dict[str, str]
    fake: FakeOllama
    trap_visits: int
    results: dict[str, subprocess.CompletedProcess[str]]


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def kenning(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenning", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        umask=0o022,  # what most desktops use: group and others could read what is not made private
    )


def write_settings(config_dir: Path, *, log_questions: bool) -> None:
    settings = {"ollama": {"model": "llama3.2"}, "answer": {"log_questions": log_questions}}
    (config_dir / "settings.toml").write_text(tomli_w.dumps(settings), encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    base = tmp_path_factory.mktemp("privacy")
    docs = base / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text(
        f"# Storm log\n\n{SENTENCE}. Write to {EMAIL} for the logbook.\n\n"
        f"The radio API key is {SECRET_KEY} and must stay secret.\n",
        encoding="utf-8",
    )
    (docs / "other.md").write_text("# Tides\n\nHigh tide comes twice a day.\n", encoding="utf-8")
    config_dir = base / "config"
    config_dir.mkdir()
    write_settings(config_dir, log_questions=False)
    data = base / "home" / "data"  # made by the app, under a folder it did not make
    (base / "home").mkdir()
    fake = FakeOllama().start()
    fake.reply = REPLY
    trap = ProxyTrap()
    egress_log = base / "egress.log"
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARS}
    env |= trap.env() | guarded_env(base / "guard", egress_log)
    env |= {"KENNING_CONFIG_DIR": str(config_dir), "KENNING_LOG_LEVEL": "debug", "OLLAMA_HOST": fake.url}
    common = ("--data-dir", str(data), "--json")
    try:
        results = {
            "index": kenning("index", str(docs), *common, env=env),
            "search": kenning("search", "marmalade crumpets", *common, env=env),
            "ask": kenning("ask", QUESTION, *common, env=env),
            "status": kenning("status", *common, env=env),
            "doctor": kenning("doctor", *common, env=env),
        }
    finally:
        visits = trap.close()
    try:
        yield Runs(data, config_dir, egress_log, env, fake, visits, results)
    finally:
        fake.stop()


def test_the_commands_work_under_the_guard(runs: Runs) -> None:
    for name in ("index", "search", "ask", "status"):
        assert runs.results[name].returncode == 0, f"{name}: {runs.results[name].stderr}"
    answer = json.loads(runs.results["ask"].stdout)
    assert answer["status"] == "answered", answer
    assert [r.path for r in runs.fake.requests if r.path == "/api/chat"] == ["/api/chat"]


def test_no_request_goes_through_a_proxy(runs: Runs) -> None:
    assert runs.trap_visits == 0, "a request to Ollama on this machine went to HTTP(S)_PROXY"


def test_the_commands_connect_to_nothing_but_the_ollama_host(runs: Runs) -> None:
    seen = read_log(runs.egress_log)
    assert any(kind == "connect" for kind, _, _ in seen), "the guard recorded nothing: is it installed?"
    assert unexpected(seen, {port_of(runs.fake.url)}) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions; Windows relies on the profile's ACLs")
def test_everything_in_the_data_dir_is_the_owners_only(runs: Runs) -> None:
    paths = [runs.data_dir, *runs.data_dir.rglob("*")]
    assert any(p.name == "kenning.log" for p in paths) and any(p.suffix == ".lance" for p in paths)
    assert any(p.name == "traces.sqlite3" for p in paths)
    open_to_others = [
        f"{p.relative_to(runs.data_dir.parent)} {stat.filemode(p.stat().st_mode)}"
        for p in paths
        if p.stat().st_mode & 0o077
    ]
    assert open_to_others == []


def test_logs_hold_no_question_or_document_content(runs: Runs) -> None:
    logs = "\n".join(p.read_text(encoding="utf-8") for p in (runs.data_dir / "logs").glob("kenning.log*"))
    assert '"level": "info"' in logs  # the log was written (debug level asked for)
    for content in (SECRET_KEY, EMAIL, "marmalade", "lighthouse", QUESTION):
        assert content not in logs
    for name, done in runs.results.items():
        assert SECRET_KEY not in done.stderr and EMAIL not in done.stderr, name


def test_a_logged_question_has_its_email_masked(runs: Runs) -> None:
    write_settings(runs.config_dir, log_questions=True)
    question = f"What did the keeper write to {EMAIL} about crumpets?"
    done = kenning("ask", question, "--data-dir", str(runs.data_dir), "--json", env=runs.env)
    assert done.returncode == 0, done.stderr
    logs = (runs.data_dir / "logs").glob("kenning.log*")
    lines = [json.loads(line) for p in logs for line in p.read_text(encoding="utf-8").splitlines()]
    logged = [line for line in lines if line.get("message") == "answer"]
    assert logged, "with log_questions on, the question is logged"
    assert logged[-1]["question"] == "What did the keeper write to [email] about crumpets?"
    assert EMAIL not in json.dumps(lines)
