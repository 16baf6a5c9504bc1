"""Check an answer's citations against its sources.

Citations that name no source are removed from the text and reported. Each cited sentence is
compared with the passage it cites, by shared content words and by embedding similarity; when
neither is high enough the citation is marked unsupported. The quote is the passage sentence that
best matches the citing sentence, so the reader can check the claim at a glance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kenning.core.domain.answers import Citation
from kenning.core.domain.documents import Hit
from kenning.core.validate.text_overlap import content_terms, coverage, sentence_spans

_MARK = re.compile(r"\[(?:(?:source|src)\s*)?(\d+(?:\s*[,;]\s*(?:(?:source|src)\s*)?\d+)*)\]", re.IGNORECASE)
_SPLIT = re.compile(r"(?<=[.!?])\s+")
# Calibrated on the corpus (tests/bench/bench_citation_support.py): an answer sentence and the
# evidence passage it comes from, against the same sentence and an unrelated passage.
LEXICAL_MIN = 0.5
EMBEDDING_MIN = 0.5

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class CheckedAnswer:
    text: str  # the answer with invalid citation marks removed
    citations: list[Citation]
    invalid: list[int]


def numbers_in(mark_body: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", mark_body)]


def _cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """(sentence without marks, cited numbers); marks opening a sentence belong to the one before."""
    pieces = [p for p in _SPLIT.split(text) if p.strip()]
    result: list[tuple[str, list[int]]] = []
    for piece in pieces:
        lead = re.match(r"^(\s*(?:\[[^\]]*\]\s*)+)", piece)
        if lead and result and _MARK.search(lead.group(1)):
            sentence, numbers = result[-1]
            extra = [n for m in _MARK.finditer(lead.group(1)) for n in numbers_in(m.group(1))]
            result[-1] = (sentence, numbers + extra)
            piece = piece[lead.end() :]
        numbers = [n for m in _MARK.finditer(piece) for n in numbers_in(m.group(1))]
        plain = re.sub(r"\s+([.,;:!?])", r"\1", _MARK.sub("", piece)).strip()
        if plain or numbers:
            result.append((plain, numbers))
    return result


def _best_quote(sentence: str, passage: str) -> tuple[str, float]:
    terms = content_terms(sentence)
    best, best_score = "", -1.0
    for start, end in sentence_spans(passage):
        candidate = passage[start:end]
        score = coverage(terms, candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best.strip(), max(best_score, 0.0)


def check_citations(text: str, sources: Sequence[Hit], embed: Embed | None = None) -> CheckedAnswer:
    valid = set(range(1, len(sources) + 1))
    invalid: list[int] = []

    def drop_invalid(match: re.Match[str]) -> str:
        numbers = numbers_in(match.group(1))
        bad = [n for n in numbers if n not in valid]
        invalid.extend(bad)
        good = [n for n in numbers if n in valid]
        return "".join(f"[{n}]" for n in good)

    cleaned = _MARK.sub(drop_invalid, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    pairs = [(s, n) for s, numbers in _cited_sentences(cleaned) for n in dict.fromkeys(numbers)]
    similarities = _similarities(pairs, sources, embed)
    citations = []
    for (sentence, n), similarity in zip(pairs, similarities, strict=True):
        source = sources[n - 1]
        quote, _ = _best_quote(sentence, source.text)
        whole = coverage(content_terms(sentence), source.text)
        supported = whole >= LEXICAL_MIN or similarity >= EMBEDDING_MIN
        citations.append(
            Citation(
                n=n,
                path=source.path,
                page=source.page,
                quote=quote,
                supported=supported,
                sentence=sentence,
                support_score=round(max(whole, similarity), 3),
            )
        )
    return CheckedAnswer(cleaned.strip(), citations, sorted(set(invalid)))


def _similarities(pairs: list[tuple[str, int]], sources: Sequence[Hit], embed: Embed | None) -> list[float]:
    if not pairs or embed is None:
        return [0.0] * len(pairs)
    sentences = sorted({s for s, _ in pairs})
    cited = sorted({n for _, n in pairs})
    vectors = embed([*sentences, *(sources[n - 1].text for n in cited)])
    sentence_vec = dict(zip(sentences, vectors[: len(sentences)], strict=True))
    source_vec = dict(zip(cited, vectors[len(sentences) :], strict=True))
    return [float(np.dot(sentence_vec[s], source_vec[n])) for s, n in pairs]


def renumber_citations(text: str, offset: int, count: int) -> str:
    """Citations [1]..[count] of a part become [offset+1]..[offset+count] of the whole; a number
    outside the part names no source of it and is dropped (a summary of chunks 40-60 citing [99])."""

    def shift(match: re.Match[str]) -> str:
        kept = [n + offset for n in numbers_in(match.group(1)) if 1 <= n <= count]
        return "".join(f"[{n}]" for n in kept)

    return _MARK.sub(shift, text)


def has_citation(text: str) -> bool:
    return _MARK.search(text) is not None
