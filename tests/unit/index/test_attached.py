"""Attaching a shared index from a data dir that does not exist yet (a script's first command)."""

from __future__ import annotations

import stat
from pathlib import Path


def test_attach_makes_the_data_dir_and_keeps_the_list_private(make_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    publisher = make_workspace(name="publisher")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "leave.md").write_text("# Leave\n\nStaff carry over five days of annual leave.\n")
    list(publisher.indexer.sync([str(docs)]))
    publisher.publish_to(str(tmp_path / "share" / "team"))

    reader = make_workspace(name="never-opened")
    assert not (tmp_path / "never-opened").exists()
    info = reader.attach_index(str(tmp_path / "share" / "team"))

    assert info.name == "team"
    listed = [p for p in (tmp_path / "never-opened").iterdir() if p.name.startswith("attached")]
    assert [p.suffix for p in listed] == [".json"]  # no temporary file left behind
    assert stat.S_IMODE(listed[0].stat().st_mode) == 0o600
    assert reader.retriever.search("annual leave carry over", k=1).hits[0].index == "team"
