"""Shared fixtures: the real embedding model (loaded once), real corpus files, temporary workspaces.

`corpus` is the small copy in tests/data/corpus (same layout as the development corpus: docs/,
questions.jsonl, bad/), so a clone alone runs every test. `full_corpus` is the whole development corpus
in ../shared/corpus, for the few tests that need all of it: they skip without it, and fail under CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

pytest_plugins = ["tests.fakes.fixtures"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"  # the whole development corpus (benchmarks, full_corpus)
TEST_CORPUS = REPO / "tests" / "data" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The documents, questions and hostile inputs the tests name, kept in the repository."""
    return TEST_CORPUS


@pytest.fixture(scope="session")
def full_corpus() -> Path:
    """All 167 documents; a test that needs them is skipped without them, except under CI."""
    if not (CORPUS / "docs").is_dir():
        message = f"the whole development corpus ({CORPUS}) is not available"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: a missing corpus must not pass silently)")
        pytest.skip(message)
    return CORPUS


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's settings or data."""
    monkeypatch.setenv("KENNING_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("KENNING_DATA_DIR", raising=False)


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from kenning.core.index.embedder import Embedder
    from kenning.core.index.embedding_models import locate_model

    return Embedder(locate_model("all-MiniLM-L6-v2"), device="cpu", batch_size=32)


@pytest.fixture
def make_workspace(tmp_path: Path, embedder):  # type: ignore[no-untyped-def]
    """A Workspace in a temporary data dir that shares the session's loaded model."""
    from kenning.core.settings import Settings
    from kenning.core.workspace import Workspace

    def build(settings: Settings | None = None, name: str = "data"):  # type: ignore[no-untyped-def]
        workspace = Workspace(data_dir=tmp_path / name, settings=settings or Settings())
        workspace.__dict__["embedder"] = embedder  # cached_property slot: reuse the loaded model
        return workspace

    return build


@pytest.fixture
def copy_docs(tmp_path: Path, corpus: Path) -> Callable[..., Path]:
    """Copy some corpus documents (paths relative to docs/) into a fresh folder."""

    def copy(*relative: str, folder: str = "docs") -> Path:
        target = tmp_path / folder
        for rel in relative:
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(corpus / "docs" / rel, dest)
        target.mkdir(exist_ok=True)
        return target

    return copy
