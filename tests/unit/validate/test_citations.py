from __future__ import annotations

from typing import Any

import pytest

from kenning.core.domain.documents import Hit
from kenning.core.validate.citations import check_citations

EXPIRES = (
    "ExpiresByType image/gif A2592000 makes GIF images expire after a month in the client's cache. "
    "HTML documents are good for a week."
)
TIMEOUT = "The Readline variable keyseq-timeout is specified in milliseconds. The default value is 500."
SOURCES = [
    Hit(1, "/d/expires.docx", None, (), EXPIRES, 1.0, 0, 100),
    Hit(2, "/d/bash.pdf", 131, (), TIMEOUT, 1.0, 0, 80),
]


def test_valid_citations_carry_path_page_and_the_supporting_sentence(embedder: Any) -> None:
    text = (
        "GIF images expire from the client's cache after a month [1]. "
        "The keyseq-timeout default is 500 milliseconds [2]."
    )
    checked = check_citations(text, SOURCES, embedder.embed)
    assert checked.invalid == []
    assert [(c.n, c.path, c.page, c.supported) for c in checked.citations] == [
        (1, "/d/expires.docx", None, True),
        (2, "/d/bash.pdf", 131, True),
    ]
    assert checked.citations[1].quote in SOURCES[1].text


def test_numbers_that_match_no_source_are_removed_and_flagged(embedder: Any) -> None:
    checked = check_citations(
        "The default is 500 milliseconds [2][7]. Also see [9].", SOURCES, embedder.embed
    )
    assert checked.invalid == [7, 9]
    assert "[7]" not in checked.text and "[9]" not in checked.text and "[2]" in checked.text
    assert [c.n for c in checked.citations] == [2]


def test_a_sentence_its_source_does_not_support_is_marked(embedder: Any) -> None:
    text = "Vim stores swap files in the home directory by default [2]."
    checked = check_citations(text, SOURCES, embedder.embed)
    assert [(c.n, c.supported) for c in checked.citations] == [(2, False)]


@pytest.mark.parametrize(
    "text",
    [
        "The default value is 500 [2].",
        "The default value is 500. [2]",
        "The default value is 500 [Source 2].",
        "The default value is 500 [1, 2].",
    ],
)
def test_citation_forms_small_models_write_are_understood(text: str) -> None:
    checked = check_citations(text, SOURCES)
    assert 2 in [c.n for c in checked.citations]
    assert all(c.sentence.startswith("The default value is 500") for c in checked.citations)
