"""`kenning eval` on a real index of the sample documents: figures, per-question rows, thresholds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.helpers.served import kenning

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "sample-docs"
TEST_SET = REPO / "tests" / "data" / "eval" / "sample-questions.jsonl"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eval")
    shutil.copytree(SAMPLES, root / "docs")
    done = kenning("index", str(root / "docs"), "--data-dir", str(root / "data"), "--json")
    assert done.returncode == 0, done.stderr
    return root / "data"


def test_eval_scores_retrieval_and_the_gate_and_keeps_the_run(data_dir: Path) -> None:
    done = kenning("eval", str(TEST_SET), "--no-llm", "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    totals = report["totals"]
    assert totals["questions"] == 7 and totals["answerable"] == 5
    assert totals["hit@5"] == 1.0  # every expected file (and the PDF's page) is in the top 5
    assert totals["evidence_hit@5"] == 1.0
    assert totals["not_found_recall"] == 1.0  # both unanswerable questions refused
    rows = {row["id"]: row for row in report["questions"]}
    assert rows["s05"]["rank"] is not None and rows["s06"]["refused"] is True
    assert rows["s01"]["status"] in ("extractive", "not_found")
    saved = json.loads(Path(report["saved"]).read_text(encoding="utf-8"))
    assert saved["totals"] == totals
    assert saved["context"]["embed_model"] and saved["context"]["index"]["chunks"] > 0


def test_a_missed_threshold_fails_the_command_for_scripts(data_dir: Path) -> None:
    passed = kenning("eval", str(TEST_SET), "--no-llm", "--min", "hit@5=0.8", "--data-dir", str(data_dir))
    assert passed.returncode == 0, passed.stderr
    assert "not-found gate: 2/2 unanswerable refused, 0/5 answerable refused" in passed.stdout
    failed = kenning("eval", str(TEST_SET), "--no-llm", "--min", "hit@1=1.01", "--data-dir", str(data_dir))
    assert failed.returncode == 1
    assert "below the threshold: hit@1 1.0 < 1.01" in failed.stderr


def test_a_bad_threshold_is_a_usage_error(data_dir: Path) -> None:
    done = kenning("eval", str(TEST_SET), "--no-llm", "--min", "hit@5", "--data-dir", str(data_dir))
    assert done.returncode == 2 and "NAME=NUMBER" in done.stderr
