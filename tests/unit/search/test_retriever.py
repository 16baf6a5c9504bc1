"""Hybrid search over a real index: what the ranked list of sources looks like to a reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.helpers.simple_pdf import write_pdf

from kenning.core.search.retriever import Retriever

LIGHTHOUSE_LINES = [
    f"Keeper's log, night {n}: the lighthouse lamp was trimmed, the lens polished and the fog signal wound."
    for n in range(1, 41)
]


def _indexed_pdf(make_workspace: Callable[..., Any], tmp_path: Path) -> Any:
    folder = tmp_path / "docs"
    folder.mkdir()
    write_pdf(
        folder / "keepers.pdf",
        [
            LIGHTHOUSE_LINES,  # one long page: several passages about the lamp
            ["The lighthouse lamp burns paraffin; the keeper trims its wick at dusk."],
            ["Harbour dues are paid to the port office every quarter."],
        ],
        title="Keepers",
    )
    workspace = make_workspace()
    list(workspace.indexer.sync([str(folder)]))
    return workspace


def test_a_pdf_page_is_listed_once_with_its_best_passage(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    workspace = _indexed_pdf(make_workspace, tmp_path)
    assert workspace.store.count_chunks("page = 1") >= 2, "the long page must hold several passages"

    hits = workspace.retriever.search("how does the keeper look after the lighthouse lamp", k=5).hits

    pages = [h.page for h in hits]
    assert len(pages) == len(set(pages)), f"a page listed twice: {pages}"
    assert set(pages) >= {1, 2}


def test_listing_every_passage_of_a_page_can_be_asked_for(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    workspace = _indexed_pdf(make_workspace, tmp_path)
    retriever = Retriever(workspace.store, workspace.embedder, one_passage_per_page=False)

    hits = retriever.search("how does the keeper look after the lighthouse lamp", k=5).hits

    assert [h.page for h in hits].count(1) >= 2
