"""The window repairs and rebuilds the index without losing the user's work: a damaged index is
offered a rebuild from the files, and new chunking is built beside the live index, then swapped in."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from tests.e2e.test_damaged_index import truncate_a_chunks_fragment

from kenning.core.index.store import Store
from kenning.core.settings import ChunkSettings, Settings
from kenning.ui.main_window import MainWindow
from kenning.ui.services import AppServices

SAMPLE_DOCS = Path(__file__).resolve().parents[2] / "resources" / "sample-docs"


def open_window(qtbot: QtBot, data_dir: Path, embedder: Any, *, expect_ready: bool = True) -> MainWindow:
    window = MainWindow(AppServices(data_dir, Settings(), embedder=embedder))
    qtbot.addWidget(window)
    window.show()
    if expect_ready:
        with qtbot.waitSignal(window.services.workspace_ready, timeout=60_000):
            window.services.start()
    else:
        window.services.start()
    return window


def indexed_files(window: MainWindow) -> int:
    views = window.indexing.views
    return views[0].stats.indexed if views and views[0].stats else -1


def click_in_message_box(qtbot: QtBot, window: MainWindow, text: str) -> None:
    def box() -> QMessageBox | None:
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: box() is not None, timeout=60_000)
    found = box()
    assert found is not None
    button = next(b for b in found.buttons() if b.text() == text)
    button.click()


def test_a_damaged_index_is_rebuilt_from_the_files(qtbot: QtBot, tmp_path: Path, embedder: Any) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS, docs)
    first = open_window(qtbot, tmp_path / "data", embedder)
    first.indexing.add_folder(str(docs))
    qtbot.waitUntil(lambda: indexed_files(first) == 6 and not first.indexing.busy, timeout=240_000)
    first.close()
    truncate_a_chunks_fragment(tmp_path / "data" / "index")

    window = open_window(qtbot, tmp_path / "data", embedder, expect_ready=False)
    with qtbot.waitSignal(window.services.index_damaged, timeout=60_000) as damaged:
        pass
    assert "damaged" in damaged.args[0].message
    click_in_message_box(qtbot, window, "Rebuild from my files")
    qtbot.waitUntil(lambda: indexed_files(window) == 6 and not window.indexing.busy, timeout=240_000)
    assert any(p.name.startswith("index.damaged") for p in (tmp_path / "data").iterdir())  # set aside


def test_new_chunking_is_built_beside_the_live_index_then_swapped_in(
    qtbot: QtBot, tmp_path: Path, embedder: Any
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("curl-http-cookies.md", "openssh-tunnels.txt"):
        shutil.copy2(SAMPLE_DOCS / name, docs / name)
    window = open_window(qtbot, tmp_path / "data", embedder)
    window.indexing.add_folder(str(docs))
    qtbot.waitUntil(lambda: indexed_files(window) == 2 and not window.indexing.busy, timeout=120_000)
    before = Store(tmp_path / "data" / "index").count_chunks()

    smaller = replace(window.services.settings, chunking=ChunkSettings(target_tokens=100, overlap_tokens=16))
    window.apply_index_settings(smaller)
    click_in_message_box(qtbot, window, "Rebuild now")
    with qtbot.waitSignal(window.reindex.swapped, timeout=240_000):
        pass
    services = window.services
    qtbot.waitUntil(
        lambda: services.settings.chunking.target_tokens == 100 and services.workspace is not None,
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: indexed_files(window) == 2 and not window.indexing.busy, timeout=120_000)
    assert Store(tmp_path / "data" / "index").count_chunks() > before  # smaller passages, more of them


def test_a_new_embedding_engine_takes_effect_without_a_rebuild(
    qtbot: QtBot, tmp_path: Path, embedder: Any
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy2(SAMPLE_DOCS / "openssh-tunnels.txt", docs / "openssh-tunnels.txt")
    window = open_window(qtbot, tmp_path / "data", embedder)
    window.indexing.add_folder(str(docs))
    qtbot.waitUntil(lambda: indexed_files(window) == 1 and not window.indexing.busy, timeout=120_000)
    before = Store(tmp_path / "data" / "index").count_chunks()

    settings = window.services.settings
    window.apply_index_settings(replace(settings, embedding=replace(settings.embedding, engine="bf16")))
    services = window.services
    qtbot.waitUntil(
        lambda: services.workspace is not None and services.settings.embedding.engine == "bf16",
        timeout=60_000,
    )
    assert services.workspace is not None and services.workspace.embedder.engine == "bf16"
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]  # no rebuild offered
    assert Store(tmp_path / "data" / "index").count_chunks() == before


def test_with_a_test_set_the_rebuild_shows_both_runs_and_waits_for_the_user(
    qtbot: QtBot, tmp_path: Path, embedder: Any
) -> None:
    from kenning.core.evaluate.pre_swap import remember_test_set
    from kenning.core.settings import IndexSettings
    from kenning.ui.pre_swap_dialog import PreSwapDialog

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("curl-http-cookies.md", "openssh-tunnels.txt"):
        shutil.copy2(SAMPLE_DOCS / name, docs / name)
    test_set = tmp_path / "questions.jsonl"
    test_set.write_text(
        '{"id": "tunnel", "question": "How do I forward a local port over ssh?", '
        '"sources": ["openssh-tunnels.txt"]}\n',
        encoding="utf-8",
    )
    remember_test_set(tmp_path / "data" / "evals", test_set)  # as the Evaluate tab does when it runs
    window = open_window(qtbot, tmp_path / "data", embedder)
    window.indexing.add_folder(str(docs))
    qtbot.waitUntil(lambda: indexed_files(window) == 2 and not window.indexing.busy, timeout=120_000)
    before = Store(tmp_path / "data" / "index").count_chunks()

    smaller = replace(
        window.services.settings,
        chunking=ChunkSettings(target_tokens=100, overlap_tokens=16),
        index=IndexSettings(auto_swap_when_no_worse=False),
    )
    window.apply_index_settings(smaller)
    swaps: list[object] = []
    window.reindex.swapped.connect(swaps.append)
    with qtbot.waitSignal(window.reindex.checked, timeout=240_000) as checked:
        click_in_message_box(qtbot, window, "Rebuild now")
    check, decision = checked.args
    assert decision == "ask" and check.live["totals"]["hit@5"] == 1.0
    dialog = window.reindex.dialog
    assert isinstance(dialog, PreSwapDialog) and dialog.isVisible()
    assert "hit@5" in dialog.details.toPlainText()
    qtbot.waitUntil(lambda: not window.reindex.running, timeout=60_000)
    assert swaps == [] and Store(tmp_path / "data" / "index").count_chunks() == before  # still waiting

    with qtbot.waitSignal(window.reindex.swapped, timeout=120_000):
        dialog.switch.click()
    assert Store(tmp_path / "data" / "index").count_chunks() > before
