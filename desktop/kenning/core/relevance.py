"""Decide whether retrieval found anything that can answer the question at all.

A cosine cut-off alone cannot: with this embedding model the best passage for a question the
documents cannot answer scores as high as many answerable ones. So the gate combines the best
vector similarity with how many of the question's distinctive words occur in the best passages.
Thresholds are calibrated on the labelled questions of ../shared/corpus (tests/bench/bench_not_found.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kenning.core.model import Hit
from kenning.core.text_overlap import content_terms

# A question passes when either signal is strong, or both are fair.
STRONG_SIMILARITY = 0.62
STRONG_COVERAGE = 0.75
FAIR_SIMILARITY = 0.40
FAIR_COVERAGE = 0.5
TOP_PASSAGES = 5


@dataclass(frozen=True)
class Relevance:
    similarity: float  # best cosine similarity among the hits
    coverage: float  # share of the question's content words found in the top passages
    relevant: bool


def judge(question: str, hits: Sequence[Hit]) -> Relevance:
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
    return Relevance(round(similarity, 4), round(share, 4), relevant)
