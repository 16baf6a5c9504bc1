"""Whether a retrieved passage is the one a test question expects.

A passage matches when its file is one of the question's sources (compared as a path suffix, so a
test set travels with its folder) and, for a PDF with pages given, its page is one of them. The
stricter "evidence" match also needs the passage to hold one of the evidence texts, compared after
folding case and whitespace.
"""

from __future__ import annotations

import re

from kenning.core.domain.documents import Hit
from kenning.core.evaluate.test_set import TestQuestion

_SPACE = re.compile(r"\s+")


def normalized(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\x02", "")).strip().lower()


def same_file(path: str, source: str) -> bool:
    path = path.replace("\\", "/")
    source = source.replace("\\", "/").lstrip("./")
    return path == source or path.endswith("/" + source)


def right_place(question: TestQuestion, hit: Hit) -> bool:
    """The right file and, for a PDF with listed pages, the right page."""
    if not any(same_file(hit.path, s) for s in question.sources):
        return False
    if hit.path.lower().endswith(".pdf") and question.pages:
        return hit.page in question.pages
    return True


def holds_evidence(question: TestQuestion, hit: Hit) -> bool:
    if not question.evidence:
        return True
    text = normalized(hit.text)
    return any(normalized(e) in text for e in question.evidence)


def first_match(question: TestQuestion, hits: list[Hit], *, evidence: bool, depth: int = 10) -> int | None:
    """1-based rank of the first matching passage within `depth`, or None."""
    for rank, hit in enumerate(hits[:depth], 1):
        if right_place(question, hit) and (not evidence or holds_evidence(question, hit)):
            return rank
    return None
