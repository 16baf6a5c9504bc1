"""Which files the index takes: unsupported types are skipped by their type before being read, and a
link to a file gets the same answer from the full walk and from the watcher's path check."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import FileStatus
from kenning.core.index import file_preparer
from kenning.core.index.folder_stats import folder_stats
from kenning.core.settings import OcrSettings, Settings

pytestmark = pytest.mark.slow


def test_photos_and_archives_are_skipped_unread_and_not_listed_as_problems(
    make_workspace: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(200_000))
    (folder / "backup.zip").write_bytes(b"PK\x03\x04" + os.urandom(200_000))
    (folder / "notes.md").write_text("# Garden\n\nThe pear trees are pruned in late February.")
    read_whole: list[str] = []
    real_read = file_preparer.read_file

    def recording_read(path: str, **kw: Any) -> Any:
        read_whole.append(os.path.basename(path))
        return real_read(path, **kw)

    monkeypatch.setattr(file_preparer, "read_file", recording_read)
    workspace = make_workspace(Settings(ocr=OcrSettings(enabled=False)))  # with OCR on, images are read
    report = list(workspace.indexer.sync([str(folder)]))[-1].report

    assert report.indexed == 1 and report.skipped_unsupported == 2
    assert report.skipped == [] and report.errors == []
    assert read_whole == ["notes.md"]  # the photo and the archive were judged by their first bytes
    stats = folder_stats(workspace.store, [str(folder)])[str(folder)]
    assert stats.problems == []
    records = workspace.store.file_records()
    assert records[str(folder / "holiday.jpg")].status is FileStatus.UNSUPPORTED
    again = list(workspace.indexer.sync([str(folder)]))[-1].report
    assert again.unchanged == 3 and again.skipped_unsupported == 0


def test_with_ocr_on_a_photo_without_text_is_read_and_stays_quiet(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    from PIL import Image

    folder = tmp_path / "photos"
    folder.mkdir()
    Image.radial_gradient("L").resize((640, 480)).convert("RGB").save(folder / "sky.jpg")
    workspace = make_workspace()
    report = list(workspace.indexer.sync([str(folder)]))[-1].report
    assert report.skipped_unsupported == 1 and report.skipped == [] and report.errors == []
    record = workspace.store.file_records()[str(folder / "sky.jpg")]
    assert (record.status, record.error) == (FileStatus.UNSUPPORTED, "no text found in this image")


def test_a_linked_file_stays_indexed_when_the_watcher_checks_its_path(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "recipe.md").write_text("# Bread\n\nThe sourdough rests for twelve hours in the fridge.")
    folder = tmp_path / "watched"
    folder.mkdir()
    link = folder / "recipe-link.md"
    os.symlink(outside / "recipe.md", link)
    workspace = make_workspace()  # follow_symlinks is off by default: it governs links to folders

    list(workspace.indexer.sync([str(folder)]))
    assert str(link) in workspace.store.file_records()
    # What the watcher does when it sees the link's path change (or a poll lists it).
    report = list(workspace.indexer.sync_paths([str(folder)], [str(link)]))[-1].report
    assert report.removed == 0
    assert str(link) in workspace.store.file_records()
    hit = workspace.retriever.search("sourdough fridge", k=1).hits[0]
    assert hit.path == str(link)
