"""Index health: every file under a watched folder gets a state and a reason a person can act on."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.simple_pdf import build_pdf

from kenning import paths
from kenning.core.domain.documents import FileRecord, FileStatus
from kenning.core.domain.file_health import FileState, HealthRow, ocr_confidence, ocr_note
from kenning.core.index.file_health import record_row
from kenning.core.ingest.loaders import tabular
from kenning.core.settings import Settings
from kenning.core.watch.folder_list import FolderList


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notes.md").write_text("# Notes\n\nThe boiler is serviced every October by Hendrik.\n")
    (folder / "song.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(4_000))
    (folder / "big.txt").write_text("A long log line about pumps.\n" * 400)  # ~12 kB, over the 5 kB limit
    (folder / "draft.tmp").write_text("half-written")
    (folder / ".secret.md").write_text("hidden notes")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage that is no PDF\n%%EOF")
    (folder / "scan.pdf").write_bytes(build_pdf([["The warranty runs until 2031."], []]))
    (folder / "readings.csv").write_text("n,value\n" + "\n".join(f"{n},{n * 2}" for n in range(12)))
    return folder


@pytest.fixture
def health(tmp_path: Path, make_workspace: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(tabular, "MAX_ROWS", 5)  # a capped sheet without writing 20,000 rows
    folder = _folder(tmp_path)
    settings = Settings()
    settings.index.max_file_mb = 0.005
    workspace = make_workspace(settings)
    for _ in workspace.indexer.sync([str(folder)]):
        pass
    (folder / "later.md").write_text("Written after the last sync.")
    return folder, workspace


def test_every_file_gets_a_state_and_a_reason(health: Any) -> None:
    folder, workspace = health
    rows = {row.path: row for row in workspace.health_rows()}

    def state(name: str) -> tuple[FileState, str]:
        row = rows[str(folder / name)]
        return row.state, row.reason

    assert state("notes.md") == (FileState.SEARCHABLE, "")
    assert rows[str(folder / "notes.md")].chunks >= 1 and rows[str(folder / "notes.md")].loader == "markdown"
    assert state("song.mp3") == (FileState.SKIPPED, "unsupported type")
    assert state("big.txt") == (FileState.SKIPPED, "too big")
    assert state("draft.tmp") == (FileState.SKIPPED, "ignored by rule *.tmp")
    assert state(".secret.md") == (FileState.SKIPPED, "hidden")
    assert rows[str(folder / ".git") + os.sep].reason == "hidden folder"
    assert not any(path.startswith(str(folder / ".git" / "")) and path.endswith("config") for path in rows)
    assert rows[str(folder / "broken.pdf")].state is FileState.FAILED
    assert "PDF" in rows[str(folder / "broken.pdf")].reason
    assert state("scan.pdf") == (FileState.PARTIAL, "1 of 2 pages have no text layer (scanned?)")
    assert state("readings.csv")[0] is FileState.PARTIAL
    assert "only the first 5 rows" in state("readings.csv")[1]
    assert state("later.md") == (FileState.PENDING, "new or changed: waiting for the indexer")


def test_status_report_lists_files_with_counts_per_state(health: Any) -> None:
    folder, workspace = health
    document = workspace.status_report(files=True)
    assert document["states"]["skipped"] == 5  # an mp3, too big, rule, hidden file, hidden folder
    assert document["states"]["partial"] == 2
    by_path = {row["path"]: row for row in document["file_rows"]}
    assert by_path[str(folder / "big.txt")] | {"modified": 0} == {
        "path": str(folder / "big.txt"),
        "state": "skipped",
        "reason": "too big",
        "detail": by_path[str(folder / "big.txt")]["detail"],
        "size": (folder / "big.txt").stat().st_size,
        "modified": 0,
        "chunks": 0,
        "loader": "",
        "retry": False,
    }
    assert "file_rows" not in workspace.status_report()


def test_a_watched_folder_with_nothing_indexed_yet_is_listed(tmp_path: Path, make_workspace: Any) -> None:
    workspace = make_workspace()
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.md").write_text("text")
    FolderList(paths.folders_file(workspace.data_dir)).add(str(folder))
    assert [(r.path, r.state) for r in workspace.health_rows()] == [(str(folder / "a.md"), FileState.PENDING)]


def _record(**changes: Any) -> FileRecord:
    values: dict[str, Any] = {
        "path": "/d/a.pdf",
        "root": "/d",
        "size": 10,
        "mtime_ns": 0,
        "sha256": "x",
        "status": FileStatus.INDEXED,
        "chunks": 3,
    }
    return FileRecord(**(values | changes))


def test_ocr_and_flagged_files_report_into_their_own_states() -> None:
    ocr = record_row(_record(loader="pdf+ocr", error=ocr_note(0.87)))
    assert (ocr.state, ocr.reason) == (FileState.OCR, "text recognised from images (confidence 87%)")
    assert ocr_confidence(ocr_note(0.87)) == 0.87
    flagged = record_row(_record(), flagged=2)
    assert (flagged.state, flagged.reason) == (
        FileState.FLAGGED,
        "2 passages look like instructions to the model",
    )
    assert isinstance(flagged, HealthRow) and flagged.searchable
