"""What the not-found gate looks at, measured once per question so a bench can try many thresholds.

Four signals: the best vector similarity; the share of the question's words found in the top
passages; the share of the question's *rarity* found there (each word weighted by how few passages
of the whole index hold it, so "gurobi" weighs far more than "model"); and the distinctive words
that no passage of the index holds at all (a question about something no document names asks about
something else, however close its everyday words bring the passages; so does a name of several
words, or a name with a version, that no passage holds side by side: "Secure Boot", "Git 3.0").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kenning.core.domain.documents import Hit
from kenning.core.validate.text_overlap import STOP_WORDS, content_terms, stem

TOP_PASSAGES = 5
# Counting a word's passages stops here: past it a word is common, and its weight hardly changes.
FREQUENCY_CAP = 50
_JOINED = re.compile(r"[-_./+]")
_IDENTIFIER = re.compile(r"[_.+]")
_HYPHENATED = re.compile(r"[-/]")
_NAME_PHRASE = re.compile(r"\b[A-Z][\w+-]*(?:[ ][A-Z][\w+-]*)+|\b[A-Za-z][\w+-]*[ ]\d+(?:\.\d+)+\b")
# A word may hold inner dots and slashes ("viz.js", "HTTP/3"), not end with one.
_QUESTION_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+'-]*(?:[./][A-Za-z0-9_+-]+)*")

# How many passages hold a word (at most FREQUENCY_CAP); 0 means none.
WordFrequency = Callable[[str], int]


@dataclass(frozen=True)
class Signals:
    similarity: float  # best cosine similarity among the hits
    coverage: float  # share of the question's content words found in the top passages
    rare_coverage: float = 1.0  # the same share, each word weighted by its rarity in the index
    unknown_words: list[str] = field(default_factory=list)  # distinctive words no passage holds

    def features(self) -> tuple[float, ...]:
        """What the gate's linear score weighs, in the order of `FEATURES`."""
        return (self.similarity, self.coverage, self.rare_coverage)


FEATURES = ("similarity", "coverage", "rare_coverage")


def is_distinctive(word: str, tokens: Callable[[str], int]) -> bool:
    """Not an everyday word: the embedding model's vocabulary has no single token for it
    (`tokens` counts them). A name joined with "_", "." or "+" is an identifier ("viz.js",
    "mod_pagespeed"); a word joined with "-" or "/" is distinctive when one of its parts is:
    "php-fpm" is, "walk-through" and "tun/tap" are not, nor "browsers" (its stem is one token)."""
    if _IDENTIFIER.search(word):
        return True
    # "browsers" splits into pieces where "browser" does not: an inflection is no name.
    return any(
        tokens(part.lower()) > 1 and tokens(stem(part.lower())) > 1 for part in _JOINED.split(word) if part
    )


def is_name(word: str, question: str) -> bool:
    """Capitalised inside the sentence: a product or a project ("Mermaid", "Bitbucket"), which a
    document either names or is not about. Not the question's first word."""
    return word[:1].isupper() and not question.lstrip().startswith(word)


def _new(
    word: str, question: str, frequency: WordFrequency, distinctive: Callable[[str], bool] | None
) -> bool:
    """Whether a word no passage holds names something the documents do not know. A hyphenated
    word is new only when one of its parts is ("PHP-FPM" for "FPM"), not "HTTPS-only"."""
    parts = [p for p in _HYPHENATED.split(word) if p]
    if len(parts) > 1 and not _IDENTIFIER.search(word):
        return any(frequency(p) == 0 and _new(p, question, frequency, distinctive) for p in parts)
    return distinctive is None or distinctive(word) or is_name(word, question)


def name_phrases(question: str) -> list[str]:
    """Names of several words ("Oh My Zsh", "Secure Boot") and a name with a version ("Git 3.0"):
    a document about the thing writes them so, side by side. The question's first word is no name."""
    first, _, rest = question.lstrip().partition(" ")
    found = (m.group(0) for m in _NAME_PHRASE.finditer(f"{first.lower()} {rest}"))
    return list(dict.fromkeys(name for name in found if "I" not in name.split()))


def question_words(question: str) -> list[str]:
    """Words worth looking up: no stop words, no contractions, at least three characters."""
    words = [w for w in _QUESTION_WORD.findall(question) if "'" not in w]
    return list(dict.fromkeys(w for w in words if len(w) > 2 and w.lower() not in STOP_WORDS))


def measure(
    question: str,
    hits: Sequence[Hit],
    frequency: WordFrequency | None = None,
    distinctive: Callable[[str], bool] | None = None,
) -> Signals:
    if not hits:
        return Signals(0.0, 0.0, 0.0)
    similarity = max((h.vector_score or 0.0) for h in hits)
    top = [content_terms(" ".join(h.section) + " " + h.text) for h in hits[:TOP_PASSAGES]]
    in_top = set().union(*top)
    terms = content_terms(question)
    share = len(terms & in_top) / len(terms) if terms else 0.0
    if frequency is None:
        return Signals(round(similarity, 4), round(share, 4))
    weights: dict[str, float] = {}
    unknown: list[str] = []
    for word in question_words(question):
        count = frequency(word)
        if count == 0 and _new(word, question, frequency, distinctive):
            unknown.append(word)
        weights[word] = math.log((FREQUENCY_CAP + 1) / (count + 1)) + 0.1
    unknown += [name for name in name_phrases(question) if frequency(name) == 0]
    total = sum(weights.values())
    found = sum(w for word, w in weights.items() if stem(word.lower()) in in_top or word.lower() in in_top)
    rare = found / total if total else 0.0
    return Signals(round(similarity, 4), round(share, 4), round(rare, 4), unknown)
