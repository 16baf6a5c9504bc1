"""Decide whether retrieval found anything that can answer the question at all.

A cosine cut-off alone cannot: with this embedding model the best passage for a question the
documents cannot answer scores as high as many answerable ones. So the gate combines three signals:
the best vector similarity, how many of the question's words occur in the best passages, and
whether a distinctive word of the question occurs nowhere in the whole index (asking about
"Gurobi" when no document ever mentions it). Distinctive means not an everyday word: the embedding
model's vocabulary holds "long" and "kept" as single tokens but splits "wireguard" or "nftables",
so a small index that lacks everyday words does not refuse everything. Calibrated on the 69
labelled questions of ../shared/corpus (tests/bench/bench_not_found.py): all 8 unanswerable
ones are refused, all 61 answerable pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kenning.core.domain.documents import Hit
from kenning.core.validate.text_overlap import STOP_WORDS, content_terms

# A question passes when either signal is strong, or both are fair.
STRONG_SIMILARITY = 0.62
STRONG_COVERAGE = 0.75
FAIR_SIMILARITY = 0.40
FAIR_COVERAGE = 0.5
TOP_PASSAGES = 5
# A word the index has never seen only vetoes an answer when the passages are not close anyway.
UNKNOWN_WORD_VETO_BELOW = 0.62
_QUESTION_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+'-]*")


@dataclass(frozen=True)
class Relevance:
    similarity: float  # best cosine similarity among the hits
    coverage: float  # share of the question's content words found in the top passages
    relevant: bool
    unknown_words: list[str] = field(default_factory=list)  # question words no document contains


def question_words(question: str) -> list[str]:
    """Words worth looking up: no stop words, no contractions, at least three characters."""
    words = [w for w in _QUESTION_WORD.findall(question) if "'" not in w]
    return list(dict.fromkeys(w for w in words if len(w) > 2 and w.lower() not in STOP_WORDS))


def judge(
    question: str,
    hits: Sequence[Hit],
    word_in_index: Callable[[str], bool] | None = None,
    distinctive: Callable[[str], bool] | None = None,
) -> Relevance:
    if not hits:
        return Relevance(0.0, 0.0, False)
    similarity = max((h.vector_score or 0.0) for h in hits)
    terms = content_terms(question)
    found: set[str] = set()
    for hit in hits[:TOP_PASSAGES]:
        found |= terms & content_terms(" ".join(hit.section) + " " + hit.text)
    share = len(found) / len(terms) if terms else 0.0
    relevant = (
        similarity >= STRONG_SIMILARITY
        or share >= STRONG_COVERAGE
        or (similarity >= FAIR_SIMILARITY and share >= FAIR_COVERAGE)
    )
    unknown: list[str] = []
    if relevant and word_in_index is not None and similarity < UNKNOWN_WORD_VETO_BELOW:
        candidates = [w for w in question_words(question) if distinctive is None or distinctive(w)]
        unknown = [w for w in candidates if not word_in_index(w)]
        relevant = not unknown
    return Relevance(round(similarity, 4), round(share, 4), relevant, unknown)
