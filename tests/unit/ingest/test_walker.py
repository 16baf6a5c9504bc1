from __future__ import annotations

import os
from pathlib import Path

from kenning.core.ingest.walker import FoundFile, IgnoreRules, WalkProblem, walk
from kenning.core.settings import DEFAULT_IGNORE


def _tree(root: Path) -> None:
    for rel in [
        "a.md",
        "sub/b.txt",
        ".hidden/c.md",
        ".git/config",
        "node_modules/pkg/readme.md",
        "__pycache__/x.pyc",
        "~$report.docx",
        "notes.txt.swp",
        ".~lock.sheet.ods#",
        "data/index.md",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text")


def test_default_rules_skip_hidden_vcs_deps_lock_files_and_the_data_dir(tmp_path: Path) -> None:
    _tree(tmp_path)
    rules = IgnoreRules(DEFAULT_IGNORE, excluded_dirs=[tmp_path / "data"])
    found = sorted(
        os.path.relpath(f.path, tmp_path) for f in walk([str(tmp_path)], rules) if isinstance(f, FoundFile)
    )
    assert found == ["a.md", os.path.join("sub", "b.txt")]


def test_symlink_loops_finish_and_each_file_is_found_once(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "inside-loop.md").write_text("x")
    os.symlink("..", loop / "parent")
    os.symlink(".", loop / "self")
    for follow in (False, True):
        items = list(walk([str(tmp_path)], IgnoreRules([]), follow_symlinks=follow))
        names = [Path(f.path).name for f in items if isinstance(f, FoundFile)]
        assert names.count("inside-loop.md") == 1


def test_an_unreadable_folder_is_reported_not_fatal(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads everything; a vanished folder stands in for an unreadable one
        items = list(walk([str(tmp_path / "gone")], IgnoreRules([])))
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0)
        items = list(walk([str(locked)], IgnoreRules([])))
        locked.chmod(0o755)
    assert len(items) == 1 and isinstance(items[0], WalkProblem)
    assert "cannot be read" in items[0].reason
