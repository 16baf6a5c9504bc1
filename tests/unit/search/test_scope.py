"""A search scope: folders and file types, as a filter on indexed paths."""

from __future__ import annotations

from pathlib import Path

from kenning.core.search.scope import Scope


def test_a_folder_scope_does_not_reach_a_sibling_with_a_longer_name(tmp_path: Path) -> None:
    scope = Scope.of([str(tmp_path / "docs")])
    assert scope.contains(str(tmp_path / "docs" / "a.md"))
    assert not scope.contains(str(tmp_path / "docs2" / "a.md"))


def test_file_types_match_any_case_with_or_without_the_dot(tmp_path: Path) -> None:
    scope = Scope.of(file_types=["PDF", ".md", " "])
    assert scope.file_types == (".pdf", ".md")
    assert scope.contains("/x/Report.PDF") and scope.contains("/x/notes.md")
    assert not scope.contains("/x/notes.txt")


def test_no_scope_is_no_filter_and_quotes_cannot_break_out() -> None:
    assert Scope.of().where() is None and Scope.of().everything
    where = Scope.of(file_types=["x' OR 1=1 --"]).where()
    assert where == "(ends_with(lower(path), '.x'' or 1=1 --'))"
