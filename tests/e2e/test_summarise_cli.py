"""`kenning summarise` and `kenning compare` as subprocesses: answer JSON like `ask --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.served import kenning

pytestmark = pytest.mark.slow


def test_summarise_and_compare_print_answer_json_citing_the_documents(
    small_index: tuple[Path, Path], fake_ollama: FakeOllama
) -> None:
    docs, data = small_index
    expires, hsts = str(docs / "caching/mod_expires.md"), str(docs / "security/hsts.md")
    fake_ollama.reply = "The document explains caching [1]."
    common = ("--data-dir", str(data), "--ollama-host", fake_ollama.url, "--model", "llama3.2", "--json")
    done = kenning("summarise", expires, *common)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["status"] == "answered" and summary["question"] == "Summarise mod_expires.md"
    assert [c["path"] for c in summary["citations"]] == [expires]
    assert {"sources", "trace", "model", "invalid_citations"} <= summary.keys()

    first_of_b = len(summary["sources"]) + 1  # a comparison numbers A's chunks, then B's
    fake_ollama.reply = f"One is about expiry headers [1] and the other about HSTS [{first_of_b}]."
    done = kenning("compare", expires, hsts, *common)
    assert done.returncode == 0, done.stderr
    comparison = json.loads(done.stdout)
    assert {c["path"] for c in comparison["citations"]} == {expires, hsts}


def test_summarise_names_a_file_that_is_not_indexed(small_index: tuple[Path, Path], tmp_path: Path) -> None:
    done = kenning("summarise", str(tmp_path / "nowhere.pdf"), "--data-dir", str(small_index[1]))
    assert done.returncode != 0
    assert "is not in the index" in done.stderr and "Traceback" not in done.stderr


def test_summaries_indexed_as_passages_let_a_broad_question_find_the_whole_document(
    tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    from tests.e2e.conftest import DOCUMENTS

    docs, data = tmp_path / "docs", str(tmp_path / "data")
    for relative, text in DOCUMENTS.items():
        (docs / relative).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative).write_text(text, encoding="utf-8")
    fake_ollama.reply = "This document sets out ticket pricing for the island ferry [1]."
    with_model = {"OLLAMA_HOST": fake_ollama.url}
    done = kenning("index", str(docs), "--data-dir", data, "--summaries", "--json", env=with_model)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summaries_added"] == len(DOCUMENTS)

    found = kenning("search", "which file is about ferry ticket pricing", "--data-dir", data, "--json")
    top = json.loads(found.stdout)["hits"][0]
    assert top["section"] == "Summary" and "ticket pricing" in top["text"] and "[1]" not in top["text"]

    again = kenning("index", str(docs), "--data-dir", data, "--summaries", "--json", env=with_model)
    assert json.loads(again.stdout)["summaries_added"] == 0  # each document has its summary already

    (docs / "caching/mod_expires.md").write_text("# Changed\n\nNew text about expiry.\n", encoding="utf-8")
    offline = kenning(
        "index",
        str(docs),
        "--data-dir",
        data,
        "--summaries",
        "--json",
        env={"OLLAMA_HOST": "http://127.0.0.1:9"},
    )
    assert offline.returncode == 0 and json.loads(offline.stdout)["indexed"] == 1
    assert "document summaries skipped" in offline.stderr and "Traceback" not in offline.stderr
