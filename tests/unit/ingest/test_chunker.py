from __future__ import annotations

import itertools

import pytest

from kenning.core.domain.documents import Document, make_blocks
from kenning.core.index.embedding_models import locate_model
from kenning.core.ingest.chunker import Chunker
from kenning.core.ingest.token_counter import ModelTokenCounter, token_counter_for


@pytest.fixture(scope="module")
def counter() -> ModelTokenCounter:
    made = token_counter_for(locate_model("all-MiniLM-L6-v2").folder)
    assert isinstance(made, ModelTokenCounter)
    return made


def _doc(*blocks: tuple[str, int | None, tuple[str, ...]]) -> Document:
    return Document(path="/x/doc.md", title="Guide", loader="markdown", blocks=make_blocks(list(blocks)))


PROSE = " ".join(f"Sentence number {i} explains one more detail of the configuration." for i in range(60))


def test_chunks_fit_the_token_budget_and_end_on_sentence_boundaries(counter: ModelTokenCounter) -> None:
    chunker = Chunker(counter, target_tokens=64, overlap_tokens=16)
    chunks = chunker.chunk(_doc((PROSE, None, ("Setup",))))
    assert len(chunks) > 5
    sizes = counter.count_many([c.search_text for c in chunks])
    assert max(sizes) <= 64 + 2  # the context prefix is counted into the budget
    assert all(c.text.rstrip().endswith(".") for c in chunks)


def test_neighbouring_chunks_overlap_by_whole_sentences(counter: ModelTokenCounter) -> None:
    chunks = Chunker(counter, target_tokens=64, overlap_tokens=16).chunk(_doc((PROSE, None, ())))
    for first, second in itertools.pairwise(chunks):
        assert second.start < first.end, "no overlap"
        assert first.text.endswith(second.text[: first.end - second.start])


def test_offsets_point_back_into_the_document_text(counter: ModelTokenCounter) -> None:
    doc = _doc(("First page text. " * 40, 1, ()), ("Second page words. " * 40, 2, ()))
    chunks = Chunker(counter, target_tokens=48, overlap_tokens=8).chunk(doc)
    full = doc.text
    for c in chunks:
        assert full[c.start : c.end] == c.text
    assert {c.page for c in chunks} == {1, 2}
    assert all("Second" not in c.text for c in chunks if c.page == 1), "a chunk crossed a page"


def test_context_names_title_and_section_path(counter: ModelTokenCounter) -> None:
    chunks = Chunker(counter).chunk(_doc(("Body text here.", None, ("Install", "On Linux"))))
    assert chunks[0].context == "Guide > Install > On Linux"
    assert chunks[0].search_text.startswith("Guide > Install > On Linux\n")


def test_a_huge_line_without_punctuation_is_cut_into_bounded_chunks(counter: ModelTokenCounter) -> None:
    text = "lorem " * 200_000  # 1.2 MB on one line
    chunks = Chunker(counter, target_tokens=128, overlap_tokens=0).chunk(_doc((text, None, ())))
    assert len(chunks) > 100
    assert max(len(c.text) for c in chunks) < 128 * 12


def test_empty_blocks_give_no_chunks(counter: ModelTokenCounter) -> None:
    assert Chunker(counter).chunk(_doc(("   \n\n  ", None, ()))) == []
