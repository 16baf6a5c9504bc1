"""Decide whether retrieval found anything that can answer the question at all.

A cosine cut-off alone cannot: with this embedding model the best passage for a question the
documents cannot answer scores as high as many answerable ones. So the gate weighs the signals of
`gate_signals` in one linear score (log-odds that the passages can answer): the best similarity,
how much of the question's words and of its rarity the top passages hold. Apart from the score, a
distinctive word that no document holds at all ("Gurobi", "cpanminus"), or a name like "Secure Boot"
or "Git 3.0" that no passage holds side by side, refuses the question however close the passages
are. Distinctive means not an everyday word: the embedding model's vocabulary holds "long" and
"kept" as single tokens but splits "wireguard", so a small index that lacks everyday words does not
refuse everything.

The weights are fitted and cross-validated by tests/bench/bench_not_found_gate.py on the labelled
questions of ../shared/corpus/questions.jsonl and tests/data/eval/gate-questions.jsonl: see WEIGHTS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kenning.core.domain.documents import Hit
from kenning.core.search.gate_signals import Signals, WordFrequency, measure, question_words

__all__ = ["WEIGHTS", "Relevance", "Weights", "decide", "judge", "question_words"]


@dataclass(frozen=True)
class Weights:
    """A linear score over `Signals.features()`: the passages can answer when it is at least 0,
    and no distinctive word of the question is missing from every document."""

    weights: tuple[float, ...]  # one per name of gate_signals.FEATURES
    bias: float

    def score(self, signals: Signals) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, signals.features(), strict=True))


# Fitted on all 166 labelled questions whose sources are in a 145-file subset of the corpus (8,110
# passages) by tests/bench/bench_not_found_gate.py; there 94.6 % of unanswerable and 0.9 % of
# answerable questions refused. Cross-validated (2 folds, seed 14, fitted on one half, scored on the
# other, both ways): 53/56 unanswerable refused (94.6 %), 2/110 answerable refused (1.8 %); seeds 1-5
# give 92.9-94.6 % and 0.9-1.8 %.
WEIGHTS = Weights(weights=(11.6294, 8.1878, 0.4801), bias=-8.4471)
# A question whose score is this close to 0 is in the grey zone: worth asking the model about, when
# there is one.
GREY_BAND = 1.0


@dataclass(frozen=True)
class Relevance:
    similarity: float
    coverage: float
    relevant: bool
    unknown_words: list[str] = field(default_factory=list)  # question words no document contains
    rare_coverage: float = 1.0
    grey: bool = False  # near the line: the signals alone are not sure
    score: float = 0.0  # the gate's linear score: the passages can answer at 0 and above


def decide(signals: Signals, w: Weights = WEIGHTS) -> bool:
    return not signals.unknown_words and w.score(signals) >= 0.0


def judge(
    question: str,
    hits: Sequence[Hit],
    frequency: WordFrequency | None = None,
    distinctive: Callable[[str], bool] | None = None,
    weights: Weights = WEIGHTS,
) -> Relevance:
    signals = measure(question, hits, frequency, distinctive)
    score = weights.score(signals)
    relevant = bool(hits) and decide(signals, weights)
    return Relevance(
        signals.similarity,
        signals.coverage,
        relevant,
        signals.unknown_words,
        signals.rare_coverage,
        # Near the line, and not refused for a word no document holds (a model that reads the
        # passages cannot know better than the index that the word is nowhere).
        bool(hits) and not signals.unknown_words and abs(score) < GREY_BAND,
        round(score, 3),
    )
