"""File ▸ Shared indexes…: the real dialog on real indexes (a snapshot published to a folder, as
to a NAS path), its figures read on a background worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from kenning.ui.shared_indexes_dialog import SharedIndexesDialog
from kenning.ui.tasks import TaskRunner


def _cell(dialog: SharedIndexesDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    return item.text() if item is not None else ""


def test_the_dialog_shares_this_index_and_opens_a_shared_one(
    qtbot, task_runner: TaskRunner, make_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    publisher = make_workspace(name="publisher")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hsts.md").write_text(
        "# HSTS\n\ncurl keeps each HSTS entry in the cache file until it expires.\n"
    )
    list(publisher.indexer.sync([str(docs)]))
    reader = make_workspace(name="reader")
    share = tmp_path / "nas" / "team"

    def dialog_for(workspace) -> SharedIndexesDialog:  # type: ignore[no-untyped-def]
        def publish(uri: str) -> str:
            return f"published {workspace.publish_to(uri).chunks} chunks"

        def attach(uri: str) -> str:
            return f"attached {workspace.attach_index(uri).name}"

        dialog = SharedIndexesDialog(
            task_runner, task_runner, list_indexes=workspace.shared_indexes, publish=publish, attach=attach
        )
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=60_000)
        return dialog

    # The publisher shares its index to the folder.
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (str(share), True))
    sharing = dialog_for(publisher)
    assert (_cell(sharing, 0, 0), _cell(sharing, 0, 1)) == ("own", "publisher")
    sharing.share_button.click()
    qtbot.waitUntil(lambda: sharing.status.text().startswith("published"), timeout=60_000)

    # A colleague opens it: a second row, read-only, with the publish time and its size.
    opening = dialog_for(reader)
    with qtbot.waitSignal(opening.attached_changed, timeout=60_000):
        opening.open_button.click()
    qtbot.waitUntil(lambda: opening.table.rowCount() == 2, timeout=60_000)
    assert _cell(opening, 1, 0) == "team" and _cell(opening, 1, 1) == "reader"
    assert _cell(opening, 1, 2) == str(share)
    assert "UTC" in _cell(opening, 1, 3)  # when it was published
    assert _cell(opening, 1, 4) == "1"
    assert _cell(opening, 1, 5).endswith("kB") and _cell(opening, 1, 5) != "0 kB"  # the shared folder's size
    assert opening.share_button.isEnabled()

    # Its passages now come up in the colleague's searches, labelled with the index.
    hits = reader.retriever.search("HSTS cache file", k=3).hits
    assert hits[0].index == "team" and hits[0].path.endswith("hsts.md")


def test_a_failed_attach_says_why_in_the_dialog(
    qtbot, task_runner: TaskRunner, make_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace()
    dialog = SharedIndexesDialog(
        task_runner,
        task_runner,
        list_indexes=workspace.shared_indexes,
        publish=lambda uri: "",
        attach=lambda uri: workspace.attach_index(uri).name,
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=60_000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (str(tmp_path / "nothing"), True))
    dialog.open_button.click()
    qtbot.waitUntil(lambda: "There is no Kenning index" in dialog.status.text(), timeout=60_000)
    assert dialog.open_button.isEnabled()
    assert dialog.table.rowCount() == 1
