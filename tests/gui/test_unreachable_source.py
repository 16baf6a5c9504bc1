"""A source from an attached shared index is cited by its shared path: Open works when this computer
reaches that path, and says plainly that it does not otherwise (never a traceback, nothing opened)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kenning.core.index.attached import OWN_INDEX
from kenning.ui import source_access
from kenning.ui.sources_panel import SourcesPanel
from kenning.ui.tasks import TaskRunner

HANDBOOK = "# Leave\n\nStaff book annual leave through the team calendar at least two weeks ahead.\n"


def _button(panel: SourcesPanel, text: str) -> QPushButton:
    return next(b for b in panel.cards.cards[0].findChildren(QPushButton) if b.text() == text)


def test_open_says_the_shared_path_is_out_of_reach_and_opens_it_once_reachable(
    qtbot: QtBot,
    task_runner: TaskRunner,
    make_workspace,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A colleague indexed the team share and published it; this computer attached it as "team".
    share = tmp_path / "nas" / "team"
    share.mkdir(parents=True)
    (share / "leave.md").write_text(HANDBOOK)
    publisher = make_workspace(name="publisher")
    list(publisher.indexer.sync([str(share)]))
    publisher.publish_to(str(tmp_path / "published"))
    reader = make_workspace(name="reader")
    (tmp_path / "reader").mkdir()  # made when the app or the CLI starts
    reader.attach_index(str(tmp_path / "published"), name="team")
    hit = reader.retriever.search("how do I book annual leave", k=3).hits[0]
    assert (hit.index, hit.path) == ("team", str(share / "leave.md"))  # cited by its shared path

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    panel = SourcesPanel(task_runner)
    qtbot.addWidget(panel)
    panel.show_sources([hit], "annual leave")

    share.rename(tmp_path / "nas" / "elsewhere")  # the share is not mounted on this computer
    _button(panel, "Open").click()
    expected = (
        f"⚠ This file is in the shared index 'team' at {hit.path}; "
        "that path is not reachable from this computer."
    )
    qtbot.waitUntil(lambda: panel.viewer.title.text().startswith(expected))
    assert "Connect the shared folder" in panel.viewer.title.text() and opened == []
    panel.select(1)  # the viewer says the same instead of a read error
    qtbot.waitUntil(lambda: panel.viewer.title.text().startswith(expected))
    _button(panel, "Show in folder").click()
    qtbot.waitUntil(lambda: task_runner.busy == 0)
    assert opened == []

    (tmp_path / "nas" / "elsewhere").rename(share)  # reachable again
    _button(panel, "Open").click()
    qtbot.waitUntil(lambda: len(opened) == 1)
    assert opened[0] == QUrl.fromLocalFile(hit.path)
    _button(panel, "Show in folder").click()
    qtbot.waitUntil(lambda: len(opened) == 2)
    assert opened[1] == QUrl.fromLocalFile(str(share))
    panel.select(1)
    qtbot.waitUntil(lambda: panel.viewer.shown == hit)
    assert "two weeks ahead" in panel.viewer.text_view.toPlainText()


def test_a_file_of_the_own_index_that_vanished_is_named_as_moved_or_deleted(
    qtbot: QtBot,
    task_runner: TaskRunner,
    make_workspace,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "leave.md").write_text(HANDBOOK)
    workspace = make_workspace()
    list(workspace.indexer.sync([str(docs)]))
    hit = workspace.retriever.search("annual leave", k=1).hits[0]
    assert source_access.OWN_INDEX == OWN_INDEX and hit.index in ("", OWN_INDEX)
    (docs / "leave.md").unlink()
    panel = SourcesPanel(task_runner)
    qtbot.addWidget(panel)
    panel.show_sources([hit], "annual leave")
    panel.select(1)
    qtbot.waitUntil(lambda: "is not there any more" in panel.viewer.title.text())
    assert panel.viewer.title.text().startswith(f"⚠ {hit.path} is not there any more: it was moved")
