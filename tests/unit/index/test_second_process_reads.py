"""A store opened before another one (the indexing worker process) wrote anything sees its passages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def test_a_reader_opened_on_an_empty_index_finds_what_another_writer_added(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path]
) -> None:
    folder = copy_docs("net/curl/HSTS.md")
    reader = make_workspace()
    reader.store.file_records()  # opened now, as the window opens it at start: no passages table yet
    assert reader.retriever.search("Strict Transport Security", k=3).hits == ()

    writer = make_workspace()  # same data dir: the worker process's own Workspace
    list(writer.indexer.sync([str(folder)]))

    hits = reader.retriever.search("Strict Transport Security", k=3).hits
    assert hits and hits[0].path.endswith("HSTS.md")
