"""Decide whether retrieval found anything that can answer the question at all.

A cosine cut-off alone cannot: with this embedding model the best passage for a question the
documents cannot answer scores as high as many answerable ones. So the gate combines the signals of
`gate_signals`: a question passes when the similarity or the word coverage is strong, or both are
fair; then it is refused when a distinctive word occurs nowhere in the index, or when the top
passages miss most of what makes the question rare ("Gurobi", "Powerlevel10k"), unless the passages
are close anyway. Distinctive means not an everyday word: the embedding model's vocabulary holds
"long" and "kept" as single tokens but splits "wireguard", so a small index that lacks everyday
words does not refuse everything.

Thresholds cross-validated by tests/bench/bench_not_found_gate.py on the labelled questions of
../shared/corpus/questions.jsonl and tests/data/eval/gate-questions.jsonl: see THRESHOLDS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from kenning.core.domain.documents import Hit
from kenning.core.search.gate_signals import Signals, WordFrequency, measure, question_words

__all__ = ["THRESHOLDS", "Relevance", "Thresholds", "decide", "judge", "question_words"]


@dataclass(frozen=True)
class Thresholds:
    strong_similarity: float
    strong_coverage: float
    fair_similarity: float
    fair_coverage: float
    veto_below: float  # the vetoes below apply only when the best passage is not this close
    rare_coverage: float  # refuse when less of the question's rarity than this is in the passages

    def shifted(self, by: float) -> Thresholds:
        """Every threshold moved by `by` (positive: stricter), to find the questions near the line."""
        return replace(
            self,
            strong_similarity=self.strong_similarity + by,
            strong_coverage=self.strong_coverage + by,
            fair_similarity=self.fair_similarity + by,
            fair_coverage=self.fair_coverage + by,
            veto_below=self.veto_below + by,
            rare_coverage=self.rare_coverage + by,
        )


# Tuned on all 108 questions of a corpus subset (13 folders, see the bench's --docs) by
# tests/bench/bench_not_found_gate.py; on everything 83.9 % of unanswerable refused, 1.9 % of
# answerable refused. Cross-validated (2-fold, seed 14, tuned on one half, scored on the other):
# 46/56 unanswerable refused (82.1 %), 4/52 answerable refused (7.7 %): short of the 87.5 % / 2 %
# target. The grid never chose a rarity cut-off above 0 on both halves, so `rare_coverage` is 0.
THRESHOLDS = Thresholds(
    strong_similarity=0.62,
    strong_coverage=0.9,
    fair_similarity=0.40,
    fair_coverage=0.5,
    veto_below=0.70,
    rare_coverage=0.0,
)
# A question whose verdict flips when every threshold moves this much is in the grey zone: worth
# asking the model about, when there is one.
GREY_BAND = 0.05


@dataclass(frozen=True)
class Relevance:
    similarity: float
    coverage: float
    relevant: bool
    unknown_words: list[str] = field(default_factory=list)  # question words no document contains
    rare_coverage: float = 1.0
    grey: bool = False  # near the line: the signals alone are not sure


def decide(signals: Signals, t: Thresholds = THRESHOLDS) -> bool:
    s = signals
    relevant = (
        s.similarity >= t.strong_similarity
        or s.coverage >= t.strong_coverage
        or (s.similarity >= t.fair_similarity and s.coverage >= t.fair_coverage)
    )
    if relevant and s.similarity < t.veto_below:
        relevant = not s.unknown_words and s.rare_coverage >= t.rare_coverage
    return relevant


def judge(
    question: str,
    hits: Sequence[Hit],
    frequency: WordFrequency | None = None,
    distinctive: Callable[[str], bool] | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> Relevance:
    best = max(((h.vector_score or 0.0) for h in hits), default=0.0)
    if best >= thresholds.veto_below + GREY_BAND:
        frequency = None  # the vetoes cannot apply: spare the full-text look-ups
    signals = measure(question, hits, frequency, distinctive)
    relevant = bool(hits) and decide(signals, thresholds)
    grey = bool(hits) and (
        decide(signals, thresholds.shifted(-GREY_BAND)) != decide(signals, thresholds.shifted(GREY_BAND))
    )
    return Relevance(
        signals.similarity,
        signals.coverage,
        relevant,
        signals.unknown_words,
        signals.rare_coverage,
        grey,
    )
