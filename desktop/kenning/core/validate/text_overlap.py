"""Cheap lexical matching shared by citation checks, extractive answers and the relevance gate."""

from __future__ import annotations

import itertools
import re

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*[A-Za-z0-9]|[A-Za-z0-9]")
# A boundary: end punctuation followed by a capital, digit or bracket ("i.e. the" is not one), or a newline.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[#*-])|\n+")
_STOP_WORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not of
off on once only or other our out over own same she should so some such than that the their them
then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours use used using want wants get gets one way
tell know need does doesn't don't which much many
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def stem(word: str) -> str:
    """A deliberately small stemmer: enough to match 'caches' with 'cache' and 'limited' with 'limit'."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> set[str]:
    return {stem(w.lower()) for w in _WORD.findall(text) if w.lower() not in STOP_WORDS}


def coverage(terms: set[str], text: str) -> float:
    """Share of `terms` that occur in `text`."""
    if not terms:
        return 0.0
    return len(terms & content_terms(text)) / len(terms)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    cuts = [0, *(m.end() for m in _BOUNDARY.finditer(text)), len(text)]
    for start, end in itertools.pairwise(cuts):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start > 1:
            spans.append((start, end))
    return spans


def matching_spans(terms: set[str], text: str) -> list[tuple[int, int]]:
    """Where the words of `terms` occur in `text`, for highlighting what matched a query."""
    return [m.span() for m in _WORD.finditer(text) if stem(m.group().lower()) in terms]
