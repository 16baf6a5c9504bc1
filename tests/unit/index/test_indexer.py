"""Incremental sync against real files, the real model and a real LanceDB directory."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import FileDone, FileStatus, Outcome, SyncFinished, SyncReport

pytestmark = pytest.mark.slow

DOCS = (
    "net/curl/HTTP-COOKIES.md",
    "net/openssh/README.tun.txt",
    "web/apache/exports/RewriteMap.docx",
    "graphviz/man/dot.1.pdf",
    "web/apache/howto/htaccess.html",
)


def sync(workspace: Any, folder: Path, **kwargs: Any) -> SyncReport:
    events = list(workspace.indexer.sync([str(folder)], **kwargs))
    assert isinstance(events[-1], SyncFinished)
    report: SyncReport = events[-1].report
    return report


def top_paths(workspace: Any, query: str, k: int = 5) -> list[str]:
    return [h.path for h in workspace.retriever.search(query, k=k).hits]


def paragraphs(n: int, word: str = "alpha") -> str:
    return "# Notes\n\n" + "\n\n".join(
        f"Paragraph {i} describes the {word} procedure step {i} in enough words to stand alone as a passage. "
        f"It mentions item {i * 7} and the careful checks done before moving on to the next part."
        for i in range(n)
    )


@pytest.fixture
def indexed(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path]
) -> tuple[Any, Path, SyncReport]:
    folder = copy_docs(*DOCS)
    workspace = make_workspace()
    return workspace, folder, sync(workspace, folder)


def test_real_documents_of_every_format_are_indexed_and_found(indexed: tuple[Any, Path, SyncReport]) -> None:
    workspace, _, report = indexed
    assert report.indexed == len(DOCS) and report.errors == [] and report.skipped == []
    assert report.chunks_added == workspace.store.count_chunks() > 20
    records = workspace.store.file_records()
    assert {r.loader for r in records.values()} == {"markdown", "text", "docx", "pdf", "html"}
    assert top_paths(workspace, "RewriteMap program map txt file lookup")[0].endswith("RewriteMap.docx")
    assert top_paths(workspace, "tunnel forwarding with ssh tun device")[0].endswith("README.tun.txt")
    pdf_hits = [
        h for h in workspace.retriever.search("dot layout graph drawing options", k=10).hits if h.page
    ]
    assert pdf_hits and all(h.path.endswith("dot.1.pdf") and 1 <= h.page <= 9 for h in pdf_hits)


def test_unchanged_and_touched_files_are_not_parsed_or_embedded(
    indexed: tuple[Any, Path, SyncReport],
) -> None:
    workspace, folder, _ = indexed
    again = sync(workspace, folder)
    assert (again.indexed, again.unchanged, again.chunks_embedded) == (0, len(DOCS), 0)
    touched = folder / DOCS[0]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 5_000_000_000))
    after_touch = sync(workspace, folder)
    assert (after_touch.indexed, after_touch.chunks_embedded, after_touch.unchanged) == (0, 0, len(DOCS))


def test_editing_one_paragraph_reembeds_only_the_changed_chunks(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    note = folder / "long.md"
    note.write_text(paragraphs(150))
    workspace = make_workspace()
    first = sync(workspace, folder)
    assert first.chunks_embedded == first.chunks_added > 30
    note.write_text(
        note.read_text().replace(
            "Paragraph 70 describes the alpha", "Paragraph 70 describes the long-necked zebra"
        )
    )
    second = sync(workspace, folder)
    assert second.indexed == 1
    assert 1 <= second.chunks_embedded <= 3, second
    assert second.chunks_reused >= first.chunks_added - 3
    assert workspace.store.count_chunks() == second.chunks_added
    hit = workspace.retriever.search("zebra", k=1).hits[0]
    assert "zebra" in hit.text


def test_deleted_files_lose_their_chunks(indexed: tuple[Any, Path, SyncReport]) -> None:
    workspace, folder, _ = indexed
    (folder / DOCS[1]).unlink()
    report = sync(workspace, folder)
    assert report.removed == 1
    gone = str(folder / DOCS[1])
    assert workspace.store.count_chunks(f"path = '{gone}'") == 0
    assert gone not in workspace.store.file_records()
    assert gone not in top_paths(workspace, "tunnel forwarding with ssh tun device", k=10)


def test_renamed_and_moved_files_keep_their_vectors(indexed: tuple[Any, Path, SyncReport]) -> None:
    workspace, folder, _ = indexed
    before = workspace.store.count_chunks()
    (folder / "archive").mkdir()
    os.rename(folder / DOCS[1], folder / "archive" / "ssh-tunnels.txt")
    report = sync(workspace, folder)
    assert (report.renamed, report.indexed, report.removed, report.chunks_embedded) == (1, 0, 0, 0)
    assert workspace.store.count_chunks() == before
    assert top_paths(workspace, "tunnel forwarding with ssh tun device")[0] == str(
        folder / "archive" / "ssh-tunnels.txt"
    )
    assert str(folder / DOCS[1]) not in workspace.store.file_records()


def test_a_bad_new_version_keeps_the_previous_chunks_until_a_good_one_arrives(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    note = folder / "plan.md"
    note.write_text("# Plan\n\nThe quarterly plan names the heron project as the first priority.")
    workspace = make_workspace()
    sync(workspace, folder)
    note.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20)
    broken = sync(workspace, folder)
    record = workspace.store.file_records()[str(note)]
    assert record.status is FileStatus.SKIPPED and "binary" in record.error
    assert [i.path for i in broken.skipped] == [str(note)]
    assert "heron" in workspace.retriever.search("heron project priority", k=1).hits[0].text
    note.write_text("# Plan\n\nThe plan now puts the osprey project first.")
    sync(workspace, folder)
    assert workspace.store.file_records()[str(note)].status is FileStatus.INDEXED
    texts = " ".join(h.text for h in workspace.retriever.search("project priority", k=5).hits)
    assert "osprey" in texts and "heron" not in texts


def test_hostile_inputs_are_recorded_with_reasons_and_readable_ones_indexed(
    make_workspace: Callable[..., Any], corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(corpus / "bad", folder)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (folder / "make_bad.py").unlink(missing_ok=True)  # the full corpus's bad/ has its generator
    (folder / "README.md").unlink()
    bad_name = os.fsencode(str(folder)) + b"/caf\xe9-notes.txt"
    with open(bad_name, "wb") as handle:
        handle.write(b"the orchard has 312 pear trees")
    (folder / "loop").mkdir()
    (folder / "loop" / "inside-loop.md").write_text("# Loop\n\nThe loop note is about a silver kettle.")
    os.symlink("..", folder / "loop" / "parent")
    os.symlink(".", folder / "loop" / "self")
    workspace = make_workspace()
    report = sync(workspace, folder)
    reasons = {Path(i.path).name: i.reason for i in report.errors + report.skipped}
    assert "encrypted" in reasons["password-protected.pdf"].lower()
    assert "empty" in reasons["empty.pdf"] and "empty" in reasons["zero-bytes.docx"]
    assert "binary" in reasons["notes.txt"]
    assert (
        "scanned" in reasons["scanned-no-text.pdf"] or "no extractable text" in reasons["scanned-no-text.pdf"]
    )
    assert "word" in reasons["not-really-a.docx"].lower()
    assert "UTF-8" in reasons["caf\N{REPLACEMENT CHARACTER}-notes.txt"]
    for sentence, name in [
        ("brass lanterns north storeroom", "utf16-le-bom.txt"),
        ("crème brûlée Zürich", "latin1-accents.txt"),
        ("spare key taped under drawer nineteen", "deep-memo.md"),
        ("silver kettle loop note", "inside-loop.md"),
    ]:
        hit = workspace.retriever.search(sentence, k=1).hits[0]
        assert (
            Path(hit.path).name == name
            and "\x00" not in hit.text
            and "\N{REPLACEMENT CHARACTER}" not in hit.text
        )
    assert workspace.store.count_chunks("path LIKE '%inside-loop.md'") == 1
    records = workspace.store.file_records()
    assert all(r.error for r in records.values() if r.status is not FileStatus.INDEXED)
    again = sync(workspace, folder)
    assert again.indexed == 0 and again.chunks_embedded == 0


def test_an_interrupted_run_keeps_finished_files_and_the_next_run_continues(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(6):
        (folder / f"note{i}.md").write_text(f"# Note {i}\n\nNote {i} records the {i}th harbour visit.")
    workspace = make_workspace()
    workspace.indexer.batch_chunks = 1  # commit after every file
    cancel = threading.Event()
    finished = 0
    for event in workspace.indexer.sync([str(folder)], cancel=cancel):
        if isinstance(event, FileDone) and event.outcome is Outcome.INDEXED:
            finished += 1
            if finished == 2:
                cancel.set()
        if isinstance(event, SyncFinished):
            assert event.report.cancelled
    kept = len(workspace.store.file_records())
    assert 2 <= kept < 6
    rest = sync(workspace, folder)
    assert rest.indexed == 6 - kept and rest.unchanged == kept and rest.removed == 0
    assert workspace.store.count_chunks() == 6


def test_searching_while_an_index_run_writes_gives_consistent_results(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path], tmp_path: Path
) -> None:
    folder = copy_docs(*DOCS)
    writer = make_workspace()
    writer.indexer.batch_chunks = 8
    (folder / "seed.md").write_text("# Seed\n\nThe seed note mentions cookies and tunnels.")
    sync(writer, folder)
    for i in range(8):
        (folder / f"extra{i}.md").write_text(paragraphs(6, word=f"extra{i}"))
    reader = make_workspace()  # another Store on the same directory, as another process would have
    failures: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            sync(writer, folder)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    searches = 0
    while not done.is_set() or searches == 0:
        result = reader.retriever.search("cookies procedure step", k=10)
        ids = [h.chunk_id for h in result.hits]
        assert len(ids) == len(set(ids)), "a chunk appeared twice"
        searches += 1
    thread.join()
    assert not failures
    assert searches >= 1
    final = reader.retriever.search("extra7 procedure", k=10).hits
    assert any(h.path.endswith("extra7.md") for h in final)


def test_another_embedding_model_is_refused_not_mixed(indexed: tuple[Any, Path, SyncReport]) -> None:
    from kenning.core.errors import IndexIncompatible

    workspace, _, _ = indexed
    with pytest.raises(IndexIncompatible, match="all-MiniLM-L6-v2"):
        workspace.store.check_model("some-other-model")


def test_files_over_the_size_cap_are_skipped_with_the_limit(
    make_workspace: Callable[..., Any], tmp_path: Path
) -> None:
    from kenning.core.settings import Settings

    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "large.txt").write_text("word " * 300_000)
    settings = Settings()
    settings.index.max_file_mb = 1.0
    workspace = make_workspace(settings)
    report = sync(workspace, folder)
    assert [i.reason for i in report.skipped] == [
        "file is too large (1.5 MB; the limit is 1.0 MB, see settings)"
    ]


class _CancelAfterChecks(threading.Event):
    """Becomes set after it has been asked a number of times: a Stop pressed mid-embedding."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.checks = checks
        self.asked = 0

    def is_set(self) -> bool:
        self.asked += 1
        if self.asked >= self.checks:
            self.set()
        return super().is_set()


def test_cancel_stops_inside_a_big_embedding_batch_and_keeps_nothing_half_done(
    make_workspace: Any, tmp_path: Path
) -> None:
    docs = tmp_path / "long"
    docs.mkdir()
    (docs / "long.txt").write_text(
        "\n\n".join(f"Paragraph {i} talks about topic number {i} at some length. " * 3 for i in range(1500))
    )
    workspace = make_workspace()
    cancel = _CancelAfterChecks(5)  # the embedder asks once per model batch (32 chunks here)
    events = list(workspace.indexer.sync([str(docs)], cancel=cancel))
    report = events[-1].report
    assert isinstance(events[-1], SyncFinished) and report.cancelled
    assert report.chunks_embedded == 0 and report.indexed == 0  # the unfinished batch is dropped whole
    assert workspace.store.count_chunks() == 0
    assert all(r.chunks == 0 for r in workspace.store.file_records().values())


def test_a_long_sync_optimizes_as_it_goes(make_workspace: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(6):
        (folder / f"note{i}.md").write_text(paragraphs(8, word=f"topic{i}"), encoding="utf-8")
    workspace = make_workspace()
    workspace.indexer.batch_chunks = 2
    workspace.indexer.optimize_every_rows = 6
    store = workspace.store
    chunks_when_optimized: list[int] = []
    real_optimize = store.optimize

    def optimize() -> None:
        chunks_when_optimized.append(store.count_chunks())
        real_optimize()

    store.optimize = optimize  # type: ignore[method-assign]
    report = sync(workspace, folder)
    assert report.indexed == 6
    assert report.optimizations == len(chunks_when_optimized) >= 2  # during the sync, and once at the end
    assert chunks_when_optimized[0] < report.chunks_added  # the first came before the last commit
    assert top_paths(workspace, "topic3 procedure")[0].endswith("note3.md")


def test_the_model_load_is_reported_apart_from_embedding(
    make_workspace: Callable[..., Any], copy_docs: Callable[..., Path]
) -> None:
    from kenning.core.index.embedder import Embedder

    workspace = make_workspace()
    workspace.__dict__["embedder"] = Embedder(workspace.embedder.location, device="cpu")  # not loaded yet
    first = sync(workspace, copy_docs(DOCS[0], folder="first"))
    assert first.model_load_seconds > 0 and first.embed_seconds > 0
    second = sync(workspace, copy_docs(DOCS[1], folder="second"))
    assert second.chunks_embedded > 0 and second.model_load_seconds == 0
