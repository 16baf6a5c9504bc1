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


def test_dates_and_documents_filter_paths_and_a_chip_removes_one_part(tmp_path: Path) -> None:
    from datetime import date

    doc = str(tmp_path / "it's.md")
    scope = Scope.of(file_types=["md"], since=date(2024, 1, 1), until=date(2024, 1, 31), documents=[doc])
    assert scope.parts() == [("type", ".md"), ("since", "2024-01-01"), ("until", "2024-01-31"), ("doc", doc)]
    start, end = scope.mtime_range_ns()
    assert start is not None and end is not None and (end - start) / 86_400e9 == 31  # until counts its day
    quoted = doc.replace("'", "''")
    assert (
        scope.where([doc])
        == f"(ends_with(lower(path), '.md')) AND (path IN ('{quoted}')) AND (path IN ('{quoted}'))"
    )
    assert scope.where([]).endswith("AND (false)")  # nothing modified in the range: nothing matches
    assert scope.contains(doc, mtime_ns=start) and not scope.contains(doc, mtime_ns=end)
    assert scope.without("doc", doc).without("since").without("until").without("type", ".md").everything
